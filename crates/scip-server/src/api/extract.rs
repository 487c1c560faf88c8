//! Request extractors whose failures are [`ApiError`]s (the JSON error shape with the right
//! status) instead of axum's plain-text rejections, and parsing of ids from paths.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Query parameters.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// A JSON body that may be absent (an empty body is `None`).
#[derive(Debug, Clone, Default)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.trim().to_ascii_lowercase();
                v.starts_with("application/json")
                    || (v.starts_with("application/") && v.contains("+json"))
            });
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("the body cannot be read: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(None));
        }
        if !is_json {
            return Err(ApiError::unsupported_media_type(
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        serde_json::from_slice(&bytes)
            .map(|v| Self(Some(v)))
            .map_err(|e| {
                if e.is_data() {
                    ApiError::unprocessable(e.to_string())
                } else {
                    ApiError::bad_request(format!("the body is not valid JSON: {e}"))
                }
            })
    }
}

fn bad_id(what: &str, raw: &str, e: scip_core::IdError) -> ApiError {
    ApiError::bad_request(format!("{what} {raw:?} {e}"))
}

/// A scenario id from a path.
pub fn scenario_id(raw: &str) -> Result<ScenarioId, ApiError> {
    ScenarioId::new(raw).map_err(|e| bad_id("scenario id", raw, e))
}

/// A team id from a path.
pub fn team_id(raw: &str) -> Result<TeamId, ApiError> {
    TeamId::new(raw).map_err(|e| bad_id("team id", raw, e))
}

/// An inject id from a path.
pub fn inject_id(raw: &str) -> Result<InjectId, ApiError> {
    InjectId::new(raw).map_err(|e| bad_id("inject id", raw, e))
}

/// An exercise id from a path.
pub fn exercise_id(raw: &str) -> Result<ExerciseId, ApiError> {
    ExerciseId::new(raw).map_err(|e| bad_id("exercise id", raw, e))
}

/// A multipart body.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Self)
            .map_err(ApiError::from)
    }
}

/// A raw body.
pub struct ApiBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e| {
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::too_large("the request body is too large")
                } else {
                    ApiError::bad_request(format!("the body cannot be read: {}", e.body_text()))
                }
            })
    }
}
