//! The live path: deliveries over SSE with their fragments, resuming after the last seq,
//! clock and state, receipts published once per team, presence, resets and media.

use scip_core::engine::Command;
use scip_core::model::Priority;
use scip_engine::LiveEvent;
use scip_store::{DashboardRuntime, DeliveryFilter, MediaRecord};
use serde_json::json;

use crate::support::{Dash, TestScip, email, news, scenario, sms};

#[tokio::test]
async fn a_fired_inject_reaches_the_signed_in_browser_with_its_fragment() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("live-1"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let mut red = Dash::of(&teams[0]);
    red.sign_in(&teams[0].access_code).await;
    let mut blue = Dash::of(&teams[1]);
    blue.sign_in(&teams[1].access_code).await;

    let mut all = red.events("all", None).await;
    let mut mail_view = red.events("email", None).await;
    let mut blue_events = blue.events("all", None).await;
    // The backlog is empty; the state and the clock come first.
    let first = all.until("timer").await;
    assert_eq!(
        first.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["state", "timer"]
    );
    assert_eq!(first[0].json()["state"], "deployed");
    blue_events.next_named("timer").await;
    mail_view.next_named("timer").await;

    scip.command(&exercise, Command::Start).await;
    scip.fire(&exercise, "red", "red-news").await;
    scip.fire(&exercise, "red", "red-mail").await;

    let news_event = all.next_named("delivery").await;
    assert_eq!(news_event.id.as_deref(), Some("1:1"));
    let data = news_event.json();
    assert_eq!(
        (data["run"].as_u64(), data["seq"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(data["type"], "news");
    assert_eq!(data["live"], true);
    assert_eq!(data["payload"]["id"], "red-news");
    let html = data["html"].as_str().unwrap();
    assert!(
        html.contains("id=\"d-1\"") && html.contains("Storm surge closes the north channel"),
        "{html}"
    );
    let mail = all.next_named("delivery").await.json();
    assert_eq!(mail["seq"], 2);
    assert!(mail["html"].as_str().unwrap().contains("Berth 4 closure"));
    assert!(mail["reader"].is_null(), "the All view has no reading pane");

    // The E-mail view gets the news item without a fragment (for counts) and the e-mail as
    // an inbox row plus its reading pane.
    let on_mail_page = mail_view.next_named("delivery").await.json();
    assert_eq!(on_mail_page["type"], "news");
    assert!(on_mail_page["html"].is_null());
    let row = mail_view.next_named("delivery").await.json();
    assert!(row["html"].as_str().unwrap().contains("mail-list__item"));
    assert!(row["reader"].as_str().unwrap().contains("mail-reader"));

    // Blue's stream heard nothing of red's injects.
    scip.fire(&exercise, "blue", "blue-news").await;
    let blue_delivery = blue_events.next_named("delivery").await.json();
    assert_eq!(blue_delivery["payload"]["id"], "blue-news");
    assert_eq!(blue_delivery["seq"], 1);
    scip.shutdown().await;
}

#[tokio::test]
async fn a_reconnect_gets_what_came_after_its_last_event_and_the_current_clock() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("live-2"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let mut red = Dash::of(&teams[0]);
    red.sign_in(&teams[0].access_code).await;
    scip.command(&exercise, Command::Start).await;
    let mut first = red.events("all", None).await;
    for id in ["red-news", "red-mail", "red-sms"] {
        scip.fire(&exercise, "red", id).await;
        first.next_named("delivery").await;
    }
    // A late joiner gets the whole feed at once, in order, then state and clock.
    let mut late = red.events("all", None).await;
    let events = late.until("timer").await;
    let ids: Vec<_> = events
        .iter()
        .filter(|e| e.name == "delivery")
        .map(|e| e.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["1:1", "1:2", "1:3"]);
    let timer = events.last().unwrap().json();
    assert_eq!(timer["state"], "running");

    // Resuming after 1:1 replays 2 and 3 only.
    let mut resumed = red.events("all", Some("1:1")).await;
    let events = resumed.until("timer").await;
    let ids: Vec<_> = events
        .iter()
        .filter(|e| e.name == "delivery")
        .map(|e| e.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["1:2", "1:3"]);

    // Paused: the state event says so at once.
    scip.command(&exercise, Command::Pause).await;
    let state = resumed.next_named("state").await.json();
    assert_eq!(state["state"], "paused");
    let mut after_pause = red.events("all", Some("1:3")).await;
    let events = after_pause.until("timer").await;
    assert!(events.iter().all(|e| e.name != "delivery"));
    assert_eq!(events.last().unwrap().json()["state"], "paused");

    // A browser still holding run 1 after a reset is told to clear, then gets run 2.
    scip.command(&exercise, Command::Reset).await;
    let reset = resumed.next_named("reset").await.json();
    assert_eq!(reset["run"], 2);
    let mut stale = red.events("all", Some("1:3")).await;
    let first = stale.next().await.unwrap();
    assert_eq!(first.name, "reset");
    assert_eq!(first.json()["run"], 2);
    scip.shutdown().await;
}

#[tokio::test]
async fn receipts_are_recorded_once_per_team_and_presence_counts_viewers() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("live-3"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let mut red = Dash::of(&teams[0]);
    red.sign_in(&teams[0].access_code).await;
    scip.command(&exercise, Command::Start).await;
    let hub = scip.app().state.engine.hub.clone();

    let viewers = hub.subscribe();
    let mut stream = red.events("all", None).await;
    stream.next_named("timer").await;
    let seen = scip
        .hub_event(viewers, "one viewer", |e| {
            matches!(e, LiveEvent::Presence { team, viewers: 1, online: true, .. } if team == "red")
        })
        .await;
    assert!(matches!(seen, LiveEvent::Presence { .. }));

    scip.fire(&exercise, "red", "red-mail").await;
    stream.next_named("delivery").await;
    let updates = hub.subscribe();
    let (status, body) = red
        .receipts(json!([
            {"run": 1, "seq": 1, "kind": "received"},
            {"run": 1, "seq": 1, "kind": "read"},
            {"run": 1, "seq": 9, "kind": "read"},
            {"run": 7, "seq": 1, "kind": "read"}
        ]))
        .await;
    assert_eq!(status, 202);
    assert_eq!(body, json!({"queued": 2, "repeated": 0, "unknown": 2}));
    scip.hub_event(
        updates,
        "the read receipt stored",
        |e| matches!(e, LiveEvent::DeliveriesUpdated { state, .. } if state == "read"),
    )
    .await;
    let delivery = scip
        .store
        .list_deliveries(&exercise, &DeliveryFilter::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(delivery.read_at.is_some() && delivery.received_at.is_some());

    // A second viewer sending the same receipt does not send it again.
    let (_, again) = red
        .receipts(json!([{"run": 1, "seq": 1, "kind": "read"}]))
        .await;
    assert_eq!(again["repeated"], 1);
    let (status, _) = red
        .receipts(json!([{"run": 1, "seq": 1, "kind": "opened"}]))
        .await;
    assert!(status == 400 || status == 422, "{status}");

    let gone = hub.subscribe();
    drop(stream);
    scip.hub_event(
        gone,
        "no viewers",
        |e| matches!(e, LiveEvent::Presence { team, viewers: 0, .. } if team == "red"),
    )
    .await;
    scip.shutdown().await;
}

#[tokio::test]
async fn media_of_the_feed_is_served_to_the_team_and_nothing_else_is() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("live-4"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let png = [0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 0];
    for name in ["harbour.png", "secret.png"] {
        std::fs::write(scip.dir.path().join("media").join(name), png).unwrap();
        scip.store
            .insert_media(&MediaRecord {
                name: name.into(),
                content_type: "image/png".into(),
                kind: scip_core::model::MediaKind::Image,
                size_bytes: png.len() as u64,
                width: None,
                height: None,
                sha256: "0".repeat(64),
                created_by: None,
                created_at: 0,
            })
            .await
            .unwrap();
    }
    scip.command(&exercise, Command::Start).await;
    scip.live(
        &exercise,
        "red",
        news("Pictures from the quay", "Flooding at berth 4."),
        Priority::High,
        vec!["harbour.png".into()],
    )
    .await;
    scip.live(
        &exercise,
        "blue",
        sms("Ops", "Photo attached"),
        Priority::Low,
        vec!["secret.png".into()],
    )
    .await;

    let mut red = Dash::of(&teams[0]);
    red.sign_in(&teams[0].access_code).await;
    let mut events = red.events("all", None).await;
    let card = events.next_named("delivery").await.json();
    assert!(
        card["html"]
            .as_str()
            .unwrap()
            .contains("src=\"/media/harbour.png\""),
        "{card}"
    );
    let response = red
        .client
        .get(format!("{}/media/harbour.png", red.base))
        .header("cookie", red.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), &png);
    for other in ["secret.png", "missing.png", "..%2Fscip.db"] {
        let (status, _) = red.get(&format!("/media/{other}")).await;
        assert_eq!(status, 404, "{other}");
    }
    scip.shutdown().await;
}

#[tokio::test]
async fn urgent_items_carry_their_pop_up_and_a_public_team_gets_wall_stories() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("live-5"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    scip.command(&exercise, Command::Start).await;
    let mut red = Dash::of(&teams[0]);
    red.sign_in(&teams[0].access_code).await;
    let mut events = red.events("sms", None).await;
    events.next_named("timer").await;
    scip.fire(&exercise, "red", "red-sms").await;
    let urgent = events.next_named("delivery").await.json();
    assert!(
        urgent["html"].as_str().unwrap().contains("bubble"),
        "{urgent}"
    );
    let banner = urgent["banner"].as_str().unwrap();
    assert!(
        banner.contains("URGENT") && banner.contains("/sms#d-1"),
        "{banner}"
    );

    let press = &teams[2];
    let mut wall = Dash::of(press);
    wall.sign_in(&press.access_code).await;
    let (_, page) = wall.get("/").await;
    assert!(
        page.contains("wall-body") && page.contains("view=wall"),
        "{page}"
    );
    let (status, _) = wall.get("/news").await;
    assert_eq!(status, 303, "a public feed has one page");
    let mut stream = wall.events("wall", None).await;
    stream.next_named("timer").await;
    scip.live(
        &exercise,
        "press",
        email("Newsdesk", "Not a story", "x"),
        Priority::Medium,
        vec![],
    )
    .await;
    scip.fire(&exercise, "press", "press-news").await;
    stream.next_named("delivery").await;
    let story = stream.next_named("delivery").await.json();
    assert!(
        story["html"].as_str().unwrap().contains("wall-item"),
        "{story}"
    );
    scip.shutdown().await;
}
