//! Figures for operations: how many deliveries stand in each state, receipts by kind,
//! connected dashboards, the outbox depth, and the lateness of scheduled deliveries read in
//! arrival order (for a process-local histogram).

use scip_core::engine::WallMs;

use crate::delivery::DeliveryState;
use crate::error::StoreResult;
use crate::ids::DeliveryId;
use crate::page::Paging;
use crate::receipts::ReceiptKind;
use crate::row::{get, get_parsed, get_u64};
use crate::store::Store;

/// Operational counts over every exercise that is not stopped (current runs only), except
/// receipts, which count every receipt ever stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationsSnapshot {
    /// Deliveries of live exercises' current runs, per state.
    pub deliveries_by_state: Vec<(DeliveryState, u64)>,
    /// Receipts stored, per kind.
    pub receipts_by_kind: Vec<(ReceiptKind, u64)>,
    /// Team dashboards with at least one viewer.
    pub connected_dashboards: u64,
    /// Browsers showing a team dashboard.
    pub viewers: u64,
    /// Deliveries of current runs still waiting for the broker.
    pub outbox_depth: u64,
    /// Exercises per state.
    pub exercises_by_state: Vec<(String, u64)>,
}

/// The lateness of one scheduled delivery, for histograms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatenessSample {
    /// When it fired (wall ms); with `delivery` the position to continue from.
    pub fired_at: WallMs,
    /// The delivery.
    pub delivery: DeliveryId,
    /// How late it fired, ms.
    pub lateness_ms: u64,
}

impl Store {
    /// Counts for `/metrics`.
    pub async fn operations_snapshot(&self) -> StoreResult<OperationsSnapshot> {
        let mut snapshot = OperationsSnapshot::default();
        for state in DeliveryState::ALL {
            let sql = format!(
                "SELECT COUNT(*) FROM deliveries d JOIN exercises e \
                 ON e.id = d.exercise_id AND e.run = d.run \
                 WHERE e.state <> 'stopped' AND ({})",
                state.condition()
            );
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(self.pool())
                .await?;
            snapshot
                .deliveries_by_state
                .push((state, u64::try_from(n).unwrap_or(0)));
        }
        let rows = sqlx::query("SELECT kind, COUNT(*) AS n FROM receipts GROUP BY kind")
            .fetch_all(self.pool())
            .await?;
        for kind in ReceiptKind::ALL {
            let mut n = 0;
            for row in &rows {
                let k: ReceiptKind = get_parsed(row, "kind")?;
                if k == kind {
                    n = get_u64(row, "n")?;
                }
            }
            snapshot.receipts_by_kind.push((kind, n));
        }
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN t.viewers > 0 THEN 1 ELSE 0 END), 0) AS connected, \
             COALESCE(SUM(t.viewers), 0) AS viewers FROM exercise_teams t \
             JOIN exercises e ON e.id = t.exercise_id WHERE e.state <> 'stopped'",
        )
        .fetch_one(self.pool())
        .await?;
        snapshot.connected_dashboards = get_u64(&row, "connected")?;
        snapshot.viewers = get_u64(&row, "viewers")?;
        let depth: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM deliveries d JOIN exercises e \
             ON e.id = d.exercise_id AND e.run = d.run WHERE d.published_at IS NULL",
        )
        .fetch_one(self.pool())
        .await?;
        snapshot.outbox_depth = u64::try_from(depth).unwrap_or(0);
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM exercises GROUP BY state")
            .fetch_all(self.pool())
            .await?;
        for row in &rows {
            snapshot
                .exercises_by_state
                .push((get(row, "state")?, get_u64(row, "n")?));
        }
        snapshot.exercises_by_state.sort();
        Ok(snapshot)
    }

    /// Scheduled deliveries that fired after `after` (a position from an earlier sample) and
    /// no later than `until`, in firing order, at most `limit`.
    pub async fn lateness_samples(
        &self,
        after: Option<&LatenessSample>,
        until: WallMs,
        limit: u32,
    ) -> StoreResult<Vec<LatenessSample>> {
        let (limit, _) = Paging::first(limit).bounds()?;
        let (after_at, after_id) = after.map_or((i64::MIN, String::new()), |s| {
            (s.fired_at, s.delivery.as_str().to_owned())
        });
        sqlx::query(
            "SELECT fired_at, id, lateness_ms FROM deliveries \
             WHERE kind = 'scheduled' AND fired_at <= $1 \
             AND (fired_at > $2 OR (fired_at = $2 AND id > $3)) \
             ORDER BY fired_at, id LIMIT $4",
        )
        .bind(until)
        .bind(after_at)
        .bind(after_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(LatenessSample {
                fired_at: get(row, "fired_at")?,
                delivery: get_parsed(row, "id")?,
                lateness_ms: get_u64(row, "lateness_ms")?,
            })
        })
        .collect()
    }
}
