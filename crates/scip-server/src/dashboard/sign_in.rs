//! Signing in to a team dashboard: the access-code form, signed join links, signing out. A
//! correct code or link sets the session cookie and goes to the feed; anything else shows the
//! form again with the reason, and never any data.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::DashboardState;
use super::pages::{html, secure_headers};
use super::session::SessionEnd;
use super::snapshot::TeamSnapshot;
use super::source::CodeCheck;
use crate::view::{BareShell, TeamColour};

/// The sign-in page.
#[derive(Debug, Clone, Template)]
#[template(path = "dashboard/sign_in.html")]
pub struct SignInPage {
    /// Document.
    pub shell: BareShell,
    /// Team name.
    pub team_name: String,
    /// Team mark letters.
    pub initials: String,
    /// Team colour.
    pub team_colour: TeamColour,
    /// Exercise name.
    pub exercise_name: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Why the session ended.
    pub notice: Option<String>,
    /// What was typed (kept after a wrong code).
    pub code: String,
    /// Where to go after signing in.
    pub next: String,
    /// The exercise is stopped: no form.
    pub closed: bool,
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

pub(super) fn sign_in_page(snapshot: &TeamSnapshot, next: &str) -> SignInPage {
    SignInPage {
        shell: BareShell::default(),
        team_name: snapshot.team_name.clone(),
        initials: initials(&snapshot.team_name),
        team_colour: TeamColour::parse(&snapshot.team_color).unwrap_or_default(),
        exercise_name: snapshot.exercise_name.clone(),
        error: None,
        notice: snapshot.stopped.then(|| {
            SessionEnd::ExerciseStopped
                .notice()
                .unwrap_or_default()
                .to_owned()
        }),
        code: String::new(),
        next: safe_next(next).to_owned(),
        closed: snapshot.stopped,
    }
}

/// Only paths of this dashboard are followed after sign-in.
fn safe_next(next: &str) -> &str {
    let known = [
        "/", "/news", "/social", "/email", "/sms", "/intel", "/alerts",
    ];
    if known.contains(&next) { next } else { "/" }
}

/// Query of `GET /sign-in`.
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// `GET /sign-in`: the form (or the feed when already signed in).
pub async fn sign_in_form(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    Query(query): Query<SignInQuery>,
) -> Response {
    let snapshot = state.current();
    let next = query.next.as_deref().unwrap_or("/");
    if state.sessions.of_request(&headers, &snapshot).is_ok() {
        return Redirect::to(safe_next(next)).into_response();
    }
    html(sign_in_page(&snapshot, next).render())
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    /// The access code typed.
    #[serde(default)]
    pub code: String,
    /// Where to go afterwards.
    #[serde(default)]
    pub next: String,
}

fn signed_in(state: &DashboardState, code_version: u32, next: &str) -> Response {
    let token = state.sessions.issue(code_version);
    let mut response = Redirect::to(safe_next(next)).into_response();
    if let Ok(cookie) = HeaderValue::from_str(&state.sessions.set_cookie(&token)) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    secure_headers(&mut response);
    response
}

/// `POST /sign-in`: checks the code (rate-limited per client address), sets the session
/// cookie and goes to the feed; a wrong code shows the form again with the reason.
pub async fn sign_in(
    State(state): State<DashboardState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Response {
    let snapshot = state.current();
    let mut page = sign_in_page(&snapshot, &form.next);
    page.code = form.code.chars().take(32).collect();
    let (status, error) = if form.code.trim().is_empty() {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Enter your team's access code.".to_owned(),
        )
    } else if form.code.len() > 64 {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "That is not an access code: codes are eight letters and digits.".to_owned(),
        )
    } else {
        match state.source.check_code(&form.code, peer.ip()).await {
            Ok(CodeCheck::Accepted { code_version }) => {
                return signed_in(&state, code_version, &form.next);
            }
            Ok(CodeCheck::Refused) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    "That code does not open {}. Check it with your exercise controller.",
                    snapshot.team_name
                ),
            ),
            Ok(CodeCheck::Throttled { retry_after }) => (
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many wrong codes from this device. Try again in {} minutes.",
                    retry_after.as_secs().div_ceil(60)
                ),
            ),
            Err(e) => {
                tracing::warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "access code could not be checked");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The code cannot be checked right now. Try again in a moment.".to_owned(),
                )
            }
        }
    };
    page.error = Some(error);
    let mut response = html(page.render());
    *response.status_mut() = status;
    response
}

/// Query of `GET /join`.
#[derive(Debug, Default, Deserialize)]
pub struct JoinQuery {
    /// The signed link token (`?t=`, or `?link=` as the API's link endpoint writes it).
    #[serde(alias = "link")]
    pub t: Option<String>,
}

/// `GET /join?t=…` (or `?link=…`): a signed link signs the participant in like the code.
pub async fn join(State(state): State<DashboardState>, Query(query): Query<JoinQuery>) -> Response {
    let snapshot = state.current();
    let refused = |message: &str| {
        let mut page = sign_in_page(&snapshot, "/");
        page.error = Some(message.to_owned());
        let mut response = html(page.render());
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        response
    };
    let Some(token) = query.t.filter(|t| !t.is_empty() && t.len() < 4096) else {
        return refused("This link is incomplete. Enter your access code instead.");
    };
    match state.source.check_link(&token).await {
        Ok(CodeCheck::Accepted { code_version }) => signed_in(&state, code_version, "/"),
        Ok(_) => refused(
            "This link has expired or belongs to another team. Enter your access code instead.",
        ),
        Err(e) => {
            tracing::warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "team link could not be checked");
            refused("The link cannot be checked right now. Try again in a moment.")
        }
    }
}

/// `POST /sign-out`: ends this browser's session.
pub async fn sign_out(State(state): State<DashboardState>) -> Response {
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(cookie) = HeaderValue::from_str(&state.sessions.clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}
