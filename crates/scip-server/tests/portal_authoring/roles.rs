//! Observers see the authoring pages without any button that changes something, and the
//! server refuses their posts.

use reqwest::StatusCode;
use scip_store::Role;

use crate::portal::Portal;
use crate::support::{TestApp, png_bytes, scenario_doc, upload};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observers_see_no_edit_buttons_and_their_posts_are_refused() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour-storm")).await;
    upload(&app, Role::Controller, "quay.png", png_bytes()).await;
    let olive = Portal::sign_in(&app, Role::Observer).await;

    let list = olive.get("/scenarios").await;
    list.has("Scenario harbour-storm").has("format=zip");
    for button in [
        "New scenario",
        "/delete\"",
        "/duplicate\"",
        "href=\"/scenarios/import\"",
    ] {
        list.lacks(button);
    }
    let editor = olive
        .get("/scenarios/harbour-storm?team=red&inject=r2")
        .await;
    editor
        .has("Observers can look at scenarios but not change them")
        .has("Ship drifts");
    for control in [
        "id=\"save-inject\"",
        "/undo\"",
        "/injects/r2/delete",
        "Save settings",
        "Add team",
        "+ Inject",
    ] {
        editor.lacks(control);
    }
    olive
        .get("/scenarios/harbour-storm?tab=teams")
        .await
        .lacks("id=\"add-team\"")
        .lacks("/teams/red/delete");
    olive
        .get("/scenarios/harbour-storm?tab=settings")
        .await
        .lacks("Save settings");
    let media = olive.get("/media?open=quay.png").await;
    media
        .has("data-media=\"quay.png\"")
        .lacks("dropzone")
        .lacks("id=\"delete-media\"");
    assert_eq!(
        olive.get("/scenarios/import").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        olive.get("/scenarios/new").await.status,
        StatusCode::FORBIDDEN
    );

    let posts: [(&str, Vec<(&str, &str)>); 9] = [
        ("/scenarios/new", vec![("name", "Nope"), ("mode", "clock")]),
        ("/scenarios/harbour-storm/delete", vec![]),
        ("/scenarios/harbour-storm/duplicate", vec![]),
        (
            "/scenarios/harbour-storm/settings",
            vec![("base_version", "1"), ("name", "Nope")],
        ),
        ("/scenarios/harbour-storm/undo", vec![("base_version", "1")]),
        (
            "/scenarios/harbour-storm/teams",
            vec![("base_version", "1"), ("name", "Nope")],
        ),
        (
            "/scenarios/harbour-storm/teams/red/injects",
            vec![
                ("base_version", "1"),
                ("original", "r1"),
                ("id", "r1"),
                ("type", "sms"),
                ("at", "0"),
                ("c_from", "x"),
                ("c_body", "y"),
            ],
        ),
        (
            "/scenarios/harbour-storm/teams/red/injects/r1/delete",
            vec![("base_version", "1")],
        ),
        ("/media/quay.png/delete", vec![]),
    ];
    for (path, fields) in posts {
        let response = olive.post_raw(path, &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        app.store()
            .latest_scenario(&scip_core::ScenarioId::new("harbour-storm").unwrap())
            .await
            .unwrap()
            .1,
        1
    );
    assert!(app.store().get_media("quay.png").await.is_ok());
    assert_eq!(app.store().list_scenarios(None).await.unwrap().len(), 1);

    // A controller's post with a forged CSRF value is refused too.
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let response = cole.post_forged("/scenarios/harbour-storm/delete").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store().list_scenarios(None).await.unwrap().len(), 1);
}
