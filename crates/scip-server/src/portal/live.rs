//! `GET /exercises/{id}/stream`: the control page's live stream (Server-Sent Events), fed by
//! the engine hub.
//!
//! | event | data |
//! |---|---|
//! | `changed` | `{parts: ["matrix", …]}`: the panels to fetch again from `/panels?part=` |
//! | `timer` | `{elapsed_ms, speed, state, turn, total_turns}`: the clock after a change |
//!
//! Updates arriving close together are merged: at most one `changed` per
//! [`DEBOUNCE`].

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use scip_engine::LiveEvent;
use serde_json::json;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::control::load;
use super::page::{PageError, PortalUser};
use crate::state::AppState;

/// Least time between two `changed` events.
pub const DEBOUNCE: Duration = Duration::from_millis(500);
/// Keep-alive comment interval.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The panels a hub update changes.
pub fn parts_of(event: &LiveEvent) -> &'static [&'static str] {
    match event {
        LiveEvent::ExerciseChanged { .. } => &[
            "controls",
            "teams",
            "matrix",
            "upcoming",
            "attention",
            "log",
        ],
        LiveEvent::DeliveriesCreated { .. } => &["controls", "teams", "matrix", "upcoming"],
        LiveEvent::DeliveriesUpdated { .. } => &["teams", "matrix", "attention"],
        LiveEvent::Presence { .. } | LiveEvent::DashboardHealth { .. } => &["teams"],
        LiveEvent::EventAppended { .. } => &["log", "attention"],
    }
}

/// `GET /exercises/{id}/stream`.
pub async fn stream(
    State(state): State<AppState>,
    _user: PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let record = load(&state, &id).await?;
    let exercise = record.id.to_string();
    let mut hub = state.engine.hub.subscribe();
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(16);
    tokio::spawn(async move {
        let hello = Event::default()
            .event("hello")
            .data(json!({ "exercise": exercise }).to_string());
        if tx.send(Ok(hello)).await.is_err() {
            return;
        }
        loop {
            let mut parts = BTreeSet::new();
            let mut clock = false;
            // Wait for the first update of this exercise.
            let first = tokio::select! {
                () = tx.closed() => return,
                first = hub.recv() => first,
            };
            match first {
                Ok(event) if event.exercise() == exercise => {
                    clock |= matches!(event, LiveEvent::ExerciseChanged { .. });
                    parts.extend(parts_of(&event));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    clock = true;
                    parts.extend(super::control::PARTS);
                }
                Err(RecvError::Closed) => return,
            }
            // Merge what follows within the debounce window.
            let until = tokio::time::Instant::now() + DEBOUNCE;
            loop {
                match tokio::time::timeout_at(until, hub.recv()).await {
                    Err(_) => break,
                    Ok(Ok(event)) if event.exercise() == exercise => {
                        clock |= matches!(event, LiveEvent::ExerciseChanged { .. });
                        parts.extend(parts_of(&event));
                    }
                    Ok(Ok(_)) => {}
                    Ok(Err(RecvError::Lagged(_))) => {
                        clock = true;
                        parts.extend(super::control::PARTS);
                    }
                    Ok(Err(RecvError::Closed)) => return,
                }
            }
            if clock && let Some(tick) = timer_tick(&state, &exercise).await {
                let event = Event::default().event("timer").data(tick.to_string());
                if tx.send(Ok(event)).await.is_err() {
                    return;
                }
            }
            let event = Event::default()
                .event("changed")
                .data(json!({ "parts": parts }).to_string());
            if tx.send(Ok(event)).await.is_err() {
                return;
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response())
}

/// The clock of an exercise now, as `timer.js` reads it.
async fn timer_tick(state: &AppState, exercise: &str) -> Option<serde_json::Value> {
    let id = scip_core::ExerciseId::new(exercise).ok()?;
    let record = state.store.get_exercise(&id).await.ok()?;
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await
        .ok()?;
    let rt = &record.runtime;
    Some(json!({
        "elapsed_ms": rt.clock.elapsed(state.engine.clock.now()),
        "speed": rt.clock.speed.factor(),
        "state": rt.state.as_str(),
        "turn": rt.turn.map(|t| t.current),
        "total_turns": scenario.mode.total_turns(),
    }))
}
