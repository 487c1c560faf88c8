//! Scenarios, versions, teams and timelines.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, scenario_doc, turn_scenario_doc};

async fn scenarios_are_created_listed_read_and_saved_as_versions(app: TestApp) {
    app.create_scenario(scenario_doc("harbour")).await;
    app.create_scenario(turn_scenario_doc("turns")).await;
    let (status, page) = app.get("/api/v2/scenarios", Role::Observer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    let harbour = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "harbour")
        .unwrap()
        .clone();
    assert_eq!(harbour["team_count"], 2);
    assert_eq!(harbour["inject_count"], 4);
    assert_eq!(harbour["mode"], "clock");
    let turns = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "turns")
        .unwrap()
        .clone();
    assert_eq!(turns["mode"], "turns");
    assert_eq!(turns["total_turns"], 2);
    let (_, searched) = app
        .get(
            "/api/v2/scenarios?search=HARB&sort=-updated&limit=1",
            Role::Observer,
        )
        .await;
    assert_eq!(searched["total"], 1);
    assert_eq!(searched["items"][0]["id"], "harbour");
    let (status, one) = app.get("/api/v2/scenarios/harbour", Role::Observer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["version"], 1);
    assert_eq!(one["scenario"]["teams"][0]["injects"][1]["at"], "10:00");

    let mut doc = one["scenario"].clone();
    doc["name"] = json!("Harbour, revised");
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/harbour",
            Some(Role::Controller),
            Some(json!({"based_on_version": 1, "scenario": doc, "comment": "renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    // A save based on version 1 again is refused with the current version.
    let (status, stale) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/harbour",
            Some(Role::Controller),
            Some(json!({"based_on_version": 1, "scenario": doc})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["error"]["details"]["current_version"], 2);
    let (_, versions) = app
        .get("/api/v2/scenarios/harbour/versions", Role::Observer)
        .await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(versions[0]["comment"], "renamed");
    assert_eq!(versions[0]["created_by"], "cole");
    let (_, old) = app
        .get("/api/v2/scenarios/harbour?version=1", Role::Observer)
        .await;
    assert_eq!(old["scenario"]["name"], "Scenario harbour");
    assert_eq!(old["latest_version"], 2);
    let (status, _) = app
        .get("/api/v2/scenarios/harbour?version=9", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_document_with_errors_is_refused_with_every_problem(app: TestApp) {
    let mut doc = scenario_doc("broken");
    doc["teams"][0]["injects"][0]["type"] = json!("trigger");
    doc["teams"][1]["injects"][0]["content"] = json!({"from": "x"});
    doc["teams"][1]["injects"][1]["media"] = json!(["missing.png"]);
    let (status, error) = app
        .post(
            "/api/v2/scenarios",
            Role::Controller,
            json!({"scenario": doc}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = &error["error"]["details"]["report"];
    assert!(report["error_count"].as_u64().unwrap() >= 3, "{report}");
    let texts: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert!(texts.iter().any(|t| t.contains("trigger")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("missing.png")), "{texts:?}");
    assert!(app.store().list_scenarios(None).await.unwrap().is_empty());
    // Validation without saving reports the same problems.
    let (status, validated) = app
        .post("/api/v2/scenarios/validate", Role::Observer, doc)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(validated["valid"], false);
    // A body that is not a scenario at all.
    let (status, _) = app
        .post(
            "/api/v2/scenarios",
            Role::Controller,
            json!({"scenario": {"teams": 5}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A document whose id differs from the path.
    app.create_scenario(scenario_doc("right")).await;
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/right",
            Some(Role::Controller),
            Some(json!({"based_on_version": 1, "scenario": scenario_doc("wrong")})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .post(
            "/api/v2/scenarios",
            Role::Controller,
            json!({"scenario": scenario_doc("right")}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn scenarios_are_deleted_only_when_unused_and_duplicated(app: TestApp) {
    app.create_scenario(scenario_doc("original")).await;
    let (status, copy) = app
        .call(
            Method::POST,
            "/api/v2/scenarios/original/duplicate",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["id"], "original-copy");
    let (status, named) = app
        .post(
            "/api/v2/scenarios/original/duplicate",
            Role::Controller,
            json!({"id": "second", "name": "Second"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(named["id"], "second");
    let (status, _) = app
        .post(
            "/api/v2/scenarios/original/duplicate",
            Role::Controller,
            json!({"id": "second"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .post(
            "/api/v2/scenarios/original/duplicate",
            Role::Controller,
            json!({"id": "Not A Slug"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    app.launch("original").await;
    let (status, in_use) = app
        .call(
            Method::DELETE,
            "/api/v2/scenarios/original",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(in_use["error"]["code"], "in_use");
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/scenarios/second",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/scenarios/second",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, report) = app
        .get("/api/v2/scenarios/original/validation", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["valid"], true);
    let (status, _) = app
        .get("/api/v2/scenarios/NOT_a_slug", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn teams_timelines_and_single_injects_are_edited_as_new_versions(app: TestApp) {
    app.create_scenario(turn_scenario_doc("edit")).await;
    let (status, teams) = app
        .get("/api/v2/scenarios/edit/teams", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(teams[0]["inject_count"], 2);
    let (status, team) = app
        .get("/api/v2/scenarios/edit/teams/ops", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team["team"]["injects"][1]["turn"], 2);
    let (status, _) = app
        .get("/api/v2/scenarios/edit/teams/ghost", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Editing one inject keeps its turn when the edit says so (SCIP v3 dropped it).
    let inject = json!({"id": "t2", "turn": 2, "at": "00:30", "type": "sms", "content": {"from": "B", "body": "edited"}});
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/edit/teams/ops/injects/t2",
            Some(Role::Controller),
            Some(json!({"based_on_version": 1, "inject": inject})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let (_, team) = app
        .get("/api/v2/scenarios/edit/teams/ops", Role::Observer)
        .await;
    assert_eq!(team["team"]["injects"][1]["turn"], 2);
    assert_eq!(team["team"]["injects"][1]["content"]["body"], "edited");
    // In turn mode an inject without a turn is an error: nothing is saved.
    let no_turn =
        json!({"id": "t3", "at": 5, "type": "sms", "content": {"from": "B", "body": "x"}});
    let (status, error) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/edit/teams/ops/injects/t3",
            Some(Role::Controller),
            Some(json!({"based_on_version": 2, "inject": no_turn})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/edit/teams/ops/injects/other",
            Some(Role::Controller),
            Some(json!({"based_on_version": 2, "inject": inject})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Replace the timeline, then the whole team, then remove an inject.
    let timeline = json!([{"id": "n1", "turn": 1, "at": 0, "type": "alert", "content": {"title": "T", "message": "M"}}]);
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/edit/teams/ops/timeline",
            Some(Role::Controller),
            Some(json!({"based_on_version": 2, "injects": timeline})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let team_doc = json!({"id": "press", "name": "Press", "kind": "public", "injects": [
        {"id": "p1", "turn": 1, "at": 0, "type": "news", "content": {"headline": "H", "body": "B", "source": "S"}},
        {"id": "p2", "turn": 2, "at": 0, "type": "news", "content": {"headline": "H2", "body": "B2", "source": "S"}}
    ]});
    let (status, saved) = app
        .call(
            Method::PUT,
            "/api/v2/scenarios/edit/teams/press",
            Some(Role::Controller),
            Some(json!({"based_on_version": 3, "team": team_doc})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, saved) = app
        .call(
            Method::DELETE,
            "/api/v2/scenarios/edit/teams/press/injects/p2?based_on_version=4",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 5);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/scenarios/edit/teams/press/injects/p2?based_on_version=5",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, teams) = app
        .get("/api/v2/scenarios/edit/teams", Role::Observer)
        .await;
    let summary: Vec<(Value, Value)> = teams
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].clone(), t["inject_count"].clone()))
        .collect();
    assert_eq!(
        summary,
        vec![(json!("ops"), json!(1)), (json!("press"), json!(1))]
    );
}

on_both_databases!(
    scenarios_are_created_listed_read_and_saved_as_versions,
    a_document_with_errors_is_refused_with_every_problem,
    scenarios_are_deleted_only_when_unused_and_duplicated,
    teams_timelines_and_single_injects_are_edited_as_new_versions,
);
