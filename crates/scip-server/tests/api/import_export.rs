//! Scenario files: export in every format, import with a dry-run report, all or nothing.

use std::io::Write;

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{TestApp, media_files, png_bytes, scenario_doc, upload};

async fn export(app: &TestApp, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = app
        .request(Method::GET, path, Some(Role::Observer))
        .await
        .send()
        .await
        .unwrap();
    let status = response.status();
    let disposition = response
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (
        status,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

async fn import(app: &TestApp, query: &str, files: Vec<(&str, Vec<u8>)>) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new();
    for (name, bytes) in files {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let response = app
        .request(
            Method::POST,
            &format!("/api/v2/scenarios/import?{query}"),
            Some(Role::Controller),
        )
        .await
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

async fn a_bundle_zip_round_trips_through_export_and_import(app: TestApp) {
    let (status, _) = upload(&app, Role::Controller, "map.png", png_bytes()).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut doc = scenario_doc("round");
    doc["teams"][0]["injects"][1]["media"] = json!(["map.png"]);
    app.create_scenario(doc).await;
    let (_, original) = app.get("/api/v2/scenarios/round", Role::Observer).await;
    let (status, disposition, zip) =
        export(&app, "/api/v2/scenarios/round/export?format=zip").await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains("round-v1.zip"), "{disposition}");
    for format in ["csv", "xlsx", "json"] {
        let (status, disposition, bytes) = export(
            &app,
            &format!("/api/v2/scenarios/round/export?format={format}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert!(
            disposition.ends_with(&format!(".{format}\"")),
            "{disposition}"
        );
        assert!(!bytes.is_empty());
    }
    let (status, _, _) = export(&app, "/api/v2/scenarios/round/export?format=pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Importing the same id again needs replace=true; the dry run says so and stores nothing.
    let (status, report) = import(&app, "", vec![("round.zip", zip.clone())]).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["committed"], false);
    assert_eq!(report["report"]["valid"], false);
    assert_eq!(report["media"][0]["status"], "existing");
    let (status, report) = import(&app, "replace=true", vec![("round.zip", zip.clone())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["action"], "new_version");
    assert_eq!(report["format"], "bundle");
    assert_eq!(report["inject_count"], 4);
    let (status, done) = import(
        &app,
        "replace=true&commit=true",
        vec![("round.zip", zip.clone())],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["version"], 2);
    let (_, reimported) = app.get("/api/v2/scenarios/round", Role::Observer).await;
    assert_eq!(reimported["scenario"], original["scenario"], "lossless");

    // Into a fresh library: the media come from the zip.
    let fresh = TestApp::sqlite().await;
    let (status, done) = import(&fresh, "commit=true", vec![("round.zip", zip)]).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["media"][0]["status"], "new");
    assert_eq!(media_files(&fresh), ["map.png"]);
    let (_, copy) = fresh.get("/api/v2/scenarios/round", Role::Observer).await;
    assert_eq!(copy["scenario"], original["scenario"]);
}

async fn spreadsheets_and_scip_v3_files_are_imported(app: TestApp) {
    app.create_scenario(scenario_doc("sheet")).await;
    let (_, _, xlsx) = export(&app, "/api/v2/scenarios/sheet/export?format=xlsx").await;
    let (_, _, csv) = export(&app, "/api/v2/scenarios/sheet/export?format=csv").await;
    app.call(
        Method::DELETE,
        "/api/v2/scenarios/sheet",
        Some(Role::Controller),
        None,
    )
    .await;
    let (status, done) = import(&app, "commit=true", vec![("sheet.xlsx", xlsx)]).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["format"], "msel-xlsx");
    // A CSV holds injects only: it is imported into an existing scenario.
    let (status, done) = import(&app, "into=sheet&commit=true", vec![("sheet.csv", csv)]).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["version"], 2);

    let scenario = json!({"id": "legacy", "name": "Legacy", "turn_based": true, "total_turns": 1,
        "teams": [{"id": "port-ops", "name": "Port Ops", "timeline_file": "legacy/teams/port-ops/timeline.json"}]});
    let timeline = json!({"scenario_id": "legacy", "injects": [
        {"id": "po-1", "turn": 1, "time": 30, "type": "sms", "content": {"from": "Pilot", "text": "Steering lost."}},
        {"id": "po-2", "turn": 1, "time": 95, "type": "intelligence", "content": {"headline": "H", "body": "B", "source": "S"},
         "media": ["/api/media/legacy/library/photo.png"]}
    ]});
    let files = vec![
        ("legacy.json", scenario.to_string().into_bytes()),
        (
            "legacy/teams/port-ops/timeline.json",
            timeline.to_string().into_bytes(),
        ),
        ("media/legacy/library/photo.png", png_bytes()),
    ];
    let (status, done) = import(&app, "commit=true", files).await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["format"], "scip-v3");
    let (_, team) = app
        .get("/api/v2/scenarios/legacy/teams/port-ops", Role::Observer)
        .await;
    assert_eq!(
        team["team"]["injects"][0]["content"]["body"],
        "Steering lost."
    );
    assert_eq!(team["team"]["injects"][1]["type"], "intel");
    assert_eq!(team["team"]["injects"][1]["media"], json!(["photo.png"]));
    assert!(media_files(&app).contains(&"photo.png".to_owned()));
}

async fn imports_with_errors_commit_nothing(app: TestApp) {
    let mut doc = scenario_doc("bad-import");
    doc["format"] = json!("scip-bundle/1");
    doc["teams"][0]["injects"][0]["type"] = json!("trigger");
    doc["teams"][0]["injects"][1]["media"] = json!(["new.png"]);
    let zip = zip_of(&[
        ("scenario.json", doc.to_string().as_bytes()),
        ("media/new.png", &png_bytes()),
    ]);
    let (status, report) = import(&app, "", vec![("bad.zip", zip.clone())]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["action"], "none");
    let texts = report["report"]["problems"].to_string();
    assert!(texts.contains("trigger"), "{texts}");
    let (status, error) = import(&app, "commit=true", vec![("bad.zip", zip)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        error["error"]["details"]["import"]["report"]["error_count"]
            .as_u64()
            .unwrap()
            >= 1
    );
    assert!(app.store().list_scenarios(None).await.unwrap().is_empty());
    assert!(
        media_files(&app).is_empty(),
        "no media imported: {:?}",
        media_files(&app)
    );
    // An SVG with script inside a bundle is refused like an upload.
    let mut doc = scenario_doc("svg-import");
    doc["teams"][0]["injects"][1]["media"] = json!(["evil.svg"]);
    let zip = zip_of(&[
        ("scenario.json", doc.to_string().as_bytes()),
        (
            "media/evil.svg",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
        ),
    ]);
    let (status, _) = import(&app, "commit=true", vec![("evil.zip", zip)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(media_files(&app).is_empty());
    // Not a scenario at all; nothing at all.
    let (status, _) = import(&app, "", vec![("notes.txt", b"hello".to_vec())]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = import(&app, "", vec![]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = import(&app, "into=ghost", vec![("x.csv", b"a,b".to_vec())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn path_traversal_in_imports_is_refused(app: TestApp) {
    let doc = scenario_doc("escape");
    let evil_zip = zip_of(&[
        ("scenario.json", doc.to_string().as_bytes()),
        ("../../outside.txt", b"x"),
    ]);
    let (status, error) = import(&app, "commit=true", vec![("evil.zip", evil_zip)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("outside.txt"),
        "{error}"
    );
    let (status, _) = import(
        &app,
        "commit=true",
        vec![("../../scenario.json", doc.to_string().into_bytes())],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let absolute = zip_of(&[("/etc/scenario.json", doc.to_string().as_bytes())]);
    let (status, _) = import(&app, "commit=true", vec![("abs.zip", absolute)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(app.store().list_scenarios(None).await.unwrap().is_empty());
    assert!(
        !app.media_dir
            .path()
            .parent()
            .unwrap()
            .join("outside.txt")
            .exists()
    );
}

on_both_databases!(
    a_bundle_zip_round_trips_through_export_and_import,
    spreadsheets_and_scip_v3_files_are_imported,
    imports_with_errors_commit_nothing,
    path_traversal_in_imports_is_refused,
);
