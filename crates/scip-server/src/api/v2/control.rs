//! Steering an exercise: lifecycle actions, speed, seek, live injects, fire-now and resend.
//! Each is applied by the engine; an action the exercise's state does not allow is a 409 with
//! the current state and the allowed actions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::engine::{Action, Command, Passed, Speed};
use scip_core::model::{Content, InjectType, Priority};
use scip_core::{ExerciseId, TeamId, parse_time};
use scip_engine::{LiveContent, Outcome, Request};
use scip_store::DeliveryId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{ApiJson, ApiPath, OptionalJson, exercise_id, inject_id, team_id};
use crate::api::v2::exercises::{ExerciseDetailView, detail};
use crate::auth::{Controller, RequireRole, SessionUser};
use crate::error::ApiError;
use crate::state::AppState;

/// Options of a lifecycle action.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionBody {
    /// `next-turn`: `fire` (default) the injects left in the turn, or `skip` them.
    #[schema(value_type = Option<String>, example = "fire")]
    pub passed: Option<Passed>,
}

/// A new clock speed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeedBody {
    /// Factor, 0.5–60 (1 = real time).
    pub speed: f64,
}

/// A jump forward.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeekBody {
    /// Target as `T+MM:SS`, `H:MM:SS`, `MM:SS` or seconds; or give `to_ms`.
    pub to: Option<String>,
    /// Target in exercise milliseconds.
    pub to_ms: Option<u64>,
    /// `fire` (default) or `skip` the injects passed over.
    #[schema(value_type = Option<String>, example = "fire")]
    pub passed: Option<Passed>,
}

/// An ad-hoc inject.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiveInjectBody {
    /// Target teams (at least one).
    pub teams: Vec<String>,
    /// `news`, `social`, `email`, `sms`, `intel`, `alert` or `media`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `low`, `medium` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// The type's content fields (`docs/scenario-format.md`).
    #[schema(value_type = Object, example = json!({"from": "Harbour Master", "body": "Close the inner channel."}))]
    pub content: serde_json::Map<String, serde_json::Value>,
    /// Media library names.
    #[serde(default)]
    pub media: Vec<String>,
}

/// A scheduled inject to fire now.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FireNowBody {
    /// Team slug.
    pub team: String,
    /// Inject id in that team's timeline.
    pub inject: String,
}

/// A delivery written or re-sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryRefView {
    /// Delivery id.
    pub delivery_id: String,
    /// Team slug.
    pub team: String,
    /// Sequence number in the team's feed.
    pub seq: u64,
}

/// What a command did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommandView {
    /// The exercise afterwards.
    pub exercise: ExerciseDetailView,
    /// Deliveries written or re-sent by the command.
    pub deliveries: Vec<DeliveryRefView>,
    /// The generated id of a live inject.
    pub live_inject: Option<String>,
}

/// Runs a request through the engine and describes the result.
pub async fn run(
    state: &AppState,
    user: &SessionUser,
    exercise: &ExerciseId,
    request: Request,
) -> Result<(Outcome, CommandView), ApiError> {
    let outcome = state
        .engine
        .execute(exercise, request, user.actor())
        .await?;
    let view = CommandView {
        exercise: detail(state, &outcome.exercise, user).await?,
        deliveries: outcome
            .deliveries
            .iter()
            .map(|d| DeliveryRefView {
                delivery_id: d.id.to_string(),
                team: d.team.to_string(),
                seq: d.seq,
            })
            .collect(),
        live_inject: outcome.live_inject.as_ref().map(ToString::to_string),
    };
    Ok((outcome, view))
}

/// The lifecycle actions that go through this endpoint.
const LIFECYCLE: [Action; 7] = [
    Action::Start,
    Action::Pause,
    Action::Resume,
    Action::NextTurn,
    Action::Finish,
    Action::Reset,
    Action::Stop,
];

/// Applies a lifecycle action: `start`, `pause`, `resume`, `next-turn`, `finish`, `reset` or
/// `stop`.
#[utoipa::path(post, path = "/api/v2/exercises/{id}/actions/{action}", tag = "exercises",
    params(
        ("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"),
        ("action" = String, Path, description = "start, pause, resume, next-turn, finish, reset or stop")),
    request_body(content = Option<ActionBody>, description = "Options (next-turn only)"),
    responses(
        (status = 200, description = "Applied", body = CommandView),
        (status = 400, description = "Unknown action"),
        (status = 404, description = "No such exercise"),
        (status = 409, description = "Not allowed in the current state; details name the state and the allowed actions"),
    ))]
pub async fn action(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, action)): ApiPath<(String, String)>,
    OptionalJson(body): OptionalJson<ActionBody>,
) -> Result<Json<CommandView>, ApiError> {
    let id = exercise_id(&id)?;
    let action = Action::parse(&action)
        .filter(|a| LIFECYCLE.contains(a))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown action {action:?}; use start, pause, resume, next-turn, finish, reset or stop"
            ))
        })?;
    let passed = body.unwrap_or_default().passed.unwrap_or_default();
    let command = match action {
        Action::Start => Command::Start,
        Action::Pause => Command::Pause,
        Action::Resume => Command::Resume,
        Action::NextTurn => Command::NextTurn(passed),
        Action::Finish => Command::Finish,
        Action::Reset => Command::Reset,
        _ => Command::Stop,
    };
    let (_, view) = run(&state, &user, &id, Request::Control(command)).await?;
    Ok(Json(view))
}

/// Changes the clock speed (0.5–60).
#[utoipa::path(post, path = "/api/v2/exercises/{id}/speed", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = SpeedBody,
    responses(
        (status = 200, description = "Applied", body = CommandView),
        (status = 404, description = "No such exercise"),
        (status = 409, description = "Not allowed in the current state"),
        (status = 422, description = "Speed out of range"),
    ))]
pub async fn speed(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SpeedBody>,
) -> Result<Json<CommandView>, ApiError> {
    let id = exercise_id(&id)?;
    let speed =
        Speed::from_factor(body.speed).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let (_, view) = run(
        &state,
        &user,
        &id,
        Request::Control(Command::SetSpeed(speed)),
    )
    .await?;
    Ok(Json(view))
}

/// Jumps forward in exercise time, firing or skipping the injects passed over.
#[utoipa::path(post, path = "/api/v2/exercises/{id}/seek", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = SeekBody,
    responses(
        (status = 200, description = "Applied", body = CommandView),
        (status = 404, description = "No such exercise"),
        (status = 409, description = "Not allowed in the current state"),
        (status = 422, description = "No target, a bad time, or a target before now"),
    ))]
pub async fn seek(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<SeekBody>,
) -> Result<Json<CommandView>, ApiError> {
    let id = exercise_id(&id)?;
    let to_ms = match (body.to_ms, body.to.as_deref()) {
        (Some(ms), None) => ms,
        (None, Some(text)) => {
            parse_time(text).map_err(|e| ApiError::unprocessable(format!("to {text:?}: {e}")))?
        }
        _ => return Err(ApiError::unprocessable("give either to (T+MM:SS) or to_ms")),
    };
    if to_ms > scip_core::tplus::MAX_MS {
        return Err(ApiError::unprocessable("to_ms is beyond a year"));
    }
    let command = Command::Seek {
        to_ms,
        passed: body.passed.unwrap_or_default(),
    };
    let (_, view) = run(&state, &user, &id, Request::Control(command)).await?;
    Ok(Json(view))
}

/// Reads a live inject's content, or explains what is wrong (422).
pub fn live_content(
    kind: &str,
    priority: Option<&str>,
    content: serde_json::Map<String, serde_json::Value>,
    media: Vec<String>,
) -> Result<LiveContent, ApiError> {
    let kind = InjectType::parse(kind).ok_or_else(|| {
        ApiError::unprocessable(format!(
            "type {kind:?} is unknown; use news, social, email, sms, intel, alert or media"
        ))
    })?;
    let priority = match priority {
        None => Priority::Medium,
        Some(p) => Priority::parse(p).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "priority {p:?} is not one of low, medium, high, urgent"
            ))
        })?,
    };
    let content =
        Content::from_fields(kind, content).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    Ok(LiveContent {
        content,
        priority,
        media,
    })
}

/// Parses team slugs for a live inject.
pub fn team_list(raw: &[String]) -> Result<Vec<TeamId>, ApiError> {
    raw.iter()
        .map(|t| {
            TeamId::new(t.as_str()).map_err(|e| ApiError::unprocessable(format!("team {t:?} {e}")))
        })
        .collect()
}

/// Sends an ad-hoc inject to chosen teams (also while paused between turns).
#[utoipa::path(post, path = "/api/v2/exercises/{id}/live-injects", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = LiveInjectBody,
    responses(
        (status = 201, description = "Sent", body = CommandView),
        (status = 404, description = "No such exercise"),
        (status = 409, description = "Not allowed in the current state"),
        (status = 422, description = "Bad type, priority, content, team or media"),
    ))]
pub async fn live_inject(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<LiveInjectBody>,
) -> Result<(StatusCode, Json<CommandView>), ApiError> {
    let id = exercise_id(&id)?;
    let teams = team_list(&body.teams)?;
    let live = live_content(
        &body.kind,
        body.priority.as_deref(),
        body.content,
        body.media,
    )?;
    let request = Request::LiveInject {
        teams,
        live: Box::new(live),
    };
    let (_, view) = run(&state, &user, &id, request).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Fires one scheduled inject now.
#[utoipa::path(post, path = "/api/v2/exercises/{id}/fire-now", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    request_body = FireNowBody,
    responses(
        (status = 200, description = "Fired", body = CommandView),
        (status = 404, description = "No such exercise, team or inject"),
        (status = 409, description = "Already fired, or not allowed in the current state"),
        (status = 422, description = "Bad team or inject id"),
    ))]
pub async fn fire_now(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<FireNowBody>,
) -> Result<Json<CommandView>, ApiError> {
    let id = exercise_id(&id)?;
    let team = team_id(&body.team).map_err(|e| ApiError::unprocessable(e.message))?;
    let inject = inject_id(&body.inject).map_err(|e| ApiError::unprocessable(e.message))?;
    let (_, view) = run(
        &state,
        &user,
        &id,
        Request::Control(Command::FireNow { team, inject }),
    )
    .await?;
    Ok(Json(view))
}

/// Publishes a delivery again (same seq and payload; dashboards de-duplicate).
#[utoipa::path(post, path = "/api/v2/exercises/{id}/deliveries/{delivery}/resend", tag = "deliveries",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("delivery" = String, Path, description = "Delivery id", pattern = r"^[0-9A-Z]{26}$")),
    responses(
        (status = 200, description = "Queued for publishing again", body = CommandView),
        (status = 404, description = "No such exercise or delivery"),
        (status = 409, description = "Not allowed in the current state"),
    ))]
pub async fn resend(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((id, delivery)): ApiPath<(String, String)>,
) -> Result<Json<CommandView>, ApiError> {
    let id = exercise_id(&id)?;
    let delivery = DeliveryId::from(delivery);
    let (_, view) = run(&state, &user, &id, Request::Resend { delivery }).await?;
    Ok(Json(view))
}
