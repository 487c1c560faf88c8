//! Operations endpoints: `/health` (the process answers), `/ready` (its dependencies do) and
//! `/metrics` (Prometheus text format).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /health`: the process is alive.
#[utoipa::path(get, path = "/health", tag = "operations", security(()),
    responses((status = 200, description = "`{status: \"ok\", version, uptime_s}`")))]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    Json(json!({
        "status": "ok",
        "version": state.settings.version,
        "uptime_s": state.started.elapsed().as_secs(),
    }))
}

/// `GET /ready`: the database, the MQTT broker and (when configured) Redis answer; 503 naming
/// the failing part otherwise.
#[utoipa::path(get, path = "/ready", tag = "operations", security(()),
    responses(
        (status = 200, description = "Every dependency answers"),
        (status = 503, description = "`failing` names the parts that do not"),
    ))]
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

/// Scheduled deliveries younger than this are left for the next scrape, so that a step
/// committing a little after another's later-stamped one is still counted.
const LATENESS_SETTLE_MS: i64 = 10_000;
/// Samples read per query while catching up.
const LATENESS_BATCH: u32 = 5_000;

/// Folds the lateness of scheduled deliveries fired since the last scrape into the histogram.
async fn catch_up_lateness(state: &AppState) -> Result<(), ApiError> {
    let mut feed = state.metrics.lateness_feed.lock().await;
    let until = state.engine.clock.now() - LATENESS_SETTLE_MS;
    // Bounded, so a first scrape of a very large database answers in reasonable time; the
    // next scrape continues where this one stopped.
    for _ in 0..20 {
        let samples = state
            .store
            .lateness_samples(feed.cursor.as_ref(), until, LATENESS_BATCH)
            .await?;
        state
            .metrics
            .observe_lateness(samples.iter().map(|s| s.lateness_ms));
        let full = samples.len() == LATENESS_BATCH as usize;
        if let Some(last) = samples.into_iter().last() {
            feed.cursor = Some(last);
        }
        if !full {
            break;
        }
    }
    Ok(())
}

/// `GET /metrics`: Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Metrics in the Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    catch_up_lateness(&state).await?;
    let snapshot = state.store.operations_snapshot().await?;
    let body = state
        .metrics
        .render(&snapshot, state.started.elapsed().as_secs());
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    ))
}
