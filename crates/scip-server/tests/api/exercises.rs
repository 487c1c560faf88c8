//! Exercises: launch, lifecycle (409 with the state and allowed actions), speed, seek, live
//! injects, fire-now, resend, deliveries, receipts and the event log.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, scenario_doc, turn_scenario_doc, wait_for};

async fn delivered(app: &TestApp, exercise: &str, n: u64) -> Value {
    wait_for("deliveries", || async {
        let page = app.deliveries(exercise, "sort=seq").await;
        (page["total"].as_u64() == Some(n)).then_some(page)
    })
    .await
}

async fn an_exercise_runs_through_its_lifecycle(app: TestApp) {
    app.create_scenario(scenario_doc("life")).await;
    let (status, created) = app
        .post(
            "/api/v2/exercises",
            Role::Controller,
            json!({"scenario_id": "life", "name": "Morning run", "speed": 2.0}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["state"], "deployed");
    assert_eq!(created["name"], "Morning run");
    assert_eq!(created["speed"], 2.0);
    assert_eq!(created["clock"], "T+00:00");
    assert!(
        created["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("start"))
    );
    assert_eq!(created["teams"].as_array().unwrap().len(), 2);
    assert!(created["teams"][0]["access_code"].as_str().unwrap().len() == 9);

    // Wrong state: 409 naming the state and what is allowed.
    let (status, refused) = app.action(&id, "resume").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "invalid_transition");
    assert_eq!(refused["error"]["details"]["state"], "deployed");
    assert!(
        refused["error"]["details"]["allowed_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("start"))
    );
    let (status, _) = app.action(&id, "explode").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, started) = app.action(&id, "start").await;
    assert_eq!(status, StatusCode::OK, "{started}");
    assert_eq!(started["exercise"]["state"], "running");
    // The two injects at T+0 are delivered and published.
    let page = delivered(&app, &id, 2).await;
    assert_eq!(page["items"][0]["team"], "blue");
    wait_for("publication", || async {
        let page = app.deliveries(&id, "state=pending").await;
        (page["total"] == 0).then_some(())
    })
    .await;
    let (status, paused) = app.action(&id, "pause").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(paused["exercise"]["running"], false);
    let (status, speed) = app
        .post(
            &format!("/api/v2/exercises/{id}/speed"),
            Role::Controller,
            json!({"speed": 4}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(speed["exercise"]["speed"], 4.0);
    let (status, _) = app
        .post(
            &format!("/api/v2/exercises/{id}/speed"),
            Role::Controller,
            json!({"speed": 100}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Seek past red's 10:00 inject, skipping it; then past blue's 20:00, firing it.
    let (status, sought) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            json!({"to": "T+15:00", "passed": "skip"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sought}");
    assert!(sought["exercise"]["elapsed_ms"].as_u64().unwrap() >= 900_000);
    let (status, sought) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            json!({"to_ms": 1_300_000}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sought["deliveries"][0]["team"], "blue");
    let (status, back) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            json!({"to": "01:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{back}");
    let (status, _) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            json!({"to": "soon"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Skipped injects can still be fired by hand, but only once.
    let (status, fired) = app
        .post(
            &format!("/api/v2/exercises/{id}/fire-now"),
            Role::Controller,
            json!({"team": "red", "inject": "r2"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{fired}");
    let (status, _) = app
        .post(
            &format!("/api/v2/exercises/{id}/fire-now"),
            Role::Controller,
            json!({"team": "red", "inject": "nope"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, finished) = app.action(&id, "finish").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(finished["exercise"]["state"], "finished");
    let (status, _) = app.action(&id, "start").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, reset) = app.action(&id, "reset").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reset["exercise"]["run"], 2);
    assert_eq!(reset["exercise"]["clock"], "T+00:00");
    assert_eq!(app.deliveries(&id, "").await["total"], 0);
    assert_eq!(app.deliveries(&id, "run=1").await["total"], 3);
    let (status, stopped) = app.action(&id, "stop").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stopped["exercise"]["state"], "stopped");
    assert_eq!(stopped["exercise"]["allowed_actions"], json!([]));
    let (_, list) = app
        .get("/api/v2/exercises?state=stopped", Role::Observer)
        .await;
    assert_eq!(list["total"], 1);
    let (status, _) = app
        .get("/api/v2/exercises?state=bogus", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn live_injects_fire_now_and_resend_reach_deliveries(app: TestApp) {
    app.create_scenario(turn_scenario_doc("live")).await;
    let id = app.launch("live").await;
    let (status, sent) = app
        .post(
            &format!("/api/v2/exercises/{id}/live-injects"),
            Role::Controller,
            json!({
                "teams": ["ops"], "type": "intelligence", "priority": "urgent",
                "content": {"headline": "Flash", "body": "Vessel sighted."}
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let live_id = sent["live_inject"].as_str().unwrap().to_owned();
    assert_eq!(sent["deliveries"][0]["seq"], 1);
    for (body, expected) in [
        (
            json!({"teams": [], "type": "sms", "content": {"from": "a", "body": "b"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"teams": ["ghost"], "type": "sms", "content": {"from": "a", "body": "b"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"teams": ["ops"], "type": "trigger", "content": {}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"teams": ["ops"], "type": "sms", "content": {"from": "a"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"teams": ["ops"], "type": "sms", "priority": "asap", "content": {"from": "a", "body": "b"}}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"teams": ["ops"], "type": "sms", "content": {"from": "a", "body": "b"}, "media": ["nope.png"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, error) = app
            .post(
                &format!("/api/v2/exercises/{id}/live-injects"),
                Role::Controller,
                body.clone(),
            )
            .await;
        assert_eq!(status, expected, "{body}: {error}");
    }
    let (status, fired) = app
        .post(
            &format!("/api/v2/exercises/{id}/fire-now"),
            Role::Controller,
            json!({"team": "ops", "inject": "t2"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{fired}");
    // Resending needs a started exercise; starting fires turn 1 as well.
    let (status, _) = app.action(&id, "start").await;
    assert_eq!(status, StatusCode::OK);
    let page = delivered(&app, &id, 3).await;
    let live = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "live")
        .unwrap()
        .clone();
    assert_eq!(live["inject_id"], live_id);
    assert_eq!(live["type"], "intel");
    let delivery = live["id"].as_str().unwrap();
    let (status, one) = app
        .get(
            &format!("/api/v2/exercises/{id}/deliveries/{delivery}"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["payload"]["priority"], "urgent");
    assert_eq!(one["payload"]["content"]["headline"], "Flash");
    let (status, resent) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/deliveries/{delivery}/resend"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["deliveries"][0]["seq"], live["seq"]);
    wait_for("resend count", || async {
        let (_, one) = app
            .get(
                &format!("/api/v2/exercises/{id}/deliveries/{delivery}"),
                Role::Observer,
            )
            .await;
        (one["resent_count"] == 1).then_some(())
    })
    .await;
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/deliveries/nope/resend"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, filtered) = app
        .get(
            &format!("/api/v2/exercises/{id}/deliveries?team=ops&late=true"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(filtered["total"], 0);
    let (status, _) = app
        .get(
            &format!("/api/v2/exercises/{id}/deliveries?state=lost"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = app
        .get(
            &format!("/api/v2/exercises/{id}/deliveries?limit=0"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn turns_advance_and_the_event_log_pages(app: TestApp) {
    app.create_scenario(turn_scenario_doc("turns")).await;
    let id = app.launch("turns").await;
    let (status, _) = app.action(&id, "next-turn").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, started) = app.action(&id, "start").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(started["exercise"]["turn"]["current"], 1);
    assert_eq!(started["exercise"]["turn"]["total"], 2);
    let (status, next) = app
        .call(
            Method::POST,
            &format!("/api/v2/exercises/{id}/actions/next-turn"),
            Some(Role::Controller),
            Some(json!({"passed": "fire"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{next}");
    assert_eq!(next["exercise"]["turn"]["current"], 2);
    delivered(&app, &id, 2).await;
    let (status, first) = app
        .get(
            &format!("/api/v2/exercises/{id}/events?limit=2"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["items"][0]["seq"], 1);
    assert_eq!(first["items"][0]["kind"], "created");
    assert_eq!(first["items"][1]["kind"], "started");
    assert_eq!(first["next"], 2);
    let (_, second) = app
        .get(
            &format!("/api/v2/exercises/{id}/events?after=2&limit=1000"),
            Role::Observer,
        )
        .await;
    assert_eq!(second["items"][0]["seq"], 3);
    assert!(second["next"].is_null());
    let kinds: Vec<&str> = second["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "turn_started").count(),
        2,
        "{kinds:?}"
    );
    let (_, newest) = app
        .get(
            &format!("/api/v2/exercises/{id}/events?order=desc&limit=1"),
            Role::Observer,
        )
        .await;
    assert!(newest["items"][0]["seq"].as_u64().unwrap() > 3);
    for bad in ["limit=0", "limit=5000", "order=sideways", "after=-1"] {
        let (status, _) = app
            .get(
                &format!("/api/v2/exercises/{id}/events?{bad}"),
                Role::Observer,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let (status, _) = app
        .get("/api/v2/exercises/ex-unknown1/events", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn launching_needs_a_valid_scenario(app: TestApp) {
    for (body, expected) in [
        (json!({"scenario_id": "ghost"}), StatusCode::NOT_FOUND),
        (
            json!({"scenario_id": "Not a slug"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"scenario_id": "ghost", "speed": 0.1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"scenario": "ghost"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, error) = app
            .post("/api/v2/exercises", Role::Controller, body.clone())
            .await;
        assert_eq!(status, expected, "{body}: {error}");
    }
    app.create_scenario(scenario_doc("twice")).await;
    let a = app.launch("twice").await;
    let b = app.launch("twice").await;
    assert_ne!(a, b, "one scenario can run twice at once");
    let (status, _) = app
        .post(
            "/api/v2/exercises",
            Role::Controller,
            json!({"scenario_id": "twice", "version": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_databases!(
    an_exercise_runs_through_its_lifecycle,
    live_injects_fire_now_and_resend_reach_deliveries,
    turns_advance_and_the_event_log_pages,
    launching_needs_a_valid_scenario,
);
