//! Receipts from team dashboards: every one is kept, and each delivery remembers the first
//! time it was received, displayed and read.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, TeamId};
use serde::{Deserialize, Serialize};

use crate::error::{StoreError, StoreResult};
use crate::row::{db_i64, get};
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

impl Store {
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
