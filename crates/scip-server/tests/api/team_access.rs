//! Participants: a team's access code (or a signed link) grants that team's feed, media and
//! receipts only, and ends with a code rotation or the exercise's stop.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, png_bytes, scenario_doc, upload, wait_for};

async fn team_get(app: &TestApp, token: &str, path: &str) -> StatusCode {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn prepared(app: &TestApp) -> String {
    for name in ["map.png", "chart.png", "later.png"] {
        let mut bytes = png_bytes();
        bytes.extend_from_slice(name.as_bytes());
        let (status, _) = upload(app, Role::Controller, name, bytes).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let mut doc = scenario_doc("access");
    doc["teams"][0]["injects"][0]["media"] = json!(["map.png"]);
    doc["teams"][0]["injects"][1]["media"] = json!(["later.png"]);
    doc["teams"][1]["injects"][0]["media"] = json!(["chart.png"]);
    app.create_scenario(doc).await;
    app.launch("access").await
}

async fn a_team_sees_only_its_own_delivered_media_and_receipts(app: TestApp) {
    let id = prepared(&app).await;
    let red_code = app.access_code(&id, "red").await;
    // Codes are typed loosely: case, spaces and dashes do not matter.
    let typed = red_code.replace('-', " ").to_lowercase();
    let response = app
        .client
        .post(app.url("/api/v2/team-access"))
        .json(&json!({"code": typed}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("scip_team=") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["team"]["id"], "red");
    let red = session["token"].as_str().unwrap().to_owned();
    let (status, me) = {
        let r = app
            .client
            .get(app.url("/api/v2/team-access/me"))
            .bearer_auth(&red)
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["exercise"], id);
    assert_eq!(me["exercise_state"], "deployed");
    // Nothing delivered yet: no media.
    assert_eq!(
        team_get(&app, &red, "/api/v2/media/map.png").await,
        StatusCode::NOT_FOUND
    );
    app.action(&id, "start").await;
    wait_for("T+0 deliveries", || async {
        (app.deliveries(&id, "").await["total"] == 2).then_some(())
    })
    .await;
    assert_eq!(
        team_get(&app, &red, "/api/v2/media/map.png").await,
        StatusCode::OK
    );
    assert_eq!(
        team_get(&app, &red, "/api/v2/media/chart.png").await,
        StatusCode::NOT_FOUND,
        "blue's file"
    );
    assert_eq!(
        team_get(&app, &red, "/api/v2/media/later.png").await,
        StatusCode::NOT_FOUND,
        "a future inject's file"
    );
    // A team token is no user: controller endpoints refuse it.
    for path in [
        "/api/v2/scenarios",
        "/api/v2/media",
        &format!("/api/v2/exercises/{id}"),
        &format!("/api/v2/exercises/{id}/deliveries"),
    ] {
        assert_eq!(
            team_get(&app, &red, path).await,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    // Receipts for its own deliveries only.
    let receipt = |seq: u64| json!({"seq": seq, "kind": "read"});
    let r = app
        .client
        .post(app.url("/api/v2/team-access/receipts"))
        .bearer_auth(&red)
        .json(&receipt(1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["changed"], true);
    let r = app
        .client
        .post(app.url("/api/v2/team-access/receipts"))
        .bearer_auth(&red)
        .json(&receipt(2))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "red has one delivery");
    let (_, receipts) = app
        .get(
            &format!("/api/v2/exercises/{id}/receipts?team=red"),
            Role::Observer,
        )
        .await;
    assert_eq!(receipts["total"], 1);
    assert_eq!(receipts["items"][0]["kind"], "read");
    let (_, blue_receipts) = app
        .get(
            &format!("/api/v2/exercises/{id}/receipts?team=blue"),
            Role::Observer,
        )
        .await;
    assert_eq!(blue_receipts["total"], 0);
    let (_, read) = app
        .get(
            &format!("/api/v2/exercises/{id}/deliveries?state=read"),
            Role::Observer,
        )
        .await;
    assert_eq!(read["items"][0]["team"], "red");
    // With the cookie instead of the bearer token, a receipt needs the CSRF value.
    let pair = cookie.split(';').next().unwrap().to_owned();
    let r = app
        .client
        .post(app.url("/api/v2/team-access/receipts"))
        .header("cookie", &pair)
        .json(&receipt(1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/api/v2/team-access/receipts"))
        .header("cookie", &pair)
        .header("x-csrf-token", session["csrf_token"].as_str().unwrap())
        .json(&receipt(1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["changed"], false);
}

async fn rotation_and_stop_end_team_access(app: TestApp) {
    let id = prepared(&app).await;
    let old_code = app.access_code(&id, "blue").await;
    let blue = app.team_token(&old_code).await;
    let (status, link) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/teams/blue/link"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let link_token = link["token"].as_str().unwrap().to_owned();
    // A link is not a session, and a session is not a link.
    assert_eq!(
        team_get(&app, &link_token, "/api/v2/team-access/me").await,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .client
        .post(app.url("/api/v2/team-access/link"))
        .json(&json!({"link": blue}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/v2/team-access/link"))
        .json(&json!({"link": link_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (status, rotated) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/teams/blue/access-code"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    assert_eq!(rotated["code_version"], 2);
    let new_code = rotated["access_code"].as_str().unwrap().to_owned();
    assert_ne!(new_code, old_code);
    assert_eq!(
        team_get(&app, &blue, "/api/v2/team-access/me").await,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .client
        .post(app.url("/api/v2/team-access"))
        .json(&json!({"code": old_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/v2/team-access/link"))
        .json(&json!({"link": link_token}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNAUTHORIZED,
        "links die with the old code too"
    );
    let blue = app.team_token(&new_code).await;
    assert_eq!(
        team_get(&app, &blue, "/api/v2/team-access/me").await,
        StatusCode::OK
    );
    // The rotation is in the event log, without the code.
    let (_, events) = app
        .get(
            &format!("/api/v2/exercises/{id}/events?order=desc&limit=1"),
            Role::Observer,
        )
        .await;
    assert_eq!(events["items"][0]["kind"], "access_code_rotated");
    assert!(!events.to_string().contains(&new_code));

    let (status, _) = app.action(&id, "stop").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        team_get(&app, &blue, "/api/v2/team-access/me").await,
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .client
        .post(app.url("/api/v2/team-access"))
        .json(&json!({"code": new_code}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/teams/blue/access-code"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    // Observers see teams without their codes.
    let (_, teams) = app
        .get(&format!("/api/v2/exercises/{id}/teams"), Role::Observer)
        .await;
    assert!(teams[0]["access_code"].is_null());
}

on_both_databases!(
    a_team_sees_only_its_own_delivered_media_and_receipts,
    rotation_and_stop_end_team_access,
);
