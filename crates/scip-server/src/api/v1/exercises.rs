//! SCIP v3's exercise endpoints (`/api/v1/exercises/{scenario}/…`), `/exercises/current` and
//! `/status`. An exercise is addressed by its scenario's name, as in SCIP v3: deploy launches
//! the scenario's latest version; the other actions act on the exercise deployed from it.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use scip_core::ExerciseId;
use scip_core::engine::{Command, Completion, Passed, Speed};
use scip_engine::{LaunchRequest, Request};
use scip_store::ExerciseRecord;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::api::extract::{ApiJson, ApiPath};
use crate::api::v1::legacy::{media_names, v3_clock, v3_state};
use crate::api::v1::{deployed_exercise, existing_scenario, require_deployed};
use crate::api::v2::control::{live_content, team_list};
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// The dashboard address of each team (`null` until its dashboard is up).
async fn dashboard_urls(
    state: &AppState,
    exercise: &ExerciseId,
) -> Result<BTreeMap<String, Option<String>>, ApiError> {
    Ok(state
        .store
        .exercise_teams(exercise)
        .await?
        .into_iter()
        .map(|t| {
            let url = t.dashboard_url.clone().or_else(|| {
                t.dashboard_port
                    .map(|p| format!("http://{}:{p}/", state.settings.public_host))
            });
            (t.team_id.to_string(), url)
        })
        .collect())
}

/// The SCIP v3 status object of an exercise.
async fn status_of(state: &AppState, record: &ExerciseRecord) -> Result<Value, ApiError> {
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await?;
    let now = state.engine.clock.now();
    let elapsed_ms = record.runtime.clock.elapsed(now);
    let teams = state.store.exercise_teams(&record.id).await?;
    let counts = state.store.delivery_counts(&record.id).await?;
    let team_list: Vec<Value> = teams
        .iter()
        .map(|t| {
            let delivered = counts
                .iter()
                .find(|c| c.team_id == t.team_id)
                .map_or(0, |c| c.counts.delivered);
            let total = scenario.team(&t.team_id).map_or(0, |s| s.timeline.len());
            json!({
                "id": t.team_id,
                "delivered": delivered,
                "status": if t.viewers > 0 { "connected" } else { "disconnected" },
                "viewers": t.viewers,
                "total": total,
                "port": t.dashboard_port,
                "url": t.dashboard_url,
            })
        })
        .collect();
    let mut out = json!({
        "state": v3_state(record.state()),
        "exercise_id": record.id,
        "timer": {
            "elapsed": elapsed_ms / 1000,
            "formatted": v3_clock(elapsed_ms),
            "timestamp": now as f64 / 1000.0,
        },
        "teams": team_list,
        "turn_based": scenario.mode.total_turns().is_some(),
    });
    if let Some(total) = scenario.mode.total_turns() {
        out["current_turn"] = json!(record.runtime.turn.map_or(0, |t| t.current));
        out["total_turns"] = json!(total);
        out["waiting_for_next_turn"] = json!(matches!(
            record.runtime.completion,
            Some(Completion::TurnComplete { .. })
        ));
    }
    Ok(out)
}

async fn control(
    state: &AppState,
    user: &RequireRole<Controller>,
    exercise: &ExerciseId,
    command: Command,
) -> Result<ExerciseRecord, ApiError> {
    let outcome = state
        .engine
        .execute(exercise, Request::Control(command), user.actor())
        .await?;
    Ok(outcome.exercise)
}

/// Deploys a scenario: launches an exercise from its latest version (SCIP v3 #1).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/deploy", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status, scenario, exercise_id, dashboard_urls}`"),
        (status = 404, description = "No such scenario"),
        (status = 409, description = "Already deployed (stop it first)"),
        (status = 422, description = "The scenario has errors"),
    ))]
pub async fn deploy(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id = existing_scenario(&state, &scenario).await?;
    if let Some(existing) = deployed_exercise(&state, &id).await? {
        return Err(
            ApiError::conflict(format!("Exercise {scenario} already deployed"))
                .with_details(json!({ "exercise_id": existing.id, "state": existing.state() })),
        );
    }
    let record = state
        .engine
        .launch(LaunchRequest {
            scenario: id.clone(),
            version: None,
            name: None,
            speed: Speed::NORMAL,
            runtime: state.settings.dashboard_runtime,
            actor: Some(user.actor().to_owned()),
        })
        .await?;
    Ok(Json(json!({
        "status": "Exercise deployed",
        "scenario": id,
        "exercise_id": record.id,
        "dashboard_urls": dashboard_urls(&state, &record.id).await?,
    })))
}

/// Starts the deployed exercise (SCIP v3 #2).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/start", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status: \"Exercise started\"}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not allowed in the current state"),
    ))]
pub async fn start(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    control(&state, &user, &record.id, Command::Start).await?;
    Ok(Json(json!({ "status": "Exercise started" })))
}

/// Pauses the clock (SCIP v3 #3).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/pause", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status: \"Exercise paused\", elapsed}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not running"),
    ))]
pub async fn pause(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    let after = control(&state, &user, &record.id, Command::Pause).await?;
    let elapsed = after.runtime.clock.elapsed(state.engine.clock.now()) as f64 / 1000.0;
    Ok(Json(
        json!({ "status": "Exercise paused", "elapsed": elapsed }),
    ))
}

/// Resumes the clock (SCIP v3 #4).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/resume", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status: \"Exercise resumed\"}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not paused"),
    ))]
pub async fn resume(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    control(&state, &user, &record.id, Command::Resume).await?;
    Ok(Json(json!({ "status": "Exercise resumed" })))
}

/// Finishes the exercise; dashboards stay readable until it is stopped (SCIP v3 #5).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/finish", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not allowed in the current state"),
    ))]
pub async fn finish(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    control(&state, &user, &record.id, Command::Finish).await?;
    Ok(Json(json!({
        "status": "Exercise finished. Team dashboards remain available until the exercise is stopped."
    })))
}

/// Starts the next turn (SCIP v3 #6).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/next-turn", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status: \"Turn advanced\", turn}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not turn-based, not started, or the last turn"),
    ))]
pub async fn next_turn(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    let after = control(&state, &user, &record.id, Command::NextTurn(Passed::Fire)).await?;
    Ok(Json(json!({
        "status": "Turn advanced",
        "turn": after.runtime.turn.map_or(0, |t| t.current),
    })))
}

/// Stops the exercise: dashboards close and team access ends (SCIP v3 #7).
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/stop", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{status: \"Exercise stopped\", scenario}`"),
        (status = 404, description = "Not deployed"),
    ))]
pub async fn stop(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let (id, record) = require_deployed(&state, &scenario).await?;
    control(&state, &user, &record.id, Command::Stop).await?;
    Ok(Json(
        json!({ "status": "Exercise stopped", "scenario": id }),
    ))
}

/// A SCIP v3 manual inject.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ManualInjectBody {
    /// Target teams.
    pub team_ids: Vec<String>,
    /// Inject type (SCIP v3 names such as `intelligence` are accepted).
    #[serde(rename = "type")]
    pub kind: String,
    /// Content fields (SCIP v3 synonyms such as SMS `text` are accepted).
    #[schema(value_type = Object)]
    pub content: serde_json::Map<String, Value>,
    /// Media paths (`/api/media/...`) or library names.
    #[serde(default)]
    pub media: Vec<String>,
    /// Priority.
    pub priority: Option<String>,
}

/// Sends a live inject to teams (SCIP v3 #8); also allowed while paused between turns.
#[utoipa::path(post, path = "/api/v1/exercises/{scenario}/inject/manual", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = ManualInjectBody,
    responses(
        (status = 200, description = "`{status: \"sent\", inject_id, teams, timestamp}`"),
        (status = 404, description = "Not deployed"),
        (status = 409, description = "Not allowed in the current state"),
        (status = 422, description = "Bad type, content, team or media"),
    ))]
pub async fn manual_inject(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(scenario): ApiPath<String>,
    ApiJson(body): ApiJson<ManualInjectBody>,
) -> Result<Json<Value>, ApiError> {
    let (_, record) = require_deployed(&state, &scenario).await?;
    let teams = team_list(&body.team_ids)?;
    let kind = scip_core::InjectType::parse(&body.kind)
        .ok_or_else(|| ApiError::unprocessable(format!("type {:?} is unknown", body.kind)))?;
    let content = scip_formats::v3::canonical_v3_content(kind, body.content);
    let live = live_content(
        &body.kind,
        body.priority.as_deref(),
        content,
        media_names(&body.media)?,
    )?;
    let outcome = state
        .engine
        .execute(
            &record.id,
            Request::LiveInject {
                teams: teams.clone(),
                live: Box::new(live),
            },
            user.actor(),
        )
        .await?;
    let elapsed = outcome
        .exercise
        .runtime
        .clock
        .elapsed(state.engine.clock.now())
        / 1000;
    Ok(Json(json!({
        "status": "sent",
        "inject_id": outcome.live_inject,
        "teams": teams,
        "timestamp": elapsed,
    })))
}

/// The status of a scenario's exercise (SCIP v3 #9); `NOT_STARTED` with no teams when none
/// is deployed.
#[utoipa::path(get, path = "/api/v1/exercises/{scenario}/status", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "`{state, timer, teams, turn_based, …}`"),
        (status = 404, description = "No such scenario"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id = existing_scenario(&state, &scenario).await?;
    match deployed_exercise(&state, &id).await? {
        Some(record) => Ok(Json(status_of(&state, &record).await?)),
        None => Ok(Json(json!({
            "state": "NOT_STARTED",
            "timer": { "formatted": "T+00:00", "elapsed": 0 },
            "teams": [],
        }))),
    }
}

/// The most recently deployed exercise that is not stopped (SCIP v3 #10).
#[utoipa::path(get, path = "/api/v1/exercises/current", tag = "v1",
    responses((status = 200, description = "`{active: false}` or `{active: true, scenario_name, …status}`")))]
pub async fn current(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
) -> Result<Json<Value>, ApiError> {
    let page = state
        .store
        .list_exercises(None, scip_store::Paging::first(200))
        .await?;
    let Some(record) = page
        .items
        .into_iter()
        .find(|e| e.state().is_live() || e.state() == scip_core::engine::ExerciseState::Finished)
    else {
        return Ok(Json(json!({ "active": false })));
    };
    let mut out = status_of(&state, &record).await?;
    out["active"] = json!(true);
    out["scenario_name"] = json!(record.scenario_id);
    out["thumbnail"] = Value::Null;
    Ok(Json(out))
}

/// The service's status (SCIP v3 #22): the broker connection and the deployed exercises.
#[utoipa::path(get, path = "/api/v1/status", tag = "v1",
    responses((status = 200, description = "`{orchestration_service, mqtt_broker, active_exercises}`")))]
pub async fn service_status(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
) -> Result<Json<Value>, ApiError> {
    let page = state
        .store
        .list_exercises(None, scip_store::Paging::first(500))
        .await?;
    let mut active: Vec<String> = page
        .items
        .iter()
        .filter(|e| e.state() != scip_core::engine::ExerciseState::Stopped)
        .map(|e| e.scenario_id.to_string())
        .collect();
    active.dedup();
    Ok(Json(json!({
        "orchestration_service": "running",
        "mqtt_broker": if state.engine.mqtt.as_ref().is_some_and(|m| m.is_connected()) { "connected" } else { "disconnected" },
        "active_exercises": active,
    })))
}
