//! The outbox relay: publishes committed deliveries to their team feeds with QoS 1, marks
//! them published when the broker acknowledges, and keeps retrying (with back-off) whatever
//! the broker did not take — after a broker outage, and after a restart, when the unpublished
//! rows of owned exercises are read back from the store. A delivery committed ahead of its
//! instant is held until that instant, to the tens of microseconds.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use scip_bus::{MqttClient, Qos, TopicLayout};
use scip_core::engine::WallMs;
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
    /// Not published before this wall instant (the delivery's firing instant).
    not_before: WallMs,
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
                not_before: d.fired_at,
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
    /// The relay's own input, for the sweep.
    tx: mpsc::UnboundedSender<Vec<Item>>,
}

type Publishing = BoxFuture<'static, (Item, Result<(), scip_bus::BusError>)>;

/// How often the store is swept for unpublished deliveries of owned exercises.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// How long after its instant an unpublished delivery is read back by the sweep. Younger ones
/// are still on their way (acknowledged ones are marked within [`MARK_EVERY`]); reading them
/// back would only cost the relay time.
const SWEEP_AGE_MS: WallMs = 1_000;
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
                tx: tx.clone(),
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
        let mut mark = tokio::time::interval(MARK_EVERY);
        mark.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut state = self.mqtt.watch_state();
        let mut held = Held::default();
        // Marking runs beside the loop, so that a database busy with a firing's commit
        // never holds up publishing.
        let (to_mark, marking) = mpsc::unbounded_channel::<Vec<Item>>();
        let (marked_tx, mut marked) = mpsc::unbounded_channel::<Vec<DeliveryId>>();
        let marker = Marker {
            store: self.store.clone(),
            hub: self.hub.clone(),
            clock: self.clock,
        };
        let marker = tokio::spawn(marker.run(marking, marked_tx));
        // The sweep reads beside the loop too; what it finds comes in like any delivery and is
        // skipped when already in flight.
        let sweeper = Sweeper {
            store: self.store.clone(),
            owned: self.owned.clone(),
            clock: self.clock,
            feed: self.tx.clone(),
        };
        let _sweeping = tokio::spawn(sweeper.run(cancel.child_token()));
        loop {
            held.arm(self.clock);
            tokio::select! {
                _ = cancel.cancelled() => break,
                Some(items) = self.rx.recv() => {
                    let now = self.clock.now();
                    for item in items {
                        if inflight.insert(item.id.clone()) {
                            if item.not_before > now {
                                held.push(item);
                            } else {
                                publishing.push(self.publish(item));
                            }
                        }
                    }
                }
                () = held.wake() => {
                    let due = held.due(self.clock.now());
                    self.tell_feeds(&due);
                    for item in due {
                        publishing.push(self.publish(item));
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
                    let _ = to_mark.send(std::mem::take(&mut acked));
                }
                Some(ids) = marked.recv() => {
                    for id in ids {
                        inflight.remove(&id);
                    }
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
            }
        }
        if !acked.is_empty() {
            let _ = to_mark.send(acked);
        }
        drop(to_mark);
        let _ = marker.await;
    }

    /// Tells dashboards reading the store that deliveries held until now are due (their
    /// catch-up reads leave out what is not yet due). Sent aside, so that publishing never
    /// waits for it.
    fn tell_feeds(&self, due: &[Item]) {
        let exercises: HashSet<&ExerciseId> = due.iter().map(|i| &i.exercise).collect();
        for exercise in exercises {
            let hub = self.hub.clone();
            let event = LiveEvent::DeliveriesCreated {
                exercise: exercise.to_string(),
            };
            tokio::spawn(async move { hub.publish(event).await });
        }
    }
}

/// Reads back from the store, every [`SWEEP_EVERY`], the deliveries of owned exercises still
/// unpublished [`SWEEP_AGE_MS`] after their instant (the broker was away, or this process
/// restarted) and hands them to the relay.
struct Sweeper {
    store: Store,
    owned: Owned,
    clock: ProcessClock,
    feed: mpsc::UnboundedSender<Vec<Item>>,
}

impl Sweeper {
    async fn run(self, cancel: CancellationToken) {
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = sweep.tick() => {}
            }
            for exercise in self.owned.list() {
                let stuck_by = self.clock.now() - SWEEP_AGE_MS;
                match self
                    .store
                    .unpublished_due(Some(&exercise), stuck_by, 2_000)
                    .await
                {
                    Ok(rows) if rows.is_empty() => {}
                    Ok(rows) => {
                        let items = rows
                            .into_iter()
                            .map(|row| Item {
                                id: row.delivery_id,
                                exercise: row.exercise_id,
                                team: row.team_id,
                                seq: row.seq,
                                payload: Arc::from(row.payload.as_str()),
                                not_before: row.fired_at,
                            })
                            .collect();
                        if self.feed.send(items).is_err() {
                            return;
                        }
                    }
                    Err(e) => debug!(error = %e, "outbox sweep failed; will retry"),
                }
            }
        }
    }
}

/// Records acknowledged deliveries as published, in batches, and tells pages.
struct Marker {
    store: Store,
    hub: Hub,
    clock: ProcessClock,
}

impl Marker {
    /// Marks each batch it is sent until the relay stops sending, handing back the ids it is
    /// done with (marked, or left for the sweep to publish again).
    async fn run(
        self,
        mut batches: mpsc::UnboundedReceiver<Vec<Item>>,
        done: mpsc::UnboundedSender<Vec<DeliveryId>>,
    ) {
        while let Some(batch) = batches.recv().await {
            self.mark(&batch).await;
            let _ = done.send(batch.into_iter().map(|i| i.id).collect());
        }
    }

    async fn mark(&self, batch: &[Item]) {
        let ids: Vec<DeliveryId> = batch.iter().map(|i| i.id.clone()).collect();
        let now = self.clock.now();
        match self.store.mark_published(&ids, now).await {
            Ok(_) => {
                let mut by_exercise: HashMap<&ExerciseId, Vec<DeliveryRef>> = HashMap::new();
                for item in batch {
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
            // The sweep finds them unpublished and publishes again; dashboards drop the
            // duplicate by seq.
            Err(e) => {
                warn!(error = %e, "could not mark deliveries published; they will be sent again");
            }
        }
    }
}

/// Deliveries committed ahead of their instant, waiting for it, soonest first.
#[derive(Default)]
struct Held {
    queue: BTreeMap<(WallMs, u64), Item>,
    /// Tie-breaker keeping arrival order among items due at the same instant.
    counter: u64,
    /// The wait for the soonest item, kept across loop turns so that it is set up once.
    alarm: Option<(WallMs, BoxFuture<'static, ()>)>,
}

impl Held {
    fn push(&mut self, item: Item) {
        self.counter += 1;
        self.queue.insert((item.not_before, self.counter), item);
    }

    /// Sets the alarm for the soonest item if it is not already set for it.
    fn arm(&mut self, clock: ProcessClock) {
        let soonest = self.queue.keys().next().map(|&(at, _)| at);
        if soonest != self.alarm.as_ref().map(|(at, _)| *at) {
            self.alarm = soonest.map(|at| {
                let wait: BoxFuture<'static, ()> =
                    Box::pin(async move { clock.sleep_until(at).await });
                (at, wait)
            });
        }
    }

    /// Resolves when the soonest item is due; never while nothing is held.
    async fn wake(&mut self) {
        match self.alarm.as_mut() {
            Some((_, wait)) => {
                wait.await;
                self.alarm = None;
            }
            None => std::future::pending().await,
        }
    }

    /// Takes every item due at `now`, in order.
    fn due(&mut self, now: WallMs) -> Vec<Item> {
        let later = self.queue.split_off(&(now + 1, 0));
        std::mem::replace(&mut self.queue, later)
            .into_values()
            .collect()
    }
}
