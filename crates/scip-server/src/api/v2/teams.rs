//! `/api/v2/scenarios/{id}/teams`: a scenario's teams and timelines — read, replace a team,
//! replace its timeline, add, replace or remove one inject. Every change is saved as a new
//! version of the scenario, validated as a whole, and refused if someone saved in between.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::model::document::{InjectDoc, ScenarioDoc, TeamDoc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiPath, ApiQuery, inject_id, scenario_id, team_id};
use crate::api::v2::scenarios::{SavedView, load_version, save_new_version};
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// A team of a scenario with its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamView {
    /// The scenario version read.
    pub version: u32,
    /// The team (`id`, `name`, `color`, `kind`, `port`, … and `injects`).
    #[schema(value_type = Object)]
    pub team: TeamDoc,
}

/// A team without its timeline, for lists.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamSummaryView {
    /// Slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: Option<String>,
    /// `player` or `public`.
    pub kind: String,
    /// Fixed dashboard port.
    pub port: Option<u16>,
    /// Injects in its timeline.
    pub inject_count: usize,
}

/// A team's replacement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutTeamBody {
    /// The version the edit started from.
    pub based_on_version: u32,
    /// The team with its injects; its `id` must be the one in the path. A team not yet in the
    /// scenario is added at the end.
    #[schema(value_type = Object)]
    pub team: TeamDoc,
    /// What changed.
    pub comment: Option<String>,
}

/// A timeline's replacement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutTimelineBody {
    /// The version the edit started from.
    pub based_on_version: u32,
    /// Every inject of the team, in order.
    #[schema(value_type = Vec<Object>)]
    pub injects: Vec<InjectDoc>,
    /// What changed.
    pub comment: Option<String>,
}

/// One inject's replacement (or addition).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutInjectBody {
    /// The version the edit started from.
    pub based_on_version: u32,
    /// The whole inject (fields left out are cleared, `turn` included); its `id` must be the
    /// one in the path.
    #[schema(value_type = Object)]
    pub inject: InjectDoc,
    /// What changed.
    pub comment: Option<String>,
}

/// The version an edit started from, for removals.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BasedOnQuery {
    /// The version the edit started from.
    pub based_on_version: u32,
}

fn kind_name(team: &TeamDoc) -> String {
    team.kind.clone().unwrap_or_else(|| "player".to_owned())
}

/// The teams of a scenario version.
#[utoipa::path(get, path = "/api/v2/scenarios/{id}/teams", tag = "teams",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), crate::api::v2::scenarios::VersionQuery),
    responses(
        (status = 200, description = "Teams", body = Vec<TeamSummaryView>),
        (status = 404, description = "No such scenario"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<crate::api::v2::scenarios::VersionQuery>,
) -> Result<Json<Vec<TeamSummaryView>>, ApiError> {
    let id = scenario_id(&id)?;
    let (scenario, _, _) = load_version(&state, &id, query.version).await?;
    let doc = ScenarioDoc::from_scenario(&scenario);
    Ok(Json(
        doc.teams
            .iter()
            .map(|t| TeamSummaryView {
                id: t.id.clone(),
                name: t.name.clone(),
                color: t.color.clone(),
                kind: kind_name(t),
                port: t.port,
                inject_count: t.injects.as_ref().map_or(0, Vec::len),
            })
            .collect(),
    ))
}

/// One team with its timeline.
#[utoipa::path(get, path = "/api/v2/scenarios/{id}/teams/{team}", tag = "teams",
    params(
        ("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"),
        ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$"),
        crate::api::v2::scenarios::VersionQuery),
    responses(
        (status = 200, description = "The team", body = TeamView),
        (status = 404, description = "No such scenario or team"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath((id, team)): ApiPath<(String, String)>,
    ApiQuery(query): ApiQuery<crate::api::v2::scenarios::VersionQuery>,
) -> Result<Json<TeamView>, ApiError> {
    let id = scenario_id(&id)?;
    let team = team_id(&team)?;
    let (scenario, version, _) = load_version(&state, &id, query.version).await?;
    let doc = ScenarioDoc::from_scenario(&scenario);
    let team = doc
        .teams
        .into_iter()
        .find(|t| t.id == team.as_str())
        .ok_or_else(|| ApiError::not_found(format!("scenario {id} has no team {team}")))?;
    Ok(Json(TeamView { version, team }))
}

/// Applies `edit` to the latest document and saves it as the next version.
async fn edit_latest(
    state: &AppState,
    author: &str,
    id: &str,
    based_on: u32,
    comment: Option<String>,
    edit: impl FnOnce(&mut ScenarioDoc) -> Result<(), ApiError>,
) -> Result<SavedView, ApiError> {
    let id = scenario_id(id)?;
    let (scenario, _) = state.store.latest_scenario(&id).await?;
    let mut doc = ScenarioDoc::from_scenario(&scenario);
    edit(&mut doc)?;
    save_new_version(state, author, &id, based_on, doc, comment).await
}

fn team_mut<'d>(doc: &'d mut ScenarioDoc, team: &str) -> Result<&'d mut TeamDoc, ApiError> {
    let scenario = doc.id.clone();
    doc.teams
        .iter_mut()
        .find(|t| t.id == team)
        .ok_or_else(|| ApiError::not_found(format!("scenario {scenario} has no team {team}")))
}

/// Replaces a team (settings and timeline), or adds it.
#[utoipa::path(put, path = "/api/v2/scenarios/{id}/teams/{team}", tag = "teams",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    request_body = PutTeamBody,
    responses(
        (status = 200, description = "Saved as a new version", body = SavedView),
        (status = 404, description = "No such scenario"),
        (status = 409, description = "Someone saved a newer version"),
        (status = 422, description = "The result has errors, or the team id differs from the path"),
    ))]
pub async fn put_team(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, team)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutTeamBody>,
) -> Result<Json<SavedView>, ApiError> {
    let team = team_id(&team)?;
    if body.team.id != team.as_str() {
        return Err(ApiError::unprocessable(format!(
            "the team's id {:?} differs from {team} in the path",
            body.team.id
        )));
    }
    let mut new_team = body.team;
    new_team.timeline = None;
    if new_team.injects.is_none() {
        new_team.injects = Some(Vec::new());
    }
    edit_latest(
        &state,
        user.actor(),
        &id,
        body.based_on_version,
        body.comment,
        move |doc| {
            match doc.teams.iter_mut().find(|t| t.id == new_team.id) {
                Some(existing) => *existing = new_team,
                None => doc.teams.push(new_team),
            }
            Ok(())
        },
    )
    .await
    .map(Json)
}

/// Replaces a team's timeline.
#[utoipa::path(put, path = "/api/v2/scenarios/{id}/teams/{team}/timeline", tag = "teams",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    request_body = PutTimelineBody,
    responses(
        (status = 200, description = "Saved as a new version", body = SavedView),
        (status = 404, description = "No such scenario or team"),
        (status = 409, description = "Someone saved a newer version"),
        (status = 422, description = "The result has errors"),
    ))]
pub async fn put_timeline(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, team)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<PutTimelineBody>,
) -> Result<Json<SavedView>, ApiError> {
    let team = team_id(&team)?;
    edit_latest(
        &state,
        user.actor(),
        &id,
        body.based_on_version,
        body.comment,
        |doc| {
            team_mut(doc, team.as_str())?.injects = Some(body.injects);
            Ok(())
        },
    )
    .await
    .map(Json)
}

/// Replaces one inject of a team's timeline, or adds it at the end.
#[utoipa::path(put, path = "/api/v2/scenarios/{id}/teams/{team}/injects/{inject}", tag = "teams",
    params(
        ("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"),
        ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$"),
        ("inject" = String, Path, description = "Inject id", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")),
    request_body = PutInjectBody,
    responses(
        (status = 200, description = "Saved as a new version", body = SavedView),
        (status = 404, description = "No such scenario or team"),
        (status = 409, description = "Someone saved a newer version"),
        (status = 422, description = "The result has errors, or the inject id differs from the path"),
    ))]
pub async fn put_inject(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, team, inject)): ApiPath<(String, String, String)>,
    ApiJson(body): ApiJson<PutInjectBody>,
) -> Result<Json<SavedView>, ApiError> {
    let team = team_id(&team)?;
    let inject = inject_id(&inject)?;
    if body.inject.id != inject.as_str() {
        return Err(ApiError::unprocessable(format!(
            "the inject's id {:?} differs from {inject} in the path",
            body.inject.id
        )));
    }
    edit_latest(
        &state,
        user.actor(),
        &id,
        body.based_on_version,
        body.comment,
        |doc| {
            let injects = team_mut(doc, team.as_str())?
                .injects
                .get_or_insert_with(Vec::new);
            match injects.iter_mut().find(|i| i.id == inject.as_str()) {
                Some(existing) => *existing = body.inject,
                None => injects.push(body.inject),
            }
            Ok(())
        },
    )
    .await
    .map(Json)
}

/// Removes one inject from a team's timeline.
#[utoipa::path(delete, path = "/api/v2/scenarios/{id}/teams/{team}/injects/{inject}", tag = "teams",
    params(
        ("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"),
        ("team" = String, Path, description = "Team slug", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$"),
        ("inject" = String, Path, description = "Inject id", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$"),
        BasedOnQuery),
    responses(
        (status = 200, description = "Saved as a new version", body = SavedView),
        (status = 404, description = "No such scenario, team or inject"),
        (status = 409, description = "Someone saved a newer version"),
    ))]
pub async fn delete_inject(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, team, inject)): ApiPath<(String, String, String)>,
    ApiQuery(query): ApiQuery<BasedOnQuery>,
) -> Result<(StatusCode, Json<SavedView>), ApiError> {
    let team = team_id(&team)?;
    let inject = inject_id(&inject)?;
    let saved = edit_latest(
        &state,
        user.actor(),
        &id,
        query.based_on_version,
        None,
        |doc| {
            let injects = team_mut(doc, team.as_str())?
                .injects
                .get_or_insert_with(Vec::new);
            let before = injects.len();
            injects.retain(|i| i.id != inject.as_str());
            if injects.len() == before {
                return Err(ApiError::not_found(format!(
                    "team {team} has no inject {inject}"
                )));
            }
            Ok(())
        },
    )
    .await?;
    Ok((StatusCode::OK, Json(saved)))
}
