//! What every portal page shares: the signed-in user (or a redirect to sign in), the shell
//! (navigation, live exercises, flash), CSRF checks on form posts, and error pages.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use scip_core::engine::ExerciseState;
use scip_core::format_tplus;
use scip_store::{Paging, Role};
use serde::Deserialize;

use super::flash::FlashCookie;
use crate::auth::SessionUser;
use crate::auth::extract::rank;
use crate::error::ApiError;
use crate::state::AppState;
use crate::view::{
    BareShell, Document, Flash, LiveExerciseLink, PortalSection, PortalShell, UserRole, UserView,
};

/// A signed-in portal user; pages without a session redirect to `/sign-in?next=…`.
#[derive(Debug, Clone)]
pub struct PortalUser(pub SessionUser);

impl std::ops::Deref for PortalUser {
    type Target = SessionUser;
    fn deref(&self) -> &SessionUser {
        &self.0
    }
}

impl PortalUser {
    /// True for controllers and administrators: they see the buttons that change things.
    pub fn can_edit(&self) -> bool {
        self.has_role(Role::Controller)
    }

    /// True for administrators.
    pub fn is_admin(&self) -> bool {
        self.has_role(Role::Admin)
    }

    /// This session's CSRF value, for the `_csrf` field of forms and `X-CSRF-Token`.
    pub fn csrf(&self) -> &str {
        self.claims.csrf.as_deref().unwrap_or_default()
    }

    /// Refuses (403 page) unless the user has at least `role`.
    pub fn require(&self, role: Role) -> Result<(), PageError> {
        if rank(self.user.role) >= rank(role) {
            Ok(())
        } else {
            Err(PageError::Forbidden(format!(
                "This needs the {role} role; your account is {}.",
                self.user.role
            )))
        }
    }

    /// Refuses unless `form_csrf` is this session's CSRF value.
    pub fn check_csrf(&self, form_csrf: &str) -> Result<(), PageError> {
        if self.0.csrf_matches(Some(form_csrf)) {
            Ok(())
        } else {
            Err(PageError::Forbidden(
                "This form has expired (it was opened in an older session). Reload the page and try again.".into(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for PortalUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match SessionUser::from_request_parts(parts, state).await {
            Ok(user) => Ok(Self(user)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/", |p| p.as_str())
                    .to_owned();
                let target = if next == "/" || !is_local_path(&next) {
                    "/sign-in".to_owned()
                } else {
                    format!("/sign-in?next={}", urlencode(&next))
                };
                Err(Redirect::to(&target).into_response())
            }
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// True for a path on this site (`/x`, not `//host` or `https://…`): safe to redirect to.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// Percent-encodes a query value.
pub fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// A form post carrying only the CSRF value.
#[derive(Debug, Clone, Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF value.
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// 404 with a message.
    NotFound(String),
    /// 403 with a message.
    Forbidden(String),
    /// Anything the API layer refused, shown with its status and message.
    Api(ApiError),
}

/// The result of a page handler.
pub type PageResult = Result<Response, PageError>;

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<scip_store::StoreError> for PageError {
    fn from(e: scip_store::StoreError) -> Self {
        Self::Api(e.into())
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        Self::Api(ApiError::internal(format!("a page failed to render: {e}")))
    }
}

#[derive(Template)]
#[template(path = "portal/error.html")]
struct ErrorPage {
    shell: BareShell,
    status: u16,
    title: &'static str,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            Self::NotFound(m) => (StatusCode::NOT_FOUND, m),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            Self::Api(e) => {
                if e.status.is_server_error() {
                    tracing::error!(error = %e.message, "a portal page failed");
                }
                (e.status, e.message.clone())
            }
        };
        let title = match status {
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::FORBIDDEN => "Not allowed",
            StatusCode::CONFLICT => "Not possible now",
            s if s.is_server_error() => "Something went wrong",
            _ => "That did not work",
        };
        let page = ErrorPage {
            shell: BareShell::default(),
            status: status.as_u16(),
            title,
            message,
        };
        match page.render() {
            Ok(body) => (status, Html(body)).into_response(),
            Err(_) => (status, "the page could not be shown").into_response(),
        }
    }
}

/// Renders a page and clears the flash cookie it showed.
pub fn page_response(page: &impl Template) -> PageResult {
    let body = page.render()?;
    let mut response = (CookieJar::new().add(FlashCookie::clear()), Html(body)).into_response();
    crate::dashboard::pages::secure_headers(&mut response);
    Ok(response)
}

/// The shell of a portal page: user, navigation (section `current`), live exercises, flash.
pub async fn portal_shell(
    state: &AppState,
    user: &PortalUser,
    current: PortalSection,
    flash: FlashCookie,
) -> Result<PortalShell, PageError> {
    let now = state.engine.clock.now();
    let mut live = Vec::new();
    for wanted in [
        ExerciseState::Running,
        ExerciseState::Paused,
        ExerciseState::Deployed,
    ] {
        let page = state
            .store
            .list_exercises(Some(wanted), Paging::first(10))
            .await?;
        live.extend(page.items.into_iter().map(|e| LiveExerciseLink {
            href: format!("/exercises/{}", e.id),
            clock: format_tplus(e.runtime.clock.elapsed(now)),
            state: e.runtime.state,
            name: e.name,
        }));
    }
    let mut doc = Document::default();
    if let Some(flash) = flash.0 {
        doc = doc.with_flash(flash);
    }
    let mut nav = PortalSection::nav(current, |s| s.href().to_owned());
    if let Some(link) = nav.iter_mut().find(|l| l.key == "exercises") {
        link.count = u32::try_from(live.len()).ok();
    }
    Ok(PortalShell {
        doc,
        user: UserView {
            name: if user.user.display_name.trim().is_empty() {
                user.user.username.clone()
            } else {
                user.user.display_name.clone()
            },
            role: match user.user.role {
                Role::Admin => UserRole::Admin,
                Role::Controller => UserRole::Controller,
                Role::Observer => UserRole::Observer,
            },
        },
        nav,
        live_exercises: live,
        environment: None,
        home_href: "/".into(),
        sign_out_href: "/sign-out".into(),
        csrf: user.csrf().to_owned(),
    })
}

/// A flash shown on a page rendered directly (not after a redirect).
pub fn with_flash(mut shell: PortalShell, flash: Flash) -> PortalShell {
    shell.doc = shell.doc.with_flash(flash);
    shell
}

/// The clock of an exercise record at wall time `now`, for the timer component.
pub fn timer_view(
    record: &scip_store::ExerciseRecord,
    total_turns: Option<u32>,
    now: i64,
) -> crate::view::TimerView {
    let rt = &record.runtime;
    crate::view::TimerView {
        elapsed_ms: rt.clock.elapsed(now),
        speed: rt.clock.speed,
        state: rt.state,
        turn: rt.turn.map(|t| t.current),
        total_turns,
    }
}

/// A wall time (ms) as `HH:MM` UTC today, or `D Mon HH:MM` on other days.
pub fn wall_time(ms: i64, now: i64) -> String {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    let today = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(now) * 1_000_000)
        .map(|t| t.date())
        .ok();
    if Some(at.date()) == today {
        format!("{:02}:{:02}", at.hour(), at.minute())
    } else {
        format!(
            "{} {} {:02}:{:02}",
            at.day(),
            &at.month().to_string()[..3],
            at.hour(),
            at.minute()
        )
    }
}

/// `part` as a whole percentage of `whole`, at most 100; 0 when `whole` is 0 (progress bars).
pub fn percent(part: u64, whole: u64) -> u64 {
    (part.min(whole) * 100).checked_div(whole).unwrap_or(0)
}

/// `part` as a percentage of `whole` for display, `–` when there is nothing to divide by.
pub fn share_text(part: u64, whole: u64) -> String {
    (part * 100)
        .checked_div(whole)
        .map_or_else(|| "–".to_owned(), |share| share.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_bounded_and_never_divide_by_zero() {
        assert_eq!(percent(3, 4), 75);
        assert_eq!(percent(5, 4), 100);
        assert_eq!(percent(1, 0), 0);
        assert_eq!(share_text(1, 3), "33");
        assert_eq!(share_text(0, 0), "–");
    }

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert!(is_local_path("/exercises/abc"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
    }
}
