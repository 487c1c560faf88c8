//! `/api/v2/exercises`: launch an exercise from a scenario version, list, read (clock, state,
//! allowed actions, teams and their progress).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::engine::{Completion, Engine, EngineSettings, ExerciseState, Speed};
use scip_core::format_tplus;
use scip_engine::LaunchRequest;
use scip_store::{ExerciseRecord, ExerciseTeam, TeamDeliveryCounts};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiJson, ApiPath, ApiQuery, exercise_id, scenario_id};
use crate::api::paging::{Page, PageParams};
use crate::auth::{Controller, Observer, RequireRole, SessionUser};
use crate::error::ApiError;
use crate::state::AppState;

/// Turn progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnView {
    /// The turn being played (from 1).
    pub current: u32,
    /// Number of turns.
    pub total: Option<u32>,
    /// Exercise time at which it started, ms.
    pub started_at_ms: u64,
}

/// An exercise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExerciseView {
    /// Generated id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The scenario.
    pub scenario_id: String,
    /// The exact version it runs.
    pub scenario_version: u32,
    /// `deployed`, `running`, `paused`, `finished` or `stopped`.
    pub state: String,
    /// Run number (a reset starts a new one).
    pub run: u32,
    /// Exercise time now, ms.
    pub elapsed_ms: u64,
    /// Exercise time now as `T+MM:SS`.
    pub clock: String,
    /// Clock speed (1 = real time).
    pub speed: f64,
    /// True while the clock runs.
    pub running: bool,
    /// Turn progress (turn mode, once started).
    pub turn: Option<TurnView>,
    /// `turn_complete` or `exercise_complete` while the engine holds the exercise paused.
    pub completion: Option<String>,
    /// Actions allowed now (single exercises only).
    pub allowed_actions: Option<Vec<String>>,
    /// Where its dashboards run.
    pub dashboard_runtime: String,
    /// Who launched it.
    pub created_by: Option<String>,
    /// Wall ms.
    pub created_at: i64,
    /// When the clock first started in this run (wall ms).
    pub started_at: Option<i64>,
    /// When it was finished (wall ms).
    pub finished_at: Option<i64>,
    /// When it was stopped (wall ms).
    pub stopped_at: Option<i64>,
    /// Last change (wall ms).
    pub updated_at: i64,
    /// Changes on every engine step.
    pub version: u64,
}

impl ExerciseView {
    /// The view of a record at wall time `now`.
    pub fn new(record: &ExerciseRecord, now: i64, total_turns: Option<u32>) -> Self {
        let rt = &record.runtime;
        let elapsed_ms = rt.clock.elapsed(now);
        Self {
            id: record.id.to_string(),
            name: record.name.clone(),
            scenario_id: record.scenario_id.to_string(),
            scenario_version: record.scenario_version,
            state: rt.state.as_str().to_owned(),
            run: rt.run,
            elapsed_ms,
            clock: format_tplus(elapsed_ms),
            speed: rt.clock.speed.factor(),
            running: rt.clock.is_running(),
            turn: rt.turn.map(|t| TurnView {
                current: t.current,
                total: total_turns,
                started_at_ms: t.started_at_ms,
            }),
            completion: rt.completion.map(|c| {
                match c {
                    Completion::TurnComplete { .. } => "turn_complete",
                    Completion::ExerciseComplete => "exercise_complete",
                }
                .to_owned()
            }),
            allowed_actions: None,
            dashboard_runtime: record.dashboard_runtime.as_str().to_owned(),
            created_by: record.created_by.clone(),
            created_at: record.created_at,
            started_at: record.started_at,
            finished_at: record.finished_at,
            stopped_at: record.stopped_at,
            updated_at: record.updated_at,
            version: record.version,
        }
    }
}

/// A team of an exercise with its dashboard and progress.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExerciseTeamView {
    /// Team slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// `player` or `public`.
    pub kind: String,
    /// The code participants enter (controllers and administrators only).
    pub access_code: Option<String>,
    /// Incremented by every rotation.
    pub code_version: u32,
    /// Dashboard URL, once known.
    pub dashboard_url: Option<String>,
    /// Dashboard port, once known.
    pub dashboard_port: Option<u16>,
    /// `starting`, `healthy`, `unhealthy` or `stopped`.
    pub dashboard_health: String,
    /// Browsers showing the dashboard now.
    pub viewers: u32,
    /// Deliveries fired to the team in the current run.
    pub delivered: u64,
    /// Of which acknowledged by the broker.
    pub published: u64,
    /// Of which received by a dashboard.
    pub received: u64,
    /// Of which shown.
    pub displayed: u64,
    /// Of which read.
    pub read: u64,
    /// Of which fired late.
    pub late: u64,
}

/// An exercise with its teams.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExerciseDetailView {
    /// The exercise.
    #[serde(flatten)]
    pub exercise: ExerciseView,
    /// Its teams in display order.
    pub teams: Vec<ExerciseTeamView>,
}

/// An exercise to launch.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateExerciseBody {
    /// The scenario.
    pub scenario_id: String,
    /// A version (default: the latest).
    pub version: Option<u32>,
    /// Display name (default: the scenario's name).
    pub name: Option<String>,
    /// Clock speed, 0.5–60 (default 1).
    pub speed: Option<f64>,
}

/// Filters of the exercise list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExerciseListQuery {
    /// Only exercises in this state.
    #[param(value_type = Option<String>)]
    pub state: Option<ExerciseState>,
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// The teams of an exercise as `user` may see them (codes for controllers only).
pub async fn team_views(
    state: &AppState,
    record: &ExerciseRecord,
    user: &SessionUser,
) -> Result<Vec<ExerciseTeamView>, ApiError> {
    let teams = state.store.exercise_teams(&record.id).await?;
    let counts = state.store.delivery_counts(&record.id).await?;
    let show_codes = user.has_role(scip_store::Role::Controller);
    Ok(teams
        .iter()
        .map(|t| {
            team_view(
                t,
                counts.iter().find(|c| c.team_id == t.team_id),
                show_codes,
            )
        })
        .collect())
}

fn team_view(
    t: &ExerciseTeam,
    counts: Option<&TeamDeliveryCounts>,
    show_code: bool,
) -> ExerciseTeamView {
    let c = counts.map(|c| c.counts);
    ExerciseTeamView {
        id: t.team_id.to_string(),
        name: t.name.clone(),
        color: t.color.clone(),
        kind: t.kind.as_str().to_owned(),
        access_code: show_code.then(|| t.access_code.clone()),
        code_version: t.code_version,
        dashboard_url: t.dashboard_url.clone(),
        dashboard_port: t.dashboard_port,
        dashboard_health: t.health.as_str().to_owned(),
        viewers: t.viewers,
        delivered: c.map_or(0, |c| c.delivered),
        published: c.map_or(0, |c| c.published),
        received: c.map_or(0, |c| c.received),
        displayed: c.map_or(0, |c| c.displayed),
        read: c.map_or(0, |c| c.read),
        late: c.map_or(0, |c| c.late),
    }
}

/// The full view of one exercise: allowed actions from the pure engine, and its teams.
pub async fn detail(
    state: &AppState,
    record: &ExerciseRecord,
    user: &SessionUser,
) -> Result<ExerciseDetailView, ApiError> {
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await?;
    let total_turns = scenario.mode.total_turns();
    let engine = Engine::new(
        scip_core::engine::Plan::from_scenario(&scenario),
        record.runtime,
        EngineSettings {
            turn_grace_ms: record.turn_grace_ms,
        },
        Vec::new(),
    );
    let mut exercise = ExerciseView::new(record, state.engine.clock.now(), total_turns);
    exercise.allowed_actions = Some(
        engine
            .allowed_actions()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
    );
    Ok(ExerciseDetailView {
        exercise,
        teams: team_views(state, record, user).await?,
    })
}

/// Checks a launch request and launches the exercise (the API and the portal's launch form).
pub async fn launch(
    state: &AppState,
    actor: &str,
    body: CreateExerciseBody,
) -> Result<ExerciseRecord, ApiError> {
    let scenario =
        scenario_id(&body.scenario_id).map_err(|e| ApiError::unprocessable(e.message))?;
    let speed = match body.speed {
        None => Speed::NORMAL,
        Some(f) => Speed::from_factor(f).map_err(|e| ApiError::unprocessable(e.to_string()))?,
    };
    if let Some(name) = &body.name
        && (name.chars().count() > 200 || name.chars().any(char::is_control))
    {
        return Err(ApiError::unprocessable(
            "name must be at most 200 characters without control characters",
        ));
    }
    let record = state
        .engine
        .launch(LaunchRequest {
            scenario,
            version: body.version,
            name: body.name,
            speed,
            runtime: state.settings.dashboard_runtime,
            actor: Some(actor.to_owned()),
        })
        .await?;
    tracing::info!(exercise.id = %record.id, by = actor, "exercise launched");
    Ok(record)
}

/// Launches an exercise from a scenario version: deployed at T+0, dashboards starting.
#[utoipa::path(post, path = "/api/v2/exercises", tag = "exercises",
    request_body = CreateExerciseBody,
    responses(
        (status = 201, description = "Launched", body = ExerciseDetailView),
        (status = 403, description = "Observers cannot launch"),
        (status = 404, description = "No such scenario or version"),
        (status = 422, description = "The scenario has errors, or the speed is out of range"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiJson(body): ApiJson<CreateExerciseBody>,
) -> Result<(StatusCode, Json<ExerciseDetailView>), ApiError> {
    let record = launch(&state, user.actor(), body).await?;
    Ok((
        StatusCode::CREATED,
        Json(detail(&state, &record, &user).await?),
    ))
}

/// Exercises, newest first.
#[utoipa::path(get, path = "/api/v2/exercises", tag = "exercises",
    params(ExerciseListQuery),
    responses(
        (status = 200, description = "A page of exercises", body = Page<ExerciseView>),
        (status = 400, description = "Bad state or paging"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiQuery(query): ApiQuery<ExerciseListQuery>,
) -> Result<Json<Page<ExerciseView>>, ApiError> {
    let paging = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .paging()?;
    let page = state.store.list_exercises(query.state, paging).await?;
    let now = state.engine.clock.now();
    Ok(Json(Page::new(
        page.items
            .iter()
            .map(|r| ExerciseView::new(r, now, None))
            .collect(),
        page.total,
        paging,
    )))
}

/// One exercise with its allowed actions and teams.
#[utoipa::path(get, path = "/api/v2/exercises/{id}", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "The exercise", body = ExerciseDetailView),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExerciseDetailView>, ApiError> {
    let id = exercise_id(&id)?;
    let record = state.store.get_exercise(&id).await?;
    Ok(Json(detail(&state, &record, &user).await?))
}

/// The teams of an exercise with dashboards, access codes (controllers) and progress.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/teams", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "Teams", body = Vec<ExerciseTeamView>),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn teams(
    State(state): State<AppState>,
    user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ExerciseTeamView>>, ApiError> {
    let id = exercise_id(&id)?;
    let record = state.store.get_exercise(&id).await?;
    Ok(Json(team_views(&state, &record, &user).await?))
}
