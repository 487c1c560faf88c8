//! Every HTTP request gets a request id (the caller's `X-Request-Id` when it is sane, a fresh
//! ULID otherwise), runs inside a span carrying it, is counted by route and status for
//! `/metrics`, and is logged once when it completes. The id goes back in `X-Request-Id` and
//! into the body of every 500, so a user can quote it and an operator can find the log line.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::state::AppState;

/// The header carrying the request id.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being handled by this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// A caller's request id is kept only when it is short and plain, so it cannot forge log lines.
fn usable_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let plain = !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    plain.then(|| text.to_owned())
}

/// The route template that answered a request, carried on the response from the routing
/// layer (where it is known) out to [`track_requests`] (which runs before routing).
#[derive(Debug, Clone)]
struct RouteLabel(String);

/// Route-level middleware: labels the response with the matched route template.
pub async fn label_route(request: Request, next: Next) -> Response {
    let label = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| RouteLabel(p.as_str().to_owned()));
    let mut response = next.run(request).await;
    if let Some(label) = label {
        response.extensions_mut().insert(label);
    }
    response
}

/// Middleware: request id, span, metrics and one log line per request.
pub async fn track_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(usable_request_id)
        .unwrap_or_else(|| ulid::Ulid::generate().to_string());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let span = tracing::info_span!("http", request_id = %id, method = %method, path = %path);
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), next.run(request).instrument(span.clone()))
        .await;
    let route = response
        .extensions()
        .get::<RouteLabel>()
        .map_or("unmatched", |r| r.0.as_str())
        .to_owned();
    let status = response.status();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    state
        .metrics
        .record_request(method.as_str(), &route, status.as_u16());
    // Probes and scrapes arrive every few seconds: successful ones are logged at debug level.
    let routine =
        status.is_success() && matches!(route.as_str(), "/health" | "/ready" | "/metrics");
    span.in_scope(|| {
        let status = status.as_u16();
        if status >= 500 {
            tracing::warn!(route, status, elapsed_ms, "request failed");
        } else if routine {
            tracing::debug!(route, status, elapsed_ms, "request");
        } else {
            tracing::info!(route, status, elapsed_ms, "request");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_request_ids_are_kept() {
        assert_eq!(
            usable_request_id(&HeaderValue::from_static("abc-123_x.y")).as_deref(),
            Some("abc-123_x.y")
        );
        assert_eq!(usable_request_id(&HeaderValue::from_static("a b")), None);
        assert_eq!(usable_request_id(&HeaderValue::from_static("")), None);
        let long = "x".repeat(65);
        assert_eq!(
            usable_request_id(&HeaderValue::from_str(&long).unwrap()),
            None
        );
    }
}
