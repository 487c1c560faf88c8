//! `/api/v2/team-access`: participants sign in to their team with its access code or a signed
//! link, see which team they are, send receipts over HTTP and sign out. A team session grants
//! that team's feed, media and receipts only, and ends when the exercise is stopped or the
//! code is rotated.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum_extra::extract::cookie::CookieJar;
use scip_engine::hub::DeliveryRef;
use scip_engine::{LiveEvent, normalize_access_code};
use scip_store::{ExerciseTeam, Receipt, ReceiptKind, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::ApiJson;
use crate::auth::TeamAccess;
use crate::auth::client::ClientIp;
use crate::auth::extract::AuthMethod;
use crate::auth::session::{
    expired_cookie, remaining, token_cookie, unix_now, wants_secure_cookie,
};
use crate::auth::team::{TEAM_COOKIE, TEAM_SESSION_TTL, issue_team_session, team_from_token};
use crate::auth::token::TokenKind;
use crate::error::ApiError;
use crate::state::AppState;

/// A team's access code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CodeBody {
    /// The code, as the participant typed it (case, spaces and dashes do not matter).
    pub code: String,
}

/// A signed team link.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LinkBody {
    /// The link token a controller handed out.
    pub link: String,
}

/// A team session was opened (the team cookie is set too).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamSessionView {
    /// Bearer token for the team's requests (or rely on the cookie).
    pub token: String,
    /// Echo in `X-CSRF-Token` on changes made with the cookie.
    pub csrf_token: String,
    /// The exercise.
    pub exercise: String,
    /// The team.
    pub team: TeamInfoView,
    /// When the session ends at the latest (unix seconds).
    pub expires_at: i64,
}

/// The team a session belongs to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamInfoView {
    /// Team slug.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// `player` or `public`.
    pub kind: String,
}

impl From<&ExerciseTeam> for TeamInfoView {
    fn from(t: &ExerciseTeam) -> Self {
        Self {
            id: t.team_id.to_string(),
            name: t.name.clone(),
            color: t.color.clone(),
            kind: t.kind.as_str().to_owned(),
        }
    }
}

/// The signed-in team and its exercise's state.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamMeView {
    /// The exercise.
    pub exercise: String,
    /// Its state.
    pub exercise_state: String,
    /// The team.
    pub team: TeamInfoView,
}

/// A receipt sent over HTTP (dashboards normally send them over MQTT).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    /// The delivery's seq in the team's feed.
    pub seq: u64,
    /// `received`, `displayed` or `read`.
    #[schema(value_type = String, example = "read")]
    pub kind: ReceiptKind,
    /// When it happened (wall ms; default now).
    pub at: Option<i64>,
    /// Which browser.
    pub viewer: Option<String>,
}

/// Whether a receipt changed anything.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptStoredView {
    /// True when it advanced the delivery (a repeat changes nothing but is kept).
    pub changed: bool,
}

fn open_session(
    state: &AppState,
    headers: &HeaderMap,
    jar: CookieJar,
    member: &ExerciseTeam,
) -> (CookieJar, Json<TeamSessionView>) {
    let session = issue_team_session(&state.tokens, member, unix_now());
    let secure = wants_secure_cookie(state.settings.production, headers);
    let jar = jar.add(token_cookie(
        TEAM_COOKIE,
        session.token.clone(),
        secure,
        TEAM_SESSION_TTL,
    ));
    tracing::info!(exercise.id = %member.exercise_id, team.id = %member.team_id, "team signed in");
    (
        jar,
        Json(TeamSessionView {
            token: session.token,
            csrf_token: session.csrf,
            exercise: member.exercise_id.to_string(),
            team: TeamInfoView::from(member),
            expires_at: session.expires_at,
        }),
    )
}

/// Signs a participant in with their team's access code.
#[utoipa::path(post, path = "/api/v2/team-access", tag = "team-access", security(()),
    request_body = CodeBody,
    responses(
        (status = 200, description = "Signed in to the team", body = TeamSessionView),
        (status = 401, description = "Unknown or expired code"),
        (status = 429, description = "Too many wrong codes from this address"),
    ))]
pub async fn enter_code(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(body): ApiJson<CodeBody>,
) -> Result<impl IntoResponse, ApiError> {
    if let Err(throttled) = state.code_limiter.check(None, ip).await? {
        return Err(ApiError::too_many_requests(
            throttled.to_string(),
            throttled.retry_after.as_secs(),
        ));
    }
    let code = normalize_access_code(&body.code);
    let found = if code.is_empty() || code.len() > 64 {
        None
    } else {
        state.store.find_team_by_access_code(&code).await?
    };
    let Some(member) = found else {
        state.code_limiter.failed(None, ip).await?;
        return Err(ApiError::unauthorized(
            "that access code is unknown, or its exercise has ended",
        ));
    };
    Ok(open_session(&state, &headers, jar, &member))
}

/// Signs a participant in with a signed team link.
#[utoipa::path(post, path = "/api/v2/team-access/link", tag = "team-access", security(()),
    request_body = LinkBody,
    responses(
        (status = 200, description = "Signed in to the team", body = TeamSessionView),
        (status = 401, description = "The link is not valid, has expired, or its exercise has ended"),
    ))]
pub async fn enter_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<impl IntoResponse, ApiError> {
    let (member, _) = team_from_token(&state, &body.link, TokenKind::TeamLink).await?;
    Ok(open_session(&state, &headers, jar, &member))
}

/// The signed-in team.
#[utoipa::path(get, path = "/api/v2/team-access/me", tag = "team-access", security(("team" = [])),
    responses(
        (status = 200, description = "The team", body = TeamMeView),
        (status = 401, description = "No team session, or it has ended"),
    ))]
pub async fn me(
    State(state): State<AppState>,
    team: TeamAccess,
) -> Result<Json<TeamMeView>, ApiError> {
    let record = state.store.get_exercise(team.exercise()).await?;
    Ok(Json(TeamMeView {
        exercise: team.exercise().to_string(),
        exercise_state: record.state().as_str().to_owned(),
        team: TeamInfoView::from(&team.member),
    }))
}

/// Records a receipt for one of the team's own deliveries.
#[utoipa::path(post, path = "/api/v2/team-access/receipts", tag = "team-access", security(("team" = [])),
    request_body = ReceiptBody,
    responses(
        (status = 200, description = "Stored", body = ReceiptStoredView),
        (status = 401, description = "No team session"),
        (status = 403, description = "Cookie session without the CSRF header"),
        (status = 404, description = "The team has no delivery with that seq in this run"),
    ))]
pub async fn receipt(
    State(state): State<AppState>,
    team: TeamAccess,
    ApiJson(body): ApiJson<ReceiptBody>,
) -> Result<Json<ReceiptStoredView>, ApiError> {
    let now = state.engine.clock.now();
    let viewer = body.viewer.map(|v| {
        v.chars()
            .filter(|c| !c.is_control())
            .take(64)
            .collect::<String>()
    });
    let receipt = Receipt {
        exercise: team.exercise().clone(),
        team: team.team().clone(),
        seq: body.seq,
        kind: body.kind,
        at: body.at.unwrap_or(now),
        viewer,
    };
    if body.seq > i64::MAX as u64 {
        return Err(ApiError::not_found(format!(
            "the team has no delivery {}",
            body.seq
        )));
    }
    let changed = match state.store.record_receipt(&receipt, now).await {
        Ok(changed) => changed,
        Err(StoreError::NotFound(what)) => {
            return Err(ApiError::not_found(format!("{what} not found")));
        }
        Err(e) => return Err(e.into()),
    };
    if changed {
        state
            .engine
            .hub
            .publish(LiveEvent::DeliveriesUpdated {
                exercise: team.exercise().to_string(),
                state: body.kind.as_str().to_owned(),
                at: receipt.at,
                deliveries: vec![DeliveryRef {
                    team: team.team().to_string(),
                    seq: body.seq,
                    delivery: String::new(),
                }],
            })
            .await;
    }
    Ok(Json(ReceiptStoredView { changed }))
}

/// Ends the team session and clears the team cookie.
#[utoipa::path(post, path = "/api/v2/team-access/logout", tag = "team-access", security(("team" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "No team session"),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    team: TeamAccess,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    state
        .shared
        .revoke(&team.claims.sid, remaining(&team.claims, unix_now()))
        .await?;
    let secure = wants_secure_cookie(state.settings.production, &headers);
    let jar = if team.method == AuthMethod::Cookie {
        jar.add(expired_cookie(TEAM_COOKIE, secure))
    } else {
        jar
    };
    Ok((jar, StatusCode::NO_CONTENT))
}
