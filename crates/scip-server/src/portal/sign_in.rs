//! Signing in and out of the portal with a username and password (an HTML form; the session
//! cookie is the API's).

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use super::flash::{FlashCookie, flash_redirect};
use super::page::{CsrfForm, PortalUser, is_local_path};
use crate::api::v2::auth::{LoginBody, check_password};
use crate::auth::client::ClientIp;
use crate::auth::session::{
    SESSION_COOKIE, SESSION_TTL, expired_cookie, issue_session, remaining, token_cookie, unix_now,
    wants_secure_cookie,
};
use crate::state::AppState;
use crate::view::{BareShell, Document, FlashKind};

#[derive(Template)]
#[template(path = "portal/sign_in.html")]
struct SignInPage {
    shell: BareShell,
    username: String,
    next: String,
    error: Option<String>,
}

/// Where to go after signing in.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The sign-in form (`GET /sign-in`).
pub async fn sign_in_form(Query(query): Query<NextQuery>, flash: FlashCookie) -> Response {
    let mut doc = Document::default();
    if let Some(f) = flash.0 {
        doc = doc.with_flash(f);
    }
    render(
        StatusCode::OK,
        SignInPage {
            shell: BareShell { doc },
            username: String::new(),
            next: safe_next(query.next.as_deref()),
            error: None,
        },
    )
}

/// The posted sign-in form.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Checks the password, sets the session cookie and goes to `next` (`POST /sign-in`).
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<SignInForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let body = LoginBody {
        username: form.username.clone(),
        password: form.password,
    };
    match check_password(&state, ip, &body).await {
        Ok(user) => {
            let session = issue_session(&state.tokens, &user, unix_now());
            let secure = wants_secure_cookie(state.settings.production, &headers);
            let jar = jar.add(token_cookie(
                SESSION_COOKIE,
                session.token,
                secure,
                SESSION_TTL,
            ));
            tracing::info!(user = %user.username, "signed in to the portal");
            (jar, Redirect::to(&next)).into_response()
        }
        Err(e) => render(
            if e.status == StatusCode::TOO_MANY_REQUESTS {
                e.status
            } else {
                StatusCode::UNAUTHORIZED
            },
            SignInPage {
                shell: BareShell::default(),
                username: form.username,
                next,
                error: Some(sentence(&e.message)),
            },
        ),
    }
}

/// Ends the session (`POST /sign-out`).
pub async fn sign_out(
    State(state): State<AppState>,
    user: PortalUser,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(e) = user.check_csrf(&form.csrf) {
        return e.into_response();
    }
    if let Err(e) = state
        .shared
        .revoke(&user.claims.sid, remaining(&user.claims, unix_now()))
        .await
    {
        return super::PageError::from(crate::error::ApiError::from(e)).into_response();
    }
    let secure = wants_secure_cookie(state.settings.production, &headers);
    let jar = jar.add(expired_cookie(SESSION_COOKIE, secure));
    let redirect = flash_redirect("/sign-in", FlashKind::Info, "You are signed out.");
    (jar, redirect).into_response()
}

fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) && !n.starts_with("/sign-") => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => {
            let mut s: String = first.to_uppercase().chain(chars).collect();
            if !s.ends_with('.') {
                s.push('.');
            }
            s
        }
        None => String::new(),
    }
}

fn render(status: StatusCode, page: SignInPage) -> Response {
    match page.render() {
        Ok(body) => {
            let mut response = (status, Html(body)).into_response();
            crate::dashboard::pages::secure_headers(&mut response);
            response
        }
        Err(e) => super::PageError::from(e).into_response(),
    }
}
