//! The pages of a team dashboard: the feed pages of a player team (All, News, Social, E-mail,
//! SMS, Intel, Alerts) and the news wall of a public-feed team. Without a valid session every
//! page is the sign-in page: no data is rendered, and no parameter selects another team.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use scip_core::TeamKind;

use super::DashboardState;
use super::sign_in::sign_in_page;
use super::snapshot::TeamSnapshot;
use crate::view::{
    DashboardSection, DashboardShell, Document, TeamColour, TimerView, UnreadCounts,
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

pub(super) fn html(rendered: askama::Result<String>) -> Response {
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
