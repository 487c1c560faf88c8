//! The pages of a team dashboard: sign-in (access code or signed link), the feed pages of a
//! player team (All, News, Social, E-mail, SMS, Intel, Alerts) and the news wall of a
//! public-feed team. Without a valid session every page is the sign-in page: no data is
//! rendered, and no parameter selects another team.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use scip_core::TeamKind;
use serde::Deserialize;

use super::DashboardState;
use super::receipts::{MAX_BATCH, ReceiptKey};
use super::session::SessionEnd;
use super::snapshot::TeamSnapshot;
use super::source::CodeCheck;
use crate::view::{
    BareShell, DashboardSection, DashboardShell, Document, TeamColour, TimerView, UnreadCounts,
};

/// What `dashboard.js` reads from the page.
#[derive(Debug, Clone)]
pub struct PageData {
    /// Exercise id.
    pub exercise: String,
    /// Team id.
    pub team: String,
    /// Current run.
    pub run: u32,
    /// The page's view (`all`, `news`, …, `wall`).
    pub view: &'static str,
}

/// A feed page (every section and the news wall share the shape).
#[derive(Debug, Clone)]
pub struct FeedPage {
    /// Layout data.
    pub shell: DashboardShell,
    /// For `dashboard.js`.
    pub data: PageData,
    /// Page heading.
    pub title: &'static str,
    /// Empty state icon.
    pub empty_icon: &'static str,
    /// Empty state title.
    pub empty_title: &'static str,
    /// Empty state text.
    pub empty_text: &'static str,
}

/// All, News, Social, Intel, Alerts.
#[derive(Template)]
#[template(path = "dashboard/feed.html")]
struct CardsTemplate<'a>(&'a FeedPage);

/// E-mail.
#[derive(Template)]
#[template(path = "dashboard/email.html")]
struct EmailTemplate<'a>(&'a FeedPage);

/// SMS.
#[derive(Template)]
#[template(path = "dashboard/sms.html")]
struct SmsTemplate<'a>(&'a FeedPage);

/// The news wall.
#[derive(Template)]
#[template(path = "dashboard/news_wall.html")]
struct WallTemplate<'a>(&'a FeedPage);

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

impl std::ops::Deref for CardsTemplate<'_> {
    type Target = FeedPage;
    fn deref(&self) -> &FeedPage {
        self.0
    }
}
impl std::ops::Deref for EmailTemplate<'_> {
    type Target = FeedPage;
    fn deref(&self) -> &FeedPage {
        self.0
    }
}
impl std::ops::Deref for SmsTemplate<'_> {
    type Target = FeedPage;
    fn deref(&self) -> &FeedPage {
        self.0
    }
}
impl std::ops::Deref for WallTemplate<'_> {
    type Target = FeedPage;
    fn deref(&self) -> &FeedPage {
        self.0
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// The clock of a snapshot, for rendering.
pub fn timer_view(snapshot: &TeamSnapshot) -> TimerView {
    let timer = super::sse::timer_now(&snapshot.timer);
    TimerView {
        elapsed_ms: timer.elapsed_ms,
        speed: scip_core::engine::Speed::from_factor(timer.speed)
            .unwrap_or(scip_core::engine::Speed::NORMAL),
        state: timer.state,
        turn: timer.turn,
        total_turns: timer.total_turns,
    }
}

/// Sections of the feed navigation and what each page says when empty.
fn section_page(
    section: DashboardSection,
) -> (&'static str, &'static str, &'static str, &'static str) {
    match section {
        DashboardSection::All => (
            "all",
            "inbox",
            "Nothing yet",
            "Injects for your team appear here the moment exercise control sends them.",
        ),
        DashboardSection::News => (
            "news",
            "newspaper",
            "No news yet",
            "News articles about the situation will appear here.",
        ),
        DashboardSection::Social => (
            "social",
            "message",
            "No posts yet",
            "Social-media posts will appear here.",
        ),
        DashboardSection::Email => (
            "email",
            "mail",
            "No e-mail yet",
            "Messages to your team will arrive in this inbox.",
        ),
        DashboardSection::Sms => (
            "sms",
            "smartphone",
            "No text messages yet",
            "Text messages will appear here as conversations.",
        ),
        DashboardSection::Intel => (
            "intel",
            "shield",
            "No intelligence yet",
            "Intelligence reports for your team will appear here.",
        ),
        DashboardSection::Alerts => (
            "alerts",
            "alert-triangle",
            "No alerts",
            "Alerts and warnings will appear here.",
        ),
    }
}

fn feed_page(
    state: &DashboardState,
    snapshot: &TeamSnapshot,
    section: DashboardSection,
) -> FeedPage {
    let wall = snapshot.team_kind == TeamKind::Public;
    let (view, icon, empty_title, empty_text) = if wall {
        (
            "wall",
            "newspaper",
            "Waiting for the news",
            "Stories will appear here as they break.",
        )
    } else {
        section_page(section)
    };
    let nav = if wall {
        Vec::new()
    } else {
        DashboardSection::nav(section, &UnreadCounts::default(), |s| {
            format!("/{}", s.slug())
        })
    };
    FeedPage {
        shell: DashboardShell {
            doc: Document::default(),
            team_name: snapshot.team_name.clone(),
            team_colour: TeamColour::parse(&snapshot.team_color).unwrap_or_default(),
            exercise_name: snapshot.exercise_name.clone(),
            timer: timer_view(snapshot),
            nav,
            events_url: format!("/events?view={view}"),
        },
        data: PageData {
            exercise: state.exercise.to_string(),
            team: state.team.to_string(),
            run: snapshot.run,
            view,
        },
        title: section.label(),
        empty_icon: icon,
        empty_title,
        empty_text,
    }
}

/// Security headers of every dashboard page: no framing, no referrer (join links carry a
/// token), scripts only from the dashboard itself.
pub fn secure_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
             form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn html(rendered: askama::Result<String>) -> Response {
    let mut response = match rendered {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a dashboard page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response()
        }
    };
    secure_headers(&mut response);
    response
}

fn sign_in_page(snapshot: &TeamSnapshot, next: &str) -> SignInPage {
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

/// A feed page, or the sign-in page without a session.
pub async fn section(
    state: &DashboardState,
    headers: &HeaderMap,
    section: DashboardSection,
) -> Response {
    let snapshot = state.current();
    if let Err(end) = state.sessions.of_request(headers, &snapshot) {
        let mut page = sign_in_page(&snapshot, &format!("/{}", section.slug()));
        if page.notice.is_none() {
            page.notice = end.notice().map(str::to_owned);
        }
        return html(page.render());
    }
    if snapshot.team_kind == TeamKind::Public && section != DashboardSection::All {
        return Redirect::to("/").into_response();
    }
    let page = feed_page(state, &snapshot, section);
    html(match (snapshot.team_kind, section) {
        (TeamKind::Public, _) => WallTemplate(&page).render(),
        (_, DashboardSection::Email) => EmailTemplate(&page).render(),
        (_, DashboardSection::Sms) => SmsTemplate(&page).render(),
        _ => CardsTemplate(&page).render(),
    })
}

macro_rules! section_handler {
    ($name:ident, $section:expr, $doc:literal) => {
        #[doc = $doc]
        pub async fn $name(State(state): State<DashboardState>, headers: HeaderMap) -> Response {
            section(&state, &headers, $section).await
        }
    };
}

section_handler!(
    all,
    DashboardSection::All,
    "`GET /`: All (or the news wall)."
);
section_handler!(news, DashboardSection::News, "`GET /news`.");
section_handler!(social, DashboardSection::Social, "`GET /social`.");
section_handler!(email, DashboardSection::Email, "`GET /email`.");
section_handler!(sms, DashboardSection::Sms, "`GET /sms`.");
section_handler!(intel, DashboardSection::Intel, "`GET /intel`.");
section_handler!(alerts, DashboardSection::Alerts, "`GET /alerts`.");

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
    /// The signed link token.
    pub t: Option<String>,
}

/// `GET /join?t=…`: a signed link signs the participant in like the code.
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

/// Body of `POST /receipts`.
#[derive(Debug, Deserialize)]
pub struct ReceiptBatch {
    /// Receipts, at most [`MAX_BATCH`].
    pub receipts: Vec<ReceiptKey>,
}

/// `POST /receipts`: browsers report `received`, `displayed` and `read`; each is published
/// once per team. 202 with what was queued; 401 without a session; 413 for an oversized
/// batch; 503 while the broker has been away so long the queue is full.
pub async fn receipts(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    body: Result<axum::Json<ReceiptBatch>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if state
        .sessions
        .of_request(&headers, &state.current())
        .is_err()
    {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let axum::Json(batch) = match body {
        Ok(b) => b,
        Err(e) => return (StatusCode::BAD_REQUEST, e.body_text()).into_response(),
    };
    if batch.receipts.len() > MAX_BATCH {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_BATCH} receipts per request"),
        )
            .into_response();
    }
    match state
        .receipts
        .submit(&batch.receipts, |run, seq| state.feed.knows(run, seq))
    {
        Ok(done) => (
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({
                "queued": done.queued, "repeated": done.repeated, "unknown": done.unknown,
            })),
        )
            .into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}

/// `GET /health`: 200 when the dashboard can deliver (broker connected, source answering),
/// 503 naming what is wrong. No team data.
pub async fn health(State(state): State<DashboardState>) -> Response {
    let status = state.status();
    let code = if status.problem().is_none() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        axum::Json(serde_json::json!({
            "status": if code == StatusCode::OK { "ok" } else { "degraded" },
            "problem": status.problem(),
            "mqtt_connected": status.mqtt_connected,
            "source_ok": status.source_ok,
            "viewers": status.viewers,
        })),
    )
        .into_response()
}
