//! A delivery: one inject sent to one team, its cause and kind, how far it has got, and its
//! stored record.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::{FireCause, WallMs};
use scip_core::ids::{ExerciseId, InjectId, TeamId};
use scip_core::model::InjectType;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::ids::DeliveryId;
use crate::row::{get, get_flag, get_opt_u32, get_opt_u64, get_parsed, get_u32, get_u64};

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
    pub(crate) fn condition(self) -> &'static str {
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
