//! `/api/v1`: compatibility with the SCIP v3 orchestration API, so existing scripts keep
//! working — same paths, request and response shapes — but authenticated, with correct status
//! codes, and with the scenario name in the path resolved to its latest version. Errors carry
//! SCIP v3's `detail` next to the usual `error` object.
//!
//! - [`exercises`]: deploy, start, pause, resume, finish, next-turn, stop, manual injects,
//!   status, the current exercise and the service status.
//! - [`scenarios`]: scenario list and files, team timelines (read and replace).
//! - [`media`]: media list, upload and delete.
//! - [`legacy`]: our model in SCIP v3's shapes.

pub mod exercises;
pub mod legacy;
pub mod media;
pub mod scenarios;

use axum::body::{Body, to_bytes};
use axum::http::header;
use axum::response::Response;
use scip_core::ScenarioId;
use scip_core::engine::ExerciseState;
use scip_store::ExerciseRecord;

use crate::error::ApiError;
use crate::state::AppState;

/// Largest error body rewritten (error bodies are small).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Response middleware: adds SCIP v3's `detail` (the message) to every JSON error body.
pub async fn add_detail(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut map)) => {
            let message = map
                .get("error")
                .and_then(|e| e.get("message"))
                .cloned()
                .unwrap_or_else(|| serde_json::Value::String(status.to_string()));
            map.entry("detail").or_insert(message);
            serde_json::to_vec(&map).unwrap_or_else(|_| bytes.to_vec())
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// A scenario name from a v1 path: it must name an existing scenario.
pub async fn existing_scenario(state: &AppState, raw: &str) -> Result<ScenarioId, ApiError> {
    let id = ScenarioId::new(raw)
        .map_err(|_| ApiError::not_found(format!("Scenario {raw:?} not found")))?;
    state
        .store
        .latest_scenario(&id)
        .await
        .map_err(|e| match e {
            scip_store::StoreError::NotFound(_) => {
                ApiError::not_found(format!("Scenario {raw:?} not found"))
            }
            other => other.into(),
        })?;
    Ok(id)
}

/// The exercise a v1 path means: the newest exercise of the scenario that is not stopped
/// (SCIP v3 kept one deployed exercise per scenario, and forgot it at stop).
pub async fn deployed_exercise(
    state: &AppState,
    scenario: &ScenarioId,
) -> Result<Option<ExerciseRecord>, ApiError> {
    Ok(state
        .store
        .exercises_of_scenario(scenario)
        .await?
        .into_iter()
        .find(|e| e.state() != ExerciseState::Stopped))
}

/// Like [`deployed_exercise`], or 404 `Exercise not deployed` as SCIP v3 said.
pub async fn require_deployed(
    state: &AppState,
    raw: &str,
) -> Result<(ScenarioId, ExerciseRecord), ApiError> {
    let id = existing_scenario(state, raw).await?;
    match deployed_exercise(state, &id).await? {
        Some(e) => Ok((id, e)),
        None => Err(ApiError::not_found(format!("Exercise {raw} not deployed"))),
    }
}
