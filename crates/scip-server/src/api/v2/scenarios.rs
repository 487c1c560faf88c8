//! `/api/v2/scenarios`: list (with counts and mode), get, create, update (a new version) and
//! delete when unused. Scenarios travel as the canonical document (`docs/scenario-format.md`)
//! with every team's injects inline.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::ScenarioId;
use scip_core::model::document::ScenarioDoc;
use scip_store::{ScenarioSummary, StoreError, VersionNote};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiPath, ApiQuery, scenario_id};
use crate::api::paging::{Page, PageParams};
use crate::api::validation::{ReportView, scenario_from_document};
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// An example scenario document, for the API documentation.
pub(crate) fn example_document() -> serde_json::Value {
    serde_json::json!({
        "id": "harbour-storm", "name": "Harbour Storm", "mode": "clock", "duration": "30:00",
        "teams": [{"id": "port-ops", "name": "Port Operations", "injects": [
            {"id": "po-001", "at": "01:00", "type": "sms",
             "content": {"from": "Duty Pilot", "body": "Tug 4 reports loss of steering."}}
        ]}]
    })
}

/// One line of the scenario list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioSummaryView {
    /// Slug.
    pub id: String,
    /// Name of the latest version.
    pub name: String,
    /// Latest version number.
    pub latest_version: u32,
    /// `clock` or `turns`.
    pub mode: String,
    /// Number of turns (turn mode).
    pub total_turns: Option<u32>,
    /// Teams in the latest version.
    pub team_count: u32,
    /// Injects in the latest version.
    pub inject_count: u32,
    /// Nominal duration, ms.
    pub duration_ms: Option<u64>,
    /// When the latest version was saved (wall ms).
    pub updated_at: i64,
    /// When the newest exercise of it was launched (wall ms).
    pub last_exercise_at: Option<i64>,
    /// Exercises launched from it.
    pub exercise_count: u64,
}

impl From<ScenarioSummary> for ScenarioSummaryView {
    fn from(s: ScenarioSummary) -> Self {
        Self {
            id: s.id.to_string(),
            name: s.name,
            latest_version: s.latest_version,
            mode: s.mode,
            total_turns: s.total_turns,
            team_count: s.team_count,
            inject_count: s.inject_count,
            duration_ms: s.duration_ms,
            updated_at: s.updated_at,
            last_exercise_at: s.last_exercise_at,
            exercise_count: s.exercise_count,
        }
    }
}

/// How to order the scenario list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
pub enum ScenarioSort {
    /// By name, A to Z (default).
    #[default]
    #[serde(rename = "name")]
    Name,
    /// By name, Z to A.
    #[serde(rename = "-name")]
    NameDesc,
    /// Least recently saved first.
    #[serde(rename = "updated")]
    Updated,
    /// Most recently saved first.
    #[serde(rename = "-updated")]
    UpdatedDesc,
}

/// Filters of the scenario list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScenarioListQuery {
    /// Only scenarios whose name or id contains this (ignoring case).
    pub search: Option<String>,
    /// `name` (default), `-name`, `updated` or `-updated`.
    #[param(value_type = Option<String>)]
    pub sort: Option<ScenarioSort>,
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// A scenario version in full.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScenarioView {
    /// Slug.
    pub id: String,
    /// The version shown.
    pub version: u32,
    /// The latest version.
    pub latest_version: u32,
    /// The scenario document with every team's injects inline.
    #[schema(value_type = Object)]
    pub scenario: ScenarioDoc,
}

/// A new scenario.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateScenarioBody {
    /// The scenario document (`docs/scenario-format.md`), injects inline.
    #[schema(value_type = Object, example = json!(example_document()))]
    pub scenario: ScenarioDoc,
    /// What this version is, in the author's words.
    pub comment: Option<String>,
}

/// A new version of a scenario.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateScenarioBody {
    /// The version the edit started from; a save based on an older one is refused (409).
    pub based_on_version: u32,
    /// The whole scenario document; its `id` must be the one in the path.
    #[schema(value_type = Object, example = json!(example_document()))]
    pub scenario: ScenarioDoc,
    /// What changed, in the author's words.
    pub comment: Option<String>,
}

/// A saved version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedView {
    /// Slug.
    pub id: String,
    /// The version written.
    pub version: u32,
    /// Warnings (a saved scenario has no errors).
    pub report: ReportView,
}

/// Which version to read.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version number (default: the latest).
    pub version: Option<u32>,
}

/// A version of a scenario (latest when `None`) with its number and the latest number.
pub async fn load_version(
    state: &AppState,
    id: &ScenarioId,
    version: Option<u32>,
) -> Result<(scip_core::Scenario, u32, u32), ApiError> {
    let (latest_scenario, latest) = state.store.latest_scenario(id).await?;
    match version {
        None => Ok((latest_scenario, latest, latest)),
        Some(v) if v == latest => Ok((latest_scenario, latest, latest)),
        Some(v) => Ok((state.store.scenario_version(id, v).await?, v, latest)),
    }
}

pub(crate) fn note(author: &str, comment: Option<String>) -> VersionNote {
    VersionNote {
        created_by: Some(author.to_owned()),
        comment: comment
            .map(|c| c.trim().chars().take(500).collect::<String>())
            .filter(|c| !c.is_empty()),
    }
}

/// Scenarios with their counts and mode.
#[utoipa::path(get, path = "/api/v2/scenarios", tag = "scenarios",
    params(ScenarioListQuery),
    responses(
        (status = 200, description = "A page of scenarios", body = Page<ScenarioSummaryView>),
        (status = 400, description = "Bad paging or sort"),
        (status = 401, description = "Not signed in"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiQuery(query): ApiQuery<ScenarioListQuery>,
) -> Result<Json<Page<ScenarioSummaryView>>, ApiError> {
    let paging = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .paging()?;
    let mut all = state.store.list_scenarios(query.search.as_deref()).await?;
    match query.sort.unwrap_or_default() {
        ScenarioSort::Name => {}
        ScenarioSort::NameDesc => all.reverse(),
        ScenarioSort::Updated => all.sort_by_key(|s| (s.updated_at, s.id.clone())),
        ScenarioSort::UpdatedDesc => {
            all.sort_by_key(|s| (std::cmp::Reverse(s.updated_at), s.id.clone()));
        }
    }
    let views = all.into_iter().map(ScenarioSummaryView::from).collect();
    Ok(Json(Page::slice(views, paging)))
}

/// Creates a scenario (version 1). Every problem of the document is reported at once (422).
#[utoipa::path(post, path = "/api/v2/scenarios", tag = "scenarios",
    request_body = CreateScenarioBody,
    responses(
        (status = 201, description = "Created", body = SavedView),
        (status = 403, description = "Observers cannot author"),
        (status = 409, description = "A scenario with that id exists"),
        (status = 422, description = "The document has errors; details.report lists them"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiJson(body): ApiJson<CreateScenarioBody>,
) -> Result<(StatusCode, Json<SavedView>), ApiError> {
    let (scenario, report) = scenario_from_document(&state, body.scenario).await?;
    let version = state
        .store
        .create_scenario(
            &scenario,
            &note(user.actor(), body.comment),
            state.engine.clock.now(),
        )
        .await?;
    tracing::info!(scenario.id = %scenario.id, by = user.actor(), "scenario created");
    Ok((
        StatusCode::CREATED,
        Json(SavedView {
            id: scenario.id.to_string(),
            version,
            report: ReportView::from(&report),
        }),
    ))
}

/// A scenario (its latest version, or `?version=`).
#[utoipa::path(get, path = "/api/v2/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), VersionQuery),
    responses(
        (status = 200, description = "The scenario", body = ScenarioView),
        (status = 400, description = "Bad id"),
        (status = 404, description = "No such scenario or version"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ScenarioView>, ApiError> {
    let id = scenario_id(&id)?;
    let (scenario, version, latest) = load_version(&state, &id, query.version).await?;
    Ok(Json(ScenarioView {
        id: id.to_string(),
        version,
        latest_version: latest,
        scenario: ScenarioDoc::from_scenario(&scenario),
    }))
}

/// Saves a new version of a scenario.
#[utoipa::path(put, path = "/api/v2/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = UpdateScenarioBody,
    responses(
        (status = 200, description = "Saved as a new version", body = SavedView),
        (status = 404, description = "No such scenario"),
        (status = 409, description = "Someone saved a newer version; details.current_version"),
        (status = 422, description = "The document has errors, or its id differs from the path"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<UpdateScenarioBody>,
) -> Result<Json<SavedView>, ApiError> {
    let id = scenario_id(&id)?;
    if body.scenario.id != id.as_str() {
        return Err(ApiError::unprocessable(format!(
            "the document's id {:?} differs from the scenario {id} being saved; duplicate it to change its id",
            body.scenario.id
        )));
    }
    save_new_version(
        &state,
        user.actor(),
        &id,
        body.based_on_version,
        body.scenario,
        body.comment,
    )
    .await
    .map(Json)
}

/// Validates `doc` and saves it as the version after `based_on`.
pub async fn save_new_version(
    state: &AppState,
    author: &str,
    id: &ScenarioId,
    based_on: u32,
    doc: ScenarioDoc,
    comment: Option<String>,
) -> Result<SavedView, ApiError> {
    let (_, latest) = state.store.latest_scenario(id).await?;
    if based_on != latest {
        return Err(ApiError::from(StoreError::stale_version(
            format!(
                "scenario {id} is at version {latest}; this edit started from version {based_on}; reload and redo it"
            ),
            u64::from(latest),
        )));
    }
    let (scenario, report) = scenario_from_document(state, doc).await?;
    let version = state
        .store
        .save_scenario(
            &scenario,
            based_on,
            &note(author, comment),
            state.engine.clock.now(),
        )
        .await?;
    tracing::info!(scenario.id = %id, version, by = author, "scenario saved");
    Ok(SavedView {
        id: id.to_string(),
        version,
        report: ReportView::from(&report),
    })
}

/// Deletes a scenario and all its versions; refused (409) while any exercise uses it.
#[utoipa::path(delete, path = "/api/v2/scenarios/{id}", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such scenario"),
        (status = 409, description = "Exercises use it"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    let id = scenario_id(&id)?;
    state.store.delete_scenario(&id).await?;
    tracing::info!(scenario.id = %id, by = user.actor(), "scenario deleted");
    Ok(StatusCode::NO_CONTENT)
}
