//! The orchestrator: which exercises this process drives. Each exercise that needs an engine
//! (anything but stopped) is owned by one process at a time through a lease in the database,
//! renewed every second; when an owner dies its leases lapse and another orchestrator takes
//! the exercises over, continuing from the persisted clock and outbox.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use scip_core::ExerciseId;
use scip_store::{ExerciseRecord, ExerciseTeam};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, instrument, warn};

use crate::EngineHandle;
use crate::hub::LiveEvent;
use crate::relay::Owned;
use crate::runner::{RunnerExit, run_exercise};

/// Lease lifetime; renewed every [`RENEW_EVERY`], so another orchestrator takes over at most
/// this long (plus one claim interval) after an owner dies.
pub const LEASE_TTL_MS: u64 = 2_500;
/// How often leases are renewed.
pub const RENEW_EVERY: Duration = Duration::from_secs(1);
/// How often unowned exercises are looked for.
pub const CLAIM_EVERY: Duration = Duration::from_millis(250);

/// Where team dashboards are hosted; the engine asks it to bring an owned exercise's
/// dashboards up and to tear them down when the exercise stops.
pub trait DashboardHost: Send + Sync + 'static {
    /// Makes sure every team's dashboard runs (start, or adopt what already runs).
    fn ensure(&self, exercise: ExerciseRecord, teams: Vec<ExerciseTeam>) -> BoxFuture<'static, ()>;
    /// Stops the exercise's dashboards and frees their ports.
    fn teardown(&self, exercise: ExerciseId) -> BoxFuture<'static, ()>;
    /// Stops dashboards this process hosts without touching their records (shutdown or lease
    /// lost; another orchestrator will host them).
    fn release(&self, exercise: ExerciseId) -> BoxFuture<'static, ()>;
}

/// A host that hosts nothing (API-only processes, tests of the engine alone).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDashboards;

impl DashboardHost for NoDashboards {
    fn ensure(&self, _: ExerciseRecord, _: Vec<ExerciseTeam>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn teardown(&self, _: ExerciseId) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn release(&self, _: ExerciseId) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}

struct Running {
    cancel: CancellationToken,
    task: JoinHandle<Result<RunnerExit, crate::error::EngineError>>,
}

/// Claims, renews and releases exercises, and runs one runner per owned exercise.
pub struct Orchestrator {
    handle: EngineHandle,
    host: Arc<dyn DashboardHost>,
    owner: String,
    owned: Owned,
    runners: HashMap<ExerciseId, Running>,
    cooldown: HashMap<ExerciseId, tokio::time::Instant>,
    known_versions: HashMap<ExerciseId, u64>,
}

/// How long an exercise whose runner failed is left alone before it is claimed again.
const COOLDOWN: Duration = Duration::from_secs(10);

impl Orchestrator {
    /// An orchestrator named `owner` (unique per process, e.g. host and pid).
    pub fn new(
        handle: EngineHandle,
        host: Arc<dyn DashboardHost>,
        owner: String,
        owned: Owned,
    ) -> Self {
        Self {
            handle,
            host,
            owner,
            owned,
            runners: HashMap::new(),
            cooldown: HashMap::new(),
            known_versions: HashMap::new(),
        }
    }

    /// Runs until `cancel` fires, then stops its runners, hands their dashboards back and
    /// releases its leases so another orchestrator can take over at once.
    #[instrument(skip_all, fields(owner = %self.owner))]
    pub async fn run(mut self, cancel: CancellationToken) {
        let mut hub = self.handle.hub.subscribe();
        let mut claim = tokio::time::interval(CLAIM_EVERY);
        claim.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut renew = tokio::time::interval(RENEW_EVERY);
        renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        info!("orchestrator started");
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = claim.tick() => self.claim().await,
                _ = renew.tick() => self.renew().await,
                event = hub.recv() => {
                    if let Ok(LiveEvent::ExerciseChanged { exercise, version }) = event
                        && let Ok(id) = ExerciseId::new(exercise)
                    {
                        if self.runners.contains_key(&id) {
                            let known = self.known_versions.entry(id).or_default();
                            *known = (*known).max(version);
                        } else {
                            // A new or changed exercise nobody runs yet: claim without waiting.
                            self.claim().await;
                        }
                    }
                }
            }
            self.reap().await;
        }
        let ids: Vec<ExerciseId> = self.runners.keys().cloned().collect();
        for id in ids {
            self.give_up(&id).await;
        }
        info!("orchestrator stopped");
    }

    async fn claim(&mut self) {
        let now = self.handle.clock.now();
        let candidates = match self.handle.store.orphaned_exercises(now).await {
            Ok(c) => c,
            Err(e) => {
                warn!(error = %e, "could not look for exercises to drive");
                return;
            }
        };
        let now_instant = tokio::time::Instant::now();
        self.cooldown.retain(|_, until| *until > now_instant);
        for id in candidates {
            if self.runners.contains_key(&id) || self.cooldown.contains_key(&id) {
                continue;
            }
            match self
                .handle
                .store
                .acquire_lease(&id, &self.owner, now, LEASE_TTL_MS)
                .await
            {
                Ok(true) => self.start(id).await,
                Ok(false) => {}
                Err(e) => {
                    warn!(exercise.id = %id, error = %e, "could not take the exercise's lease")
                }
            }
        }
    }

    async fn start(&mut self, id: ExerciseId) {
        info!(exercise.id = %id, "driving exercise");
        self.owned.insert(&id);
        if let (Ok(record), Ok(teams)) = (
            self.handle.store.get_exercise(&id).await,
            self.handle.store.exercise_teams(&id).await,
        ) {
            self.host.ensure(record, teams).await;
        }
        let cancel = CancellationToken::new();
        let task = tokio::spawn(run_exercise(
            self.handle.clone(),
            id.clone(),
            cancel.clone(),
        ));
        self.runners.insert(id, Running { cancel, task });
    }

    async fn renew(&mut self) {
        let now = self.handle.clock.now();
        let ids: Vec<ExerciseId> = self.runners.keys().cloned().collect();
        for id in ids {
            match self
                .handle
                .store
                .renew_lease(&id, &self.owner, now, LEASE_TTL_MS)
                .await
            {
                Ok(true) => self.notice_outside_changes(&id).await,
                Ok(false) => {
                    warn!(exercise.id = %id, "lease lost to another orchestrator; letting go");
                    self.give_up(&id).await;
                }
                // A database outage: keep driving; commits fail until it is back, and if the
                // lease lapsed meanwhile the next renewal tells.
                Err(e) => warn!(exercise.id = %id, error = %e, "could not renew the lease"),
            }
        }
    }

    /// A change made by a process that could not tell us (a `scip exercise` command run
    /// against the database, an API replica without Redis) is noticed here, at the latest one
    /// renewal after it happened, and passed to the runner.
    async fn notice_outside_changes(&mut self, id: &ExerciseId) {
        let Ok(record) = self.handle.store.get_exercise(id).await else {
            return;
        };
        let known = self.known_versions.entry(id.clone()).or_default();
        if record.version > *known {
            *known = record.version;
            self.handle.hub.publish_local(LiveEvent::ExerciseChanged {
                exercise: id.to_string(),
                version: record.version,
            });
        }
    }

    /// Removes runners that ended; a stopped exercise's dashboards are torn down.
    async fn reap(&mut self) {
        let finished: Vec<ExerciseId> = self
            .runners
            .iter()
            .filter(|(_, r)| r.task.is_finished())
            .map(|(id, _)| id.clone())
            .collect();
        for id in finished {
            let Some(running) = self.runners.remove(&id) else {
                continue;
            };
            self.owned.remove(&id);
            self.known_versions.remove(&id);
            match running.task.await {
                Ok(Ok(RunnerExit::Stopped)) => {
                    info!(exercise.id = %id, "exercise stopped; tearing its dashboards down");
                    self.host.teardown(id.clone()).await;
                    let _ = self.handle.store.release_lease(&id, &self.owner).await;
                }
                Ok(Ok(RunnerExit::Released)) => {
                    self.host.release(id.clone()).await;
                    let _ = self.handle.store.release_lease(&id, &self.owner).await;
                }
                Ok(Err(e)) => {
                    warn!(exercise.id = %id, error = %e, "runner failed; the exercise will be claimed again shortly");
                    self.cooldown
                        .insert(id.clone(), tokio::time::Instant::now() + COOLDOWN);
                    self.host.release(id.clone()).await;
                    let _ = self.handle.store.release_lease(&id, &self.owner).await;
                }
                Err(e) => warn!(exercise.id = %id, error = %e, "runner panicked"),
            }
        }
    }

    async fn give_up(&mut self, id: &ExerciseId) {
        if let Some(running) = self.runners.remove(id) {
            running.cancel.cancel();
            let _ = running.task.await;
        }
        self.owned.remove(id);
        self.host.release(id.clone()).await;
        let _ = self.handle.store.release_lease(id, &self.owner).await;
    }
}
