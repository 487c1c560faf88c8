//! What a team dashboard knows about its exercise and team at one moment, and one page of its
//! feed history: the shapes the store source builds and the team-scoped API returns.

use scip_bus::payload::TimerPayload;
use scip_core::engine::ExerciseState;
use scip_core::{ExerciseId, TeamId, TeamKind};
use serde::{Deserialize, Serialize};

/// The exercise and team as a dashboard sees them (`GET …/team-feed/{e}/{t}/state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSnapshot {
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// Its display name.
    pub exercise_name: String,
    /// Lifecycle state.
    pub state: ExerciseState,
    /// Current run (a reset starts a new one; seqs restart at 1).
    pub run: u32,
    /// The exercise record's version (changes with every engine step).
    pub version: u64,
    /// True once the exercise is stopped: every session ends and codes expire.
    pub stopped: bool,
    /// The team.
    pub team_id: TeamId,
    /// Team display name.
    pub team_name: String,
    /// Team colour, `#rrggbb`.
    pub team_color: String,
    /// Player team or public feed.
    pub team_kind: TeamKind,
    /// Access-code version: a rotation increments it and ends older sessions.
    pub code_version: u32,
    /// Highest delivery seq given to the team in the current run (0: none yet).
    pub last_seq: u64,
    /// The clock as of the snapshot (the MQTT timer payload).
    pub timer: TimerPayload,
}

impl TeamSnapshot {
    /// `(turn, total)` in turn mode.
    pub fn turns(&self) -> Option<(u32, u32)> {
        self.timer
            .total_turns
            .map(|t| (self.timer.turn.unwrap_or(0), t))
    }
}

/// One delivery of a team's feed, as stored and published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryItem {
    /// Seq in the run.
    pub seq: u64,
    /// The delivery payload (the MQTT feed message).
    pub payload: serde_json::Value,
}

/// A page of a team's feed (`GET …/history?after_seq=N&limit=M`), in seq order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The run the items belong to.
    pub run: u32,
    /// Deliveries after the requested seq.
    pub items: Vec<HistoryItem>,
}

/// The most history items one request returns.
pub const MAX_HISTORY_PAGE: u32 = 1000;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use scip_core::engine::Speed;

    /// A running exercise at T+01:15, run 1, code version 1, five deliveries so far.
    pub(crate) fn snapshot() -> TeamSnapshot {
        TeamSnapshot {
            exercise_id: ExerciseId::new("ex-1").unwrap(),
            exercise_name: "Harbour Light".into(),
            state: ExerciseState::Running,
            run: 1,
            version: 7,
            stopped: false,
            team_id: TeamId::new("red").unwrap(),
            team_name: "Red Team".into(),
            team_color: "#c0272d".into(),
            team_kind: TeamKind::Player,
            code_version: 1,
            last_seq: 5,
            timer: TimerPayload::new(
                ExerciseState::Running,
                75_000,
                Speed::NORMAL,
                None,
                time::OffsetDateTime::UNIX_EPOCH,
            ),
        }
    }

    #[test]
    fn snapshot_round_trips_as_json() {
        let s = snapshot();
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"stopped\":false"), "{text}");
        assert_eq!(serde_json::from_str::<TeamSnapshot>(&text).unwrap(), s);
    }
}
