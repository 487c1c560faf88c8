//! `GET /media/{name}`: images, video and documents of the team's feed, for signed-in
//! participants, and only files one of the team's deliveries refers to.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::DashboardState;
use super::source::{MediaFile, SourceError};

/// The response for a media file. Files are served as attachments of a sandbox: an uploaded
/// SVG or HTML file cannot run script on the dashboard's origin.
pub fn media_response(file: MediaFile) -> Response {
    let mut response = Response::new(file.body);
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    if let Some(length) = file.length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'; img-src 'self'; media-src 'self'"),
    );
    response
}

/// `GET /media/{name}`.
pub async fn media(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    if state
        .sessions
        .of_request(&headers, &state.current())
        .is_err()
    {
        return (StatusCode::UNAUTHORIZED, "sign in to see this team's media").into_response();
    }
    match state.source.media(&name).await {
        Ok(file) => media_response(file),
        Err(SourceError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "no such file in this team's feed").into_response()
        }
        Err(e) => {
            tracing::warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "media file could not be fetched");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the file cannot be fetched now",
            )
                .into_response()
        }
    }
}
