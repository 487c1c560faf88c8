//! The SCIP v3 compatible `/api/v1`: a script written for SCIP v3 runs unchanged once given a
//! token; shapes, status codes and the remaining endpoints.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, png_bytes, scenario_doc, turn_scenario_doc, wait_for};

async fn a_scip_v3_script_runs_unchanged_with_a_token(app: TestApp) {
    app.create_scenario(scenario_doc("harbour-storm")).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/api/fixtures/scip_v3_exercise.sh");
    let token = app.token(Role::Controller).await;
    let base = app.base.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg(script)
            .env("API", base)
            .env("TOKEN", token)
            .env("SCENARIO", "harbour-storm")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "script failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("SCIP v3 script finished"));
    // What the script did is on record: the manual inject reached both teams.
    let exercises = app
        .store()
        .exercises_of_scenario(&"harbour-storm".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(exercises[0].state().as_str(), "stopped");
    let id = exercises[0].id.to_string();
    let live = app.deliveries(&id, "sort=seq").await;
    let live: Vec<&Value> = live["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "live")
        .collect();
    assert_eq!(live.len(), 2);
    let (_, one) = app
        .get(
            &format!(
                "/api/v2/exercises/{id}/deliveries/{}",
                live[0]["id"].as_str().unwrap()
            ),
            Role::Observer,
        )
        .await;
    assert_eq!(one["payload"]["content"]["body"], "Report your status.");
    assert_eq!(one["payload"]["manual"], true);
    // Without the token the same calls are refused, with SCIP v3's `detail` in the body.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/exercises/harbour-storm/deploy",
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body["detail"].as_str().is_some(), "{body}");
}

async fn v1_lifecycle_errors_have_proper_status_codes(app: TestApp) {
    app.create_scenario(turn_scenario_doc("turn-test")).await;
    let call = |path: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                &format!("/api/v1/exercises/turn-test/{path}"),
                Some(Role::Controller),
                None,
            )
            .await
        }
    };
    let (status, body) = call("start").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["detail"].as_str().unwrap().contains("not deployed"),
        "{body}"
    );
    let (status, body) = app
        .get("/api/v1/exercises/turn-test/status", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], "NOT_STARTED");
    assert_eq!(body["teams"], json!([]));
    let (status, _) = call("deploy").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call("deploy").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = call("resume").await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "SCIP v3 said 200 with an error: {body}"
    );
    assert_eq!(body["error"]["details"]["state"], "deployed");
    let (status, _) = call("start").await;
    assert_eq!(status, StatusCode::OK);
    let (_, status_body) = app
        .get("/api/v1/exercises/turn-test/status", Role::Observer)
        .await;
    assert_eq!(status_body["turn_based"], true);
    assert_eq!(status_body["current_turn"], 1);
    assert_eq!(status_body["total_turns"], 2);
    assert_eq!(status_body["teams"][0]["total"], 2);
    let (status, body) = call("next-turn").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["turn"], 2);
    let (status, _) = call("next-turn").await;
    assert_eq!(status, StatusCode::CONFLICT, "the last turn");
    let (status, body) = call("finish").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["status"]
            .as_str()
            .unwrap()
            .starts_with("Exercise finished")
    );
    let (_, current) = app.get("/api/v1/exercises/current", Role::Observer).await;
    assert_eq!(current["active"], true);
    assert_eq!(current["scenario_name"], "turn-test");
    assert_eq!(current["state"], "FINISHED");
    let (status, _) = call("stop").await;
    assert_eq!(status, StatusCode::OK);
    let (_, current) = app.get("/api/v1/exercises/current", Role::Observer).await;
    assert_eq!(current, json!({"active": false}));
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/exercises/no-such/deploy",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/exercises/turn-test/deploy",
            Some(Role::Observer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn v1_scenarios_timelines_and_media_keep_their_shapes(app: TestApp) {
    let part = reqwest::multipart::Part::bytes(png_bytes()).file_name("photo.png");
    let bad = reqwest::multipart::Part::bytes(b"<html></html>".to_vec()).file_name("page.png");
    let form = reqwest::multipart::Form::new()
        .part("files", part)
        .part("files", bad);
    let response = app
        .request(Method::POST, "/api/v1/media/upload", Some(Role::Controller))
        .await
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let uploaded: Value = response.json().await.unwrap();
    assert_eq!(uploaded["successful"], 1);
    assert_eq!(uploaded["failed"], 1);
    assert_eq!(uploaded["uploaded"][0]["filename"], "photo.png");
    assert_eq!(uploaded["errors"][0]["filename"], "page.png");
    let only_bad = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(b"<html></html>".to_vec()).file_name("p.png"),
    );
    let response = app
        .request(Method::POST, "/api/v1/media/upload", Some(Role::Controller))
        .await
        .multipart(only_bad)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (_, media) = app.get("/api/v1/media", Role::Observer).await;
    assert_eq!(media["media"][0]["mime_type"], "image/png");
    let path = media["media"][0]["path"].as_str().unwrap().to_owned();

    app.create_scenario(turn_scenario_doc("legacy")).await;
    let (_, list) = app.get("/api/v1/scenarios", Role::Observer).await;
    assert_eq!(list["scenarios"][0]["id"], "legacy");
    assert_eq!(list["scenarios"][0]["turn_based"], true);
    assert_eq!(list["scenarios"][0]["total_turns"], 2);
    let (status, scenario) = app.get("/api/v1/scenarios/legacy", Role::Observer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        scenario["teams"][0]["timeline_file"],
        "legacy/teams/ops/timeline.json"
    );
    let (status, timeline) = app
        .get("/api/v1/timelines/legacy/ops", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(timeline["injects"][1]["turn"], 2);
    assert_eq!(timeline["injects"][1]["time"], 0);
    // An edited timeline, SCIP v3 style (SMS `text`, a media path), is saved as version 2.
    let mut edited = timeline.clone();
    edited["injects"][1]["time"] = json!(45);
    edited["injects"][1]["content"] = json!({"from": "Pilot", "text": "Tug adrift."});
    edited["injects"][1]["media"] = json!([path]);
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v1/timelines/legacy/ops",
            Some(Role::Controller),
            Some(edited),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["status"], "success");
    assert_eq!(saved["version"], 2);
    let (_, reread) = app
        .get("/api/v1/timelines/legacy/ops", Role::Observer)
        .await;
    assert_eq!(reread["injects"][1]["time"], 45);
    assert_eq!(reread["injects"][1]["content"]["body"], "Tug adrift.");
    assert_eq!(reread["injects"][1]["turn"], 2, "the turn survives an edit");
    // Errors are refused with every problem and nothing saved.
    let broken = json!({"injects": [{"id": "x", "time": "soon", "type": "sms", "content": {}}]});
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/timelines/legacy/ops",
            Some(Role::Controller),
            Some(broken),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["detail"].is_string());
    let (status, _) = app
        .get("/api/v1/timelines/legacy/ghost", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "SCIP v3 said 500 here");
    let (status, _) = app.get("/api/v1/scenarios/ghost", Role::Observer).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The media file is in use now; a free one can be deleted by its path.
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/media?path={path}"),
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v1/media?path=/api/media/../../etc/passwd",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v1/media?path=/api/media/library/nothing.png",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The live inject media path of a manual inject resolves to the library file.
    app.call(
        Method::POST,
        "/api/v1/exercises/legacy/deploy",
        Some(Role::Controller),
        None,
    )
    .await;
    let (status, sent) = app
        .call(Method::POST, "/api/v1/exercises/legacy/inject/manual", Some(Role::Controller), Some(json!({
            "team_ids": ["ops"], "type": "news", "content": {"headline": "H", "body": "B", "source": "S"}, "media": [path]
        })))
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let id = app
        .store()
        .exercises_of_scenario(&"legacy".parse().unwrap())
        .await
        .unwrap()[0]
        .id
        .to_string();
    wait_for("the manual inject", || async {
        (app.deliveries(&id, "").await["total"] == 1).then_some(())
    })
    .await;
}

on_both_databases!(
    a_scip_v3_script_runs_unchanged_with_a_token,
    v1_lifecycle_errors_have_proper_status_codes,
    v1_scenarios_timelines_and_media_keep_their_shapes,
);
