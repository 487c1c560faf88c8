//! A scenario's saved versions, and copies of a scenario.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::ScenarioId;
use scip_store::{ScenarioVersionInfo, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{ApiPath, OptionalJson, scenario_id};
use crate::api::v2::scenarios::{SavedView, note};
use crate::api::validation::{ReportView, validate_against_library};
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// One saved version of a scenario.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    /// Version number, from 1.
    pub version: u32,
    /// Scenario name in this version.
    pub name: String,
    /// Wall ms.
    pub created_at: i64,
    /// Author.
    pub created_by: Option<String>,
    /// Author's comment.
    pub comment: Option<String>,
    /// Teams.
    pub team_count: u32,
    /// Injects.
    pub inject_count: u32,
}

impl From<ScenarioVersionInfo> for VersionView {
    fn from(v: ScenarioVersionInfo) -> Self {
        Self {
            version: v.version,
            name: v.name,
            created_at: v.created_at,
            created_by: v.created_by,
            comment: v.comment,
            team_count: v.team_count,
            inject_count: v.inject_count,
        }
    }
}

/// A copy to make.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateBody {
    /// Slug of the copy (default `<id>-copy`, `<id>-copy-2`, …).
    pub id: Option<String>,
    /// Name of the copy (default `<name> (copy)`).
    pub name: Option<String>,
}

/// Every saved version, newest first.
#[utoipa::path(get, path = "/api/v2/scenarios/{id}/versions", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "Versions", body = Vec<VersionView>),
        (status = 404, description = "No such scenario"),
    ))]
pub async fn versions(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    let id = scenario_id(&id)?;
    let list = state.store.scenario_versions(&id).await?;
    Ok(Json(list.into_iter().map(VersionView::from).collect()))
}

/// Copies the latest version into a new scenario.
#[utoipa::path(post, path = "/api/v2/scenarios/{id}/duplicate", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body(content = Option<DuplicateBody>, description = "Id and name of the copy (optional)"),
    responses(
        (status = 201, description = "The copy", body = SavedView),
        (status = 404, description = "No such scenario"),
        (status = 409, description = "The id asked for is taken"),
        (status = 422, description = "Bad id or name"),
    ))]
pub async fn duplicate(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    OptionalJson(body): OptionalJson<DuplicateBody>,
) -> Result<(StatusCode, Json<SavedView>), ApiError> {
    let id = scenario_id(&id)?;
    let saved = duplicate_scenario(&state, user.actor(), &id, body.unwrap_or_default()).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Copies the latest version of `id` into a new scenario (version 1).
pub async fn duplicate_scenario(
    state: &AppState,
    actor: &str,
    id: &ScenarioId,
    body: DuplicateBody,
) -> Result<SavedView, ApiError> {
    let (source, _) = state.store.latest_scenario(id).await?;
    let new_id = match body.id {
        Some(raw) => {
            ScenarioId::new(&raw).map_err(|e| ApiError::unprocessable(format!("id {raw:?} {e}")))?
        }
        None => free_copy_id(state, id).await?,
    };
    let name = match body.name.map(|n| n.trim().to_owned()) {
        Some(n) if n.chars().count() > 200 => {
            return Err(ApiError::unprocessable(
                "name must be at most 200 characters",
            ));
        }
        Some(n) if !n.is_empty() => n,
        _ => format!("{} (copy)", source.name),
    };
    let copy = state
        .store
        .duplicate_scenario(
            id,
            &new_id,
            &name,
            &note(actor, None),
            state.engine.clock.now(),
        )
        .await?;
    let report = validate_against_library(state, &copy).await?;
    Ok(SavedView {
        id: copy.id.to_string(),
        version: 1,
        report: ReportView::from(&report),
    })
}

async fn free_copy_id(state: &AppState, id: &ScenarioId) -> Result<ScenarioId, ApiError> {
    let base: String = id.as_str().chars().take(ScenarioId::MAX_LEN - 8).collect();
    for n in 1..100 {
        let candidate = if n == 1 {
            format!("{base}-copy")
        } else {
            format!("{base}-copy-{n}")
        };
        let candidate = ScenarioId::new(candidate).map_err(ApiError::internal)?;
        match state.store.latest_scenario(&candidate).await {
            Err(StoreError::NotFound(_)) => return Ok(candidate),
            Ok(_) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "too many copies exist; give the copy an id",
    ))
}
