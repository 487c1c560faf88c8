//! The scenario editor: editing an inject (a new version each time), field problems shown
//! beside the field with nothing saved, a stale save refused with who saved, undo, teams,
//! settings, older versions read-only, and the feed preview.

use reqwest::StatusCode;
use scip_core::{Content, ScenarioId};
use scip_store::Role;

use crate::portal::Portal;
use crate::support::{TestApp, scenario_doc};

fn sid() -> ScenarioId {
    ScenarioId::new("harbour-storm").unwrap()
}

fn news_form<'a>(base: &'a str, headline: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("base_version", base),
        ("original", "r2"),
        ("id", "r2"),
        ("type", "news"),
        ("at", "12:30"),
        ("priority", "high"),
        ("c_headline", headline),
        ("c_body", "Harbour traffic halted for the night."),
        ("c_source", "Coastal Daily"),
        ("c_breaking", "true"),
        ("notes", "Watch the press office."),
    ]
}

crate::on_both_databases!(an_inject_edit_saves_a_new_version_and_a_stale_edit_is_refused);

async fn an_inject_edit_saves_a_new_version_and_a_stale_edit_is_refused(app: TestApp) {
    app.create_scenario(scenario_doc("harbour-storm")).await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let page = cole
        .get("/scenarios/harbour-storm?team=red&inject=r2")
        .await;
    page.has("id=\"inject-form\"")
        .has("value=\"Ship drifts\"")
        .has("Headline")
        .has("Source (outlet)")
        .has("data-maxlength=\"200\"");

    let ada = Portal::sign_in(&app, Role::Admin).await;
    let saved = ada
        .post(
            "/scenarios/harbour-storm/teams/red/injects",
            &news_form("1", "Ship drifts onto the breakwater"),
        )
        .await;
    saved.has("Inject r2 changed. Saved as version 2.");
    let (scenario, version) = app.store().latest_scenario(&sid()).await.unwrap();
    assert_eq!(version, 2);
    let r2 = scenario.teams[0]
        .timeline
        .iter()
        .find(|i| i.id.as_str() == "r2")
        .unwrap();
    assert_eq!(r2.at_ms, 750_000);
    assert_eq!(r2.notes.as_deref(), Some("Watch the press office."));
    match &r2.content {
        Content::News(n) => {
            assert_eq!(n.headline, "Ship drifts onto the breakwater");
            assert!(n.breaking);
        }
        other => panic!("not news: {other:?}"),
    }

    // Someone else's edit started from version 1: refused, nothing lost, the form kept.
    let stale = cole
        .post(
            "/scenarios/harbour-storm/teams/red/injects",
            &news_form("1", "An older idea"),
        )
        .await;
    assert_eq!(stale.status, StatusCode::UNPROCESSABLE_ENTITY);
    stale
        .has("Test admin saved version 2 while you edited version 1; reload to see their changes.")
        .has("value=\"An older idea\"");
    assert_eq!(app.store().latest_scenario(&sid()).await.unwrap().1, 2);

    // A problem is shown beside its field and nothing is saved.
    let mut bad = news_form("2", "");
    bad[4] = ("at", "75:99");
    let refused = cole
        .post("/scenarios/harbour-storm/teams/red/injects", &bad)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    refused
        .has("Headline is required.")
        .has("f-at-error")
        .has("minutes or seconds field of 60 or more");
    assert_eq!(app.store().latest_scenario(&sid()).await.unwrap().1, 2);

    // Undo restores version 1 as version 3.
    cole.post("/scenarios/harbour-storm/undo", &[("base_version", "2")])
        .await
        .has("Restored version 1. Saved as version 3.");
    let (scenario, version) = app.store().latest_scenario(&sid()).await.unwrap();
    assert_eq!(version, 3);
    assert_eq!(scenario.teams[0].timeline[1].content.title(), "Ship drifts");
    let versions = app.store().scenario_versions(&sid()).await.unwrap();
    assert!(
        versions
            .iter()
            .any(|v| v.comment.as_deref() == Some("undo: restored version 1"))
    );

    // Older versions are read-only.
    let old = cole
        .get("/scenarios/harbour-storm?version=2&team=red&inject=r2")
        .await;
    old.has("Version 2 of 3")
        .has("read-only")
        .has("Ship drifts onto the breakwater")
        .lacks("id=\"save-inject\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injects_are_added_duplicated_and_deleted_and_teams_and_settings_change() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour-storm")).await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let form = cole.get("/scenarios/harbour-storm?team=blue&new=sms").await;
    form.has("New SMS inject").has("value=\"blue-003\"");
    let added = cole
        .post(
            "/scenarios/harbour-storm/teams/blue/injects",
            &[
                ("base_version", "1"),
                ("original", ""),
                ("id", "blue-003"),
                ("type", "sms"),
                ("at", "T+05:00"),
                ("priority", "urgent"),
                ("c_from", "Pilot"),
                ("c_body", "Fog in the channel."),
            ],
        )
        .await;
    added.has("Inject blue-003 added. Saved as version 2.");
    cole.post(
        "/scenarios/harbour-storm/teams/blue/injects/blue-003/duplicate",
        &[("base_version", "2")],
    )
    .await
    .has("Copied blue-003 to blue-003-copy");
    cole.post(
        "/scenarios/harbour-storm/teams/blue/injects/b1/delete",
        &[("base_version", "3")],
    )
    .await
    .has("Deleted b1.");
    let (scenario, version) = app.store().latest_scenario(&sid()).await.unwrap();
    assert_eq!(version, 4);
    let ids: Vec<&str> = scenario.teams[1]
        .timeline
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["b2", "blue-003", "blue-003-copy"]);
    assert_eq!(scenario.teams[1].timeline[2].at_ms, 301_000);

    cole.post(
        "/scenarios/harbour-storm/teams",
        &[
            ("base_version", "4"),
            ("name", "Press Office"),
            ("kind", "public"),
        ],
    )
    .await
    .has("Added Press Office.");
    cole.post(
        "/scenarios/harbour-storm/teams/red",
        &[
            ("base_version", "5"),
            ("name", "Red Team"),
            ("color", "#112233"),
            ("kind", "player"),
            ("port", "80"),
        ],
    )
    .await
    .has("must be a number from 1024");
    cole.post(
        "/scenarios/harbour-storm/teams/red",
        &[
            ("base_version", "5"),
            ("name", "Red Team"),
            ("color", "#112233"),
            ("kind", "player"),
            ("port", ""),
        ],
    )
    .await
    .has("Red Team changed.");
    cole.post(
        "/scenarios/harbour-storm/settings",
        &[
            ("base_version", "6"),
            ("name", "Harbour Storm II"),
            ("description", "x"),
            ("mode", "turns"),
            ("total_turns", "2"),
            ("duration", "45:00"),
            ("turn_length", ""),
        ],
    )
    .await
    .has("Settings changed.");
    let (scenario, version) = app.store().latest_scenario(&sid()).await.unwrap();
    assert_eq!(version, 7);
    assert_eq!(scenario.name, "Harbour Storm II");
    cole.get("/scenarios/harbour-storm?tab=settings")
        .await
        .has("value=\"Harbour Storm II\"");
    assert_eq!(scenario.mode.total_turns(), Some(2));
    assert_eq!(scenario.teams.len(), 3);
    assert_eq!(scenario.teams[2].kind, scip_core::TeamKind::Public);
    assert_eq!(
        (
            scenario.teams[0].name.as_str(),
            scenario.teams[0].color.as_str()
        ),
        ("Red Team", "#112233")
    );
    assert!(
        scenario
            .teams
            .iter()
            .flat_map(|t| &t.timeline)
            .all(|i| i.turn == Some(1))
    );
    cole.post(
        "/scenarios/harbour-storm/teams/public-press-office/delete",
        &[("base_version", "7")],
    )
    .await
    .has("There is no team");
    cole.post(
        "/scenarios/harbour-storm/teams/press-office/delete",
        &[("base_version", "7")],
    )
    .await
    .has("Removed Press Office.");
    assert_eq!(
        app.store()
            .latest_scenario(&sid())
            .await
            .unwrap()
            .0
            .teams
            .len(),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_preview_shows_what_a_team_has_received_at_a_time() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour-storm")).await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let early = cole
        .get("/scenarios/harbour-storm/preview?team=red&at=T%2B05:00")
        .await;
    assert_eq!(early.status, StatusCode::OK);
    early
        .has("What Red Cell sees at T+05:00")
        .has("Tug 4 lost steering.")
        .lacks("Ship drifts")
        .has("1 still to come");
    let late = cole
        .get("/scenarios/harbour-storm/preview?team=red&at=T%2B10:00")
        .await;
    late.has("Tug 4 lost steering.")
        .has("Ship drifts")
        .has("0 still to come");
    cole.get("/scenarios/harbour-storm/preview?team=blue&at=soon")
        .await
        .has("is not a time");
    assert_eq!(
        cole.get("/scenarios/no-such/preview").await.status,
        StatusCode::NOT_FOUND
    );
}
