//! Every route of SCIP's HTTP side, in one place.

use axum::Router;
use axum::routing::get;

use crate::ops;
use crate::state::AppState;

/// The routes of the API and portal listener.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .route("/assets/{*path}", get(crate::assets::serve))
        .with_state(state)
}

/// The routes of an orchestrator-only process (health and readiness).
pub fn orchestrator_router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(ops::health))
        .route("/ready", get(ops::ready))
        .with_state(state)
}
