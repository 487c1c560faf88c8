//! The retained timer (`…/timer`, QoS 0, every second while running and on every change) and
//! the control channel (`…/control`, QoS 1): commands and turn events.

use scip_core::engine::{Announcement, ExerciseState, Speed};
use scip_core::format_tplus;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{MAX_ENGINE_PAYLOAD_BYTES, PayloadError, V1, decode};

/// The exercise clock as dashboards show it.
///
/// `{"v":1,"state":"running","elapsed_ms":75250,"elapsed":75,"formatted":"T+01:15","speed":1.0,
/// "turn":null,"total_turns":null,"at":"2026-05-04T10:01:15Z"}` — `elapsed` (whole seconds)
/// keeps SCIP v3 dashboards working.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimerPayload {
    /// Payload version.
    pub v: V1,
    /// Exercise state.
    pub state: ExerciseState,
    /// Elapsed exercise time, ms.
    pub elapsed_ms: u64,
    /// Elapsed exercise time in whole seconds (SCIP v3 field).
    pub elapsed: u64,
    /// `T+MM:SS` or `T+H:MM:SS`.
    pub formatted: String,
    /// Clock speed factor (1.0 = real time).
    pub speed: f64,
    /// Current turn (turn mode).
    pub turn: Option<u32>,
    /// Number of turns (turn mode).
    pub total_turns: Option<u32>,
    /// When the engine computed this, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl TimerPayload {
    /// A timer message; `turns` is `(current, total)` in turn mode.
    pub fn new(
        state: ExerciseState,
        elapsed_ms: u64,
        speed: Speed,
        turns: Option<(u32, u32)>,
        at: OffsetDateTime,
    ) -> Self {
        Self {
            v: V1,
            state,
            elapsed_ms,
            elapsed: elapsed_ms / 1000,
            formatted: format_tplus(elapsed_ms),
            speed: speed.factor(),
            turn: turns.map(|t| t.0),
            total_turns: turns.map(|t| t.1),
            at,
        }
    }

    /// Reads a timer message.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        decode("timer", bytes, MAX_ENGINE_PAYLOAD_BYTES)
    }
}

/// A controller command, announced on the control channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlCommand {
    /// The clock started.
    Start,
    /// The clock is held.
    Pause,
    /// The clock runs again.
    Resume,
    /// The exercise is over.
    Finish,
    /// The exercise was torn down.
    Stop,
    /// Back to T+0, a new run.
    Reset,
    /// A jump forward in time.
    Seek,
    /// A new clock speed.
    Speed,
}

/// A turn event (SCIP v3 names), announced on the control channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlEvent {
    /// A turn began.
    TurnStarted,
    /// Every inject of a turn has fired; the engine paused and waits for the next turn.
    TurnComplete,
    /// Every inject of the exercise has fired.
    ExerciseComplete,
}

/// A control message: a command or an event, with the details that go with it. Absent details
/// are left out of the JSON; `turn` and `total_turns` are always present (null outside turn
/// mode).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlPayload {
    /// Payload version.
    pub v: V1,
    /// The command, when this announces one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<ControlCommand>,
    /// The event, when this announces one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<ControlEvent>,
    /// Turn concerned (turn mode).
    pub turn: Option<u32>,
    /// Number of turns (turn mode).
    pub total_turns: Option<u32>,
    /// SCIP v3: the engine waits for `next-turn` (turn events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_for_next_turn: Option<bool>,
    /// SCIP v3: every inject has fired (turn events only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise_complete: Option<bool>,
    /// Pause: held by the engine at a turn's or the exercise's end, not by a controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto: Option<bool>,
    /// Reset: the new run number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<u32>,
    /// Seek: elapsed before, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_ms: Option<u64>,
    /// Seek: elapsed after, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_ms: Option<u64>,
    /// Speed: the new factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f64>,
    /// When it happened, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl ControlPayload {
    fn blank(turns: Option<(u32, u32)>, at: OffsetDateTime) -> Self {
        Self {
            v: V1,
            command: None,
            event: None,
            turn: turns.map(|t| t.0),
            total_turns: turns.map(|t| t.1),
            waiting_for_next_turn: None,
            exercise_complete: None,
            auto: None,
            run: None,
            from_ms: None,
            to_ms: None,
            speed: None,
            at,
        }
    }

    /// A bare command message; `turns` is `(current, total)` in turn mode.
    pub fn command(command: ControlCommand, turns: Option<(u32, u32)>, at: OffsetDateTime) -> Self {
        Self {
            command: Some(command),
            ..Self::blank(turns, at)
        }
    }

    /// The control message for an engine announcement. `turns` is the exercise's
    /// `(current, total)` in turn mode; turn events carry their own turn numbers.
    pub fn announce(
        announcement: &Announcement,
        turns: Option<(u32, u32)>,
        at: OffsetDateTime,
    ) -> Self {
        let command = |c| Self::command(c, turns, at);
        let turn_event = |event, turn, total, waiting, complete| Self {
            event: Some(event),
            waiting_for_next_turn: waiting,
            exercise_complete: complete,
            ..Self::blank(Some((turn, total)), at)
        };
        match *announcement {
            Announcement::Started => command(ControlCommand::Start),
            Announcement::Paused { auto } => Self {
                auto: Some(auto),
                ..command(ControlCommand::Pause)
            },
            Announcement::Resumed => command(ControlCommand::Resume),
            Announcement::Finished => command(ControlCommand::Finish),
            Announcement::Stopped => command(ControlCommand::Stop),
            Announcement::Reset { run } => Self {
                run: Some(run),
                ..command(ControlCommand::Reset)
            },
            Announcement::Seeked { from_ms, to_ms } => Self {
                from_ms: Some(from_ms),
                to_ms: Some(to_ms),
                ..command(ControlCommand::Seek)
            },
            Announcement::SpeedChanged { speed_milli } => Self {
                speed: Some(f64::from(speed_milli) / 1000.0),
                ..command(ControlCommand::Speed)
            },
            Announcement::TurnStarted { turn, total_turns } => {
                turn_event(ControlEvent::TurnStarted, turn, total_turns, None, None)
            }
            Announcement::TurnComplete { turn, total_turns } => turn_event(
                ControlEvent::TurnComplete,
                turn,
                total_turns,
                Some(true),
                Some(false),
            ),
            Announcement::ExerciseComplete { turn } => Self {
                event: Some(ControlEvent::ExerciseComplete),
                turn: turn.or(turns.map(|t| t.0)),
                waiting_for_next_turn: Some(false),
                exercise_complete: Some(true),
                ..Self::blank(turns, at)
            },
        }
    }

    /// Reads a control message.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        decode("control", bytes, MAX_ENGINE_PAYLOAD_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-05-04 10:01:15 UTC);

    #[test]
    fn timer_has_the_design_fields() {
        let t = TimerPayload::new(
            ExerciseState::Running,
            75_250,
            Speed::NORMAL,
            Some((2, 3)),
            AT,
        );
        let v: Value = serde_json::to_value(&t).unwrap();
        assert_eq!(
            v,
            json!({"v":1,"state":"running","elapsed_ms":75250,"elapsed":75,"formatted":"T+01:15",
                   "speed":1.0,"turn":2,"total_turns":3,"at":"2026-05-04T10:01:15Z"})
        );
        assert_eq!(
            TimerPayload::parse(&serde_json::to_vec(&t).unwrap()).unwrap(),
            t
        );
    }

    #[test]
    fn commands_carry_their_details() {
        let pause = ControlPayload::announce(&Announcement::Paused { auto: true }, None, AT);
        assert_eq!(
            serde_json::to_value(&pause).unwrap(),
            json!({"v":1,"command":"pause","turn":null,"total_turns":null,"auto":true,
                   "at":"2026-05-04T10:01:15Z"})
        );
        let seek = ControlPayload::announce(
            &Announcement::Seeked {
                from_ms: 1000,
                to_ms: 61_000,
            },
            None,
            AT,
        );
        assert_eq!(seek.command, Some(ControlCommand::Seek));
        assert_eq!((seek.from_ms, seek.to_ms), (Some(1000), Some(61_000)));
        let speed =
            ControlPayload::announce(&Announcement::SpeedChanged { speed_milli: 2500 }, None, AT);
        assert_eq!(speed.speed, Some(2.5));
    }

    #[test]
    fn turn_events_keep_the_scip_v3_shape() {
        let done = ControlPayload::announce(
            &Announcement::TurnComplete {
                turn: 1,
                total_turns: 3,
            },
            Some((1, 3)),
            AT,
        );
        let v = serde_json::to_value(&done).unwrap();
        assert_eq!(v["event"], "turn_complete");
        assert_eq!(v["turn"], 1);
        assert_eq!(v["waiting_for_next_turn"], true);
        assert_eq!(v["exercise_complete"], false);
        assert!(v.get("command").is_none());

        let end = ControlPayload::announce(
            &Announcement::ExerciseComplete { turn: Some(3) },
            Some((3, 3)),
            AT,
        );
        let v = serde_json::to_value(&end).unwrap();
        assert_eq!(v["event"], "exercise_complete");
        assert_eq!(v["exercise_complete"], true);
        assert_eq!(v["waiting_for_next_turn"], false);
    }

    #[test]
    fn control_round_trips() {
        let c = ControlPayload::announce(&Announcement::Reset { run: 2 }, None, AT);
        assert_eq!(
            ControlPayload::parse(&serde_json::to_vec(&c).unwrap()).unwrap(),
            c
        );
    }
}
