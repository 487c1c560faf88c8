//! Exercise states, the actions controllers take, and which actions each state allows.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where an exercise is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExerciseState {
    /// Dashboards up, clock at its start, not yet started.
    Deployed,
    /// The clock runs and injects fire.
    Running,
    /// The clock is held; live injects may still be sent.
    Paused,
    /// Over: the clock is stopped, dashboards stay readable, reports are available.
    Finished,
    /// Torn down: dashboards closed, access codes expired, the record kept.
    Stopped,
}

impl ExerciseState {
    /// Every state.
    pub const ALL: [ExerciseState; 5] = [
        Self::Deployed,
        Self::Running,
        Self::Paused,
        Self::Finished,
        Self::Stopped,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deployed => "deployed",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Finished => "finished",
            Self::Stopped => "stopped",
        }
    }

    /// Reads a state name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// True until the exercise is finished or stopped.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Deployed | Self::Running | Self::Paused)
    }
}

impl fmt::Display for ExerciseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a controller can do to an exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Start the clock (and turn 1).
    Start,
    /// Hold the clock.
    Pause,
    /// Run the clock again.
    Resume,
    /// Begin the next turn.
    NextTurn,
    /// End the exercise, keeping dashboards readable.
    Finish,
    /// Back to T+0 with deliveries cleared (kept in the log).
    Reset,
    /// Tear the exercise down.
    Stop,
    /// Jump forward in time, firing or skipping what is passed.
    Seek,
    /// Change the clock speed.
    Speed,
    /// Send an ad-hoc inject to chosen teams.
    LiveInject,
    /// Fire a scheduled inject now.
    FireNow,
    /// Publish a delivery again.
    Resend,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 12] = [
        Self::Start,
        Self::Pause,
        Self::Resume,
        Self::NextTurn,
        Self::Finish,
        Self::Reset,
        Self::Stop,
        Self::Seek,
        Self::Speed,
        Self::LiveInject,
        Self::FireNow,
        Self::Resend,
    ];

    /// The kebab-case name used in URLs and events.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Pause => "pause",
            Self::Resume => "resume",
            Self::NextTurn => "next-turn",
            Self::Finish => "finish",
            Self::Reset => "reset",
            Self::Stop => "stop",
            Self::Seek => "seek",
            Self::Speed => "speed",
            Self::LiveInject => "live-inject",
            Self::FireNow => "fire-now",
            Self::Resend => "resend",
        }
    }

    /// Reads an action name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action refused in the exercise's current situation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} an exercise that is {state}: {reason}")]
pub struct TransitionError {
    /// What was asked.
    pub action: Action,
    /// The state it was asked in.
    pub state: ExerciseState,
    /// What is allowed now.
    pub allowed: Vec<Action>,
    /// Why, in words.
    pub reason: String,
}
