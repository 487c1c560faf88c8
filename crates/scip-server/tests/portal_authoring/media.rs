//! The media library page: upload, details with where a file is used, and delete refused
//! while a scenario uses the file.

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use scip_store::{Paging, Role};
use serde_json::json;

use crate::portal::Portal;
use crate::support::{TestApp, png_bytes, scenario_doc};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_upload_show_where_they_are_used_and_delete_only_when_unused() {
    let app = TestApp::sqlite().await;
    let cole = Portal::sign_in(&app, Role::Controller).await;
    cole.get("/media")
        .await
        .has("The library is empty")
        .has("data-media-upload=\"/api/v2/media\"");

    let form = Form::new()
        .part("files", Part::bytes(png_bytes()).file_name("quay.png"))
        .part("files", Part::bytes(png_bytes()).file_name("pier.png"))
        .part(
            "files",
            Part::bytes(b"#!/bin/sh\necho hi".to_vec()).file_name("evil.png"),
        );
    let uploaded = cole
        .multipart(&format!("/media/upload?_csrf={}", cole.csrf), form)
        .await;
    uploaded
        .has("Uploaded quay.png, pier.png")
        .has("Not uploaded: evil.png");
    assert_eq!(
        app.store()
            .list_media(None, Paging::first(10))
            .await
            .unwrap()
            .total,
        2
    );

    let mut doc = scenario_doc("harbour-storm");
    doc["teams"][0]["injects"][1]["media"] = json!(["quay.png"]);
    app.create_scenario(doc).await;

    let grid = cole.get("/media").await;
    grid.has("data-media=\"quay.png\"")
        .has("data-media=\"pier.png\"")
        .has("1 scenario")
        .has("Unused")
        .has("2 files");
    cole.get("/media?q=pier")
        .await
        .has("data-media=\"pier.png\"")
        .lacks("data-media=\"quay.png\"");
    cole.get("/media?kind=video").await.has("Nothing matches");
    let details = cole.get("/media?open=quay.png").await;
    details
        .has("id=\"media-details\"")
        .has("image/png")
        .has("1 × 1 px")
        .has("href=\"/scenarios/harbour-storm\"")
        .has("v1");

    let refused = cole.post("/media/quay.png/delete", &[]).await;
    refused.has("quay.png was not deleted: it is used by harbour-storm (v1)");
    assert!(app.store().get_media("quay.png").await.is_ok());
    assert!(app.media_dir.path().join("quay.png").exists());

    cole.post("/media/pier.png/delete", &[])
        .await
        .has("Deleted pier.png.");
    assert!(app.store().get_media("pier.png").await.is_err());
    assert!(!app.media_dir.path().join("pier.png").exists());

    // The editor's media picker offers the library and the inject keeps its file.
    let editor = cole
        .get("/scenarios/harbour-storm?team=red&inject=r2")
        .await;
    editor.has("name=\"media\" value=\"quay.png\" checked");
    assert_eq!(
        cole.get("/media/quay.png").await.status,
        StatusCode::TEMPORARY_REDIRECT
    );
}
