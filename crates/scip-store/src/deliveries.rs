//! Deliveries as controllers and dashboards read them: filtered lists, a team's feed for
//! history, per-team progress, and the set of injects already done in the current run.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::{FireCause, WallMs};
use scip_core::ids::{ExerciseId, InjectId, TeamId};
use scip_core::model::InjectType;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::ids::DeliveryId;
use crate::page::{Page, Paging};
use crate::row::{
    db_i64, get, get_flag, get_opt_u32, get_opt_u64, get_parsed, get_u32, get_u64, parse_stored,
};
use crate::store::Store;

/// Why a delivery was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryCause {
    /// Its instant came.
    Schedule,
    /// A seek passed it.
    Seek,
    /// A controller fired it now.
    FireNow,
    /// Next-turn was called before it fired.
    TurnAdvance,
    /// An ad-hoc inject written during the exercise.
    Live,
}

impl DeliveryCause {
    /// Every cause.
    pub const ALL: [DeliveryCause; 5] = [
        Self::Schedule,
        Self::Seek,
        Self::FireNow,
        Self::TurnAdvance,
        Self::Live,
    ];

    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Schedule => "schedule",
            Self::Seek => "seek",
            Self::FireNow => "fire-now",
            Self::TurnAdvance => "turn-advance",
            Self::Live => "live",
        }
    }

    /// `live` for live injects, `scheduled` for everything from the scenario.
    pub fn kind(self) -> DeliveryKind {
        match self {
            Self::Live => DeliveryKind::Live,
            _ => DeliveryKind::Scheduled,
        }
    }
}

impl From<FireCause> for DeliveryCause {
    fn from(cause: FireCause) -> Self {
        match cause {
            FireCause::Schedule => Self::Schedule,
            FireCause::Seek => Self::Seek,
            FireCause::FireNow => Self::FireNow,
            FireCause::TurnAdvance => Self::TurnAdvance,
        }
    }
}

impl FromStr for DeliveryCause {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| format!("unknown delivery cause {s:?}"))
    }
}

/// Scheduled (from the scenario) or live (written during the exercise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryKind {
    /// From the scenario's timeline; at most once per team and run.
    Scheduled,
    /// An ad-hoc inject.
    Live,
}

impl DeliveryKind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Live => "live",
        }
    }
}

impl FromStr for DeliveryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "scheduled" => Ok(Self::Scheduled),
            "live" => Ok(Self::Live),
            other => Err(format!("unknown delivery kind {other:?}")),
        }
    }
}

/// How far a delivery has got, from its timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Fired, not yet acknowledged by the broker.
    Pending,
    /// The broker acknowledged it.
    Published,
    /// A dashboard received it.
    Received,
    /// A dashboard showed it.
    Displayed,
    /// A participant opened it.
    Read,
}

impl DeliveryState {
    /// Every state, in order of progress.
    pub const ALL: [DeliveryState; 5] = [
        Self::Pending,
        Self::Published,
        Self::Received,
        Self::Displayed,
        Self::Read,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Published => "published",
            Self::Received => "received",
            Self::Displayed => "displayed",
            Self::Read => "read",
        }
    }

    /// The SQL condition selecting deliveries in this state (the furthest timestamp set).
    fn condition(self) -> &'static str {
        match self {
            Self::Read => "read_at IS NOT NULL",
            Self::Displayed => "read_at IS NULL AND displayed_at IS NOT NULL",
            Self::Received => {
                "read_at IS NULL AND displayed_at IS NULL AND received_at IS NOT NULL"
            }
            Self::Published => {
                "read_at IS NULL AND displayed_at IS NULL AND received_at IS NULL \
                 AND published_at IS NOT NULL"
            }
            Self::Pending => {
                "read_at IS NULL AND displayed_at IS NULL AND received_at IS NULL \
                 AND published_at IS NULL"
            }
        }
    }
}

impl fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeliveryState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown delivery state {s:?} (pending, published, received, displayed, read)"
                )
            })
    }
}

/// A stored delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryRecord {
    /// Id (ULID), also in the payload.
    pub id: DeliveryId,
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// The run it belongs to.
    pub run: u32,
    /// The team.
    pub team_id: TeamId,
    /// Per team and run, from 1, no gaps.
    pub seq: u64,
    /// The inject (a generated id for live injects).
    pub inject_id: InjectId,
    /// Scheduled or live.
    pub kind: DeliveryKind,
    /// Why.
    pub cause: DeliveryCause,
    /// Inject type.
    pub inject_type: InjectType,
    /// Headline or subject, for lists.
    pub title: String,
    /// Turn.
    pub turn: Option<u32>,
    /// Elapsed instant it was due (scheduled only), ms.
    pub scheduled_ms: Option<u64>,
    /// Elapsed time when it fired, ms.
    pub fired_elapsed_ms: u64,
    /// Wall ms when it fired.
    pub fired_at: WallMs,
    /// Wall-clock lateness, ms.
    pub lateness_ms: u64,
    /// Fired late (after downtime).
    pub late: bool,
    /// Fired by a controller, not the clock.
    pub manual: bool,
    /// The MQTT message, JSON.
    pub payload: String,
    /// Publish attempts that failed.
    pub publish_attempts: u32,
    /// Broker acknowledgement, wall ms.
    pub published_at: Option<WallMs>,
    /// Last publish error.
    pub last_error: Option<String>,
    /// Times a controller asked to send it again.
    pub resent_count: u32,
    /// First `received` receipt, wall ms.
    pub received_at: Option<WallMs>,
    /// First `displayed` receipt, wall ms.
    pub displayed_at: Option<WallMs>,
    /// First `read` receipt, wall ms.
    pub read_at: Option<WallMs>,
}

impl DeliveryRecord {
    /// How far it has got.
    pub fn state(&self) -> DeliveryState {
        if self.read_at.is_some() {
            DeliveryState::Read
        } else if self.displayed_at.is_some() {
            DeliveryState::Displayed
        } else if self.received_at.is_some() {
            DeliveryState::Received
        } else if self.published_at.is_some() {
            DeliveryState::Published
        } else {
            DeliveryState::Pending
        }
    }
}

pub(crate) const DELIVERY_COLUMNS: &str = "id, exercise_id, run, team_id, seq, inject_id, kind, \
    cause, inject_type, title, turn, scheduled_ms, fired_elapsed_ms, fired_at, lateness_ms, \
    late, manual, payload, publish_attempts, published_at, last_error, resent_count, \
    received_at, displayed_at, read_at";

pub(crate) fn delivery_from_row(row: &AnyRow) -> StoreResult<DeliveryRecord> {
    let inject_type: String = get(row, "inject_type")?;
    Ok(DeliveryRecord {
        id: get_parsed(row, "id")?,
        exercise_id: get_parsed(row, "exercise_id")?,
        run: get_u32(row, "run")?,
        team_id: get_parsed(row, "team_id")?,
        seq: get_u64(row, "seq")?,
        inject_id: get_parsed(row, "inject_id")?,
        kind: get_parsed(row, "kind")?,
        cause: get_parsed(row, "cause")?,
        inject_type: InjectType::parse(&inject_type).ok_or_else(|| {
            StoreError::Corrupt(format!("inject type {inject_type:?} is unknown"))
        })?,
        title: get(row, "title")?,
        turn: get_opt_u32(row, "turn")?,
        scheduled_ms: get_opt_u64(row, "scheduled_ms")?,
        fired_elapsed_ms: get_u64(row, "fired_elapsed_ms")?,
        fired_at: get(row, "fired_at")?,
        lateness_ms: get_u64(row, "lateness_ms")?,
        late: get_flag(row, "late")?,
        manual: get_flag(row, "manual")?,
        payload: get(row, "payload")?,
        publish_attempts: get_u32(row, "publish_attempts")?,
        published_at: get(row, "published_at")?,
        last_error: get(row, "last_error")?,
        resent_count: get_u32(row, "resent_count")?,
        received_at: get(row, "received_at")?,
        displayed_at: get(row, "displayed_at")?,
        read_at: get(row, "read_at")?,
    })
}

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

    /// A team's feed in the current run after `after_seq`, in seq order: every fired
    /// delivery, published or not (for a dashboard catching up after a reload).
    pub async fn team_feed(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
        after_seq: u64,
        limit: u32,
    ) -> StoreResult<Vec<FeedItem>> {
        let (limit, _) = Paging::first(limit).bounds()?;
        let sql = format!(
            "SELECT seq, payload FROM deliveries WHERE exercise_id = $1 AND run = {CURRENT_RUN} \
             AND team_id = $2 AND seq > $3 ORDER BY seq LIMIT $4"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .bind(team.as_str())
            .bind(db_i64(after_seq, "seq")?)
            .bind(limit)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fire_causes_map_to_delivery_causes_and_back() {
        for cause in DeliveryCause::ALL {
            assert_eq!(cause.as_str().parse::<DeliveryCause>(), Ok(cause));
        }
        assert_eq!(
            DeliveryCause::from(FireCause::TurnAdvance).as_str(),
            "turn-advance"
        );
        assert_eq!(DeliveryCause::Live.kind(), DeliveryKind::Live);
        assert_eq!(DeliveryCause::Seek.kind(), DeliveryKind::Scheduled);
    }

    #[test]
    fn delivery_state_names_round_trip() {
        for state in DeliveryState::ALL {
            assert_eq!(state.as_str().parse::<DeliveryState>(), Ok(state));
        }
        assert!("gone".parse::<DeliveryState>().is_err());
    }
}
