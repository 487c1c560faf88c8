//! The outbox: deliveries written by engine steps and not yet acknowledged by the broker. The
//! publisher takes them oldest first, marks them published on PUBACK, records failures, and
//! controllers may ask for any delivery to be sent again (same seq and payload).

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, TeamId};
use serde_json::json;

use crate::error::{StoreError, StoreResult};
use crate::events::{NewEvent, reserve_event, write_event};
use crate::ids::DeliveryId;
use crate::page::Paging;
use crate::row::{get, get_parsed, get_u32, get_u64};
use crate::store::Store;

/// Most ids in one `IN (…)` list.
const IDS_PER_STATEMENT: usize = 500;

/// A delivery waiting to be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    /// Delivery id.
    pub delivery_id: DeliveryId,
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// The team.
    pub team_id: TeamId,
    /// Its seq.
    pub seq: u64,
    /// The MQTT message, JSON.
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Times a controller asked to resend it.
    pub resent_count: u32,
    /// Wall ms when it fired.
    pub fired_at: WallMs,
}

impl Store {
    /// Deliveries of current runs not yet acknowledged by the broker, oldest first,
    /// optionally of one exercise only. Deliveries of runs ended by a reset are never
    /// published: their seqs belong to a feed the dashboards have dropped.
    pub async fn unpublished(
        &self,
        exercise: Option<&ExerciseId>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        self.unpublished_fired_by(exercise, WallMs::MAX, limit)
            .await
    }

    /// Like [`Store::unpublished`], leaving out deliveries committed ahead of their instant
    /// that is still after `now`: the engine publishes those when their time comes.
    pub async fn unpublished_due(
        &self,
        exercise: Option<&ExerciseId>,
        now: WallMs,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        self.unpublished_fired_by(exercise, now, limit).await
    }

    async fn unpublished_fired_by(
        &self,
        exercise: Option<&ExerciseId>,
        fired_by: WallMs,
        limit: u32,
    ) -> StoreResult<Vec<OutboxItem>> {
        let (limit, _) = Paging::first(limit).bounds()?;
        let filter = if exercise.is_some() {
            "AND d.exercise_id = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT d.id, d.exercise_id, d.team_id, d.seq, d.payload, d.publish_attempts, \
             d.resent_count, d.fired_at FROM deliveries d \
             JOIN exercises e ON e.id = d.exercise_id AND e.run = d.run \
             WHERE d.published_at IS NULL AND d.fired_at <= $2 {filter} \
             ORDER BY d.fired_at, d.exercise_id, d.team_id, d.seq LIMIT $1"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(fired_by);
        if let Some(exercise) = exercise {
            query = query.bind(exercise.as_str());
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(OutboxItem {
                    delivery_id: get_parsed(row, "id")?,
                    exercise_id: get_parsed(row, "exercise_id")?,
                    team_id: get_parsed(row, "team_id")?,
                    seq: get_u64(row, "seq")?,
                    payload: get(row, "payload")?,
                    attempts: get_u32(row, "publish_attempts")?,
                    resent_count: get_u32(row, "resent_count")?,
                    fired_at: get(row, "fired_at")?,
                })
            })
            .collect()
    }

    /// Marks deliveries acknowledged by the broker at `at`. Already published ones keep their
    /// first time. Returns how many changed.
    pub async fn mark_published(&self, ids: &[DeliveryId], at: WallMs) -> StoreResult<u64> {
        let mut changed = 0;
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let sql = format!(
                "UPDATE deliveries SET published_at = $1 \
                 WHERE published_at IS NULL AND id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(at);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            changed += query.execute(self.pool()).await?.rows_affected();
        }
        Ok(changed)
    }

    /// Records a failed publish attempt and its error.
    pub async fn record_publish_failure(&self, id: &DeliveryId, error: &str) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE deliveries SET publish_attempts = publish_attempts + 1, last_error = $1 \
             WHERE id = $2",
        )
        .bind(error)
        .bind(id.as_str())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("delivery {id}")));
        }
        Ok(())
    }

    /// Puts a delivery back in the outbox to be published again with the same seq and
    /// payload (dashboards that have it ignore the copy), and logs a `delivery_resent`
    /// event by `actor`. Returns how many times it has now been resent.
    /// [`StoreError::Conflict`] for a delivery of a run a reset has ended.
    pub async fn mark_for_resend(
        &self,
        id: &DeliveryId,
        actor: &str,
        now: WallMs,
    ) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let exercise: ExerciseId =
            match sqlx::query("SELECT exercise_id FROM deliveries WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?
            {
                Some(row) => get_parsed(&row, "exercise_id")?,
                None => return Err(StoreError::NotFound(format!("delivery {id}"))),
            };
        let slot = reserve_event(&mut tx, &exercise, now).await?;
        let row = sqlx::query(
            "UPDATE deliveries SET published_at = NULL, resent_count = resent_count + 1, \
             last_error = NULL WHERE id = $1 \
             AND run = (SELECT e.run FROM exercises e WHERE e.id = deliveries.exercise_id) \
             RETURNING team_id, inject_id, seq, resent_count",
        )
        .bind(id.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            // The delivery exists, so it belongs to a run a reset has ended.
            let old = sqlx::query("SELECT run FROM deliveries WHERE id = $1")
                .bind(id.as_str())
                .fetch_one(&mut *tx)
                .await?;
            return Err(StoreError::conflict(format!(
                "delivery {id} belongs to run {} of exercise {exercise}, which a reset has ended",
                get_u32(&old, "run")?
            )));
        };
        let team: String = get(&row, "team_id")?;
        let inject: String = get(&row, "inject_id")?;
        let resent_count = get_u32(&row, "resent_count")?;
        let event = NewEvent::new(
            "delivery_resent",
            json!({
                "delivery_id": id, "team": team, "inject": inject,
                "seq": get_u64(&row, "seq")?, "resent_count": resent_count,
            }),
        );
        write_event(&mut tx, &exercise, slot, actor, &event).await?;
        tx.commit().await?;
        Ok(resent_count)
    }
}
