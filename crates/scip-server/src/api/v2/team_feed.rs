//! `/api/v2/team-feed/{exercise}/{team}/…`: what a team dashboard running as its own process or
//! container needs, and nothing more. Every call carries a dashboard token
//! (`Authorization: Bearer …`, [`TokenKind::Dashboard`]) minted for that exercise and team by
//! the dashboard host; a token for another team gets 403.
//!
//! | call | answer |
//! |---|---|
//! | `GET …/history?after_seq=N&limit=M` | `{run, items:[{seq, payload}]}` (M ≤ 1000, default 500) |
//! | `GET …/state` | [`TeamSnapshot`]: state, clock, turn, team, code version, stopped |
//! | `POST …/check-code` `{code, client_ip}` | 200 `{code_version}`; 401 `invalid_code`; 429 (per client address) |
//! | `POST …/check-link` `{token}` | 200 `{code_version}`; 401 `invalid_code` |
//! | `GET …/media/{name}` | the file, only if a delivery of the team's current run refers to it |

use std::net::IpAddr;

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use scip_core::{ExerciseId, TeamId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::token::TokenKind;
use crate::dashboard::media::media_response;
use crate::dashboard::snapshot::{HistoryPage, TeamSnapshot};
use crate::dashboard::source::{CodeCheck, SourceError, StoreFeed, StoreFeedParts};
use crate::error::ApiError;
use crate::state::AppState;

/// Items per history page when the caller gives no limit.
pub const DEFAULT_HISTORY_LIMIT: u32 = 500;

impl From<SourceError> for ApiError {
    fn from(e: SourceError) -> Self {
        match e {
            SourceError::NotFound(what) => Self::not_found(format!("{what} was not found")),
            SourceError::Unavailable(why) => Self::unavailable(why),
            SourceError::Refused(why) => Self::unauthorized(why),
            SourceError::Invalid(why) => Self::unprocessable(why),
        }
    }
}

/// Checks the bearer dashboard token against the path and gives the team's feed.
fn feed_for(
    state: &AppState,
    headers: &HeaderMap,
    exercise: &str,
    team: &str,
) -> Result<StoreFeed, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::unauthorized("send the dashboard token as a bearer token"))?;
    let claims = state
        .tokens
        .verify(token.trim(), TokenKind::Dashboard)
        .map_err(|e| ApiError::unauthorized(format!("dashboard token: {e}")))?;
    if claims.exercise.as_deref() != Some(exercise) || claims.team.as_deref() != Some(team) {
        return Err(ApiError::forbidden(
            "this dashboard token belongs to another exercise or team",
        ));
    }
    let exercise = ExerciseId::new(exercise)
        .map_err(|_| ApiError::not_found(format!("exercise {exercise:?} was not found")))?;
    let team = TeamId::new(team)
        .map_err(|_| ApiError::not_found(format!("team {team:?} was not found")))?;
    Ok(StoreFeed::new(store_parts(state), exercise, team))
}

/// The server parts a [`StoreFeed`] uses.
pub fn store_parts(state: &AppState) -> StoreFeedParts {
    StoreFeedParts {
        store: state.store.clone(),
        clock: state.engine.clock,
        media_dir: state.settings.media_path.clone(),
        code_limiter: state.code_limiter.clone(),
        link_keys: state.tokens.clone(),
    }
}

/// Query of `GET …/history`.
#[derive(Debug, Deserialize)]
pub struct HistoryQuery {
    /// Deliveries after this seq (default 0: from the start of the run).
    #[serde(default)]
    pub after_seq: u64,
    /// Most items returned (1–1000, default 500).
    pub limit: Option<u32>,
}

/// `GET /api/v2/team-feed/{exercise}/{team}/history`.
pub async fn history(
    State(state): State<AppState>,
    Path((exercise, team)): Path<(String, String)>,
    headers: HeaderMap,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<HistoryPage>, ApiError> {
    let feed = feed_for(&state, &headers, &exercise, &team)?;
    let Query(query) = query?;
    let page = feed
        .history(
            query.after_seq,
            query.limit.unwrap_or(DEFAULT_HISTORY_LIMIT),
        )
        .await?;
    Ok(Json(page))
}

/// `GET /api/v2/team-feed/{exercise}/{team}/state`.
pub async fn snapshot(
    State(state): State<AppState>,
    Path((exercise, team)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<TeamSnapshot>, ApiError> {
    let feed = feed_for(&state, &headers, &exercise, &team)?;
    Ok(Json(feed.snapshot().await?))
}

/// Body of `POST …/check-code`.
#[derive(Debug, Deserialize)]
pub struct CheckCode {
    /// What the participant typed.
    pub code: String,
    /// The participant's address as the dashboard saw it (for the attempt limit).
    pub client_ip: String,
}

/// `POST /api/v2/team-feed/{exercise}/{team}/check-code`.
pub async fn check_code(
    State(state): State<AppState>,
    Path((exercise, team)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<CheckCode>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let feed = feed_for(&state, &headers, &exercise, &team)?;
    let Json(body) = body?;
    let client: IpAddr = body.client_ip.trim().parse().map_err(|_| {
        ApiError::unprocessable(format!(
            "client_ip {:?} is not an IP address",
            body.client_ip
        ))
    })?;
    if body.code.len() > 64 {
        return Err(ApiError::unprocessable("code is longer than 64 characters"));
    }
    code_answer(feed.check_code(&body.code, client).await?)
}

/// Body of `POST …/check-link`.
#[derive(Debug, Deserialize)]
pub struct CheckLink {
    /// The `t` of a `/join?t=…` link.
    pub token: String,
}

/// `POST /api/v2/team-feed/{exercise}/{team}/check-link`.
pub async fn check_link(
    State(state): State<AppState>,
    Path((exercise, team)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<CheckLink>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let feed = feed_for(&state, &headers, &exercise, &team)?;
    let Json(body) = body?;
    code_answer(feed.check_link(&body.token).await?)
}

fn code_answer(check: CodeCheck) -> Result<Json<Value>, ApiError> {
    match check {
        CodeCheck::Accepted { code_version } => Ok(Json(json!({ "code_version": code_version }))),
        CodeCheck::Refused => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            crate::dashboard::source::INVALID_CODE,
            "that access code or link is not valid for this team",
        )),
        CodeCheck::Throttled { retry_after } => Err(ApiError::too_many_requests(
            "too many wrong codes from this address; try again later",
            retry_after.as_secs(),
        )),
    }
}

/// `GET /api/v2/team-feed/{exercise}/{team}/media/{name}`.
pub async fn media(
    State(state): State<AppState>,
    Path((exercise, team, name)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let feed = feed_for(&state, &headers, &exercise, &team)?;
    Ok(media_response(feed.media(&name).await?))
}
