//! `/api/v2/exercises/{id}/events`: the exercise's append-only event log, paged by sequence
//! number (`after`/`before` cursors).

use axum::Json;
use axum::extract::State;
use scip_store::{EventOrder, EventQuery, EventRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiPath, ApiQuery, exercise_id};
use crate::auth::{Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// One event of the log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Number within the exercise, from 1.
    pub seq: u64,
    /// Wall ms.
    pub at: i64,
    /// Exercise time, ms.
    pub elapsed_ms: u64,
    /// Run.
    pub run: u32,
    /// A username, `engine` or `team:<id>`.
    pub actor: String,
    /// Kind (`started`, `inject_fired`, `access_code_rotated`, …).
    pub kind: String,
    /// Details.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<EventRecord> for EventView {
    fn from(e: EventRecord) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            elapsed_ms: e.elapsed_ms,
            run: e.run,
            actor: e.actor,
            kind: e.kind,
            data: e.data,
        }
    }
}

/// A page of the log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventPage {
    /// Events in the order asked for.
    pub items: Vec<EventView>,
    /// Pass as `after` (ascending) or `before` (descending) for the next page; absent at the
    /// end.
    pub next: Option<u64>,
}

/// Order of the log.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LogOrder {
    /// Oldest first (default).
    #[default]
    Asc,
    /// Newest first.
    Desc,
}

/// Which events.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Only events after this number.
    pub after: Option<u64>,
    /// Only events before this number.
    pub before: Option<u64>,
    /// `asc` (default) or `desc`.
    #[param(value_type = Option<String>)]
    pub order: Option<LogOrder>,
    /// At most this many (1–1000, default 100).
    pub limit: Option<u32>,
}

/// The event log of an exercise.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/events", tag = "events",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), EventListQuery),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        (status = 400, description = "Bad cursor or limit"),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<EventListQuery>,
) -> Result<Json<EventPage>, ApiError> {
    let id = exercise_id(&id)?;
    state.store.get_exercise(&id).await?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is outside 1–1000"
        )));
    }
    for cursor in [query.after, query.before].into_iter().flatten() {
        if cursor > i64::MAX as u64 {
            return Err(ApiError::bad_request(format!(
                "cursor {cursor} is too large"
            )));
        }
    }
    let order = query.order.unwrap_or_default();
    let events = state
        .store
        .events(
            &id,
            EventQuery {
                after_seq: query.after,
                before_seq: query.before,
                limit,
                order: match order {
                    LogOrder::Asc => EventOrder::OldestFirst,
                    LogOrder::Desc => EventOrder::NewestFirst,
                },
            },
        )
        .await?;
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    Ok(Json(EventPage {
        items: events.into_iter().map(EventView::from).collect(),
        next,
    }))
}
