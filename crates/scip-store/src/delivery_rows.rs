//! Turning a step's new deliveries into stored rows: per-team seq allocation (from 1, without
//! gaps, inside the step's transaction), delivery ids, completed payloads, and the bulk insert.

use std::collections::HashMap;

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, TeamId};
use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::bulk::{Cell, insert_all};
use crate::error::{StoreError, StoreResult};
use crate::ids::DeliveryId;
use crate::row::{db_i64, db_opt_i64, get, get_u64};
use crate::step::NewDelivery;

/// A delivery with its id and seq, ready to insert.
pub(crate) struct DeliveryRow {
    pub id: DeliveryId,
    pub seq: u64,
    pub payload: String,
    pub delivery: NewDelivery,
}

const DELIVERY_COLUMNS: [&str; 20] = [
    "id",
    "exercise_id",
    "run",
    "team_id",
    "seq",
    "inject_id",
    "kind",
    "cause",
    "inject_type",
    "title",
    "turn",
    "scheduled_ms",
    "fired_elapsed_ms",
    "fired_at",
    "lateness_ms",
    "late",
    "manual",
    "payload",
    "publish_attempts",
    "resent_count",
];

/// Teams whose seqs one statement reserves (two parameters each, well under every limit).
const TEAMS_PER_STATEMENT: usize = 200;

/// Reserves `count` seqs for each `(team, count)` and returns each team's first, one
/// statement per [`TEAMS_PER_STATEMENT`] teams rather than one per team.
async fn reserve_seqs(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    wanted: &[(&TeamId, usize)],
) -> StoreResult<HashMap<TeamId, u64>> {
    let mut first = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(TEAMS_PER_STATEMENT) {
        let cases: Vec<String> = (0..chunk.len())
            .map(|i| format!("WHEN ${} THEN ${}", 2 * i + 2, 2 * i + 3))
            .collect();
        let names: Vec<String> = (0..chunk.len())
            .map(|i| format!("${}", 2 * i + 2))
            .collect();
        let sql = format!(
            "UPDATE exercise_teams SET next_seq = next_seq + CASE team_id {} END \
             WHERE exercise_id = $1 AND team_id IN ({}) RETURNING team_id, next_seq",
            cases.join(" "),
            names.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(exercise.as_str());
        for (team, count) in chunk {
            query = query
                .bind(team.as_str())
                .bind(db_i64(*count as u64, "delivery count")?);
        }
        let rows = query.fetch_all(&mut *conn).await?;
        let mut last: HashMap<String, u64> = HashMap::with_capacity(rows.len());
        for row in &rows {
            last.insert(get(row, "team_id")?, get_u64(row, "next_seq")?);
        }
        for (team, count) in chunk {
            let Some(&last) = last.get(team.as_str()) else {
                return Err(StoreError::NotFound(format!(
                    "team {team} of exercise {exercise}"
                )));
            };
            let start = (last + 1).checked_sub(*count as u64).ok_or_else(|| {
                StoreError::Corrupt(format!("team {team} has a negative next_seq"))
            })?;
            first.insert((*team).clone(), start);
        }
    }
    Ok(first)
}

/// Gives every delivery its id and seq (consecutive per team, in the order given) and
/// completes its payload.
pub(crate) async fn allocate(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    deliveries: Vec<NewDelivery>,
) -> StoreResult<Vec<DeliveryRow>> {
    // Teams in order of first appearance. (On PostgreSQL the step has locked the exercise row
    // already, so concurrent steps of one exercise cannot interleave their seq updates.)
    let mut order: Vec<(&TeamId, usize)> = Vec::new();
    let mut position: HashMap<&TeamId, usize> = HashMap::new();
    for d in &deliveries {
        let at = *position.entry(&d.team).or_insert_with(|| {
            order.push((&d.team, 0));
            order.len() - 1
        });
        order[at].1 += 1;
    }
    let mut next = reserve_seqs(conn, exercise, &order).await?;
    let mut rows = Vec::with_capacity(deliveries.len());
    for mut delivery in deliveries {
        let Some(seq) = next.get_mut(&delivery.team) else {
            return Err(StoreError::Other("seq allocation lost a team".into()));
        };
        let id = DeliveryId::generate();
        delivery.payload.insert("seq".into(), json!(*seq));
        delivery
            .payload
            .insert("delivery_id".into(), json!(id.as_str()));
        let payload = Value::Object(std::mem::take(&mut delivery.payload)).to_string();
        rows.push(DeliveryRow {
            id,
            seq: *seq,
            payload,
            delivery,
        });
        *seq += 1;
    }
    Ok(rows)
}

/// Inserts the rows of one step (run `run`, fired at `now`) in bulk.
pub(crate) async fn insert_deliveries(
    conn: &mut AnyConnection,
    exercise: &ExerciseId,
    run: i64,
    now: WallMs,
    rows: &[DeliveryRow],
) -> StoreResult<()> {
    insert_all(conn, "deliveries", &DELIVERY_COLUMNS, rows, |r, cells| {
        let d = &r.delivery;
        cells.extend([
            Cell::from(r.id.as_str()),
            exercise.as_str().into(),
            run.into(),
            d.team.as_str().into(),
            db_i64(r.seq, "seq")?.into(),
            d.inject.as_str().into(),
            d.cause.kind().as_str().into(),
            d.cause.as_str().into(),
            d.inject_type.as_str().into(),
            d.title.as_str().into(),
            d.turn.map(i64::from).into(),
            db_opt_i64(d.scheduled_ms, "scheduled time")?.into(),
            db_i64(d.fired_elapsed_ms, "fired time")?.into(),
            now.into(),
            db_i64(d.lateness_ms, "lateness")?.into(),
            i64::from(d.late).into(),
            i64::from(d.manual).into(),
            r.payload.as_str().into(),
            0_i64.into(),
            0_i64.into(),
        ]);
        Ok(())
    })
    .await
}
