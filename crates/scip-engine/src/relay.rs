//! The outbox relay: publishes committed deliveries to their team feeds with QoS 1, marks
//! them published when the broker acknowledges, and keeps retrying (with back-off) whatever
//! the broker did not take — after a broker outage, and after a restart, when the unpublished
//! rows of owned exercises are read back from the store.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use scip_bus::{MqttClient, Qos, TopicLayout};
use scip_core::{ExerciseId, TeamId};
use scip_store::{DeliveryId, Store, StoredDelivery};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::clock::ProcessClock;
use crate::hub::{DeliveryRef, Hub, LiveEvent};

/// Exercises this process owns (their relay work is ours).
#[derive(Debug, Clone, Default)]
pub struct Owned(Arc<Mutex<HashSet<ExerciseId>>>);

impl Owned {
    /// Adds an exercise.
    pub fn insert(&self, id: &ExerciseId) {
        if let Ok(mut s) = self.0.lock() {
            s.insert(id.clone());
        }
    }

    /// Removes an exercise.
    pub fn remove(&self, id: &ExerciseId) {
        if let Ok(mut s) = self.0.lock() {
            s.remove(id);
        }
    }

    /// True when owned.
    pub fn contains(&self, id: &ExerciseId) -> bool {
        self.0.lock().is_ok_and(|s| s.contains(id))
    }

    /// A copy of the set.
    pub fn list(&self) -> Vec<ExerciseId> {
        self.0
            .lock()
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// One delivery to publish.
#[derive(Debug, Clone)]
struct Item {
    id: DeliveryId,
    exercise: ExerciseId,
    team: TeamId,
    seq: u64,
    payload: Arc<str>,
}

/// Hands deliveries to the relay.
#[derive(Debug, Clone)]
pub struct RelayHandle {
    tx: mpsc::UnboundedSender<Vec<Item>>,
}

impl RelayHandle {
    /// Queues committed deliveries of an exercise for publishing.
    pub fn enqueue(&self, exercise: &ExerciseId, deliveries: &[StoredDelivery]) {
        let items = deliveries
            .iter()
            .map(|d| Item {
                id: d.id.clone(),
                exercise: exercise.clone(),
                team: d.team.clone(),
                seq: d.seq,
                payload: Arc::from(d.payload.as_str()),
            })
            .collect();
        let _ = self.tx.send(items);
    }
}

/// The relay task's parts.
pub struct Relay {
    store: Store,
    mqtt: MqttClient,
    layout: TopicLayout,
    hub: Hub,
    clock: ProcessClock,
    owned: Owned,
    rx: mpsc::UnboundedReceiver<Vec<Item>>,
}

type Publishing = BoxFuture<'static, (Item, Result<(), scip_bus::BusError>)>;

/// How often the store is swept for unpublished deliveries of owned exercises.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// How long acknowledged deliveries wait to be marked in one batch. Marking is bookkeeping, not
/// delivery: batching it keeps the database's write lock free for firings.
const MARK_EVERY: Duration = Duration::from_millis(100);

impl Relay {
    /// A relay and the handle that feeds it.
    pub fn new(
        store: Store,
        mqtt: MqttClient,
        layout: TopicLayout,
        hub: Hub,
        clock: ProcessClock,
        owned: Owned,
    ) -> (Self, RelayHandle) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            Self {
                store,
                mqtt,
                layout,
                hub,
                clock,
                owned,
                rx,
            },
            RelayHandle { tx },
        )
    }

    fn publish(&self, item: Item) -> Publishing {
        let mqtt = self.mqtt.clone();
        let topic = self.layout.feed(&item.exercise, &item.team);
        Box::pin(async move {
            let result = mqtt
                .publish(
                    &topic,
                    item.payload.as_bytes().to_vec(),
                    Qos::AtLeastOnce,
                    false,
                )
                .await;
            (item, result)
        })
    }

    /// Runs until `cancel` fires, then tries once more to mark what was acknowledged.
    pub async fn run(mut self, cancel: CancellationToken) {
        let mut inflight: HashSet<DeliveryId> = HashSet::new();
        let mut publishing: FuturesUnordered<Publishing> = FuturesUnordered::new();
        let mut acked: Vec<Item> = Vec::new();
        let mut waiting: VecDeque<Item> = VecDeque::new();
        let mut failures: HashMap<DeliveryId, u32> = HashMap::new();
        let mut backoff = Duration::from_millis(200);
        let mut retry_at = tokio::time::Instant::now();
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut mark = tokio::time::interval(MARK_EVERY);
        mark.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut state = self.mqtt.watch_state();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                Some(items) = self.rx.recv() => {
                    for item in items {
                        if inflight.insert(item.id.clone()) {
                            publishing.push(self.publish(item));
                        }
                    }
                }
                Some((item, result)) = publishing.next(), if !publishing.is_empty() => match result {
                    Ok(()) => {
                        failures.remove(&item.id);
                        acked.push(item);
                    }
                    Err(e) => {
                        let n = failures.entry(item.id.clone()).or_default();
                        *n += 1;
                        if *n == 1 || n.is_power_of_two() {
                            warn!(delivery.id = %item.id, exercise.id = %item.exercise, error = %e, "publish failed; will retry");
                            let _ = self.store.record_publish_failure(&item.id, &e.to_string()).await;
                        }
                        waiting.push_back(item);
                        retry_at = tokio::time::Instant::now() + backoff;
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                    }
                },
                _ = mark.tick(), if !acked.is_empty() => {
                    let batch: Vec<Item> = std::mem::take(&mut acked);
                    self.mark(&batch, &mut inflight).await;
                }
                _ = tokio::time::sleep_until(retry_at), if !waiting.is_empty() => {
                    if self.mqtt.is_connected() {
                        backoff = Duration::from_millis(200);
                        while let Some(item) = waiting.pop_front() {
                            publishing.push(self.publish(item));
                        }
                    } else {
                        retry_at = tokio::time::Instant::now() + backoff;
                    }
                }
                changed = state.changed() => {
                    if changed.is_err() { break; }
                    if self.mqtt.is_connected() && !waiting.is_empty() {
                        retry_at = tokio::time::Instant::now();
                    }
                }
                _ = sweep.tick() => {
                    for exercise in self.owned.list() {
                        match self.store.unpublished(Some(&exercise), 2_000).await {
                            Ok(rows) => {
                                for row in rows {
                                    if inflight.insert(row.delivery_id.clone()) {
                                        publishing.push(self.publish(Item {
                                            id: row.delivery_id,
                                            exercise: row.exercise_id,
                                            team: row.team_id,
                                            seq: row.seq,
                                            payload: Arc::from(row.payload.as_str()),
                                        }));
                                    }
                                }
                            }
                            Err(e) => debug!(error = %e, "outbox sweep failed; will retry"),
                        }
                    }
                }
            }
        }
        if !acked.is_empty() {
            self.mark(&acked, &mut inflight).await;
        }
    }

    async fn mark(&self, batch: &[Item], inflight: &mut HashSet<DeliveryId>) {
        let ids: Vec<DeliveryId> = batch.iter().map(|i| i.id.clone()).collect();
        let now = self.clock.now();
        match self.store.mark_published(&ids, now).await {
            Ok(_) => {
                let mut by_exercise: HashMap<&ExerciseId, Vec<DeliveryRef>> = HashMap::new();
                for item in batch {
                    inflight.remove(&item.id);
                    by_exercise
                        .entry(&item.exercise)
                        .or_default()
                        .push(DeliveryRef {
                            team: item.team.to_string(),
                            seq: item.seq,
                            delivery: item.id.to_string(),
                        });
                }
                for (exercise, deliveries) in by_exercise {
                    self.hub
                        .publish(LiveEvent::DeliveriesUpdated {
                            exercise: exercise.to_string(),
                            state: "published".into(),
                            at: now,
                            deliveries,
                        })
                        .await;
                }
            }
            // Left in flight: the sweep finds them unpublished and publishes again; dashboards
            // drop the duplicate by seq.
            Err(e) => {
                warn!(error = %e, "could not mark deliveries published; they will be sent again");
                for item in batch {
                    inflight.remove(&item.id);
                }
            }
        }
    }
}
