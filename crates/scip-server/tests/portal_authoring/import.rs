//! Importing from the portal: a dry-run report that writes nothing, then Import now; bad
//! files give a clear report and write nothing.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use scip_core::ScenarioId;
use scip_store::{Paging, Role};

use crate::portal::{Portal, demo_zip};
use crate::support::{TestApp, scenario_doc};

fn files(parts: Vec<(&str, Vec<u8>)>, portal: &Portal, extra: &[(&str, &str)]) -> Form {
    let mut form = Form::new().text("_csrf", portal.csrf.clone());
    for (k, v) in extra {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in parts {
        form = form.part("files", Part::bytes(bytes).file_name(name.to_owned()));
    }
    form
}

crate::on_both_databases!(the_demo_bundle_is_checked_first_and_imported_on_import_now);

async fn the_demo_bundle_is_checked_first_and_imported_on_import_now(app: TestApp) {
    let cole = Portal::sign_in(&app, Role::Controller).await;
    cole.get("/scenarios/import").await.has("Check files");
    let report = cole
        .multipart(
            "/scenarios/import",
            files(
                vec![("grey-tide.zip", demo_zip())],
                &cole,
                &[("target", "new")],
            ),
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.html);
    report
        .has("Ready to import")
        .has("Creates the new scenario")
        .has("grey-tide")
        .has("Import now");
    report.has("Civil Contingencies Directorate");
    assert!(
        app.store().list_scenarios(None).await.unwrap().is_empty(),
        "a dry run writes nothing"
    );
    assert_eq!(
        app.store()
            .list_media(None, Paging::first(100))
            .await
            .unwrap()
            .total,
        0
    );

    let token = report.input("token").unwrap();
    let done = cole
        .post("/scenarios/import/commit", &[("token", &token)])
        .await;
    done.has("Imported Exercise GREY TIDE")
        .has("new media file");
    let (scenario, version) = app
        .store()
        .latest_scenario(&ScenarioId::new("grey-tide").unwrap())
        .await
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(scenario.teams.len(), 6);
    assert!(
        app.store()
            .list_media(None, Paging::first(100))
            .await
            .unwrap()
            .total
            > 10
    );

    let again = cole
        .post("/scenarios/import/commit", &[("token", &token)])
        .await;
    again.has("no longer held");

    // The same files again: a new version of the existing scenario.
    let report = cole
        .multipart(
            "/scenarios/import",
            files(
                vec![("grey-tide.zip", demo_zip())],
                &cole,
                &[("target", "version"), ("into", "grey-tide")],
            ),
        )
        .await;
    report.has("Saves a new version of");
    let token = report.input("token").unwrap();
    cole.post("/scenarios/import/commit", &[("token", &token)])
        .await
        .has("as version 2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_give_a_clear_report_and_write_nothing() {
    let app = TestApp::sqlite().await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    let csv = "team,time,type,headline,body,source\nops,00:30,news,Storm,Body,Daily\nops,99:99,news,Bad time,Body,Daily\nops,01:00,carrier-pigeon,Odd,Body,Daily\n";
    let report = cole
        .multipart(
            "/scenarios/import",
            files(
                vec![("msel.csv", csv.as_bytes().to_vec())],
                &cole,
                &[("target", "new"), ("as_id", "msel-drill")],
            ),
        )
        .await;
    assert_eq!(
        report.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        report.html
    );
    report
        .has("Cannot be imported yet")
        .has("import-problems")
        .has("msel.csv:3")
        .has("msel.csv:4")
        .lacks("Import now</button>");
    assert!(app.store().list_scenarios(None).await.unwrap().is_empty());

    let junk = cole
        .multipart(
            "/scenarios/import",
            files(
                vec![("notes.txt", b"hello".to_vec())],
                &cole,
                &[("target", "new")],
            ),
        )
        .await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    junk.has("These files cannot be imported")
        .has("Nothing was written");

    app.create_scenario(scenario_doc("harbour-storm")).await;
    let doc = serde_json::to_vec(&scenario_doc("harbour-storm")).unwrap();
    let clash = cole
        .multipart(
            "/scenarios/import",
            files(vec![("scenario.json", doc)], &cole, &[("target", "new")]),
        )
        .await;
    clash.has("already exists");
    assert_eq!(
        app.store()
            .latest_scenario(&ScenarioId::new("harbour-storm").unwrap())
            .await
            .unwrap()
            .1,
        1
    );
    assert!(app.store().list_scenarios(None).await.unwrap().len() == 1);
}
