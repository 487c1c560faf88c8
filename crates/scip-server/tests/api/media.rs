//! The media library: checked uploads, listing, download rights, delete when unused.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::json;

use crate::on_both_databases;
use crate::support::{TestApp, UPLOAD_LIMIT, media_files, png_bytes, upload};

async fn files_are_uploaded_listed_downloaded_and_deleted(app: TestApp) {
    let (status, body) = upload(&app, Role::Controller, "Harbour Map (1).PNG", png_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let file = &body["files"][0];
    assert_eq!(file["original_name"], "Harbour Map (1).PNG");
    assert_eq!(file["media"]["name"], "Harbour-Map-1.png");
    assert_eq!(file["media"]["content_type"], "image/png");
    assert_eq!(file["media"]["width"], 1);
    assert_eq!(file["created"], true);
    // The same bytes again are not stored twice; other bytes under the name get a new name.
    let (_, again) = upload(&app, Role::Controller, "Harbour-Map-1.png", png_bytes()).await;
    assert_eq!(again["files"][0]["created"], false);
    let mut other = png_bytes();
    other.extend_from_slice(b"trailing");
    let (_, renamed) = upload(&app, Role::Controller, "Harbour-Map-1.png", other).await;
    assert_eq!(renamed["files"][0]["media"]["name"], "Harbour-Map-1-2.png");
    assert_eq!(
        media_files(&app),
        ["Harbour-Map-1-2.png", "Harbour-Map-1.png"]
    );

    let (status, page) = app
        .get("/api/v2/media?search=map&limit=10", Role::Observer)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 2);
    let response = app
        .request(
            Method::GET,
            "/api/v2/media/Harbour-Map-1.png",
            Some(Role::Observer),
        )
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), png_bytes());
    let anonymous = app
        .client
        .get(app.url("/api/v2/media/Harbour-Map-1.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // A scenario using a file keeps it.
    let mut doc = crate::support::scenario_doc("with-media");
    doc["teams"][0]["injects"][1]["media"] = json!(["Harbour-Map-1.png"]);
    app.create_scenario(doc).await;
    let (_, info) = app
        .get("/api/v2/media/Harbour-Map-1.png/info", Role::Observer)
        .await;
    assert_eq!(info["used_by"][0]["scenario_id"], "with-media");
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/media/Harbour-Map-1.png",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/media/Harbour-Map-1-2.png",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(media_files(&app), ["Harbour-Map-1.png"]);
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v2/media/Harbour-Map-1-2.png",
            Some(Role::Controller),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn refused_uploads_leave_nothing_behind(app: TestApp) {
    let cases: Vec<(&str, Vec<u8>, StatusCode)> = vec![
        ("big.png", { let mut b = png_bytes(); b.resize(UPLOAD_LIMIT + 10, 0); b }, StatusCode::PAYLOAD_TOO_LARGE),
        ("page.html", b"<html><script>alert(1)</script></html>".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("page.png", b"<!DOCTYPE html><html><body>hi</body></html>".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("tool.png", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        ("x.svg", br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("y.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("z.svg", br#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("w.svg", br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("..png", png_bytes(), StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (name, bytes, expected) in cases {
        let (status, body) = upload(&app, Role::Controller, name, bytes).await;
        assert_eq!(status, expected, "{name}: {body}");
        assert_eq!(body["error"]["details"]["file"], name, "{body}");
        assert!(
            media_files(&app).is_empty(),
            "{name} left {:?}",
            media_files(&app)
        );
    }
    assert_eq!(
        app.store()
            .list_media(None, scip_store::Paging::first(10))
            .await
            .unwrap()
            .total,
        0
    );
    // A safe drawing is accepted.
    let (status, _) = upload(&app, Role::Controller, "ok.svg", br##"<svg xmlns="http://www.w3.org/2000/svg"><rect fill="#f00" width="2" height="2"/></svg>"##.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED);
}

async fn names_with_paths_never_reach_outside_the_media_folder(app: TestApp) {
    for name in [
        "../../outside.png",
        "..\\..\\outside.png",
        "/etc/outside.png",
        "sub/dir/outside.png",
    ] {
        let (status, body) = upload(&app, Role::Controller, name, png_bytes()).await;
        assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
        assert_eq!(body["files"][0]["media"]["name"], "outside.png");
    }
    assert_eq!(media_files(&app), ["outside.png"]);
    assert!(
        !app.media_dir
            .path()
            .parent()
            .unwrap()
            .join("outside.png")
            .exists()
    );
    for path in [
        "/api/v2/media/..%2F..%2Fetc%2Fpasswd",
        "/api/v2/media/%2e%2e%2fscip.db",
        "/api/v2/media/.upload-x.part",
    ] {
        let (status, _) = app
            .call(Method::GET, path, Some(Role::Observer), None)
            .await;
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{path}: {status}"
        );
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/media",
            Some(Role::Controller),
            Some(json!({"file": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

on_both_databases!(
    files_are_uploaded_listed_downloaded_and_deleted,
    refused_uploads_leave_nothing_behind,
    names_with_paths_never_reach_outside_the_media_folder,
);
