//! Receipts from browsers (`received`, `displayed`, `read`), published to the team's receipts
//! topic once per team: the first browser to report a delivery's stage is enough, so a room
//! of twenty people does not send twenty receipts. Publishing waits for the broker; nothing is
//! dropped while it is away.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use scip_bus::Qos;
use scip_bus::payload::{ReceiptKind, ReceiptPayload, encode};
use serde::Deserialize;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::DashboardState;

/// Receipts waiting for the broker before the endpoint answers 503.
pub const QUEUE_CAPACITY: usize = 50_000;
/// The most receipts one request may carry.
pub const MAX_BATCH: usize = 500;

/// One receipt as a browser sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub struct ReceiptKey {
    /// The run of the delivery.
    pub run: u32,
    /// Its seq.
    pub seq: u64,
    /// What happened.
    pub kind: ReceiptKind,
}

/// What a batch of receipts came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Submitted {
    /// Queued for publishing (first of their kind).
    pub queued: usize,
    /// Already sent by this dashboard; not sent again.
    pub repeated: usize,
    /// For a run or seq this dashboard has not delivered; dropped.
    pub unknown: usize,
}

/// Receipts are queued here by the HTTP handler and published by [`publish_receipts`].
#[derive(Debug)]
pub struct ReceiptOutbox {
    sent: Mutex<HashSet<ReceiptKey>>,
    queue: mpsc::Sender<ReceiptKey>,
}

/// The queue end [`publish_receipts`] reads.
pub type ReceiptQueue = mpsc::Receiver<ReceiptKey>;

/// The queue is full: the broker has been away for a long time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many receipts are waiting for the MQTT broker")]
pub struct QueueFull;

impl ReceiptOutbox {
    /// An outbox and its queue.
    pub fn new() -> (Self, ReceiptQueue) {
        let (queue, rx) = mpsc::channel(QUEUE_CAPACITY);
        (
            Self {
                sent: Mutex::new(HashSet::new()),
                queue,
            },
            rx,
        )
    }

    /// Queues the receipts of `batch` this dashboard has not sent yet. `known` says whether a
    /// `(run, seq)` is a delivery of the current run this dashboard holds.
    pub fn submit(
        &self,
        batch: &[ReceiptKey],
        known: impl Fn(u32, u64) -> bool,
    ) -> Result<Submitted, QueueFull> {
        let mut result = Submitted::default();
        let mut sent = self.sent.lock().unwrap_or_else(|e| e.into_inner());
        for key in batch {
            if !known(key.run, key.seq) {
                result.unknown += 1;
                continue;
            }
            if sent.contains(key) {
                result.repeated += 1;
                continue;
            }
            self.queue.try_send(*key).map_err(|_| QueueFull)?;
            sent.insert(*key);
            result.queued += 1;
        }
        Ok(result)
    }

    /// Forgets receipts of runs before `run` (after a reset).
    pub fn forget_before(&self, run: u32) {
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k| k.run >= run);
    }
}

/// Publishes queued receipts in order, QoS 1, each marked done only when the broker
/// acknowledged it; while the broker is away they wait.
pub async fn publish_receipts(state: DashboardState, mut queue: ReceiptQueue) {
    let topic = state.layout.receipts(&state.exercise, &state.team);
    let mut pending: VecDeque<ReceiptKey> = VecDeque::new();
    let mut connection = state.mqtt.watch_state();
    loop {
        if pending.is_empty() {
            tokio::select! {
                _ = state.cancel.cancelled() => return,
                next = queue.recv() => match next {
                    Some(key) => pending.push_back(key),
                    None => return,
                },
            }
        }
        while let Ok(key) = queue.try_recv() {
            pending.push_back(key);
        }
        if state.feed.run() > pending.front().map_or(0, |k| k.run) {
            let run = state.feed.run();
            pending.retain(|k| k.run >= run);
            state.receipts.forget_before(run);
        }
        let Some(key) = pending.front().copied() else {
            continue;
        };
        let mut payload = ReceiptPayload::new(key.seq, key.kind, time::OffsetDateTime::now_utc());
        payload.run = Some(key.run);
        let Ok(bytes) = encode("receipt", &payload) else {
            pending.pop_front();
            continue;
        };
        match state
            .mqtt
            .publish(&topic, bytes, Qos::AtLeastOnce, false)
            .await
        {
            Ok(()) => {
                debug!(exercise.id = %state.exercise, team.id = %state.team, seq = key.seq, kind = key.kind.as_str(), "receipt published");
                pending.pop_front();
            }
            Err(scip_bus::BusError::Closed) => return,
            Err(e) => {
                debug!(exercise.id = %state.exercise, error = %e, "receipt waits for the broker");
                // Wait for the next connection rather than spin.
                tokio::select! {
                    _ = state.cancel.cancelled() => return,
                    _ = connection.wait_for(|s| s.is_connected()) => {}
                }
                if state.mqtt.is_connected() {
                    // Connected but publishing failed (connection lost mid-way): try again soon.
                    tokio::select! {
                        _ = state.cancel.cancelled() => return,
                        _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {}
                    }
                }
            }
        }
        if pending.len() > QUEUE_CAPACITY {
            warn!(exercise.id = %state.exercise, waiting = pending.len(), "many receipts wait for the broker");
        }
    }
}

/// Body of `POST /receipts`.
#[derive(Debug, Deserialize)]
pub struct ReceiptBatch {
    /// Receipts, at most [`MAX_BATCH`].
    pub receipts: Vec<ReceiptKey>,
}

/// `POST /receipts`: browsers report `received`, `displayed` and `read`; each is published
/// once per team. 202 with what was queued; 401 without a session; 413 for an oversized
/// batch; 503 while the broker has been away so long the queue is full.
pub async fn post_receipts(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    body: Result<axum::Json<ReceiptBatch>, axum::extract::rejection::JsonRejection>,
) -> Response {
    if state
        .sessions
        .of_request(&headers, &state.current())
        .is_err()
    {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let axum::Json(batch) = match body {
        Ok(b) => b,
        Err(e) => return (StatusCode::BAD_REQUEST, e.body_text()).into_response(),
    };
    if batch.receipts.len() > MAX_BATCH {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_BATCH} receipts per request"),
        )
            .into_response();
    }
    match state
        .receipts
        .submit(&batch.receipts, |run, seq| state.feed.knows(run, seq))
    {
        Ok(done) => (
            StatusCode::ACCEPTED,
            axum::Json(serde_json::json!({
                "queued": done.queued, "repeated": done.repeated, "unknown": done.unknown,
            })),
        )
            .into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seq: u64, kind: ReceiptKind) -> ReceiptKey {
        ReceiptKey { run: 1, seq, kind }
    }

    #[tokio::test]
    async fn each_receipt_is_queued_once_and_unknown_ones_are_dropped() {
        let (outbox, mut queue) = ReceiptOutbox::new();
        let known = |run: u32, seq: u64| run == 1 && seq <= 3;
        let batch = [
            key(1, ReceiptKind::Received),
            key(1, ReceiptKind::Received),
            key(1, ReceiptKind::Read),
            key(9, ReceiptKind::Read),
        ];
        let first = outbox.submit(&batch, known).unwrap();
        assert_eq!(
            first,
            Submitted {
                queued: 2,
                repeated: 1,
                unknown: 1
            }
        );
        let again = outbox.submit(&batch[..1], known).unwrap();
        assert_eq!(again.repeated, 1);
        assert_eq!(queue.recv().await, Some(key(1, ReceiptKind::Received)));
        assert_eq!(queue.recv().await, Some(key(1, ReceiptKind::Read)));
        outbox.forget_before(2);
        assert_eq!(outbox.submit(&batch[..1], |_, _| true).unwrap().queued, 1);
    }
}
