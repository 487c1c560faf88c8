//! The exercise clock as pages show it: `T+MM:SS`, state, speed and turn. `timer.js` keeps it
//! running between server ticks from the same values, rendered as `data-*` attributes.

use scip_core::engine::{ExerciseState, Speed};

/// A snapshot of the exercise clock for rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerView {
    /// Exercise time at the moment the page is rendered.
    pub elapsed_ms: u64,
    /// Clock speed.
    pub speed: Speed,
    /// Lifecycle state; only `running` advances.
    pub state: ExerciseState,
    /// Current turn in turn mode.
    pub turn: Option<u32>,
    /// Number of turns in turn mode.
    pub total_turns: Option<u32>,
}

impl TimerView {
    /// A clock at T+0, deployed, real time, not in turn mode.
    pub fn at_start() -> Self {
        Self {
            elapsed_ms: 0,
            speed: Speed::NORMAL,
            state: ExerciseState::Deployed,
            turn: None,
            total_turns: None,
        }
    }

    /// True while the clock advances.
    pub fn is_running(&self) -> bool {
        self.state == ExerciseState::Running
    }

    /// True while control holds the clock (paused banner on dashboards).
    pub fn is_paused(&self) -> bool {
        self.state == ExerciseState::Paused
    }

    /// True once the exercise has finished or been stopped (ended banner on dashboards).
    pub fn is_over(&self) -> bool {
        matches!(self.state, ExerciseState::Finished | ExerciseState::Stopped)
    }

    /// `T+MM:SS` or `T+H:MM:SS`.
    pub fn formatted(&self) -> String {
        scip_core::format_tplus(self.elapsed_ms)
    }

    /// The clock without its `T+` prefix (`12:34`), for layouts that set the prefix apart.
    pub fn digits(&self) -> String {
        let text = self.formatted();
        text.strip_prefix("T+").unwrap_or(&text).to_owned()
    }

    /// The state name used in `data-state` and CSS modifiers (`running`, `paused`, …).
    pub fn state_name(&self) -> &'static str {
        self.state.as_str()
    }

    /// The state as participants and controllers read it.
    pub fn state_label(&self) -> &'static str {
        match self.state {
            ExerciseState::Deployed => "Not started",
            ExerciseState::Running => "Running",
            ExerciseState::Paused => "Paused",
            ExerciseState::Finished => "Ended",
            ExerciseState::Stopped => "Closed",
        }
    }

    /// The speed as a factor, for `data-speed`.
    pub fn speed_factor(&self) -> f64 {
        self.speed.factor()
    }

    /// `×2`, `×0.5`; `None` at real time, where nothing is shown.
    pub fn speed_label(&self) -> Option<String> {
        (self.speed != Speed::NORMAL).then(|| format!("×{}", self.speed.factor()))
    }

    /// `Turn 2 of 4` in turn mode.
    pub fn turn_label(&self) -> Option<String> {
        match (self.turn, self.total_turns) {
            (Some(turn), Some(total)) => Some(format!("Turn {turn} of {total}")),
            (Some(turn), None) => Some(format!("Turn {turn}")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_rest_of_scip() {
        let mut t = TimerView::at_start();
        t.elapsed_ms = 754_900;
        assert_eq!(t.formatted(), "T+12:34");
        t.elapsed_ms = 3_723_000;
        assert_eq!(t.formatted(), "T+1:02:03");
    }

    #[test]
    fn speed_is_only_labelled_when_not_real_time() {
        let mut t = TimerView::at_start();
        assert_eq!(t.speed_label(), None);
        t.speed = Speed::from_factor(2.0).unwrap();
        assert_eq!(t.speed_label().as_deref(), Some("×2"));
        t.speed = Speed::from_factor(0.5).unwrap();
        assert_eq!(t.speed_label().as_deref(), Some("×0.5"));
    }

    #[test]
    fn turn_label_reads_turn_n_of_total() {
        let mut t = TimerView::at_start();
        assert_eq!(t.turn_label(), None);
        t.turn = Some(2);
        t.total_turns = Some(4);
        assert_eq!(t.turn_label().as_deref(), Some("Turn 2 of 4"));
    }
}
