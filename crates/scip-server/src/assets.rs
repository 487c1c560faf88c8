//! The design system's static files (CSS, JavaScript, icon sprite), embedded in the binary.
//!
//! Release builds carry the files inside the executable; debug builds read them from
//! `crates/scip-server/assets/` on every request, so editing CSS needs no rebuild.
//!
//! Pages link assets through [`versioned_url`] (`/assets/css/scip.css?v=<hash>`): the hash
//! changes whenever the file does, so [`serve`] can let browsers cache a versioned URL for a
//! year while a new release is picked up at once.

use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// Every file under `crates/scip-server/assets/`, by its path relative to that folder
/// (`css/scip.css`, `js/live.js`, `icons/sprite.svg`).
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/assets/"]
pub struct Assets;

/// Hex digits of the content hash used in versioned URLs.
const VERSION_HEX_LEN: usize = 12;

/// How long browsers may keep a file requested with its current version.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A short content hash of an asset, or `None` when there is no such file.
pub fn version(path: &str) -> Option<String> {
    let file = Assets::get(path)?;
    let mut digest = hex::encode(file.metadata.sha256_hash());
    digest.truncate(VERSION_HEX_LEN);
    Some(digest)
}

/// The URL of an asset under `base` (for example `/assets`), with its content hash as `?v=`.
///
/// An unknown path still yields a URL (without a version) so a page renders, and is logged:
/// a missing asset is a bug in a template, not in the request.
pub fn versioned_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    match version(path) {
        Some(v) => format!("{base}/{path}?v={v}"),
        None => {
            tracing::warn!(
                asset.path = path,
                "a page links an asset that does not exist"
            );
            format!("{base}/{path}")
        }
    }
}

/// Axum handler for `GET /assets/{*path}`: the file with its content type, an `ETag`, and a
/// year of caching when the URL carries the file's current version.
pub async fn serve(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    asset_response(&path, query.as_deref(), if_none_match)
}

/// The response for one asset request; [`serve`] without the extractors.
pub fn asset_response(path: &str, query: Option<&str>, if_none_match: Option<&str>) -> Response {
    if !is_plain_relative(path) {
        return not_found(path);
    }
    let Some(file) = Assets::get(path) else {
        return not_found(path);
    };
    let hash = hex::encode(file.metadata.sha256_hash());
    let etag = format!("\"{}\"", &hash[..32]);
    let cache_control = match query.and_then(requested_version) {
        Some(v) if hash.starts_with(v) && v.len() >= VERSION_HEX_LEN => IMMUTABLE,
        _ => "no-cache",
    };
    let mut headers = HeaderMap::new();
    insert_header(&mut headers, header::ETAG, &etag);
    insert_header(&mut headers, header::CACHE_CONTROL, cache_control);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if if_none_match.is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag)) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    insert_header(&mut headers, header::CONTENT_TYPE, &content_type(&file));
    (StatusCode::OK, headers, file.data.into_owned()).into_response()
}

/// Text types get an explicit charset; everything else keeps the guessed MIME type.
fn content_type(file: &rust_embed::EmbeddedFile) -> String {
    let mime = file.metadata.mimetype();
    if mime.starts_with("text/") || mime == "image/svg+xml" {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_owned()
    }
}

/// The `v` parameter of a query string.
fn requested_version(query: &str) -> Option<&str> {
    query.split('&').find_map(|pair| pair.strip_prefix("v="))
}

/// Only `dir/file.ext` shapes: no absolute paths, no `..`, no empty segments, no backslashes.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

fn insert_header(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    // Every value here is built from hex digits and fixed ASCII text, so it is a valid header.
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn not_found(path: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("no asset named {path:?}"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file the shared templates link must exist, or pages would render broken links.
    const LINKED_BY_TEMPLATES: &[&str] = &[
        "css/scip.css",
        "css/dashboard.css",
        "js/theme.js",
        "js/ui.js",
        "js/live.js",
        "js/timer.js",
        "js/keys.js",
        "js/widgets.js",
        "js/upload.js",
        "js/viewer.js",
        "icons/sprite.svg",
        "icons/favicon.svg",
    ];

    #[test]
    fn every_asset_the_layouts_link_is_embedded() {
        for path in LINKED_BY_TEMPLATES {
            assert!(Assets::get(path).is_some(), "{path} is missing");
            let url = versioned_url("/assets/", path);
            assert!(
                url.starts_with(&format!("/assets/{path}?v=")),
                "unexpected url {url}"
            );
            assert_eq!(url.len(), format!("/assets/{path}?v=").len() + 12);
        }
    }

    #[test]
    fn an_unknown_asset_gets_an_unversioned_url() {
        assert_eq!(
            versioned_url("/assets", "css/nope.css"),
            "/assets/css/nope.css"
        );
        assert_eq!(version("css/nope.css"), None);
    }

    #[test]
    fn paths_that_climb_or_are_absolute_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../Cargo.toml",
            "css/../../Cargo.toml",
            "css//scip.css",
            "./css/scip.css",
            "css\\scip.css",
        ] {
            assert!(!is_plain_relative(bad), "{bad:?} accepted");
            assert_eq!(
                asset_response(bad, None, None).status(),
                StatusCode::NOT_FOUND
            );
        }
        assert!(is_plain_relative("css/scip.css"));
    }

    #[test]
    fn the_version_parameter_is_found_among_others() {
        assert_eq!(requested_version("a=1&v=abc&b=2"), Some("abc"));
        assert_eq!(requested_version("va=1"), None);
    }
}
