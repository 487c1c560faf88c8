//! The append-only event log of each exercise, numbered from 1 without gaps.

use scip_core::engine::WallMs;
use scip_core::ids::ExerciseId;
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::bulk::{Cell, insert_all};
use crate::error::{StoreError, StoreResult};
use crate::row::{db_i64, get, get_json, get_u32, get_u64};
use crate::runtime::clock_from_row;
use crate::store::Store;

/// An event to append: a kind (`started`, `inject_fired`, `access_code_rotated`, …) and
/// JSON details.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Snake-case kind.
    pub kind: String,
    /// Details.
    pub data: serde_json::Value,
}

impl NewEvent {
    /// An event of `kind` with `data`.
    pub fn new(kind: impl Into<String>, data: serde_json::Value) -> Self {
        Self {
            kind: kind.into(),
            data,
        }
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventRecord {
    /// Number within the exercise, from 1.
    pub seq: u64,
    /// Wall ms.
    pub at: WallMs,
    /// Exercise time when it happened, ms.
    pub elapsed_ms: u64,
    /// The run it belongs to.
    pub run: u32,
    /// Who: a username, `engine`, or `team:<id>`.
    pub actor: String,
    /// Snake-case kind.
    pub kind: String,
    /// Details.
    pub data: serde_json::Value,
}

/// Which end of the log a page starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventOrder {
    /// Ascending seq.
    #[default]
    OldestFirst,
    /// Descending seq.
    NewestFirst,
}

/// A page of the event log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventQuery {
    /// Only events with a greater seq.
    pub after_seq: Option<u64>,
    /// Only events with a smaller seq.
    pub before_seq: Option<u64>,
    /// At most this many (1–10 000).
    pub limit: u32,
    /// Order.
    pub order: EventOrder,
}

impl Default for EventQuery {
    fn default() -> Self {
        Self {
            after_seq: None,
            before_seq: None,
            limit: 100,
            order: EventOrder::OldestFirst,
        }
    }
}

/// One row of the `events` table, ready to insert.
pub(crate) struct EventRow<'a> {
    pub seq: i64,
    pub at: WallMs,
    pub elapsed_ms: i64,
    pub run: i64,
    pub actor: &'a str,
    pub kind: String,
    pub data: String,
}

/// Inserts event rows of one exercise in bulk.
pub(crate) async fn insert_events(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    rows: &[EventRow<'_>],
) -> StoreResult<()> {
    insert_all(
        conn,
        "events",
        &[
            "exercise_id",
            "seq",
            "at",
            "elapsed_ms",
            "run",
            "actor",
            "kind",
            "data",
        ],
        rows,
        |r, cells| {
            cells.extend([
                Cell::from(exercise.as_str()),
                r.seq.into(),
                r.at.into(),
                r.elapsed_ms.into(),
                r.run.into(),
                r.actor.into(),
                r.kind.as_str().into(),
                r.data.as_str().into(),
            ]);
            Ok(())
        },
    )
    .await
}

/// The number, run and exercise time reserved for one event written outside an engine step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventSlot {
    seq: i64,
    run: i64,
    elapsed_ms: i64,
    at: WallMs,
}

/// Reserves the next event number of an exercise, stamped with its run and elapsed time at
/// `at`. This locks the exercise row (on PostgreSQL) until the transaction ends; take it
/// before locking any of the exercise's other rows, as engine steps do, so two writers never
/// wait on each other in opposite order.
pub(crate) async fn reserve_event(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    at: WallMs,
) -> StoreResult<EventSlot> {
    let row = sqlx::query(
        "UPDATE exercises SET event_seq = event_seq + 1 WHERE id = $1 \
         RETURNING event_seq, run, base_elapsed_ms, running_since_ms, speed_milli",
    )
    .bind(exercise.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("exercise {exercise}")))?;
    Ok(EventSlot {
        seq: get(&row, "event_seq")?,
        run: get(&row, "run")?,
        elapsed_ms: db_i64(clock_from_row(&row)?.elapsed(at), "elapsed time")?,
        at,
    })
}

/// Writes an event into a reserved slot; returns its number.
pub(crate) async fn write_event(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    slot: EventSlot,
    actor: &str,
    event: &NewEvent,
) -> StoreResult<u64> {
    let row = EventRow {
        seq: slot.seq,
        at: slot.at,
        elapsed_ms: slot.elapsed_ms,
        run: slot.run,
        actor,
        kind: event.kind.clone(),
        data: event.data.to_string(),
    };
    insert_events(conn, exercise, std::slice::from_ref(&row)).await?;
    u64::try_from(slot.seq)
        .map_err(|_| StoreError::Corrupt(format!("exercise {exercise} has a negative event_seq")))
}

fn event_from_row(row: &AnyRow) -> StoreResult<EventRecord> {
    Ok(EventRecord {
        seq: get_u64(row, "seq")?,
        at: get(row, "at")?,
        elapsed_ms: get_u64(row, "elapsed_ms")?,
        run: get_u32(row, "run")?,
        actor: get(row, "actor")?,
        kind: get(row, "kind")?,
        data: get_json(row, "data")?,
    })
}

impl Store {
    /// Appends one event (presence, a code rotation, a note) to an exercise's log, stamped
    /// with the exercise's current run and elapsed time. Returns its number.
    pub async fn append_event(
        &self,
        exercise: &ExerciseId,
        actor: &str,
        event: &NewEvent,
        at: WallMs,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let slot = reserve_event(&mut tx, exercise, at).await?;
        let seq = write_event(&mut tx, exercise, slot, actor, event).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// A page of an exercise's event log.
    pub async fn events(
        &self,
        exercise: &ExerciseId,
        query: EventQuery,
    ) -> StoreResult<Vec<EventRecord>> {
        let (limit, _) = crate::page::Paging::first(query.limit).bounds()?;
        let after = query
            .after_seq
            .map(|s| db_i64(s, "event seq"))
            .transpose()?
            .unwrap_or(0);
        let before = query
            .before_seq
            .map(|s| db_i64(s, "event seq"))
            .transpose()?
            .unwrap_or(i64::MAX);
        let order = match query.order {
            EventOrder::OldestFirst => "ASC",
            EventOrder::NewestFirst => "DESC",
        };
        let sql = format!(
            "SELECT seq, at, elapsed_ms, run, actor, kind, data FROM events \
             WHERE exercise_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq {order} LIMIT $4"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .bind(after)
            .bind(before)
            .bind(limit)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }
}
