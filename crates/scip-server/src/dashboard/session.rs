//! Participants' sessions on a team dashboard, and the tokens around them.
//!
//! After a code (or a signed link) is accepted, the dashboard sets an HttpOnly, SameSite=Lax
//! cookie (`Secure` in production) holding a signed team-session token: exercise, team and the
//! access-code version it was issued under. The token is signed with a key derived from
//! `JWT_SECRET` for this team alone ([`session_secret`]), so a dashboard process holds a key
//! that can sign sessions for its own team and nothing else. A session ends when the code is
//! rotated (its version no longer matches), when the exercise is stopped, or after
//! [`SESSION_TTL`].
//!
//! Also here: the dashboard token a host gives a dashboard process ([`mint_dashboard_token`])
//! and signed join links ([`mint_team_link`]), both signed with `JWT_SECRET` itself.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use hmac::{Hmac, KeyInit, Mac};
use scip_core::{ExerciseId, TeamId};
use sha2::Sha256;

use super::snapshot::TeamSnapshot;
use crate::auth::token::{Claims, TokenKeys, TokenKind};

/// How long a participant's session lasts at most.
pub const SESSION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);
/// How long a dashboard token given to a dashboard process is valid.
pub const DASHBOARD_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The key that signs one team's sessions: HMAC-SHA256 of the exercise and team under
/// `JWT_SECRET`. Passed to dashboard processes as `SCIP_SESSION_KEY` (hex).
pub fn session_secret(jwt_secret: &[u8], exercise: &ExerciseId, team: &TeamId) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(jwt_secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"scip team session\0");
    mac.update(exercise.as_str().as_bytes());
    mac.update(b"\0");
    mac.update(team.as_str().as_bytes());
    mac.finalize().into_bytes().into()
}

fn now_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn ttl_s(ttl: Duration) -> i64 {
    i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2)
}

fn random_id() -> String {
    ulid::Ulid::generate().to_string()
}

fn team_claims(
    kind: TokenKind,
    exercise: &ExerciseId,
    team: &TeamId,
    code_version: Option<u32>,
    ttl: Duration,
) -> Claims {
    let now = now_s();
    Claims {
        kind,
        sub: format!("team:{exercise}:{team}"),
        sid: random_id(),
        role: None,
        csrf: None,
        exercise: Some(exercise.to_string()),
        team: Some(team.to_string()),
        code_version: code_version.map(i64::from),
        iat: now,
        exp: now + ttl_s(ttl),
    }
}

/// The token a dashboard host gives a dashboard process (`SCIP_DASHBOARD_TOKEN`): it reads
/// the team-scoped API of this exercise and team only.
pub fn mint_dashboard_token(keys: &TokenKeys, exercise: &ExerciseId, team: &TeamId) -> String {
    keys.sign(&team_claims(
        TokenKind::Dashboard,
        exercise,
        team,
        None,
        DASHBOARD_TOKEN_TTL,
    ))
}

/// A signed link token for `{dashboard_url}join?t=<token>`: it signs a participant in like
/// the access code, until the code is rotated, the exercise stopped or `ttl` passed.
pub fn mint_team_link(
    keys: &TokenKeys,
    exercise: &ExerciseId,
    team: &TeamId,
    code_version: u32,
    ttl: Duration,
) -> String {
    keys.sign(&team_claims(
        TokenKind::TeamLink,
        exercise,
        team,
        Some(code_version),
        ttl,
    ))
}

/// Why a session cookie does not open the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    /// No cookie, or one that does not verify.
    Missing,
    /// The access code was changed since the session began.
    CodeRotated,
    /// The exercise was stopped.
    ExerciseStopped,
}

impl SessionEnd {
    /// What the sign-in page tells the participant.
    pub fn notice(self) -> Option<&'static str> {
        match self {
            Self::Missing => None,
            Self::CodeRotated => {
                Some("Your team's access code was changed. Enter the new code to continue.")
            }
            Self::ExerciseStopped => Some("This exercise has been closed by exercise control."),
        }
    }
}

/// Issues and checks one team's sessions.
#[derive(Clone)]
pub struct Sessions {
    keys: TokenKeys,
    exercise: ExerciseId,
    team: TeamId,
    cookie: String,
    secure: bool,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("cookie", &self.cookie)
            .field("secure", &self.secure)
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions of `team` signed with its [`session_secret`]; `secure` adds the `Secure`
    /// cookie attribute (production, behind HTTPS).
    pub fn new(secret: &[u8], exercise: ExerciseId, team: TeamId, secure: bool) -> Self {
        // One cookie name per team: browsers send cookies to every port of a host, so two
        // dashboards on one host must not overwrite each other's session.
        let cookie = format!("scip-team-{exercise}-{team}");
        Self {
            keys: TokenKeys::new(secret),
            exercise,
            team,
            cookie,
            secure,
        }
    }

    /// The cookie's name.
    pub fn cookie_name(&self) -> &str {
        &self.cookie
    }

    /// A new session token under `code_version`.
    pub fn issue(&self, code_version: u32) -> String {
        self.keys.sign(&team_claims(
            TokenKind::Team,
            &self.exercise,
            &self.team,
            Some(code_version),
            SESSION_TTL,
        ))
    }

    /// The `Set-Cookie` value that stores `token`.
    pub fn set_cookie(&self, token: &str) -> String {
        format!(
            "{}={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
            self.cookie,
            SESSION_TTL.as_secs(),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The `Set-Cookie` value that removes the session.
    pub fn clear_cookie(&self) -> String {
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
            self.cookie,
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// The session token in a request's cookies.
    pub fn token_in(&self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.cookie)
            .map(|(_, value)| value.trim().to_owned())
    }

    /// Checks a session token against the team's current state.
    pub fn check(&self, token: &str, snapshot: &TeamSnapshot) -> Result<Claims, SessionEnd> {
        let claims = self
            .keys
            .verify(token, TokenKind::Team)
            .map_err(|_| SessionEnd::Missing)?;
        if claims.exercise.as_deref() != Some(self.exercise.as_str())
            || claims.team.as_deref() != Some(self.team.as_str())
        {
            return Err(SessionEnd::Missing);
        }
        if snapshot.stopped {
            return Err(SessionEnd::ExerciseStopped);
        }
        if claims.code_version != Some(i64::from(snapshot.code_version)) {
            return Err(SessionEnd::CodeRotated);
        }
        Ok(claims)
    }

    /// The session of a request, or why there is none.
    pub fn of_request(
        &self,
        headers: &HeaderMap,
        snapshot: &TeamSnapshot,
    ) -> Result<Claims, SessionEnd> {
        let token = self.token_in(headers).ok_or(SessionEnd::Missing)?;
        self.check(&token, snapshot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::snapshot::tests::snapshot;

    fn ids() -> (ExerciseId, TeamId) {
        (
            ExerciseId::new("ex-1").unwrap(),
            TeamId::new("red").unwrap(),
        )
    }

    #[test]
    fn each_team_gets_its_own_session_key() {
        let (e, t) = ids();
        let blue = TeamId::new("blue").unwrap();
        assert_ne!(
            session_secret(b"s", &e, &t),
            session_secret(b"s", &e, &blue)
        );
        assert_ne!(session_secret(b"s", &e, &t), session_secret(b"z", &e, &t));
        assert_eq!(session_secret(b"s", &e, &t), session_secret(b"s", &e, &t));
    }

    #[test]
    fn a_session_ends_with_a_code_rotation_or_a_stop() {
        let (e, t) = ids();
        let sessions = Sessions::new(b"key", e, t, false);
        let token = sessions.issue(3);
        let mut snap = snapshot();
        snap.code_version = 3;
        assert!(sessions.check(&token, &snap).is_ok());
        snap.code_version = 4;
        assert_eq!(sessions.check(&token, &snap), Err(SessionEnd::CodeRotated));
        snap.code_version = 3;
        snap.stopped = true;
        assert_eq!(
            sessions.check(&token, &snap),
            Err(SessionEnd::ExerciseStopped)
        );
    }

    #[test]
    fn another_teams_session_or_key_is_refused() {
        let (e, t) = ids();
        let red = Sessions::new(b"red-key", e.clone(), t, false);
        let blue = Sessions::new(b"blue-key", e, TeamId::new("blue").unwrap(), false);
        let snap = snapshot();
        let blue_token = blue.issue(snap.code_version);
        assert_eq!(red.check(&blue_token, &snap), Err(SessionEnd::Missing));
        assert_eq!(red.check("not a token", &snap), Err(SessionEnd::Missing));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let (e, t) = ids();
        let plain = Sessions::new(b"k", e.clone(), t.clone(), false);
        let cookie = plain.set_cookie("abc");
        assert!(
            cookie.starts_with("scip-team-ex-1-red=abc; Path=/;"),
            "{cookie}"
        );
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
        assert!(!cookie.contains("Secure"));
        let secure = Sessions::new(b"k", e, t, true);
        assert!(secure.set_cookie("abc").ends_with("; Secure"));
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            "other=1; scip-team-ex-1-red=tok; x=2".parse().unwrap(),
        );
        assert_eq!(plain.token_in(&headers).as_deref(), Some("tok"));
    }
}
