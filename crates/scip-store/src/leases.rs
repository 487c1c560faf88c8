//! Engine leases: one owner engine per running exercise, renewed every second; when a lease
//! lapses another orchestrator may take the exercise over.

use scip_core::engine::WallMs;
use scip_core::ids::ExerciseId;
use serde::Serialize;

use crate::error::{StoreError, StoreResult};
use crate::row::{get, get_parsed};
use crate::store::Store;

/// Who holds an exercise's lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lease {
    /// The owner's name (host and process).
    pub owner: String,
    /// Wall ms after which others may take it.
    pub expires_at: WallMs,
    /// Wall ms when this owner took it.
    pub acquired_at: WallMs,
}

fn expiry(now: WallMs, ttl_ms: u64) -> StoreResult<WallMs> {
    i64::try_from(ttl_ms)
        .ok()
        .and_then(|ttl| now.checked_add(ttl))
        .ok_or_else(|| StoreError::Invalid(format!("lease time {ttl_ms} ms is too long")))
}

impl Store {
    /// Takes the lease of `exercise` for `owner` until `now + ttl_ms` when it is free,
    /// expired, or already `owner`'s. Returns whether `owner` holds it now.
    pub async fn acquire_lease(
        &self,
        exercise: &ExerciseId,
        owner: &str,
        now: WallMs,
        ttl_ms: u64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO engine_leases (exercise_id, owner, expires_at, acquired_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (exercise_id) DO UPDATE SET owner = excluded.owner, \
               expires_at = excluded.expires_at, \
               acquired_at = CASE WHEN engine_leases.owner = excluded.owner \
                 THEN engine_leases.acquired_at ELSE excluded.acquired_at END \
             WHERE engine_leases.owner = excluded.owner OR engine_leases.expires_at <= $4",
        )
        .bind(exercise.as_str())
        .bind(owner)
        .bind(expiry(now, ttl_ms)?)
        .bind(now)
        .execute(self.pool())
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::InUse(_) => StoreError::NotFound(format!("exercise {exercise}")),
            other => other,
        })?;
        Ok(done.rows_affected() > 0)
    }

    /// Extends `owner`'s lease to `now + ttl_ms`. Returns false when `owner` no longer holds
    /// it (another engine took it over): the caller must stop driving the exercise.
    pub async fn renew_lease(
        &self,
        exercise: &ExerciseId,
        owner: &str,
        now: WallMs,
        ttl_ms: u64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE engine_leases SET expires_at = $1 WHERE exercise_id = $2 AND owner = $3",
        )
        .bind(expiry(now, ttl_ms)?)
        .bind(exercise.as_str())
        .bind(owner)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Gives up `owner`'s lease. Returns whether it held one.
    pub async fn release_lease(&self, exercise: &ExerciseId, owner: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM engine_leases WHERE exercise_id = $1 AND owner = $2")
            .bind(exercise.as_str())
            .bind(owner)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The lease of an exercise, expired or not.
    pub async fn lease(&self, exercise: &ExerciseId) -> StoreResult<Option<Lease>> {
        let row = sqlx::query(
            "SELECT owner, expires_at, acquired_at FROM engine_leases WHERE exercise_id = $1",
        )
        .bind(exercise.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(Lease {
                owner: get(&row, "owner")?,
                expires_at: get(&row, "expires_at")?,
                acquired_at: get(&row, "acquired_at")?,
            })
        })
        .transpose()
    }

    /// Exercises that need an engine (deployed, running, paused or finished — everything but
    /// stopped) and that nobody drives at `now`: no lease, or an expired one.
    pub async fn orphaned_exercises(&self, now: WallMs) -> StoreResult<Vec<ExerciseId>> {
        sqlx::query(
            "SELECT e.id FROM exercises e \
             LEFT JOIN engine_leases l ON l.exercise_id = e.id \
             WHERE e.state IN ('deployed', 'running', 'paused', 'finished') \
               AND (l.exercise_id IS NULL OR l.expires_at <= $1) \
             ORDER BY e.created_at, e.id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| get_parsed(row, "id"))
        .collect()
    }
}
