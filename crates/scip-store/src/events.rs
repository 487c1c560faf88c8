//! The append-only event log of each exercise, numbered from 1 without gaps.

use scip_core::engine::WallMs;
use scip_core::ids::ExerciseId;
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::bulk::insert_all;
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
        "INSERT INTO events (exercise_id, seq, at, elapsed_ms, run, actor, kind, data)",
        8,
        rows,
        |q, r| {
            Ok(q.bind(exercise.as_str())
                .bind(r.seq)
                .bind(r.at)
                .bind(r.elapsed_ms)
                .bind(r.run)
                .bind(r.actor)
                .bind(r.kind.as_str())
                .bind(r.data.as_str()))
        },
    )
    .await
}

/// Reserves the next event number of an exercise and returns it with the exercise's run and
/// elapsed time at `at` (for events written outside an engine step).
pub(crate) async fn next_event_seq(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    at: WallMs,
) -> StoreResult<(i64, i64, i64)> {
    let row = sqlx::query(
        "UPDATE exercises SET event_seq = event_seq + 1 WHERE id = $1 \
         RETURNING event_seq, run, base_elapsed_ms, running_since_ms, speed_milli",
    )
    .bind(exercise.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound(format!("exercise {exercise}")))?;
    let seq: i64 = get(&row, "event_seq")?;
    let run: i64 = get(&row, "run")?;
    let elapsed = db_i64(clock_from_row(&row)?.elapsed(at), "elapsed time")?;
    Ok((seq, run, elapsed))
}

/// Appends one event outside an engine step, in the caller's transaction.
pub(crate) async fn append_event_in(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    actor: &str,
    event: &NewEvent,
    at: WallMs,
) -> StoreResult<u64> {
    let (seq, run, elapsed_ms) = next_event_seq(conn, exercise, at).await?;
    let row = EventRow {
        seq,
        at,
        elapsed_ms,
        run,
        actor,
        kind: event.kind.clone(),
        data: event.data.to_string(),
    };
    insert_events(conn, exercise, std::slice::from_ref(&row)).await?;
    Ok(u64::try_from(seq).unwrap_or(0))
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
        let seq = append_event_in(&mut tx, exercise, actor, event, at).await?;
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
