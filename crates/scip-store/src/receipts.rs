//! Receipts from team dashboards: every one is kept, and each delivery remembers the first
//! time it was received, displayed and read.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, TeamId};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::ids::DeliveryId;
use crate::page::{Page, Paging};
use crate::row::{db_i64, get, get_parsed, get_u32, get_u64};
use crate::store::Store;

/// What a dashboard reports about a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptKind {
    /// The message arrived.
    Received,
    /// It was shown on screen.
    Displayed,
    /// A participant opened it.
    Read,
}

impl ReceiptKind {
    /// Every kind.
    pub const ALL: [ReceiptKind; 3] = [Self::Received, Self::Displayed, Self::Read];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Displayed => "displayed",
            Self::Read => "read",
        }
    }

    /// The delivery timestamps this receipt fills when empty: a later stage implies the
    /// earlier ones.
    fn implied_columns(self) -> &'static [&'static str] {
        match self {
            Self::Received => &["received_at"],
            Self::Displayed => &["received_at", "displayed_at"],
            Self::Read => &["received_at", "displayed_at", "read_at"],
        }
    }
}

impl fmt::Display for ReceiptKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReceiptKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown receipt kind {s:?} (received, displayed, read)"))
    }
}

/// A receipt as a dashboard sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The exercise.
    pub exercise: ExerciseId,
    /// The team whose dashboard sent it.
    pub team: TeamId,
    /// The delivery's seq in the current run.
    pub seq: u64,
    /// What happened.
    pub kind: ReceiptKind,
    /// When, as the dashboard reports it (wall ms).
    pub at: WallMs,
    /// Which browser, if the dashboard says.
    pub viewer: Option<String>,
}

/// A stored receipt with the delivery it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptRecord {
    /// The delivery.
    pub delivery_id: DeliveryId,
    /// The team whose dashboard sent it.
    pub team_id: TeamId,
    /// The delivery's seq.
    pub seq: u64,
    /// The run the delivery belongs to.
    pub run: u32,
    /// The inject delivered.
    pub inject_id: String,
    /// What happened.
    pub kind: ReceiptKind,
    /// When, as the dashboard reported it (wall ms).
    pub at: WallMs,
    /// When it was stored (wall ms).
    pub stored_at: WallMs,
    /// Which browser, if the dashboard said.
    pub viewer: Option<String>,
}

/// Which receipts of an exercise to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptFilter {
    /// The run; `None` for the current one.
    pub run: Option<u32>,
    /// Only this team's.
    pub team: Option<TeamId>,
    /// Only receipts of this kind.
    pub kind: Option<ReceiptKind>,
    /// Only receipts of this delivery.
    pub delivery: Option<DeliveryId>,
    /// Window (ordered by arrival, oldest first).
    pub paging: Paging,
}

impl Store {
    /// The receipts of an exercise matching `filter`, in the order they were stored.
    pub async fn list_receipts(
        &self,
        exercise: &ExerciseId,
        filter: &ReceiptFilter,
    ) -> StoreResult<Page<ReceiptRecord>> {
        let (limit, offset) = filter.paging.bounds()?;
        let mut texts: Vec<String> = vec![exercise.as_str().to_owned()];
        let mut conditions = vec!["d.exercise_id = $1".to_owned()];
        let run = filter.run.map(i64::from);
        match run {
            Some(_) => conditions.push("d.run = $2".to_owned()),
            None => conditions.push("d.run = (SELECT run FROM exercises WHERE id = $1)".to_owned()),
        }
        let first_text = if run.is_some() { 3 } else { 2 };
        let mut push_text = |column: &str, value: &str, texts: &mut Vec<String>| {
            texts.push(value.to_owned());
            conditions.push(format!("{column} = ${}", first_text + texts.len() - 2));
        };
        if let Some(team) = &filter.team {
            push_text("d.team_id", team.as_str(), &mut texts);
        }
        if let Some(kind) = filter.kind {
            push_text("r.kind", kind.as_str(), &mut texts);
        }
        if let Some(delivery) = &filter.delivery {
            push_text("d.id", delivery.as_str(), &mut texts);
        }
        let condition = conditions.join(" AND ");
        let next = first_text + texts.len() - 1;
        let sql = format!(
            "SELECT d.id AS delivery_id, d.team_id, d.seq, d.run, d.inject_id, r.kind, r.at, \
             r.stored_at, r.viewer FROM receipts r JOIN deliveries d ON d.id = r.delivery_id \
             WHERE {condition} ORDER BY r.stored_at, d.team_id, d.seq, r.kind \
             LIMIT ${next} OFFSET ${}",
            next + 1
        );
        let count_sql = format!(
            "SELECT COUNT(*) FROM receipts r JOIN deliveries d ON d.id = r.delivery_id \
             WHERE {condition}"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(exercise.as_str());
        let mut count =
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql)).bind(exercise.as_str());
        if let Some(run) = run {
            query = query.bind(run);
            count = count.bind(run);
        }
        for text in &texts[1..] {
            query = query.bind(text.as_str());
            count = count.bind(text.as_str());
        }
        let items = query
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(ReceiptRecord {
                    delivery_id: get_parsed(row, "delivery_id")?,
                    team_id: get_parsed(row, "team_id")?,
                    seq: get_u64(row, "seq")?,
                    run: get_u32(row, "run")?,
                    inject_id: get(row, "inject_id")?,
                    kind: get_parsed(row, "kind")?,
                    at: get(row, "at")?,
                    stored_at: get(row, "stored_at")?,
                    viewer: get(row, "viewer")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let total = count.fetch_one(self.pool()).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Records a receipt for the current run and fills the delivery's first
    /// received/displayed/read times it implies. Returns whether any of those changed (a
    /// repeated receipt changes nothing but is still kept). [`StoreError::NotFound`] when the
    /// team has no delivery with that seq in the current run.
    pub async fn record_receipt(&self, receipt: &Receipt, now: WallMs) -> StoreResult<bool> {
        let Receipt {
            exercise,
            team,
            seq,
            kind,
            at,
            viewer,
        } = receipt;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT id FROM deliveries WHERE exercise_id = $1 AND team_id = $2 AND seq = $3 \
             AND run = (SELECT run FROM exercises WHERE id = $1)",
        )
        .bind(exercise.as_str())
        .bind(team.as_str())
        .bind(db_i64(*seq, "seq")?)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| {
            StoreError::NotFound(format!(
                "delivery seq {seq} of team {team} in the current run of exercise {exercise}"
            ))
        })?;
        let delivery_id: String = get(&row, "id")?;
        sqlx::query(
            "INSERT INTO receipts (delivery_id, kind, at, stored_at, viewer) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(delivery_id.as_str())
        .bind(kind.as_str())
        .bind(*at)
        .bind(now)
        .bind(viewer.as_deref())
        .execute(&mut *tx)
        .await?;
        let columns = kind.implied_columns();
        let sets: Vec<String> = columns
            .iter()
            .map(|c| format!("{c} = COALESCE({c}, $1)"))
            .collect();
        let empty: Vec<String> = columns.iter().map(|c| format!("{c} IS NULL")).collect();
        let sql = format!(
            "UPDATE deliveries SET {} WHERE id = $2 AND ({})",
            sets.join(", "),
            empty.join(" OR ")
        );
        let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(*at)
            .bind(delivery_id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        tx.commit().await?;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_implies_every_earlier_stage() {
        assert_eq!(ReceiptKind::Read.implied_columns().len(), 3);
        assert_eq!(ReceiptKind::Received.implied_columns(), ["received_at"]);
        for kind in ReceiptKind::ALL {
            assert_eq!(kind.as_str().parse::<ReceiptKind>(), Ok(kind));
        }
    }
}
