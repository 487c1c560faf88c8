//! Deliveries as controllers and dashboards read them: filtered lists, a team's feed for
//! history, per-team progress, and the set of injects already done in the current run.

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, InjectId, TeamId};
use serde::Serialize;

use crate::delivery::{DELIVERY_COLUMNS, DeliveryRecord, DeliveryState, delivery_from_row};
use crate::error::{StoreError, StoreResult};
use crate::ids::DeliveryId;
use crate::page::{Page, Paging};
use crate::row::{db_i64, get, get_parsed, get_u64, parse_stored};
use crate::store::Store;

/// Order of a delivery list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeliverySort {
    /// By firing time, oldest first (ties by team and seq).
    #[default]
    FiredAt,
    /// By team and seq.
    Seq,
}

/// Which deliveries of an exercise to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryFilter {
    /// The run; `None` for the current one.
    pub run: Option<u32>,
    /// Only this team.
    pub team: Option<TeamId>,
    /// Only deliveries in this state.
    pub state: Option<DeliveryState>,
    /// Only late ones.
    pub late_only: bool,
    /// Order.
    pub sort: DeliverySort,
    /// Window.
    pub paging: Paging,
}

/// One entry of a team's feed, as a dashboard replays it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedItem {
    /// Seq in the current run.
    pub seq: u64,
    /// The MQTT message, JSON.
    pub payload: String,
}

/// A team's delivery progress in the current run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeliveryCounts {
    /// Every delivery fired to the team.
    pub delivered: u64,
    /// Of which scheduled (from the scenario).
    pub scheduled: u64,
    /// Of which live injects.
    pub live: u64,
    /// Acknowledged by the broker.
    pub published: u64,
    /// Received by a dashboard.
    pub received: u64,
    /// Shown by a dashboard.
    pub displayed: u64,
    /// Read by a participant.
    pub read: u64,
    /// Fired late.
    pub late: u64,
    /// Waiting for the broker.
    pub unpublished: u64,
}

/// [`DeliveryCounts`] of one team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamDeliveryCounts {
    /// The team.
    pub team_id: TeamId,
    /// Its counts.
    #[serde(flatten)]
    pub counts: DeliveryCounts,
}

/// A value bound into a query built at run time.
enum Param {
    Int(i64),
    Text(String),
}

/// The current run of an exercise, as a subquery on parameter `$1`.
const CURRENT_RUN: &str = "(SELECT run FROM exercises WHERE id = $1)";

impl Store {
    /// One delivery by id.
    pub async fn get_delivery(&self, id: &DeliveryId) -> StoreResult<DeliveryRecord> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("delivery {id}")))?;
        delivery_from_row(&row)
    }

    /// The deliveries of an exercise matching `filter`.
    pub async fn list_deliveries(
        &self,
        exercise: &ExerciseId,
        filter: &DeliveryFilter,
    ) -> StoreResult<Page<DeliveryRecord>> {
        let (limit, offset) = filter.paging.bounds()?;
        let mut params = vec![Param::Text(exercise.as_str().to_owned())];
        let mut conditions = vec!["exercise_id = $1".to_owned()];
        match filter.run {
            Some(run) => {
                params.push(Param::Int(i64::from(run)));
                conditions.push(format!("run = ${}", params.len()));
            }
            None => conditions.push(format!("run = {CURRENT_RUN}")),
        }
        if let Some(team) = &filter.team {
            params.push(Param::Text(team.as_str().to_owned()));
            conditions.push(format!("team_id = ${}", params.len()));
        }
        if let Some(state) = filter.state {
            conditions.push(format!("({})", state.condition()));
        }
        if filter.late_only {
            conditions.push("late = 1".to_owned());
        }
        let condition = conditions.join(" AND ");
        let order = match filter.sort {
            DeliverySort::FiredAt => "fired_at, team_id, seq",
            DeliverySort::Seq => "team_id, seq",
        };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE {condition} ORDER BY {order} \
             LIMIT ${} OFFSET ${}",
            params.len() + 1,
            params.len() + 2
        );
        let count_sql = format!("SELECT COUNT(*) FROM deliveries WHERE {condition}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
        for p in &params {
            match p {
                Param::Int(i) => {
                    query = query.bind(*i);
                    count = count.bind(*i);
                }
                Param::Text(t) => {
                    query = query.bind(t.as_str());
                    count = count.bind(t.as_str());
                }
            }
        }
        let items = query
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(delivery_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let total = count.fetch_one(self.pool()).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// A team's feed in the current run after `after_seq`, in seq order: every delivery fired
    /// by `now`, published or not (for a dashboard catching up after a reload). Deliveries the
    /// engine committed ahead of an instant still to come are left out until it comes.
    pub async fn team_feed(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
        after_seq: u64,
        now: WallMs,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let (limit, _) = Paging::first(limit).bounds()?;
        let sql = format!(
            "SELECT seq, payload FROM deliveries WHERE exercise_id = $1 AND run = {CURRENT_RUN} \
             AND team_id = $2 AND seq > $3 AND fired_at <= $5 ORDER BY seq LIMIT $4"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .bind(team.as_str())
            .bind(db_i64(after_seq, "seq")?)
            .bind(limit)
            .bind(now)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(FeedItem {
                    seq: get_u64(row, "seq")?,
                    payload: get(row, "payload")?,
                })
            })
            .collect()
    }

    /// Every team's delivery progress in the current run, in display order (teams without
    /// deliveries count zero).
    pub async fn delivery_counts(
        &self,
        exercise: &ExerciseId,
    ) -> StoreResult<Vec<TeamDeliveryCounts>> {
        let sql = format!(
            "SELECT t.team_id, \
               COUNT(d.id) AS delivered, \
               COALESCE(SUM(CASE WHEN d.kind = 'scheduled' THEN 1 ELSE 0 END), 0) AS scheduled, \
               COALESCE(SUM(CASE WHEN d.kind = 'live' THEN 1 ELSE 0 END), 0) AS live, \
               COALESCE(SUM(CASE WHEN d.published_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
                 AS published, \
               COALESCE(SUM(CASE WHEN d.received_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
                 AS received, \
               COALESCE(SUM(CASE WHEN d.displayed_at IS NOT NULL THEN 1 ELSE 0 END), 0) \
                 AS displayed, \
               COALESCE(SUM(CASE WHEN d.read_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS read_count, \
               COALESCE(SUM(CASE WHEN d.late = 1 THEN 1 ELSE 0 END), 0) AS late, \
               COALESCE(SUM(CASE WHEN d.id IS NOT NULL AND d.published_at IS NULL \
                 THEN 1 ELSE 0 END), 0) AS unpublished \
             FROM exercise_teams t LEFT JOIN deliveries d \
               ON d.exercise_id = t.exercise_id AND d.team_id = t.team_id \
               AND d.run = {CURRENT_RUN} \
             WHERE t.exercise_id = $1 \
             GROUP BY t.team_id, t.position ORDER BY t.position"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                Ok(TeamDeliveryCounts {
                    team_id: get_parsed(row, "team_id")?,
                    counts: DeliveryCounts {
                        delivered: get_u64(row, "delivered")?,
                        scheduled: get_u64(row, "scheduled")?,
                        live: get_u64(row, "live")?,
                        published: get_u64(row, "published")?,
                        received: get_u64(row, "received")?,
                        displayed: get_u64(row, "displayed")?,
                        read: get_u64(row, "read_count")?,
                        late: get_u64(row, "late")?,
                        unpublished: get_u64(row, "unpublished")?,
                    },
                })
            })
            .collect()
    }

    /// The latest instant at which a delivery of the current run fired (or is committed to
    /// fire, when the engine commits ahead), if any. A command lands no earlier than this.
    pub async fn last_fired_at(&self, exercise: &ExerciseId) -> StoreResult<Option<WallMs>> {
        let sql = format!(
            "SELECT MAX(fired_at) AS last FROM deliveries \
             WHERE exercise_id = $1 AND run = {CURRENT_RUN}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .fetch_one(self.pool())
            .await?;
        get(&row, "last")
    }

    /// `(team, inject)` of every scheduled inject delivered or skipped in the current run:
    /// what a resuming engine must not fire again.
    pub async fn done_set(&self, exercise: &ExerciseId) -> StoreResult<Vec<(TeamId, InjectId)>> {
        let sql = format!(
            "SELECT team_id, inject_id FROM deliveries \
               WHERE exercise_id = $1 AND run = {CURRENT_RUN} AND kind = 'scheduled' \
             UNION ALL \
             SELECT team_id, inject_id FROM skipped_injects \
               WHERE exercise_id = $1 AND run = {CURRENT_RUN}"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(|row| {
                let team: String = get(row, "team_id")?;
                let inject: String = get(row, "inject_id")?;
                Ok((
                    parse_stored(&team, "team_id")?,
                    parse_stored(&inject, "inject_id")?,
                ))
            })
            .collect()
    }
}
