//! Issuing user credentials: a browser session (an HttpOnly, SameSite cookie whose token
//! carries a CSRF value) or, for scripts, a bearer access token with a refresh token. All are
//! JWTs signed with `JWT_SECRET`; each carries a session id (`sid`) that logout revokes.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use rand::RngExt;
use scip_store::User;

use crate::auth::token::{Claims, TokenKeys, TokenKind};

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "scip_session";
/// How long a browser session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(12 * 3600);
/// How long a bearer access token lasts.
pub const ACCESS_TTL: Duration = Duration::from_secs(3600);
/// How long a refresh token lasts.
pub const REFRESH_TTL: Duration = Duration::from_secs(14 * 24 * 3600);
/// Header carrying the CSRF value on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF value on HTML form posts.
pub const CSRF_FIELD: &str = "_csrf";

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A random URL-safe value of `bytes` random bytes.
pub fn random_value(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

fn seconds(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

fn user_claims(kind: TokenKind, user: &User, sid: &str, now: i64, ttl: Duration) -> Claims {
    Claims {
        kind,
        sub: user.id.to_string(),
        sid: sid.to_owned(),
        role: Some(user.role.as_str().to_owned()),
        csrf: None,
        exercise: None,
        team: None,
        code_version: None,
        iat: now,
        exp: now.saturating_add(seconds(ttl)),
    }
}

/// A browser session just issued.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    /// The cookie value.
    pub token: String,
    /// The CSRF value the page must echo on writes.
    pub csrf: String,
    /// When it ends (unix seconds).
    pub expires_at: i64,
}

/// Issues a browser session for `user`.
pub fn issue_session(keys: &TokenKeys, user: &User, now: i64) -> IssuedSession {
    let mut claims = user_claims(
        TokenKind::Session,
        user,
        &random_value(16),
        now,
        SESSION_TTL,
    );
    let csrf = random_value(24);
    claims.csrf = Some(csrf.clone());
    IssuedSession {
        token: keys.sign(&claims),
        csrf,
        expires_at: claims.exp,
    }
}

/// A bearer token pair just issued.
#[derive(Debug, Clone)]
pub struct TokenPair {
    /// Sent as `Authorization: Bearer …`.
    pub access_token: String,
    /// Exchanged at `/api/v2/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Seconds the access token lasts.
    pub expires_in: u64,
    /// Seconds the refresh token lasts.
    pub refresh_expires_in: u64,
}

/// Issues an access and a refresh token sharing one new session id.
pub fn issue_token_pair(keys: &TokenKeys, user: &User, now: i64) -> TokenPair {
    let sid = random_value(16);
    TokenPair {
        access_token: keys.sign(&user_claims(TokenKind::Access, user, &sid, now, ACCESS_TTL)),
        refresh_token: keys.sign(&user_claims(
            TokenKind::Refresh,
            user,
            &sid,
            now,
            REFRESH_TTL,
        )),
        expires_in: ACCESS_TTL.as_secs(),
        refresh_expires_in: REFRESH_TTL.as_secs(),
    }
}

/// True when the cookie must be `Secure`: in production, or when the request reached the
/// proxy over HTTPS. The all-in-one demo over `http://localhost` keeps working.
pub fn wants_secure_cookie(production: bool, headers: &HeaderMap) -> bool {
    production
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A cookie holding a token: HttpOnly, SameSite=Lax, path `/`, for `ttl`.
pub fn token_cookie(
    name: &'static str,
    value: String,
    secure: bool,
    ttl: Duration,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(seconds(ttl)))
        .build()
}

/// A cookie that removes `name`.
pub fn expired_cookie(name: &'static str, secure: bool) -> Cookie<'static> {
    Cookie::build((name, ""))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::ZERO)
        .build()
}

/// Seconds a token has left (at least one), for revocation records.
pub fn remaining(claims: &Claims, now: i64) -> Duration {
    Duration::from_secs(
        u64::try_from(claims.exp.saturating_sub(now))
            .unwrap_or(0)
            .max(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_store::{Role, UserId};

    fn user() -> User {
        User {
            id: UserId::from("u1"),
            username: "ann".into(),
            display_name: "Ann".into(),
            role: Role::Controller,
            disabled: false,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn a_session_carries_its_csrf_value_and_a_pair_shares_one_sid() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = unix_now();
        let session = issue_session(&keys, &user(), now);
        let claims = keys.verify(&session.token, TokenKind::Session).unwrap();
        assert_eq!(claims.csrf.as_deref(), Some(session.csrf.as_str()));
        assert_eq!(claims.role.as_deref(), Some("controller"));
        let pair = issue_token_pair(&keys, &user(), now);
        let access = keys.verify(&pair.access_token, TokenKind::Access).unwrap();
        let refresh = keys
            .verify(&pair.refresh_token, TokenKind::Refresh)
            .unwrap();
        assert_eq!(access.sid, refresh.sid);
        assert!(refresh.exp > access.exp);
    }

    #[test]
    fn cookies_are_secure_in_production_or_behind_https() {
        let mut headers = HeaderMap::new();
        assert!(!wants_secure_cookie(false, &headers));
        assert!(wants_secure_cookie(true, &headers));
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(wants_secure_cookie(false, &headers));
        let c = token_cookie(SESSION_COOKIE, "v".into(), true, SESSION_TTL);
        let text = c.to_string();
        assert!(
            text.contains("HttpOnly") && text.contains("Secure") && text.contains("SameSite=Lax"),
            "{text}"
        );
    }
}
