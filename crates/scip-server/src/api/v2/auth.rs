//! `/api/v2/auth`: sign in (browser session cookie, or bearer tokens for scripts), refresh,
//! sign out, who am I, change my password.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum_extra::extract::cookie::CookieJar;
use scip_store::User;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::extract::{ApiBytes, ApiJson};
use crate::api::v2::users::UserView;
use crate::auth::client::ClientIp;
use crate::auth::extract::{AuthMethod, user_from_token};
use crate::auth::password::{check_new_password, decoy_hash, hash_password, verify_password};
use crate::auth::session::{
    SESSION_COOKIE, SESSION_TTL, expired_cookie, issue_session, issue_token_pair, remaining,
    token_cookie, unix_now, wants_secure_cookie,
};
use crate::auth::token::TokenKind;
use crate::auth::{CurrentUser, SessionUser};
use crate::error::ApiError;
use crate::state::AppState;

/// A username and password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LoginBody {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A browser session was opened (the cookie is set).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    /// Who signed in.
    pub user: UserView,
    /// Echo this in `X-CSRF-Token` on every change made with the cookie.
    pub csrf_token: String,
    /// When the session ends (unix seconds).
    pub expires_at: i64,
}

/// Bearer tokens for scripts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenView {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Exchange at `/api/v2/auth/refresh` for new tokens.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lasts.
    pub expires_in: u64,
    /// Seconds the refresh token lasts.
    pub refresh_expires_in: u64,
    /// Who signed in.
    pub user: UserView,
}

/// A refresh token to exchange.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RefreshBody {
    /// The refresh token from `/api/v2/auth/token`.
    pub refresh_token: String,
}

/// The signed-in user.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeView {
    /// The account.
    pub user: UserView,
    /// `cookie` or `bearer`.
    pub auth: &'static str,
    /// The session's CSRF value (cookie sessions only).
    pub csrf_token: Option<String>,
    /// When the session or token ends (unix seconds).
    pub expires_at: i64,
}

/// A password change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct PasswordBody {
    /// The password now.
    pub current_password: String,
    /// The new password (at least 10 characters).
    pub new_password: String,
}

/// Checks a username and password against the attempt limits. Unknown names cost the same
/// time as known ones, and every failure says the same thing.
pub(crate) async fn check_password(
    state: &AppState,
    ip: std::net::IpAddr,
    body: &LoginBody,
) -> Result<User, ApiError> {
    let username = body.username.trim();
    if username.is_empty() || username.len() > 200 {
        return Err(ApiError::unprocessable("username must be 1–200 characters"));
    }
    if let Err(throttled) = state.login_limiter.check(Some(username), ip).await? {
        state.metrics.record_login("throttled");
        return Err(ApiError::too_many_requests(
            throttled.to_string(),
            throttled.retry_after.as_secs(),
        ));
    }
    let found = state.store.find_user_by_username(username).await?;
    let password = body.password.clone();
    let hash = found
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |c| c.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    match found {
        Some(c) if matches && !c.user.disabled => {
            state.login_limiter.succeeded(Some(username), ip).await?;
            state.metrics.record_login("success");
            Ok(c.user)
        }
        _ => {
            state.login_limiter.failed(Some(username), ip).await?;
            state.metrics.record_login("failure");
            tracing::info!(%ip, "failed sign-in");
            Err(ApiError::unauthorized("wrong username or password"))
        }
    }
}

/// Opens a browser session: sets the HttpOnly session cookie and returns the CSRF value.
#[utoipa::path(post, path = "/api/v2/auth/login", tag = "auth", security(()),
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionView),
        (status = 401, description = "Wrong username or password"),
        (status = 422, description = "Malformed username"),
        (status = 429, description = "Too many failed attempts for this account or address"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<impl IntoResponse, ApiError> {
    let user = check_password(&state, ip, &body).await?;
    let session = issue_session(&state.tokens, &user, unix_now());
    let secure = wants_secure_cookie(state.settings.production, &headers);
    let jar = jar.add(token_cookie(
        SESSION_COOKIE,
        session.token,
        secure,
        SESSION_TTL,
    ));
    tracing::info!(user = %user.username, "signed in");
    Ok((
        jar,
        Json(SessionView {
            user: UserView::from(&user),
            csrf_token: session.csrf,
            expires_at: session.expires_at,
        }),
    ))
}

/// Issues bearer tokens (an access token and a refresh token) for scripts.
#[utoipa::path(post, path = "/api/v2/auth/token", tag = "auth", security(()),
    request_body = LoginBody,
    responses(
        (status = 200, description = "Tokens", body = TokenView),
        (status = 401, description = "Wrong username or password"),
        (status = 429, description = "Too many failed attempts"),
    ))]
pub async fn token(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<TokenView>, ApiError> {
    let user = check_password(&state, ip, &body).await?;
    Ok(Json(token_view(&state, &user)))
}

fn token_view(state: &AppState, user: &User) -> TokenView {
    let pair = issue_token_pair(&state.tokens, user, unix_now());
    TokenView {
        access_token: pair.access_token,
        refresh_token: pair.refresh_token,
        token_type: "Bearer",
        expires_in: pair.expires_in,
        refresh_expires_in: pair.refresh_expires_in,
        user: UserView::from(user),
    }
}

/// Exchanges a refresh token for new tokens (the old pair stops working). Without a body, a
/// browser session (with its CSRF header) is renewed instead and a fresh cookie set.
#[utoipa::path(post, path = "/api/v2/auth/refresh", tag = "auth", security(()),
    request_body(content = Option<RefreshBody>, description = "A refresh token; omit to renew the cookie session"),
    responses(
        (status = 200, description = "New tokens, or a renewed session", body = TokenView),
        (status = 401, description = "The refresh token or session is not valid"),
        (status = 403, description = "Cookie renewal without the CSRF header"),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    ApiBytes(body): ApiBytes,
) -> Result<axum::response::Response, ApiError> {
    let now = unix_now();
    if body.iter().all(u8::is_ascii_whitespace) {
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(ApiError::unauthorized(
                "send a refresh token, or call this with the session cookie",
            ));
        };
        let (user, claims) = user_from_token(&state, cookie.value(), TokenKind::Session).await?;
        let given = headers
            .get(crate::auth::session::CSRF_HEADER)
            .and_then(|v| v.to_str().ok());
        if !crate::auth::extract::csrf_equal(claims.csrf.as_deref(), given) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "csrf",
                "renewing a session needs its CSRF value in X-CSRF-Token",
            ));
        }
        state
            .shared
            .revoke(&claims.sid, remaining(&claims, now))
            .await?;
        let session = issue_session(&state.tokens, &user, now);
        let secure = wants_secure_cookie(state.settings.production, &headers);
        let jar = jar.add(token_cookie(
            SESSION_COOKIE,
            session.token,
            secure,
            SESSION_TTL,
        ));
        return Ok((
            jar,
            Json(SessionView {
                user: UserView::from(&user),
                csrf_token: session.csrf,
                expires_at: session.expires_at,
            }),
        )
            .into_response());
    }
    let parsed: RefreshBody = serde_json::from_slice(&body).map_err(|e| {
        if e.is_data() {
            ApiError::unprocessable(e.to_string())
        } else {
            ApiError::bad_request(format!("the body is not valid JSON: {e}"))
        }
    })?;
    let (user, claims) = user_from_token(&state, &parsed.refresh_token, TokenKind::Refresh).await?;
    // The old pair (same sid) ends: a stolen refresh token is only good once.
    state
        .shared
        .revoke(&claims.sid, remaining(&claims, now))
        .await?;
    Ok(Json(token_view(&state, &user)).into_response())
}

/// Ends the session or token pair used for this request and clears the cookie.
#[utoipa::path(post, path = "/api/v2/auth/logout", tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Cookie session without the CSRF header"),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<impl IntoResponse, ApiError> {
    let now = unix_now();
    state
        .shared
        .revoke(&user.claims.sid, remaining(&user.claims, now))
        .await?;
    let secure = wants_secure_cookie(state.settings.production, &headers);
    let jar = if user.method == AuthMethod::Cookie {
        jar.add(expired_cookie(SESSION_COOKIE, secure))
    } else {
        jar
    };
    tracing::info!(user = %user.user.username, "signed out");
    Ok((jar, StatusCode::NO_CONTENT))
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v2/auth/me", tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = MeView),
        (status = 401, description = "Not signed in"),
    ))]
pub async fn me(user: SessionUser) -> Json<MeView> {
    Json(MeView {
        user: UserView::from(&user.user),
        auth: match user.method {
            AuthMethod::Cookie => "cookie",
            AuthMethod::Bearer => "bearer",
        },
        csrf_token: match user.method {
            AuthMethod::Cookie => user.claims.csrf.clone(),
            AuthMethod::Bearer => None,
        },
        expires_at: user.claims.exp,
    })
}

/// Changes the signed-in user's password. Every session of the account ends, this one too.
#[utoipa::path(put, path = "/api/v2/auth/password", tag = "auth",
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Changed; sign in again"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "The current password is wrong"),
        (status = 422, description = "The new password is too short or too long"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    change_own_password(&state, &user, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a user's own password after checking the current one; every session of the
/// account ends, this one too (the API and the portal's settings page).
pub async fn change_own_password(
    state: &AppState,
    user: &SessionUser,
    current_password: &str,
    new_password: &str,
) -> Result<(), ApiError> {
    check_new_password(new_password).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let stored = state
        .store
        .find_user_by_username(&user.user.username)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the account no longer exists"))?;
    let current = current_password.to_owned();
    let hash = stored.password_hash.clone();
    let new_password = new_password.to_owned();
    let (matches, new_hash) = tokio::task::spawn_blocking(move || {
        (
            verify_password(&current, &hash),
            hash_password(&new_password),
        )
    })
    .await
    .map_err(ApiError::internal)?;
    if !matches {
        return Err(ApiError::forbidden("the current password is wrong"));
    }
    let new_hash = new_hash.map_err(ApiError::internal)?;
    state
        .store
        .set_user_password_hash(&user.user.id, &new_hash, state.engine.clock.now())
        .await?;
    // Sessions begun before the change end with it (the account's change time); this one
    // ends now too, even if it began in the same second.
    state
        .shared
        .revoke(&user.claims.sid, remaining(&user.claims, unix_now()))
        .await?;
    Ok(())
}
