//! Every route of SCIP's HTTP side, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::api::v2::team_feed;
use crate::dashboard::{self, DashboardState};
use crate::ops;
use crate::state::AppState;

/// The routes of the API and portal listener.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/assets/{*path}", get(crate::assets::serve))
        // Team-scoped feed for dashboard processes and containers (dashboard token).
        .route(
            "/api/v2/team-feed/{exercise}/{team}/history",
            get(team_feed::history),
        )
        .route(
            "/api/v2/team-feed/{exercise}/{team}/state",
            get(team_feed::snapshot),
        )
        .route(
            "/api/v2/team-feed/{exercise}/{team}/check-code",
            post(team_feed::check_code),
        )
        .route(
            "/api/v2/team-feed/{exercise}/{team}/check-link",
            post(team_feed::check_link),
        )
        .route(
            "/api/v2/team-feed/{exercise}/{team}/media/{name}",
            get(team_feed::media),
        )
        .with_state(state)
}

/// The routes of an orchestrator-only process (health and readiness).
pub fn orchestrator_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .with_state(state)
}

/// The routes of one team dashboard (its own port; embedded, process or container alike).
pub fn dashboard_router(state: DashboardState) -> Router {
    use dashboard::{media, pages, receipts, sign_in, sse};
    Router::new()
        .route("/", get(pages::all))
        .route("/news", get(pages::news))
        .route("/social", get(pages::social))
        .route("/email", get(pages::email))
        .route("/sms", get(pages::sms))
        .route("/intel", get(pages::intel))
        .route("/alerts", get(pages::alerts))
        .route(
            "/sign-in",
            get(sign_in::sign_in_form).post(sign_in::sign_in),
        )
        .route("/join", get(sign_in::join))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/events", get(sse::events))
        .route(
            "/receipts",
            post(receipts::post_receipts).layer(DefaultBodyLimit::max(64 * 1024)),
        )
        .route("/media/{name}", get(media::media))
        .route("/health", get(pages::health))
        .route("/assets/{*path}", get(crate::assets::serve))
        .layer(DefaultBodyLimit::max(16 * 1024))
        .with_state(state)
}
