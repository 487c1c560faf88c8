//! Every route of SCIP's HTTP side, in one place.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post, put};
use utoipa_swagger_ui::SwaggerUi;

use crate::api::v2::team_feed;
use crate::api::{v1, v2};
use crate::dashboard::{self, DashboardState};
use crate::error::ApiError;
use crate::state::AppState;
use crate::{ops, telemetry};

/// JSON bodies (scenario documents included) up to this size.
const JSON_LIMIT: usize = 16 * 1024 * 1024;

/// The routes of the API and portal listener.
pub fn router(state: AppState) -> Router {
    let upload_limit = state
        .settings
        .upload_limit
        .saturating_mul(4)
        .saturating_add(1 << 20);
    let import_limit = state.settings.import_limit.saturating_add(1 << 20);
    let v2 = Router::new()
        // Signing in.
        .route("/api/v2/auth/login", post(v2::auth::login))
        .route("/api/v2/auth/token", post(v2::auth::token))
        .route("/api/v2/auth/refresh", post(v2::auth::refresh))
        .route("/api/v2/auth/logout", post(v2::auth::logout))
        .route("/api/v2/auth/me", get(v2::auth::me))
        .route("/api/v2/auth/password", put(v2::auth::change_password))
        // Accounts.
        .route(
            "/api/v2/users",
            get(v2::users::list).post(v2::users::create),
        )
        .route(
            "/api/v2/users/{id}",
            get(v2::users::get)
                .patch(v2::users::update)
                .delete(v2::users::delete),
        )
        // Scenarios, teams and timelines.
        .route(
            "/api/v2/scenarios",
            get(v2::scenarios::list).post(v2::scenarios::create),
        )
        .route(
            "/api/v2/scenarios/validate",
            post(v2::scenario_validation::validate_document),
        )
        .route(
            "/api/v2/scenarios/import",
            post(v2::scenario_files::import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route(
            "/api/v2/scenarios/{id}",
            get(v2::scenarios::get)
                .put(v2::scenarios::update)
                .delete(v2::scenarios::delete),
        )
        .route(
            "/api/v2/scenarios/{id}/versions",
            get(v2::scenario_versions::versions),
        )
        .route(
            "/api/v2/scenarios/{id}/duplicate",
            post(v2::scenario_versions::duplicate),
        )
        .route(
            "/api/v2/scenarios/{id}/validation",
            get(v2::scenario_validation::validation),
        )
        .route(
            "/api/v2/scenarios/{id}/export",
            get(v2::scenario_files::export),
        )
        .route("/api/v2/scenarios/{id}/teams", get(v2::teams::list))
        .route(
            "/api/v2/scenarios/{id}/teams/{team}",
            get(v2::teams::get).put(v2::teams::put_team),
        )
        .route(
            "/api/v2/scenarios/{id}/teams/{team}/timeline",
            put(v2::teams::put_timeline),
        )
        .route(
            "/api/v2/scenarios/{id}/teams/{team}/injects/{inject}",
            put(v2::teams::put_inject).delete(v2::teams::delete_inject),
        )
        // Media library.
        .route(
            "/api/v2/media",
            get(v2::media::list)
                .post(v2::media::upload)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/api/v2/media/{name}",
            get(v2::media::download).delete(v2::media::delete),
        )
        .route("/api/v2/media/{name}/info", get(v2::media::info))
        // Exercises.
        .route(
            "/api/v2/exercises",
            get(v2::exercises::list).post(v2::exercises::create),
        )
        .route("/api/v2/exercises/{id}", get(v2::exercises::get))
        .route(
            "/api/v2/exercises/{id}/actions/{action}",
            post(v2::control::action),
        )
        .route("/api/v2/exercises/{id}/speed", post(v2::control::speed))
        .route("/api/v2/exercises/{id}/seek", post(v2::control::seek))
        .route(
            "/api/v2/exercises/{id}/live-injects",
            post(v2::control::live_inject),
        )
        .route(
            "/api/v2/exercises/{id}/fire-now",
            post(v2::control::fire_now),
        )
        .route(
            "/api/v2/exercises/{id}/deliveries",
            get(v2::deliveries::list),
        )
        .route(
            "/api/v2/exercises/{id}/deliveries/{delivery}",
            get(v2::deliveries::get),
        )
        .route(
            "/api/v2/exercises/{id}/deliveries/{delivery}/resend",
            post(v2::control::resend),
        )
        .route(
            "/api/v2/exercises/{id}/receipts",
            get(v2::deliveries::receipts),
        )
        .route("/api/v2/exercises/{id}/events", get(v2::events::list))
        .route("/api/v2/exercises/{id}/report.csv", get(v2::reports::csv))
        .route("/api/v2/exercises/{id}/report.json", get(v2::reports::json))
        .route("/api/v2/exercises/{id}/teams", get(v2::exercises::teams))
        .route(
            "/api/v2/exercises/{id}/teams/{team}/access-code",
            post(v2::access::rotate_code),
        )
        .route(
            "/api/v2/exercises/{id}/teams/{team}/link",
            post(v2::access::team_link),
        )
        // Participants.
        .route("/api/v2/team-access", post(v2::team_access::enter_code))
        .route(
            "/api/v2/team-access/link",
            post(v2::team_access::enter_link),
        )
        .route("/api/v2/team-access/me", get(v2::team_access::me))
        .route(
            "/api/v2/team-access/receipts",
            post(v2::team_access::receipt),
        )
        .route("/api/v2/team-access/logout", post(v2::team_access::logout));

    // SCIP v3 compatible routes; their error bodies also carry v3's `detail`.
    let v1 = Router::new()
        .route("/api/v1/status", get(v1::exercises::service_status))
        .route("/api/v1/exercises/current", get(v1::exercises::current))
        .route(
            "/api/v1/exercises/{scenario}/deploy",
            post(v1::exercises::deploy),
        )
        .route(
            "/api/v1/exercises/{scenario}/start",
            post(v1::exercises::start),
        )
        .route(
            "/api/v1/exercises/{scenario}/pause",
            post(v1::exercises::pause),
        )
        .route(
            "/api/v1/exercises/{scenario}/resume",
            post(v1::exercises::resume),
        )
        .route(
            "/api/v1/exercises/{scenario}/finish",
            post(v1::exercises::finish),
        )
        .route(
            "/api/v1/exercises/{scenario}/next-turn",
            post(v1::exercises::next_turn),
        )
        .route(
            "/api/v1/exercises/{scenario}/stop",
            post(v1::exercises::stop),
        )
        .route(
            "/api/v1/exercises/{scenario}/inject/manual",
            post(v1::exercises::manual_inject),
        )
        .route(
            "/api/v1/exercises/{scenario}/status",
            get(v1::exercises::status),
        )
        .route("/api/v1/scenarios", get(v1::scenarios::list))
        .route("/api/v1/scenarios/{scenario}", get(v1::scenarios::get))
        .route(
            "/api/v1/timelines/{scenario}/{team}",
            get(v1::scenarios::get_timeline).put(v1::scenarios::put_timeline),
        )
        .route(
            "/api/v1/media",
            get(v1::media::list).delete(v1::media::delete),
        )
        .route(
            "/api/v1/media/upload",
            post(v1::media::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .layer(middleware::map_response(v1::add_detail));

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
        .route("/metrics", get(ops::metrics))
        .merge(crate::portal::routes())
        .merge(v2)
        .merge(v1)
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", crate::openapi::document()))
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn(telemetry::label_route))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            telemetry::track_requests,
        ))
        .with_state(state)
}

/// The routes of an orchestrator-only process (health, readiness and metrics).
pub fn orchestrator_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .route_layer(middleware::from_fn(telemetry::label_route))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            telemetry::track_requests,
        ))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no such endpoint: {}", uri.path()))
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
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
