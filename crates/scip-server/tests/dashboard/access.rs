//! Who sees what: the sign-in page without a session, codes, cookies per team, rotation and
//! stop ending sessions.

use scip_core::engine::Command;
use scip_engine::LiveEvent;
use scip_store::DashboardRuntime;

use crate::support::{Dash, TestScip, scenario};

#[tokio::test]
async fn without_a_session_every_page_is_the_sign_in_page_and_shows_no_data() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("access-1"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    scip.command(&exercise, Command::Start).await;
    scip.fire(&exercise, "red", "red-news").await;
    let red = &teams[0];
    let dash = Dash::of(red);
    for path in [
        "/",
        "/news",
        "/email",
        "/sms",
        "/intel",
        "/alerts",
        "/social",
        "/?team=blue",
    ] {
        let (status, body) = dash.get(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains("Join your team"), "{path}: {body}");
        assert!(
            body.contains("Maritime Operations"),
            "the team is named: {path}"
        );
        assert!(!body.contains("Storm surge"), "no inject on {path}");
        assert!(!body.contains("data-live-url"), "no live stream on {path}");
    }
    let (status, body) = dash.get("/events?view=all").await;
    assert_eq!(status, 200);
    assert!(body.contains("event: signed-out"), "{body}");
    assert!(!body.contains("Storm surge"));
    let (status, _) = dash.get("/media/anything.png").await;
    assert_eq!(status, 401);
    let (status, _) = dash
        .receipts(serde_json::json!([{"run":1,"seq":1,"kind":"read"}]))
        .await;
    assert_eq!(status, 401);
    scip.shutdown().await;
}

#[tokio::test]
async fn the_teams_code_opens_its_dashboard_and_no_other() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("access-2"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let (red, blue) = (&teams[0], &teams[1]);

    let mut on_red = Dash::of(red);
    let (status, body) = on_red.sign_in(&blue.access_code).await;
    assert_eq!(status, 401, "blue's code does not open red's dashboard");
    assert!(body.contains("does not open Maritime Operations"), "{body}");
    assert!(on_red.cookie.is_none());
    let (status, body) = on_red.sign_in("").await;
    assert_eq!(status, 422);
    assert!(body.contains("Enter your team"), "{body}");

    // Typed loosely: lower case, spaces instead of the dash.
    let loose = red.access_code.to_lowercase().replace('-', " ");
    let (status, _) = on_red.sign_in(&loose).await;
    assert_eq!(status, 303);
    let (status, body) = on_red.get("/").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("data-live-url=\"/events?view=all\""),
        "{body}"
    );
    assert!(body.contains("Maritime Operations"));

    // Red's cookie means nothing to blue's dashboard, even on the same host.
    let mut on_blue = Dash::of(blue);
    on_blue.cookie = on_red.cookie.clone();
    let (_, body) = on_blue.get("/").await;
    assert!(body.contains("Join your team"), "{body}");
    let forged = on_red.cookie.clone().unwrap().replace(
        &format!("scip-team-{exercise}-red"),
        &format!("scip-team-{exercise}-blue"),
    );
    on_blue.cookie = Some(forged);
    let (_, body) = on_blue.get("/").await;
    assert!(
        body.contains("Join your team"),
        "a red session renamed is still refused"
    );
    scip.shutdown().await;
}

#[tokio::test]
async fn rotating_the_code_or_stopping_the_exercise_ends_sessions() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("access-3"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let red = &teams[0];
    let mut dash = Dash::of(red);
    dash.sign_in(&red.access_code).await;
    let mut events = dash.events("all", None).await;
    events.next_named("timer").await;

    // What the API does when a controller rotates the code.
    scip.store
        .rotate_access_code(&exercise, &red.team_id, "ZZZZ-2345", "tester", 0)
        .await
        .unwrap();
    scip.app()
        .state
        .engine
        .hub
        .publish(LiveEvent::ExerciseChanged {
            exercise: exercise.to_string(),
            version: 1_000,
        })
        .await;
    let out = events.next_named("signed-out").await;
    assert_eq!(out.json()["reason"], "code_rotated");
    let (_, body) = dash.get("/").await;
    assert!(body.contains("access code was changed"), "{body}");
    let (status, _) = dash.sign_in(&red.access_code).await;
    assert_eq!(status, 401, "the old code is gone");
    let (status, _) = dash.sign_in("zzzz2345").await;
    assert_eq!(status, 303);

    let mut events = dash.events("all", None).await;
    events.next_named("timer").await;
    scip.command(&exercise, Command::Stop).await;
    // The session ends (signed-out), or the dashboard is torn down first (closed).
    let end = loop {
        let event = events.next().await.expect("the stream says why it ends");
        if event.name == "signed-out" || event.name == "closed" {
            break event;
        }
    };
    let reason = end.json()["reason"].as_str().unwrap().to_owned();
    assert!(
        ["exercise_stopped", "dashboard_stopped"].contains(&reason.as_str()),
        "{reason}"
    );
    let torn_down = scip
        .wait_teams(&exercise, "dashboards torn down", |teams| {
            teams
                .iter()
                .all(|t| t.health == scip_store::DashboardHealth::Stopped)
        })
        .await;
    assert!(
        reqwest::get(torn_down[0].dashboard_url.clone().unwrap())
            .await
            .is_err(),
        "nothing listens on a torn-down dashboard's port"
    );
    scip.shutdown().await;
}

#[tokio::test]
async fn a_signed_link_signs_in_like_the_code_until_the_code_changes() {
    use scip_server::auth::token::TokenKeys;
    use scip_server::dashboard::session::mint_team_link;
    use std::time::Duration;

    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("access-4"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let keys = TokenKeys::new(crate::support::JWT_SECRET.as_bytes());
    let red_link = mint_team_link(
        &keys,
        &exercise,
        &teams[0].team_id,
        1,
        Duration::from_secs(600),
    );
    let blue_link = mint_team_link(
        &keys,
        &exercise,
        &teams[1].team_id,
        1,
        Duration::from_secs(600),
    );
    let dash = Dash::of(&teams[0]);

    let refused = dash
        .client
        .get(format!("{}/join?t={blue_link}", dash.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert!(refused.headers().get("set-cookie").is_none());
    let (status, _) = dash.get("/join").await;
    assert_eq!(status, 401);

    let joined = dash
        .client
        .get(format!("{}/join?t={red_link}", dash.base))
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status().as_u16(), 303);
    assert_eq!(joined.headers()["referrer-policy"], "no-referrer");
    let cookie = joined.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let mut signed_in = Dash::of(&teams[0]);
    signed_in.cookie = Some(cookie.split(';').next().unwrap().to_owned());
    let (_, body) = signed_in.get("/").await;
    assert!(body.contains("data-live-url"), "{body}");

    // A rotation ends the link too.
    scip.store
        .rotate_access_code(&exercise, &teams[0].team_id, "YYYY-2345", "tester", 0)
        .await
        .unwrap();
    let stale = dash
        .client
        .get(format!("{}/join?t={red_link}", dash.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status().as_u16(), 401);
    scip.shutdown().await;
}
