//! The embedded-asset handler, through a real axum router.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use scip_server::assets;
use tower::ServiceExt;

fn router() -> Router {
    Router::new().route("/assets/{*path}", get(assets::serve))
}

async fn get_asset(uri: &str, if_none_match: Option<&str>) -> axum::response::Response {
    let mut request = Request::get(uri);
    if let Some(tag) = if_none_match {
        request = request.header(header::IF_NONE_MATCH, tag);
    }
    router()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_versioned_url_is_cached_for_a_year_with_its_content_type() {
    let url = assets::versioned_url("/assets", "css/scip.css");
    let response = get_asset(&url, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert!(std::str::from_utf8(&body).unwrap().contains("--c-primary"));
}

#[tokio::test]
async fn an_old_or_missing_version_must_revalidate() {
    for uri in ["/assets/js/live.js", "/assets/js/live.js?v=0123456789ab"] {
        let response = get_asset(uri, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            response.headers()[header::CACHE_CONTROL],
            "no-cache",
            "{uri}"
        );
        assert!(
            response.headers()[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("javascript"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn a_matching_etag_answers_not_modified_without_a_body() {
    let first = get_asset("/assets/icons/sprite.svg", None).await;
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        first.headers()[header::CONTENT_TYPE],
        "image/svg+xml; charset=utf-8"
    );
    let again = get_asset("/assets/icons/sprite.svg", Some(&format!("\"x\", {etag}"))).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()[header::ETAG], etag.as_str());
    let body = to_bytes(again.into_body(), usize::MAX).await.unwrap();
    assert!(body.is_empty());
}

#[tokio::test]
async fn unknown_files_and_climbing_paths_are_not_found() {
    for uri in [
        "/assets/css/nothing.css",
        "/assets/../Cargo.toml",
        "/assets/css/..%2F..%2FCargo.toml",
        "/assets/css//scip.css",
    ] {
        let response = get_asset(uri, None).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{uri}");
    }
}
