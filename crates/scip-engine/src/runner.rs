//! The runner of one owned exercise: it sleeps until the next inject is due (a timer, never a
//! polling loop) or until something changes, fires every due inject through one store step,
//! hands the deliveries to the relay, and keeps the retained timer and status fresh.
//!
//! Firings are committed up to [`EngineConfig::commit_ahead_ms`](crate::EngineConfig) before
//! their instant and published at it by the relay, so the commit (one transaction holding
//! every team's delivery and event, the slow part of a firing) is not part of an inject's
//! lateness. Only a step that does nothing but fire is committed ahead; a completion
//! (auto-pause, end of exercise) is committed at its instant. Commands land no earlier than
//! the last committed instant (`commands`), so a pause in the window cannot leave a delivery
//! after the clock.
//!
//! Anything it cannot commit (the database is down, another process changed the exercise) is
//! thrown away and re-derived from the store, so what fired is always what was committed.

use std::sync::Arc;
use std::time::Duration;

use scip_core::ExerciseId;
use scip_core::engine::{Engine, ExerciseState, WallMs};
use scip_store::{ExerciseRecord, StoreError};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::{info, instrument, warn};

use crate::EngineHandle;
use crate::error::EngineError;
use crate::hub::LiveEvent;
use crate::scenarios::LoadedScenario;
use crate::step::step_from_effects;

/// How the timer is refreshed while the clock runs.
const TIMER_EVERY_MS: WallMs = 1_000;
/// Shortest gap between two status summaries.
const STATUS_EVERY: Duration = Duration::from_secs(1);

/// Why a runner ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunnerExit {
    /// The exercise was stopped.
    Stopped,
    /// This process gave the exercise up (shutdown or lost lease).
    Released,
}

struct Runner {
    handle: EngineHandle,
    record: ExerciseRecord,
    scenario: Arc<LoadedScenario>,
    engine: Engine,
    next_timer: Option<WallMs>,
    /// The status task publishes the latest record it is sent, at most once a second.
    status: watch::Sender<ExerciseRecord>,
    last_event_seq: u64,
}

impl Runner {
    async fn load(handle: &EngineHandle, id: &ExerciseId) -> Result<Self, EngineError> {
        let record = handle.store.get_exercise(id).await?;
        let record_event_seq = record.event_seq;
        let status_record = record.clone();
        let scenario = handle
            .scenarios
            .get(&handle.store, &record.scenario_id, record.scenario_version)
            .await?;
        let done = handle.store.done_set(id).await?;
        let engine = Engine::new(
            scenario.plan(),
            record.runtime,
            handle.settings(&record),
            done,
        );
        Ok(Self {
            handle: handle.clone(),
            record,
            scenario,
            engine,
            next_timer: None,
            status: watch::Sender::new(status_record),
            last_event_seq: record_event_seq,
        })
    }

    async fn reload(&mut self) -> Result<(), EngineError> {
        let fresh = Self::load(&self.handle, &self.record.id).await?;
        let since = self.last_event_seq;
        self.record = fresh.record;
        self.scenario = fresh.scenario;
        self.engine = fresh.engine;
        self.status.send_replace(self.record.clone());
        // Announce what others (commands from the API or the command line) did meanwhile.
        let announced = self.handle.replay_announcements(&self.record, since).await;
        self.last_event_seq = announced.max(since);
        self.refresh_clock_outputs().await;
        Ok(())
    }

    async fn refresh_clock_outputs(&mut self) {
        let now = self.handle.clock.now();
        self.handle.publish_timer(&self.record, now).await;
        self.next_timer =
            (self.record.runtime.state == ExerciseState::Running).then_some(now + TIMER_EVERY_MS);
    }

    fn commit_ahead(&self) -> WallMs {
        WallMs::try_from(self.handle.config.commit_ahead_ms).unwrap_or(0)
    }

    /// The next instant the runner has work: committing injects ahead of their instant,
    /// anything else due (a completion) at its instant, or the timer.
    fn wake_at(&self, now: WallMs) -> Option<WallMs> {
        let engine_work = self.engine.next_deadline(now).map(|due| {
            if self.engine.only_fires_at(due) {
                due - self.commit_ahead()
            } else {
                due
            }
        });
        [engine_work, self.next_timer].into_iter().flatten().min()
    }

    /// Fires what is due now, then commits ahead the firings due within the commit-ahead
    /// window, one instant at a time, and refreshes the timer when it is time. On a conflict or a
    /// storage failure the engine is rebuilt from the store.
    async fn tick(&mut self) -> Result<(), EngineError> {
        let now = self.handle.clock.now();
        let mut progressing = self.fire(now).await?;
        while progressing
            && let Some(due) = self.engine.next_deadline(now)
            && due > now
            && due <= now + self.commit_ahead()
            && self.engine.only_fires_at(due)
        {
            progressing = self.fire(due).await?;
        }
        if let Some(at) = self.next_timer
            && now >= at
        {
            self.handle.publish_timer(&self.record, now).await;
            self.next_timer = (self.record.runtime.state == ExerciseState::Running)
                .then_some(at + TIMER_EVERY_MS)
                .map(|t| t.max(now + 1));
        }
        Ok(())
    }

    /// Polls the engine at `at` (now, or an instant shortly ahead whose polling only fires
    /// injects) and commits what it gives as one step; the relay publishes the deliveries
    /// at `at`. False when the exercise changed under it and was reloaded instead.
    async fn fire(&mut self, at: WallMs) -> Result<bool, EngineError> {
        let effects = self.engine.poll(at);
        if effects.is_empty() {
            return Ok(true);
        }
        let runtime = *self.engine.runtime();
        let step = step_from_effects(
            &self.record,
            &self.scenario,
            runtime,
            &effects,
            "engine",
            at,
        )?;
        match self.handle.store.apply_step(step).await {
            Ok(outcome) => {
                self.record.runtime = runtime;
                self.record.version = outcome.version;
                self.last_event_seq = outcome.last_event_seq;
                self.handle.after_commit(&self.record, &outcome).await;
                self.handle.announce(&self.record, &effects).await;
                if runtime.state != ExerciseState::Running {
                    self.next_timer = None;
                }
                self.status.send_replace(self.record.clone());
                Ok(true)
            }
            Err(StoreError::Conflict { .. }) => {
                self.reload().await?;
                Ok(false)
            }
            Err(e) => {
                warn!(exercise.id = %self.record.id, error = %e, "could not commit due injects; will retry");
                Err(e.into())
            }
        }
    }

    fn mark_status_dirty(&mut self) {
        self.status.send_modify(|_| {});
    }
}

/// Drives one exercise until it is stopped or `cancel` fires. Storage outages are waited out
/// with back-off; the runner never gives up on its own.
#[instrument(skip_all, fields(exercise.id = %id))]
pub async fn run_exercise(
    handle: EngineHandle,
    id: ExerciseId,
    cancel: CancellationToken,
) -> Result<RunnerExit, EngineError> {
    let mut hub = handle.hub.subscribe();
    let mut backoff = Duration::from_millis(100);
    let mut runner = loop {
        match Runner::load(&handle, &id).await {
            Ok(r) => break r,
            Err(EngineError::Store(e)) if e.is_unavailable() => {
                warn!(error = %e, "database unavailable; waiting to load the exercise");
                tokio::select! {
                    _ = cancel.cancelled() => return Ok(RunnerExit::Released),
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    };
    info!(state = %runner.record.runtime.state, "engine took the exercise");
    // The summary is published by its own task so that its queries never delay a firing.
    let status_task = tokio::spawn(publish_status_while(
        handle.clone(),
        runner.status.subscribe(),
        cancel.child_token(),
    ));
    let _stop_status = StopOnDrop(status_task);
    runner.refresh_clock_outputs().await;
    let mut failing = false;
    loop {
        if runner.record.runtime.state == ExerciseState::Stopped {
            runner
                .handle
                .publish_status(&runner.record, runner.handle.clock.now())
                .await;
            return Ok(RunnerExit::Stopped);
        }
        let now = handle.clock.now();
        let wake = if failing {
            Some(now + i64::try_from(backoff.as_millis()).unwrap_or(5_000))
        } else {
            runner.wake_at(now)
        };
        let sleep = async {
            match wake {
                Some(at) => handle.clock.sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = cancel.cancelled() => return Ok(RunnerExit::Released),
            _ = sleep => {}
            event = hub.recv() => match event {
                Ok(LiveEvent::ExerciseChanged { exercise, version }) if exercise == id.as_str() && version > runner.record.version => {
                    if let Err(e) = runner.reload().await {
                        warn!(error = %e, "could not reload the exercise; will retry");
                        failing = true;
                    }
                    continue;
                }
                Ok(LiveEvent::DeliveriesUpdated { exercise, .. } | LiveEvent::Presence { exercise, .. })
                    if exercise == id.as_str() => {
                    runner.mark_status_dirty();
                    continue;
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    failing = runner.reload().await.is_err();
                    continue;
                }
                Err(RecvError::Closed) => return Ok(RunnerExit::Released),
            }
        }
        if failing {
            // The in-memory engine may hold fires that were never committed: rebuild it from
            // the store before doing anything else.
            if let Err(e) = runner.reload().await {
                warn!(error = %e, "store still unavailable; will retry");
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
            failing = false;
            backoff = Duration::from_millis(100);
        }
        if let Err(e) = runner.tick().await {
            warn!(error = %e, "engine step failed; rebuilding from the store");
            failing = true;
        }
    }
}

/// Publishes the retained status summary whenever the runner reports a change, at most once
/// per [`STATUS_EVERY`].
async fn publish_status_while(
    handle: EngineHandle,
    mut rx: watch::Receiver<ExerciseRecord>,
    cancel: CancellationToken,
) {
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            changed = rx.changed() => if changed.is_err() { return },
        }
        let record = rx.borrow_and_update().clone();
        handle.publish_status(&record, handle.clock.now()).await;
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(STATUS_EVERY) => {}
        }
    }
}

/// Aborts a task when dropped.
struct StopOnDrop(tokio::task::JoinHandle<()>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
