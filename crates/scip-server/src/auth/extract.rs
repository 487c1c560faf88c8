//! Who is calling: extractors for handlers and pages.
//!
//! - [`SessionUser`]: a signed-in user, from `Authorization: Bearer <access token>` or the
//!   session cookie. No CSRF check: pages that post HTML forms use it and check the `_csrf`
//!   field with [`SessionUser::csrf_matches`].
//! - [`CurrentUser`]: the same, and a cookie-authenticated write (any method but GET, HEAD,
//!   OPTIONS) must carry the session's CSRF value in `X-CSRF-Token`. Bearer requests are
//!   exempt: browsers never attach them on their own.
//! - [`RequireRole`]: a [`CurrentUser`] with at least a role (`admin` ⊇ `controller` ⊇
//!   `observer`).
//!
//! Every check reads the account afresh: a deleted or disabled account, or any change to it
//! (role, password), ends the sessions issued before.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;
use scip_store::{Role, StoreError, User, UserId};
use subtle::ConstantTimeEq;

use crate::auth::session::{CSRF_HEADER, SESSION_COOKIE};
use crate::auth::token::{Claims, TokenError, TokenKind};
use crate::error::ApiError;
use crate::state::AppState;

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// The browser session cookie.
    Cookie,
    /// An `Authorization: Bearer` header.
    Bearer,
}

/// The bearer token of a request, if it has one.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    bearer_token_from(&parts.headers)
}

/// The bearer token in request headers, if any.
pub fn bearer_token_from(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// True for methods that change nothing.
pub fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Compares a presented CSRF value with the expected one in constant time.
pub fn csrf_equal(expected: Option<&str>, given: Option<&str>) -> bool {
    match (expected, given) {
        (Some(e), Some(g)) if !e.is_empty() => bool::from(e.as_bytes().ct_eq(g.as_bytes())),
        _ => false,
    }
}

/// A 401 for a token that could not be used.
pub fn token_refused(e: TokenError) -> ApiError {
    match e {
        TokenError::Expired => ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "token_expired",
            "the token has expired; sign in again or refresh it",
        ),
        TokenError::Invalid => ApiError::unauthorized("the token is not valid"),
    }
}

/// A signed-in user, without a CSRF check (see the module documentation).
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The account, as stored now.
    pub user: User,
    /// Cookie or bearer.
    pub method: AuthMethod,
    /// The token's claims.
    pub claims: Claims,
}

impl SessionUser {
    /// The name recorded as the actor of what this user does.
    pub fn actor(&self) -> &str {
        &self.user.username
    }

    /// True when the user has at least `role`.
    pub fn has_role(&self, role: Role) -> bool {
        rank(self.user.role) >= rank(role)
    }

    /// True when `given` is this session's CSRF value (always true for bearer requests).
    pub fn csrf_matches(&self, given: Option<&str>) -> bool {
        self.method == AuthMethod::Bearer || csrf_equal(self.claims.csrf.as_deref(), given)
    }
}

/// Admin 2, controller 1, observer 0.
pub fn rank(role: Role) -> u8 {
    match role {
        Role::Admin => 2,
        Role::Controller => 1,
        Role::Observer => 0,
    }
}

/// Checks a user token of `kind` and the account behind it.
pub async fn user_from_token(
    state: &AppState,
    token: &str,
    kind: TokenKind,
) -> Result<(User, Claims), ApiError> {
    let claims = state.tokens.verify(token, kind).map_err(token_refused)?;
    if claims.sid.is_empty() || state.shared.is_revoked(&claims.sid).await? {
        return Err(ApiError::unauthorized(
            "this session has ended; sign in again",
        ));
    }
    let user = match state
        .store
        .get_user(&UserId::from(claims.sub.as_str()))
        .await
    {
        Ok(u) => u,
        Err(StoreError::NotFound(_)) => {
            return Err(ApiError::unauthorized("the account no longer exists"));
        }
        Err(e) => return Err(e.into()),
    };
    if user.disabled {
        return Err(ApiError::unauthorized("the account is disabled"));
    }
    // Any change to the account (role, password, …) ends sessions issued before it.
    if claims.iat < user.updated_at.div_euclid(1000) {
        return Err(ApiError::unauthorized(
            "the account changed since this session began; sign in again",
        ));
    }
    Ok((user, claims))
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(token) = bearer_token(parts) {
            let (user, claims) = user_from_token(state, token, TokenKind::Access).await?;
            return Ok(Self {
                user,
                method: AuthMethod::Bearer,
                claims,
            });
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(ApiError::unauthorized(
                "sign in first: send a bearer token or the session cookie",
            ));
        };
        let (user, claims) = user_from_token(state, cookie.value(), TokenKind::Session).await?;
        Ok(Self {
            user,
            method: AuthMethod::Cookie,
            claims,
        })
    }
}

/// A signed-in user whose cookie-authenticated writes carried the CSRF header.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl std::ops::Deref for CurrentUser {
    type Target = SessionUser;
    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = SessionUser::from_request_parts(parts, state).await?;
        if !is_safe_method(&parts.method) {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !session.csrf_matches(given) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "csrf",
                    "a cookie-authenticated change must carry the session's CSRF value in the X-CSRF-Token header",
                ));
            }
        }
        Ok(Self(session))
    }
}

/// A least role, as a type.
pub trait RoleGate {
    /// The least role allowed.
    const ROLE: Role;
}

/// Administrators only.
#[derive(Debug, Clone, Copy)]
pub struct Admin;
impl RoleGate for Admin {
    const ROLE: Role = Role::Admin;
}

/// Controllers and administrators.
#[derive(Debug, Clone, Copy)]
pub struct Controller;
impl RoleGate for Controller {
    const ROLE: Role = Role::Controller;
}

/// Any signed-in user (observers included).
#[derive(Debug, Clone, Copy)]
pub struct Observer;
impl RoleGate for Observer {
    const ROLE: Role = Role::Observer;
}

/// A [`CurrentUser`] with at least the role of `G`; 403 otherwise.
#[derive(Debug, Clone)]
pub struct RequireRole<G: RoleGate>(pub CurrentUser, PhantomData<G>);

impl<G: RoleGate> std::ops::Deref for RequireRole<G> {
    type Target = SessionUser;
    fn deref(&self) -> &SessionUser {
        &self.0.0
    }
}

impl<G: RoleGate + Send + Sync> FromRequestParts<AppState> for RequireRole<G> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        if !user.has_role(G::ROLE) {
            return Err(ApiError::forbidden(format!(
                "this needs the {} role; you are {}",
                G::ROLE,
                user.user.role
            )));
        }
        Ok(Self(user, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_admin_controller_observer() {
        assert!(rank(Role::Admin) > rank(Role::Controller));
        assert!(rank(Role::Controller) > rank(Role::Observer));
    }

    #[test]
    fn csrf_values_must_be_present_and_equal() {
        assert!(csrf_equal(Some("abc"), Some("abc")));
        assert!(!csrf_equal(Some("abc"), Some("abd")));
        assert!(!csrf_equal(Some("abc"), None));
        assert!(!csrf_equal(None, Some("")));
        assert!(!csrf_equal(Some(""), Some("")));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let (parts, ()) = axum::http::Request::builder()
            .header("authorization", "Bearer abc.def.ghi")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(bearer_token(&parts), Some("abc.def.ghi"));
        let (parts, ()) = axum::http::Request::builder()
            .header("authorization", "Basic dXNlcjpwYXNz")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(bearer_token(&parts), None);
    }
}
