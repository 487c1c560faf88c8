//! The scenario list: search, empty state, duplicate, delete (refused while exercises use
//! the scenario), and creating a scenario.

use reqwest::StatusCode;
use scip_core::ScenarioId;
use scip_store::Role;

use crate::portal::Portal;
use crate::support::{TestApp, scenario_doc};

fn sid(s: &str) -> ScenarioId {
    ScenarioId::new(s).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_shows_every_scenario_and_searches_by_name_or_id() {
    let app = TestApp::sqlite().await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    cole.get("/scenarios")
        .await
        .has("No scenarios yet")
        .has("href=\"/scenarios/import\"");
    app.create_scenario(scenario_doc("harbour-storm")).await;
    app.create_scenario(scenario_doc("river-flood")).await;
    let page = cole.get("/scenarios").await;
    page.has("Scenario harbour-storm")
        .has("Scenario river-flood")
        .has("data-scenario=\"harbour-storm\"");
    page.has("/api/v2/scenarios/harbour-storm/export?format=zip")
        .has("format=xlsx")
        .has("format=csv")
        .has("format=json");
    page.has("New scenario")
        .has("/scenarios/harbour-storm/duplicate")
        .has("/scenarios/harbour-storm/delete");
    let found = cole.get("/scenarios?q=river").await;
    found
        .has("Scenario river-flood")
        .lacks("data-scenario=\"harbour-storm\"")
        .has("1 of 2 match");
    cole.get("/scenarios?q=nothing-like-this")
        .await
        .has("No scenario matches");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_copies_and_delete_is_refused_while_exercises_use_the_scenario() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour-storm")).await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let page = cole
        .post(
            "/scenarios/harbour-storm/duplicate",
            &[("id", "harbour-copy"), ("name", "Harbour drill")],
        )
        .await;
    page.has("Copied harbour-storm to harbour-copy");
    let (copy, version) = app
        .store()
        .latest_scenario(&sid("harbour-copy"))
        .await
        .unwrap();
    assert_eq!((copy.name.as_str(), version), ("Harbour drill", 1));
    assert_eq!(copy.inject_count(), 4);

    let taken = cole
        .post(
            "/scenarios/harbour-storm/duplicate",
            &[("id", "harbour-copy")],
        )
        .await;
    taken.has("The copy was not made");

    let deleted = cole.post("/scenarios/harbour-copy/delete", &[]).await;
    deleted.has("Deleted Harbour drill");
    assert!(
        app.store()
            .latest_scenario(&sid("harbour-copy"))
            .await
            .is_err()
    );

    app.launch("harbour-storm").await;
    let refused = cole.post("/scenarios/harbour-storm/delete", &[]).await;
    refused.has("was not deleted: 1 exercise was launched from it");
    assert!(
        app.store()
            .latest_scenario(&sid("harbour-storm"))
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_scenario_starts_with_one_team_and_opens_the_editor() {
    let app = TestApp::sqlite().await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    cole.get("/scenarios/new")
        .await
        .has("Create and open the editor");
    let bad = cole
        .post(
            "/scenarios/new",
            &[("name", ""), ("mode", "turns"), ("total_turns", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.has("Give a name of 1 to 200 characters.")
        .has("Turn mode needs a number of turns");
    assert!(app.store().list_scenarios(None).await.unwrap().is_empty());

    let response = cole
        .post_raw(
            "/scenarios/new",
            &[
                ("name", "Grid Down"),
                ("id", ""),
                ("description", "Power cut"),
                ("mode", "turns"),
                ("total_turns", "3"),
                ("duration", "1:30:00"),
                ("team", "Energy Desk"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(Portal::location(&response), "/scenarios/grid-down");
    let (scenario, version) = app
        .store()
        .latest_scenario(&sid("grid-down"))
        .await
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(scenario.mode.total_turns(), Some(3));
    assert_eq!(scenario.duration_ms, Some(5_400_000));
    assert_eq!(scenario.teams.len(), 1);
    assert_eq!(scenario.teams[0].id.as_str(), "energy-desk");
    cole.get("/scenarios/grid-down")
        .await
        .has("Grid Down")
        .has("No injects yet")
        .has("Energy Desk");

    let again = cole
        .post(
            "/scenarios/new",
            &[("name", "Grid Down"), ("mode", "clock")],
        )
        .await;
    again.has("There already is a scenario grid-down");
}
