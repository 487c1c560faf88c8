//! The exercise control page (`GET /exercises/{id}`), its live panels
//! (`GET /exercises/{id}/panels?part=…`) and its forms: lifecycle actions, speed, fire-now,
//! resend and live injects. Every form goes through the engine as the API does, then redirects
//! back with a flash; an action the state does not allow comes back as an error flash.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use scip_core::engine::{Command, Passed, Speed};
use scip_core::model::{FieldKind, InjectType};
use scip_core::{ExerciseId, format_tplus};
use scip_engine::Request;
use scip_store::{DeliveryId, ExerciseRecord, Role};
use serde::Deserialize;

use super::control_view::{ControlView, control_view};
use super::flash::{FlashCookie, flash_redirect};
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell};
use crate::api::extract::{exercise_id, inject_id, team_id};
use crate::api::v2::control::{live_content, team_list};
use crate::error::ApiError;
use crate::state::AppState;
use crate::view::{FlashKind, PortalSection, PortalShell};

#[derive(Template)]
#[template(path = "portal/exercise_control.html")]
struct ControlPage {
    shell: PortalShell,
    v: ControlView,
}

#[derive(Template)]
#[template(path = "portal/exercise_panel.html")]
struct PanelFragment {
    v: ControlView,
    part: String,
}

/// `?log_before=` pages the event log.
#[derive(Debug, Default, Deserialize)]
pub struct LogQuery {
    log_before: Option<u64>,
    part: Option<String>,
}

/// The exercise of a path, or a 404 page.
pub async fn load(state: &AppState, id: &str) -> Result<ExerciseRecord, PageError> {
    let id = exercise_id(id)
        .map_err(|_| PageError::NotFound(format!("There is no exercise {id:?}.")))?;
    Ok(state.store.get_exercise(&id).await?)
}

/// `GET /exercises/{id}`.
pub async fn page(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> PageResult {
    let record = load(&state, &id).await?;
    let shell = portal_shell(&state, &user, PortalSection::Exercises, flash).await?;
    let v = control_view(&state, &user, &record, query.log_before).await?;
    page_response(&ControlPage { shell, v })
}

/// The parts the page swaps in when the stream says they changed.
pub const PARTS: [&str; 6] = [
    "controls",
    "teams",
    "matrix",
    "upcoming",
    "attention",
    "log",
];

/// `GET /exercises/{id}/panels?part=matrix`: one panel's inner HTML.
pub async fn panel(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Query(query): Query<LogQuery>,
) -> PageResult {
    let part = query.part.unwrap_or_default();
    if !PARTS.contains(&part.as_str()) {
        return Err(PageError::NotFound(format!(
            "There is no panel {part:?}; use one of {}.",
            PARTS.join(", ")
        )));
    }
    let record = load(&state, &id).await?;
    let v = control_view(&state, &user, &record, query.log_before).await?;
    let body = PanelFragment { v, part }.render()?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

/// Checks CSRF and role for a control form; gives the exercise id.
fn guard(user: &PortalUser, csrf: &str, id: &str) -> Result<ExerciseId, PageError> {
    user.check_csrf(csrf)?;
    user.require(Role::Controller)?;
    exercise_id(id).map_err(|_| PageError::NotFound(format!("There is no exercise {id:?}.")))
}

fn back(id: &ExerciseId) -> String {
    format!("/exercises/{id}")
}

/// Runs a request through the engine; client errors come back as an error flash.
async fn execute(
    state: &AppState,
    user: &PortalUser,
    id: &ExerciseId,
    request: Request,
    done: impl FnOnce(&scip_engine::Outcome) -> String,
) -> PageResult {
    match state.engine.execute(id, request, user.actor()).await {
        Ok(outcome) => Ok(flash_redirect(
            &back(id),
            FlashKind::Success,
            done(&outcome),
        )),
        Err(e) => refused(id, ApiError::from(e)),
    }
}

fn refused(id: &ExerciseId, e: ApiError) -> PageResult {
    if e.status.is_client_error() {
        tracing::info!(exercise.id = %id, status = e.status.as_u16(), error = %e.message, "a control form was refused");
        Ok(flash_redirect(
            &back(id),
            FlashKind::Error,
            capital(&e.message),
        ))
    } else {
        Err(PageError::from(e))
    }
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

/// A form with options of a lifecycle action.
#[derive(Debug, Default, Deserialize)]
pub struct ActionForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    /// `next-turn`: `skip` the injects left in the turn (default: fire them).
    #[serde(default)]
    passed: Option<String>,
}

/// `POST /exercises/{id}/actions/{action}`.
pub async fn action(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, action)): Path<(String, String)>,
    axum::Form(form): axum::Form<ActionForm>,
) -> PageResult {
    let id = guard(&user, &form.csrf, &id)?;
    let passed = if form.passed.as_deref() == Some("skip") {
        Passed::Skip
    } else {
        Passed::Fire
    };
    let (command, done) = match action.as_str() {
        "start" => (Command::Start, "The clock is running."),
        "pause" => (Command::Pause, "The clock is paused."),
        "resume" => (Command::Resume, "The clock is running again."),
        "next-turn" => (Command::NextTurn(passed), "The next turn has begun."),
        "finish" => (
            Command::Finish,
            "The exercise is finished; the report is final.",
        ),
        "reset" => (Command::Reset, "Reset to T+00:00: a new run has begun."),
        "stop" => (
            Command::Stop,
            "The exercise is stopped; its dashboards are closed.",
        ),
        other => {
            return Err(PageError::NotFound(format!(
                "There is no action {other:?}."
            )));
        }
    };
    execute(&state, &user, &id, Request::Control(command), |_| {
        done.to_owned()
    })
    .await
}

/// The speed form.
#[derive(Debug, Default, Deserialize)]
pub struct SpeedForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    speed: String,
}

/// `POST /exercises/{id}/speed`.
pub async fn speed(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<SpeedForm>,
) -> PageResult {
    let id = guard(&user, &form.csrf, &id)?;
    let speed = form
        .speed
        .trim()
        .trim_start_matches(['×', 'x'])
        .parse::<f64>()
        .map_err(|_| ApiError::unprocessable(format!("speed {:?} is not a number", form.speed)))
        .and_then(|f| Speed::from_factor(f).map_err(|e| ApiError::unprocessable(e.to_string())));
    let speed = match speed {
        Ok(s) => s,
        Err(e) => return refused(&id, e),
    };
    execute(
        &state,
        &user,
        &id,
        Request::Control(Command::SetSpeed(speed)),
        move |_| format!("The clock runs at ×{}.", speed.factor()),
    )
    .await
}

/// `POST /exercises/{id}/seek`: `to` as `T+MM:SS`.
pub async fn seek(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |key: &str| form_value(&form, key);
    let id = guard(&user, &value("_csrf"), &id)?;
    let to = value("to");
    let to_ms = match scip_core::parse_time(&to) {
        Ok(ms) => ms,
        Err(e) => {
            return refused(&id, ApiError::unprocessable(format!("seek to {to:?}: {e}")));
        }
    };
    execute(
        &state,
        &user,
        &id,
        Request::Control(Command::Seek {
            to_ms,
            passed: Passed::Fire,
        }),
        move |_| format!("The clock moved to {}.", format_tplus(to_ms)),
    )
    .await
}

/// `POST /exercises/{id}/fire-now`: `inject` and one or more `team`.
pub async fn fire_now(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> PageResult {
    let csrf = form
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let id = guard(&user, csrf, &id)?;
    let inject_text = form
        .iter()
        .find(|(k, _)| k == "inject")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let inject = match inject_id(inject_text) {
        Ok(i) => i,
        Err(e) => return refused(&id, ApiError::unprocessable(e.message)),
    };
    let teams: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "team")
        .map(|(_, v)| v.as_str())
        .collect();
    if teams.is_empty() {
        return refused(&id, ApiError::unprocessable("choose a team to fire it to"));
    }
    let mut fired = 0;
    for team in teams {
        let team = match team_id(team) {
            Ok(t) => t,
            Err(e) => return refused(&id, ApiError::unprocessable(e.message)),
        };
        let request = Request::Control(Command::FireNow {
            team,
            inject: inject.clone(),
        });
        match state.engine.execute(&id, request, user.actor()).await {
            Ok(_) => fired += 1,
            Err(e) => return refused(&id, ApiError::from(e)),
        }
    }
    Ok(flash_redirect(
        &back(&id),
        FlashKind::Success,
        format!(
            "{inject_text} fired now to {fired} team{}.",
            if fired == 1 { "" } else { "s" }
        ),
    ))
}

/// `POST /exercises/{id}/deliveries/{delivery}/resend`.
pub async fn resend(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, delivery)): Path<(String, String)>,
    axum::Form(form): axum::Form<super::CsrfForm>,
) -> PageResult {
    let id = guard(&user, &form.csrf, &id)?;
    let delivery = DeliveryId::from(delivery);
    execute(&state, &user, &id, Request::Resend { delivery }, |_| {
        "The delivery is being published again.".to_owned()
    })
    .await
}

/// `POST /exercises/{id}/live-inject`: `type`, `priority`, `teams` (repeated), `media`
/// (comma-separated names) and the type's fields as `c.<type>.<field>`.
pub async fn live_inject(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    axum::Form(form): axum::Form<Vec<(String, String)>>,
) -> PageResult {
    let value = |key: &str| form_value(&form, key);
    let id = guard(&user, &value("_csrf"), &id)?;
    let kind_text = value("type");
    let Some(kind) = InjectType::parse(&kind_text) else {
        return refused(
            &id,
            ApiError::unprocessable(format!("type {kind_text:?} is unknown")),
        );
    };
    let teams: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "teams")
        .map(|(_, v)| v.clone())
        .collect();
    if teams.is_empty() {
        return refused(
            &id,
            ApiError::unprocessable("choose at least one team to send the live inject to"),
        );
    }
    let content = match composer_content(kind, &form) {
        Ok(c) => c,
        Err(e) => return refused(&id, e),
    };
    let media: Vec<String> = value("media")
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect();
    let priority = value("priority");
    let result = team_list(&teams).and_then(|teams| {
        let live = live_content(
            kind.as_str(),
            (!priority.is_empty()).then_some(priority.as_str()),
            content,
            media,
        )?;
        Ok(Request::LiveInject {
            teams,
            live: Box::new(live),
        })
    });
    let request = match result {
        Ok(r) => r,
        Err(e) => return refused(&id, e),
    };
    let n = teams.len();
    execute(&state, &user, &id, request, move |_| {
        format!(
            "Live inject sent to {n} team{}.",
            if n == 1 { "" } else { "s" }
        )
    })
    .await
}

/// The content fields of `kind` from the composer's `c.<type>.<field>` values; required
/// fields must not be empty.
pub fn composer_content(
    kind: InjectType,
    form: &[(String, String)],
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let prefix = format!("c.{}.", kind.as_str());
    let mut content = serde_json::Map::new();
    for spec in kind.fields() {
        let key = format!("{prefix}{}", spec.name);
        let raw = form
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        if raw.is_empty() {
            if spec.required {
                return Err(ApiError::unprocessable(format!(
                    "{} is required for a {} inject",
                    spec.label,
                    kind.label()
                )));
            }
            continue;
        }
        let value = match spec.kind {
            FieldKind::Flag => serde_json::Value::Bool(matches!(raw, "true" | "on" | "yes")),
            FieldKind::Count => match raw.parse::<u64>() {
                Ok(n) => serde_json::Value::from(n),
                Err(_) => {
                    return Err(ApiError::unprocessable(format!(
                        "{} must be a whole number",
                        spec.label
                    )));
                }
            },
            _ => serde_json::Value::String(raw.to_owned()),
        };
        content.insert(spec.name.to_owned(), value);
    }
    Ok(content)
}

/// The first value of `key` in a form that may repeat keys, trimmed; empty when absent.
fn form_value(form: &[(String, String)], key: &str) -> String {
    form.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}
