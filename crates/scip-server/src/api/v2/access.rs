//! Team access, controller side: rotate a team's access code (older team sessions end) and
//! hand out a signed link that signs a participant into that team.

use axum::Json;
use axum::extract::State;
use scip_core::engine::ExerciseState;
use scip_engine::generate_access_code;
use scip_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::{ApiPath, exercise_id, team_id};
use crate::auth::session::unix_now;
use crate::auth::team::issue_team_link;
use crate::auth::{Controller, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// A team's new access code.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessCodeView {
    /// Team slug.
    pub team: String,
    /// The code participants enter from now on.
    pub access_code: String,
    /// Incremented by every rotation.
    pub code_version: u32,
}

/// A signed link into a team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamLinkView {
    /// Team slug.
    pub team: String,
    /// The link token; exchange it at `POST /api/v2/team-access/link`.
    pub token: String,
    /// The team dashboard's address with the token, once the dashboard is up.
    pub url: Option<String>,
    /// When the link stops working at the latest (unix seconds); it also stops when the
    /// exercise is stopped or the team's code is rotated.
    pub expires_at: i64,
}

async fn live_exercise(state: &AppState, id: &str) -> Result<scip_core::ExerciseId, ApiError> {
    let id = exercise_id(id)?;
    let record = state.store.get_exercise(&id).await?;
    if record.state() == ExerciseState::Stopped {
        return Err(ApiError::conflict(format!(
            "exercise {id} has been stopped; its team access has ended"
        ))
        .with_details(serde_json::json!({ "state": "stopped" })));
    }
    Ok(id)
}

/// Gives a team a new access code; sessions opened with the old one end.
#[utoipa::path(post, path = "/api/v2/exercises/{id}/teams/{team}/access-code", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    responses(
        (status = 200, description = "The new code", body = AccessCodeView),
        (status = 403, description = "Observers cannot rotate codes"),
        (status = 404, description = "No such exercise or team"),
        (status = 409, description = "The exercise has been stopped"),
    ))]
pub async fn rotate_code(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, team)): ApiPath<(String, String)>,
) -> Result<Json<AccessCodeView>, ApiError> {
    let id = live_exercise(&state, &id).await?;
    let team = team_id(&team)?;
    for _ in 0..5 {
        let code = generate_access_code();
        match state
            .store
            .rotate_access_code(&id, &team, &code, user.actor(), state.engine.clock.now())
            .await
        {
            Ok(code_version) => {
                tracing::info!(exercise.id = %id, team.id = %team, by = user.actor(), "access code rotated");
                return Ok(Json(AccessCodeView {
                    team: team.to_string(),
                    access_code: code,
                    code_version,
                }));
            }
            // A clash with another team's code: draw again.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::conflict(
        "could not draw an unused access code; try again",
    ))
}

/// Issues a signed link that signs a participant into a team.
#[utoipa::path(post, path = "/api/v2/exercises/{id}/teams/{team}/link", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    responses(
        (status = 200, description = "The link", body = TeamLinkView),
        (status = 403, description = "Observers cannot hand out links"),
        (status = 404, description = "No such exercise or team"),
        (status = 409, description = "The exercise has been stopped"),
    ))]
pub async fn team_link(
    State(state): State<AppState>,
    _user: RequireRole<Controller>,
    ApiPath((id, team)): ApiPath<(String, String)>,
) -> Result<Json<TeamLinkView>, ApiError> {
    let id = live_exercise(&state, &id).await?;
    let team = team_id(&team)?;
    let member = state.store.exercise_team(&id, &team).await?;
    let (token, expires_at) = issue_team_link(&state.tokens, &member, unix_now());
    let url = member
        .dashboard_url
        .as_deref()
        .map(|base| format!("{}/join?link={token}", base.trim_end_matches('/')));
    Ok(Json(TeamLinkView {
        team: team.to_string(),
        token,
        url,
        expires_at,
    }))
}
