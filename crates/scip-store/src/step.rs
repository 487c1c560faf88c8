//! The engine step: one transaction that moves an exercise's runtime forward and writes what
//! the move produced — deliveries (the outbox), skips and events — all or nothing.
//!
//! The exercise row's `version` guards the step: a caller that read an older version gets
//! [`StoreError::Conflict`] and nothing is written. Delivery seqs are allocated here, per team
//! and run, from 1 without gaps, because the allocation commits or rolls back with the rows.

use scip_core::engine::{ExerciseState, Firing, Runtime, Skipping, WallMs};
use scip_core::ids::{ExerciseId, InjectId, TeamId};
use scip_core::model::InjectType;
use serde_json::{Map, Value, json};
use sqlx::AnyConnection;
use tracing::{debug, instrument};

use crate::bulk::{Cell, insert_all};
use crate::delivery::DeliveryCause;
use crate::delivery_rows::{DeliveryRow, allocate, insert_deliveries};
use crate::error::{StoreError, StoreResult};
use crate::events::{EventRow, NewEvent, insert_events};
use crate::ids::DeliveryId;
use crate::row::{db_i64, db_opt_i64, get, get_u32, get_u64};
use crate::runtime::{RUNTIME_COLUMNS, RuntimeColumns};
use crate::store::Store;

/// One inject to deliver to one team, as the engine driver describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    /// The team.
    pub team: TeamId,
    /// The inject (a generated id for live injects).
    pub inject: InjectId,
    /// Why.
    pub cause: DeliveryCause,
    /// Inject type.
    pub inject_type: InjectType,
    /// Headline or subject, for lists.
    pub title: String,
    /// Turn.
    pub turn: Option<u32>,
    /// Elapsed instant it was due (scheduled injects), ms.
    pub scheduled_ms: Option<u64>,
    /// Elapsed time when it fired, ms.
    pub fired_elapsed_ms: u64,
    /// Wall-clock lateness, ms.
    pub lateness_ms: u64,
    /// Fired late (after downtime).
    pub late: bool,
    /// Fired by a controller rather than the clock.
    pub manual: bool,
    /// The MQTT message. The store adds `seq` and `delivery_id` before storing it.
    pub payload: Map<String, Value>,
}

impl NewDelivery {
    /// The delivery of an engine [`Firing`].
    pub fn from_firing(
        firing: &Firing,
        inject_type: InjectType,
        title: impl Into<String>,
        payload: Map<String, Value>,
    ) -> Self {
        let cause = DeliveryCause::from(firing.cause);
        Self {
            team: firing.team.clone(),
            inject: firing.inject.clone(),
            cause,
            inject_type,
            title: title.into(),
            turn: firing.turn,
            scheduled_ms: Some(firing.due_ms),
            fired_elapsed_ms: firing.fired_elapsed_ms,
            lateness_ms: firing.lateness_ms,
            late: firing.late,
            manual: cause == DeliveryCause::FireNow,
            payload,
        }
    }
}

/// Everything one engine step writes.
#[derive(Debug, Clone)]
pub struct EngineStep {
    /// The exercise.
    pub exercise: ExerciseId,
    /// The exercise `version` the caller read; the step applies only if it is still current.
    pub expected_version: u64,
    /// The runtime after the step. A `run` greater than the stored one starts a new run:
    /// every team's seqs restart at 1.
    pub runtime: Runtime,
    /// Wall ms of the step.
    pub now: WallMs,
    /// Exercise time of the step, ms (stamped on its events).
    pub elapsed_ms: u64,
    /// Who caused it: a username or `engine`.
    pub actor: String,
    /// Events to append first (announcements, commands), in order.
    pub events: Vec<NewEvent>,
    /// Deliveries to write, in order; each also gets an `inject_fired` or `live_inject` event.
    pub deliveries: Vec<NewDelivery>,
    /// Scheduled injects to record as skipped; each also gets an `inject_skipped` event.
    pub skips: Vec<Skipping>,
}

/// A delivery as the step stored it, ready to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    /// Id.
    pub id: DeliveryId,
    /// The team.
    pub team: TeamId,
    /// Its seq.
    pub seq: u64,
    /// The stored MQTT message, JSON with `seq` and `delivery_id`.
    pub payload: String,
    /// Wall ms it fired: the instant before which it must not be published (the engine may
    /// commit a firing shortly ahead of it).
    pub fired_at: WallMs,
}

/// What a step committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    /// The exercise's new version.
    pub version: u64,
    /// The deliveries written, in the order given.
    pub deliveries: Vec<StoredDelivery>,
    /// The number of the last event written.
    pub last_event_seq: u64,
}

/// The stored exercise fields a step needs to know before it writes.
struct Before {
    run: u32,
    started_at: Option<WallMs>,
    finished_at: Option<WallMs>,
    stopped_at: Option<WallMs>,
}

/// Start, finish and stop times after a step: a new run forgets the old ones; each is set the
/// first time its state is reached.
fn milestones(before: &Before, runtime: &Runtime, now: WallMs) -> [Option<WallMs>; 3] {
    let new_run = runtime.run != before.run;
    let keep = |t: Option<WallMs>| if new_run { None } else { t };
    let mark = |t: Option<WallMs>, state: ExerciseState| {
        if runtime.state == state {
            t.or(Some(now))
        } else {
            t
        }
    };
    [
        mark(keep(before.started_at), ExerciseState::Running),
        mark(keep(before.finished_at), ExerciseState::Finished),
        mark(before.stopped_at, ExerciseState::Stopped),
    ]
}

async fn current_version(conn: &mut AnyConnection, exercise: &ExerciseId) -> StoreResult<u64> {
    let row = sqlx::query("SELECT version FROM exercises WHERE id = $1")
        .bind(exercise.as_str())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("exercise {exercise}")))?;
    get_u64(&row, "version")
}

fn stale(exercise: &ExerciseId, expected: u64, current: u64) -> StoreError {
    StoreError::stale_version(
        format!(
            "exercise {exercise} changed: it is at version {current}, the step was based on \
             version {expected}"
        ),
        current,
    )
}

fn delivery_event(row: &DeliveryRow) -> NewEvent {
    let d = &row.delivery;
    match d.cause {
        DeliveryCause::Live => NewEvent::new(
            "live_inject",
            json!({
                "delivery_id": row.id, "team": d.team, "inject": d.inject, "seq": row.seq,
                "type": d.inject_type, "title": d.title,
            }),
        ),
        cause => NewEvent::new(
            "inject_fired",
            json!({
                "delivery_id": row.id, "team": d.team, "inject": d.inject, "seq": row.seq,
                "cause": cause, "turn": d.turn, "scheduled_ms": d.scheduled_ms,
                "lateness_ms": d.lateness_ms, "late": d.late, "manual": d.manual,
            }),
        ),
    }
}

fn skip_event(skip: &Skipping) -> NewEvent {
    NewEvent::new(
        "inject_skipped",
        json!({ "team": skip.team, "inject": skip.inject, "turn": skip.turn, "due_ms": skip.due_ms }),
    )
}

/// What moving the exercise row forward gave.
struct Advanced {
    /// The new version.
    version: u64,
    /// The last event number now reserved.
    last_event_seq: u64,
}

/// Moves the exercise row to `runtime` if it is still at `expected_version`, reserving
/// `event_count` event numbers; a new run also restarts every team's seqs. This is the step's
/// first write, so on PostgreSQL it locks the exercise row before any of its other rows.
async fn advance_exercise(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    expected_version: u64,
    runtime: &Runtime,
    now: WallMs,
    event_count: usize,
) -> StoreResult<Advanced> {
    let columns = RuntimeColumns::new(runtime)?;
    let row = sqlx::query(
        "SELECT run, version, started_at, finished_at, stopped_at FROM exercises WHERE id = $1",
    )
    .bind(exercise.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("exercise {exercise}")))?;
    let current = get_u64(&row, "version")?;
    if current != expected_version {
        return Err(stale(exercise, expected_version, current));
    }
    let before = Before {
        run: get_u32(&row, "run")?,
        started_at: get(&row, "started_at")?,
        finished_at: get(&row, "finished_at")?,
        stopped_at: get(&row, "stopped_at")?,
    };
    if runtime.run < before.run {
        return Err(StoreError::Invalid(format!(
            "exercise {exercise} is in run {}; a step cannot go back to run {}",
            before.run, runtime.run
        )));
    }
    let [started_at, finished_at, stopped_at] = milestones(&before, runtime, now);

    let n = RUNTIME_COLUMNS.len();
    let assignments: Vec<String> = RUNTIME_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE exercises SET {}, version = version + 1, event_seq = event_seq + ${}, \
         started_at = ${}, finished_at = ${}, stopped_at = ${}, updated_at = ${} \
         WHERE id = ${} AND version = ${} RETURNING version, event_seq",
        assignments.join(", "),
        n + 1,
        n + 2,
        n + 3,
        n + 4,
        n + 5,
        n + 6,
        n + 7,
    );
    let updated = columns
        .bind(sqlx::query(sqlx::AssertSqlSafe(sql)))
        .bind(db_i64(event_count as u64, "event count")?)
        .bind(started_at)
        .bind(finished_at)
        .bind(stopped_at)
        .bind(now)
        .bind(exercise.as_str())
        .bind(db_i64(expected_version, "exercise version")?)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(updated) = updated else {
        // Another writer moved it on between the read and the update (PostgreSQL).
        let current = current_version(conn, exercise).await?;
        return Err(stale(exercise, expected_version, current));
    };
    if runtime.run != before.run {
        sqlx::query("UPDATE exercise_teams SET next_seq = 0 WHERE exercise_id = $1")
            .bind(exercise.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(Advanced {
        version: get_u64(&updated, "version")?,
        last_event_seq: get_u64(&updated, "event_seq")?,
    })
}

/// Records the step's skipped injects in bulk.
async fn insert_skips(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    run: i64,
    now: WallMs,
    skips: &[Skipping],
) -> StoreResult<()> {
    insert_all(
        conn,
        "skipped_injects",
        &[
            "exercise_id",
            "run",
            "team_id",
            "inject_id",
            "due_ms",
            "skipped_at",
        ],
        skips,
        |s, cells| {
            cells.extend([
                Cell::from(exercise.as_str()),
                run.into(),
                s.team.as_str().into(),
                s.inject.as_str().into(),
                db_opt_i64(s.due_ms, "due time")?.into(),
                now.into(),
            ]);
            Ok(())
        },
    )
    .await
}

impl Store {
    /// Applies one engine step in one transaction (see [`EngineStep`]).
    ///
    /// [`StoreError::Conflict`] (carrying the current version) when the exercise moved on since
    /// the caller read it, or when a scheduled inject was already delivered or skipped in this
    /// run; [`StoreError::NotFound`] for an unknown exercise or team. In every error case
    /// nothing is written.
    #[instrument(skip_all, fields(exercise.id = %step.exercise, deliveries = step.deliveries.len()))]
    pub async fn apply_step(&self, step: EngineStep) -> StoreResult<StepOutcome> {
        let EngineStep {
            exercise,
            expected_version,
            runtime,
            now,
            elapsed_ms,
            actor,
            events,
            deliveries,
            skips,
        } = step;
        let event_count = events.len() + deliveries.len() + skips.len();
        let mut tx = self.begin_write().await?;
        let Advanced {
            version,
            last_event_seq,
        } = advance_exercise(
            &mut tx,
            &exercise,
            expected_version,
            &runtime,
            now,
            event_count,
        )
        .await?;

        let rows = allocate(&mut tx, &exercise, deliveries).await?;
        let run = i64::from(runtime.run);
        insert_deliveries(&mut tx, &exercise, run, now, &rows)
            .await
            .map_err(|e| already_done(e, &exercise))?;

        insert_skips(&mut tx, &exercise, run, now, &skips)
            .await
            .map_err(|e| already_done(e, &exercise))?;

        let all_events = events
            .into_iter()
            .chain(rows.iter().map(delivery_event))
            .chain(skips.iter().map(skip_event));
        let first_seq =
            db_i64(last_event_seq, "event seq")? - db_i64(event_count as u64, "event count")? + 1;
        let elapsed = db_i64(elapsed_ms, "elapsed time")?;
        let event_rows: Vec<EventRow<'_>> = (first_seq..)
            .zip(all_events)
            .map(|(seq, e)| EventRow {
                seq,
                at: now,
                elapsed_ms: elapsed,
                run,
                actor: &actor,
                kind: e.kind,
                data: e.data.to_string(),
            })
            .collect();
        insert_events(&mut tx, &exercise, &event_rows).await?;
        tx.commit().await?;
        debug!(version, events = event_count, "engine step committed");

        let deliveries = rows
            .into_iter()
            .map(|r| StoredDelivery {
                id: r.id,
                team: r.delivery.team,
                seq: r.seq,
                payload: r.payload,
                fired_at: now,
            })
            .collect();
        Ok(StepOutcome {
            version,
            deliveries,
            last_event_seq,
        })
    }
}

/// A unique violation while writing deliveries or skips means an inject already done.
fn already_done(error: StoreError, exercise: &ExerciseId) -> StoreError {
    match error {
        StoreError::Conflict { .. } => StoreError::conflict(format!(
            "a scheduled inject in this step was already delivered or skipped in the current \
             run of exercise {exercise}"
        )),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::engine::Speed;

    #[test]
    fn milestones_are_set_once_and_forgotten_by_a_new_run() {
        let before = Before {
            run: 1,
            started_at: Some(10),
            finished_at: None,
            stopped_at: None,
        };
        let mut runtime = Runtime::deployed(Speed::NORMAL);
        runtime.state = ExerciseState::Running;
        assert_eq!(milestones(&before, &runtime, 50), [Some(10), None, None]);
        runtime.state = ExerciseState::Finished;
        assert_eq!(
            milestones(&before, &runtime, 50),
            [Some(10), Some(50), None]
        );
        runtime.state = ExerciseState::Deployed;
        runtime.run = 2;
        assert_eq!(milestones(&before, &runtime, 60), [None, None, None]);
    }
}
