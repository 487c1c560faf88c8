//! The API's one error type. Every failure becomes `{"error":{"code","message","details"}}`
//! with its proper status; internal failures are logged once with their cause and answered
//! with an opaque message.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An API failure.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`not_found`, `invalid_transition`, …).
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// Structured details (validation problems, allowed actions, …).
    pub details: Value,
    /// Seconds to wait before retrying (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: Value::Null,
            retry_after: None,
        }
    }

    /// Adds details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401: no valid credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: authenticated but not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: conflicts with the current state.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 413.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }

    /// 415.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            message,
        )
    }

    /// 422: well-formed but invalid content.
    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message,
        )
    }

    /// 429.
    pub fn too_many_requests(message: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut e = Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
        e.retry_after = Some(retry_after_secs);
        e
    }

    /// 503: a dependency is down.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// 500: logs the cause; the client sees an opaque message and the request id to quote.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let request_id = crate::telemetry::current_request_id();
        tracing::error!(error = %cause, request_id = request_id.as_deref().unwrap_or("-"), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "an internal error occurred; it has been logged",
        )
        .with_details(json!({ "request_id": request_id }))
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        json!({"error": {"code": self.code, "message": self.message, "details": self.details}})
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.code,
            self.message
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => Self::unsupported_media_type(
                "send the body as JSON with Content-Type: application/json",
            ),
            JsonRejection::JsonDataError(e) => Self::unprocessable(e.body_text()),
            JsonRejection::JsonSyntaxError(e) => Self::bad_request(e.body_text()),
            JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::too_large("the request body is too large")
            }
            other => Self::bad_request(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::bad_request(r.body_text())
    }
}

impl From<scip_core::engine::CommandError> for ApiError {
    fn from(e: scip_core::engine::CommandError) -> Self {
        use scip_core::engine::CommandError as C;
        match &e {
            C::Transition(t) => {
                Self::new(StatusCode::CONFLICT, "invalid_transition", e.to_string()).with_details(
                    json!({
                        "state": t.state,
                        "action": t.action,
                        "allowed_actions": t.allowed,
                    }),
                )
            }
            C::UnknownInject { .. } => Self::not_found(e.to_string()),
            C::AlreadyDone { .. } => Self::conflict(e.to_string()),
            C::SeekBackwards { from_ms, .. } => {
                Self::unprocessable(e.to_string()).with_details(json!({"elapsed_ms": from_ms}))
            }
        }
    }
}

impl From<crate::shared::SharedError> for ApiError {
    fn from(e: crate::shared::SharedError) -> Self {
        Self::unavailable(e.to_string())
    }
}

impl From<scip_store::StoreError> for ApiError {
    fn from(e: scip_store::StoreError) -> Self {
        use scip_store::StoreError as S;
        match &e {
            S::NotFound(what) => Self::not_found(format!("{what} not found")),
            S::Conflict {
                current_version, ..
            } => Self::conflict(e.to_string())
                .with_details(json!({ "current_version": current_version })),
            S::InUse(_) => Self::new(StatusCode::CONFLICT, "in_use", e.to_string()),
            S::Invalid(_) => Self::unprocessable(e.to_string()),
            S::Unavailable(_) => Self::unavailable(e.to_string()),
            S::Corrupt(_) | S::SchemaTooNew { .. } | S::Other(_) => Self::internal(e),
        }
    }
}

impl From<scip_engine::EngineError> for ApiError {
    fn from(e: scip_engine::EngineError) -> Self {
        use scip_engine::EngineError as E;
        match e {
            E::Command(c) => c.into(),
            E::Store(s) => s.into(),
            E::Invalid(message) => Self::unprocessable(message),
            E::Contended(_) => Self::conflict(e.to_string()),
            E::Bus(b) => Self::unavailable(format!("the MQTT broker cannot be used: {b}")),
        }
    }
}

impl From<scip_formats::FormatError> for ApiError {
    fn from(e: scip_formats::FormatError) -> Self {
        use scip_formats::FormatError as F;
        match &e {
            F::UnsafeEntry { .. } | F::Zip { .. } => Self::bad_request(e.to_string()),
            F::TooLarge { .. } => Self::too_large(e.to_string()),
            F::Unrecognized(_) => Self::unsupported_media_type(e.to_string()),
            F::MissingMedia(_) | F::Unwritable(_) => Self::unprocessable(e.to_string()),
            F::Read { .. } | F::Write { .. } | F::OutputExists(_) | F::OutputNotEmpty(_) => {
                Self::internal(e)
            }
        }
    }
}

impl From<axum::extract::multipart::MultipartError> for ApiError {
    fn from(e: axum::extract::multipart::MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::too_large(format!("the upload is too large: {}", e.body_text()))
        } else {
            Self::bad_request(format!(
                "the multipart body cannot be read: {}",
                e.body_text()
            ))
        }
    }
}

impl From<axum::extract::multipart::MultipartRejection> for ApiError {
    fn from(e: axum::extract::multipart::MultipartRejection) -> Self {
        Self::unsupported_media_type(format!(
            "send the files as multipart/form-data: {}",
            e.body_text()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::engine::{Action, CommandError, ExerciseState, TransitionError};

    #[test]
    fn a_refused_transition_is_409_with_state_and_allowed_actions() {
        let e: ApiError = CommandError::Transition(TransitionError {
            action: Action::Resume,
            state: ExerciseState::Finished,
            allowed: vec![Action::Reset, Action::Stop],
            reason: "it is not paused".into(),
        })
        .into();
        assert_eq!(e.status, StatusCode::CONFLICT);
        assert_eq!(
            e.body()["error"]["details"],
            json!({"state": "finished", "action": "resume", "allowed_actions": ["reset", "stop"]})
        );
    }
}
