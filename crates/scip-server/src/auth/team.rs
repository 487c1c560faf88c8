//! Team access for participants: a team's access code (or a signed link a controller hands
//! out) is exchanged for a team session, which grants that team's feed, media and receipts and
//! nothing else. A session ends when the exercise is stopped or the team's code is rotated.
//!
//! [`TeamAccess`] is the extractor: a team token from `Authorization: Bearer` or the team
//! cookie; cookie-authenticated writes must carry the session's CSRF value in
//! `X-CSRF-Token`, as for users.

use std::time::Duration;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;
use scip_core::engine::ExerciseState;
use scip_core::{ExerciseId, TeamId};
use scip_store::{ExerciseTeam, StoreError};

use crate::auth::extract::{AuthMethod, bearer_token, csrf_equal, is_safe_method, token_refused};
use crate::auth::session::{CSRF_HEADER, random_value};
use crate::auth::token::{Claims, TokenKeys, TokenKind};
use crate::error::ApiError;
use crate::state::AppState;

/// Name of the team session cookie.
pub const TEAM_COOKIE: &str = "scip_team";
/// How long a team session lasts at most (it also ends with the exercise).
pub const TEAM_SESSION_TTL: Duration = Duration::from_secs(24 * 3600);
/// How long a signed team link stays usable.
pub const TEAM_LINK_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

fn team_claims(kind: TokenKind, team: &ExerciseTeam, now: i64, ttl: Duration) -> Claims {
    Claims {
        kind,
        sub: format!("team:{}:{}", team.exercise_id, team.team_id),
        sid: random_value(16),
        role: None,
        csrf: None,
        exercise: Some(team.exercise_id.to_string()),
        team: Some(team.team_id.to_string()),
        code_version: Some(i64::from(team.code_version)),
        iat: now,
        exp: now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
    }
}

/// A team session just issued.
#[derive(Debug, Clone)]
pub struct IssuedTeamSession {
    /// The token (cookie value or bearer).
    pub token: String,
    /// The CSRF value for cookie-authenticated writes.
    pub csrf: String,
    /// When it ends at the latest (unix seconds).
    pub expires_at: i64,
}

/// Issues a session for a team.
pub fn issue_team_session(keys: &TokenKeys, team: &ExerciseTeam, now: i64) -> IssuedTeamSession {
    let mut claims = team_claims(TokenKind::Team, team, now, TEAM_SESSION_TTL);
    let csrf = random_value(24);
    claims.csrf = Some(csrf.clone());
    IssuedTeamSession {
        token: keys.sign(&claims),
        csrf,
        expires_at: claims.exp,
    }
}

/// Issues a signed link token for a team; returns it and when it expires (unix seconds).
pub fn issue_team_link(keys: &TokenKeys, team: &ExerciseTeam, now: i64) -> (String, i64) {
    let claims = team_claims(TokenKind::TeamLink, team, now, TEAM_LINK_TTL);
    (keys.sign(&claims), claims.exp)
}

/// Checks a team token of `kind`: signature, expiry, the team still exists, its exercise is
/// not stopped and its access code has not been rotated since.
pub async fn team_from_token(
    state: &AppState,
    token: &str,
    kind: TokenKind,
) -> Result<(ExerciseTeam, Claims), ApiError> {
    let claims = state.tokens.verify(token, kind).map_err(token_refused)?;
    let (Some(exercise), Some(team)) = (claims.exercise.as_deref(), claims.team.as_deref()) else {
        return Err(ApiError::unauthorized("the token is not valid"));
    };
    let (Ok(exercise), Ok(team)) = (ExerciseId::new(exercise), TeamId::new(team)) else {
        return Err(ApiError::unauthorized("the token is not valid"));
    };
    if state.shared.is_revoked(&claims.sid).await? {
        return Err(ApiError::unauthorized("this team session has ended"));
    }
    let record = match state.store.get_exercise(&exercise).await {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => {
            return Err(ApiError::unauthorized("the exercise no longer exists"));
        }
        Err(e) => return Err(e.into()),
    };
    if record.state() == ExerciseState::Stopped {
        return Err(ApiError::unauthorized(
            "the exercise has been stopped, so team access has expired",
        ));
    }
    let member = match state.store.exercise_team(&exercise, &team).await {
        Ok(t) => t,
        Err(StoreError::NotFound(_)) => {
            return Err(ApiError::unauthorized("the team no longer exists"));
        }
        Err(e) => return Err(e.into()),
    };
    if claims.code_version != Some(i64::from(member.code_version)) {
        return Err(ApiError::unauthorized(
            "the team's access code was changed; enter the new code",
        ));
    }
    Ok((member, claims))
}

/// A participant signed in to one team of one exercise.
#[derive(Debug, Clone)]
pub struct TeamAccess {
    /// The team, as stored now.
    pub member: ExerciseTeam,
    /// Cookie or bearer.
    pub method: AuthMethod,
    /// The token's claims.
    pub claims: Claims,
}

impl TeamAccess {
    /// The exercise.
    pub fn exercise(&self) -> &ExerciseId {
        &self.member.exercise_id
    }

    /// The team.
    pub fn team(&self) -> &TeamId {
        &self.member.team_id
    }

    /// The name recorded as the actor of what this team does.
    pub fn actor(&self) -> String {
        format!("team:{}", self.member.team_id)
    }

    /// True when `given` is the session's CSRF value (always true for bearer requests).
    pub fn csrf_matches(&self, given: Option<&str>) -> bool {
        self.method == AuthMethod::Bearer || csrf_equal(self.claims.csrf.as_deref(), given)
    }
}

impl FromRequestParts<AppState> for TeamAccess {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let (token, method) = match bearer_token(parts) {
            Some(t) => (t.to_owned(), AuthMethod::Bearer),
            None => match CookieJar::from_headers(&parts.headers).get(TEAM_COOKIE) {
                Some(c) => (c.value().to_owned(), AuthMethod::Cookie),
                None => {
                    return Err(ApiError::unauthorized(
                        "enter your team's access code first",
                    ));
                }
            },
        };
        let (member, claims) = team_from_token(state, &token, TokenKind::Team).await?;
        let access = Self {
            member,
            method,
            claims,
        };
        if !is_safe_method(&parts.method) {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !access.csrf_matches(given) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    "a cookie-authenticated change must carry the session's CSRF value in the X-CSRF-Token header",
                ));
            }
        }
        Ok(access)
    }
}
