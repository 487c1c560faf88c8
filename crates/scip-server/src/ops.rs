//! Operations endpoints: `/health` (the process answers) and `/ready` (its dependencies do).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::state::AppState;

/// `GET /health`: the process is alive.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    Json(json!({
        "status": "ok",
        "version": state.settings.version,
        "uptime_s": state.started.elapsed().as_secs(),
    }))
}

/// `GET /ready`: the database, the MQTT broker and (when configured) Redis answer; 503 naming
/// the failing part otherwise.
pub async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    let database = state.store.ping().await.err().map(|e| e.to_string());
    let broker = match &state.engine.mqtt {
        Some(mqtt) if !mqtt.is_connected() => Some(format!("not connected to {}", mqtt.broker())),
        Some(_) => None,
        None => Some("no MQTT client in this process".to_owned()),
    };
    let redis = if state.shared.is_redis() {
        state.shared.ping().await.err().map(|e| e.to_string())
    } else {
        None
    };
    let check = |failure: &Option<String>| match failure {
        None => json!({"ok": true}),
        Some(why) => json!({"ok": false, "error": why}),
    };
    let mut checks = json!({"database": check(&database), "broker": check(&broker)});
    if state.shared.is_redis() {
        checks["redis"] = check(&redis);
    }
    let failing: Vec<&str> = [
        ("database", &database),
        ("broker", &broker),
        ("redis", &redis),
    ]
    .into_iter()
    .filter(|(_, f)| f.is_some())
    .map(|(name, _)| name)
    .collect();
    let status = if failing.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if failing.is_empty() { "ready" } else { "unavailable" },
        "failing": failing,
        "checks": checks,
    });
    (status, Json(body))
}
