//! The retained exercise summary (`…/status`, QoS 1): state, clock and, per team, how far
//! deliveries got and who is watching.

use scip_core::engine::ExerciseState;
use scip_core::{ExerciseId, TeamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{MAX_ENGINE_PAYLOAD_BYTES, PayloadError, V1, decode};

/// One team's line in the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamStatus {
    /// The team.
    pub team_id: TeamId,
    /// Deliveries fired to the team in the current run.
    pub delivered: u64,
    /// Deliveries its dashboard confirmed receiving.
    pub received: u64,
    /// Deliveries read on its dashboard.
    pub read: u64,
    /// Whether a dashboard of the team is connected.
    pub online: bool,
    /// People viewing its dashboard.
    pub viewers: u32,
}

/// The exercise summary controllers see.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPayload {
    /// Payload version.
    pub v: V1,
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// Its state.
    pub state: ExerciseState,
    /// Current run (incremented by reset).
    pub run: u32,
    /// Elapsed exercise time, ms.
    pub elapsed_ms: u64,
    /// Current turn (turn mode).
    pub turn: Option<u32>,
    /// Number of turns (turn mode).
    pub total_turns: Option<u32>,
    /// One line per team, in display order.
    pub teams: Vec<TeamStatus>,
    /// When this summary was made, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl StatusPayload {
    /// Reads a status message.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        decode("status", bytes, MAX_ENGINE_PAYLOAD_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn status_round_trips_with_team_lines() {
        let s = StatusPayload {
            v: V1,
            exercise_id: ExerciseId::new("ex-1").unwrap(),
            state: ExerciseState::Paused,
            run: 1,
            elapsed_ms: 5_000,
            turn: None,
            total_turns: None,
            teams: vec![TeamStatus {
                team_id: TeamId::new("red").unwrap(),
                delivered: 4,
                received: 4,
                read: 2,
                online: true,
                viewers: 3,
            }],
            at: datetime!(2026-05-04 10:00:00 UTC),
        };
        let bytes = serde_json::to_vec(&s).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.contains(r#""state":"paused""#), "{text}");
        assert_eq!(StatusPayload::parse(&bytes).unwrap(), s);
    }
}
