//! The exercise engine as a pure state machine: it takes `now` and a command (or a poll) and
//! returns what must happen — injects to fire or skip, announcements to make. It never reads a
//! clock and does no IO; the driver persists its [`Runtime`] and carries out its [`Effect`]s.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::clock::{Clock, Speed, WallMs};
use super::lifecycle::{Action, ExerciseState, TransitionError};
use super::plan::{Plan, PlanEntry};
use crate::ids::{InjectId, TeamId};
use crate::model::Mode;

/// An inject fired more than this much wall time after its instant is marked late.
pub const LATE_AFTER_WALL_MS: u64 = 1_000;

/// Default pause after a turn's last inject before the turn is declared complete.
pub const DEFAULT_TURN_GRACE_MS: u64 = 5_000;

/// Where a turn-based exercise is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnProgress {
    /// The turn being played (1-based).
    pub current: u32,
    /// Elapsed exercise time at which it started, in ms.
    pub started_at_ms: u64,
}

/// A completion the engine has announced and that holds the exercise paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Completion {
    /// Every inject of this turn has fired; waiting for next-turn.
    TurnComplete {
        /// The completed turn.
        turn: u32,
    },
    /// Every inject of the exercise has fired.
    ExerciseComplete,
}

/// Everything about an exercise's progress that must survive a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// Lifecycle state.
    pub state: ExerciseState,
    /// The clock triple.
    pub clock: Clock,
    /// Incremented by every reset; deliveries belong to one run.
    pub run: u32,
    /// Turn progress (turn mode, once started).
    pub turn: Option<TurnProgress>,
    /// A completion holding the exercise paused.
    pub completion: Option<Completion>,
}

impl Runtime {
    /// A freshly deployed exercise at T+0.
    pub fn deployed(speed: Speed) -> Self {
        Self {
            state: ExerciseState::Deployed,
            clock: Clock {
                speed,
                ..Clock::default()
            },
            run: 1,
            turn: None,
            completion: None,
        }
    }
}

/// What to do with scheduled injects that a seek or next-turn passes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Passed {
    /// Fire them now, in order.
    #[default]
    Fire,
    /// Record them as skipped; they will not fire in this run.
    Skip,
}

/// A controller's command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Start the clock (and turn 1).
    Start,
    /// Hold the clock.
    Pause,
    /// Run it again.
    Resume,
    /// Begin the next turn; injects left in the current turn are fired or skipped.
    NextTurn(Passed),
    /// End the exercise.
    Finish,
    /// Back to T+0 with a new run.
    Reset,
    /// Tear down.
    Stop,
    /// Jump forward to an elapsed time.
    Seek {
        /// Target elapsed time, in ms; not before the current time.
        to_ms: u64,
        /// What happens to injects passed over.
        passed: Passed,
    },
    /// Change speed.
    SetSpeed(Speed),
    /// Permission check for an ad-hoc inject (the driver sends it).
    LiveInject,
    /// Fire one scheduled inject now.
    FireNow {
        /// Team.
        team: TeamId,
        /// Inject.
        inject: InjectId,
    },
    /// Permission check for re-publishing a delivery (the driver does it).
    Resend,
}

impl Command {
    /// The action this command performs.
    pub fn action(&self) -> Action {
        match self {
            Self::Start => Action::Start,
            Self::Pause => Action::Pause,
            Self::Resume => Action::Resume,
            Self::NextTurn(_) => Action::NextTurn,
            Self::Finish => Action::Finish,
            Self::Reset => Action::Reset,
            Self::Stop => Action::Stop,
            Self::Seek { .. } => Action::Seek,
            Self::SetSpeed(_) => Action::Speed,
            Self::LiveInject => Action::LiveInject,
            Self::FireNow { .. } => Action::FireNow,
            Self::Resend => Action::Resend,
        }
    }
}

/// A command the engine refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// Not allowed in the current state.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The inject is not in this exercise's scenario.
    #[error("team {team} has no inject {inject} in this scenario")]
    UnknownInject {
        /// Team.
        team: TeamId,
        /// Inject.
        inject: InjectId,
    },
    /// The inject has already fired (or was skipped) in this run.
    #[error("inject {inject} of team {team} has already fired or been skipped in this run")]
    AlreadyDone {
        /// Team.
        team: TeamId,
        /// Inject.
        inject: InjectId,
    },
    /// Seeking backwards.
    #[error("cannot seek back from {from_ms} ms to {to_ms} ms; reset the exercise to go back")]
    SeekBackwards {
        /// Current elapsed time.
        from_ms: u64,
        /// Asked target.
        to_ms: u64,
    },
}

/// Why an inject fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FireCause {
    /// Its instant came (possibly late, after downtime).
    Schedule,
    /// A seek passed it.
    Seek,
    /// A controller fired it now.
    FireNow,
    /// Next-turn was called before it fired.
    TurnAdvance,
}

/// One inject to deliver to one team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// Team.
    pub team: TeamId,
    /// Inject.
    pub inject: InjectId,
    /// Its turn.
    pub turn: Option<u32>,
    /// The elapsed instant it was due, in ms.
    pub due_ms: u64,
    /// The elapsed time when it fired, in ms.
    pub fired_elapsed_ms: u64,
    /// Wall-clock lateness estimated from the exercise clock, in ms.
    pub lateness_ms: u64,
    /// Fired by schedule more than [`LATE_AFTER_WALL_MS`] after its instant.
    pub late: bool,
    /// Why.
    pub cause: FireCause,
}

/// One scheduled inject recorded as skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipping {
    /// Team.
    pub team: TeamId,
    /// Inject.
    pub inject: InjectId,
    /// Its turn.
    pub turn: Option<u32>,
    /// The elapsed instant it was due, in ms (`None` for a turn not yet started).
    pub due_ms: Option<u64>,
}

/// Something to tell dashboards and controllers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Announcement {
    /// The clock started.
    Started,
    /// The clock was held; `auto` when the engine did it at a turn's or the exercise's end.
    Paused {
        /// Held by the engine, not a controller.
        auto: bool,
    },
    /// The clock runs again.
    Resumed,
    /// The exercise is over.
    Finished,
    /// The exercise was torn down.
    Stopped,
    /// Back to T+0.
    Reset {
        /// The new run number.
        run: u32,
    },
    /// A jump forward.
    Seeked {
        /// Elapsed before, ms.
        from_ms: u64,
        /// Elapsed after, ms.
        to_ms: u64,
    },
    /// A new speed.
    SpeedChanged {
        /// Thousandths.
        speed_milli: u32,
    },
    /// A turn began.
    TurnStarted {
        /// Turn number.
        turn: u32,
        /// Number of turns.
        total_turns: u32,
    },
    /// Every inject of a turn has fired and the grace has passed.
    TurnComplete {
        /// Turn number.
        turn: u32,
        /// Number of turns.
        total_turns: u32,
    },
    /// Every inject of the exercise has fired.
    ExerciseComplete {
        /// The last turn (turn mode).
        turn: Option<u32>,
    },
}

/// What the driver must carry out, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Deliver an inject.
    Fire(Firing),
    /// Record an inject as skipped.
    Skip(Skipping),
    /// Announce a change.
    Announce(Announcement),
}

/// Engine settings from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineSettings {
    /// Pause after a turn's last inject before the turn is complete, in exercise ms.
    pub turn_grace_ms: u64,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            turn_grace_ms: DEFAULT_TURN_GRACE_MS,
        }
    }
}

/// One exercise's engine: plan, progress and what has fired.
#[derive(Debug, Clone)]
pub struct Engine {
    plan: Plan,
    runtime: Runtime,
    settings: EngineSettings,
    done: Vec<bool>,
    remaining: HashMap<Option<u32>, usize>,
    cursor: HashMap<Option<u32>, usize>,
}

impl Engine {
    /// An engine resuming `runtime`, with `done` the injects already fired or skipped in the
    /// current run (unknown ones are ignored).
    pub fn new(
        plan: Plan,
        runtime: Runtime,
        settings: EngineSettings,
        done: impl IntoIterator<Item = (TeamId, InjectId)>,
    ) -> Self {
        let mut engine = Self {
            done: vec![false; plan.entries.len()],
            remaining: HashMap::new(),
            cursor: HashMap::new(),
            plan,
            runtime,
            settings,
        };
        for key in done {
            if let Some(&i) = engine.plan.index.get(&key) {
                engine.done[i] = true;
            }
        }
        engine.recount();
        engine
    }

    fn recount(&mut self) {
        self.remaining.clear();
        self.cursor.clear();
        for (turn, idxs) in &self.plan.groups {
            let left = idxs.iter().filter(|&&i| !self.done[i]).count();
            self.remaining.insert(*turn, left);
        }
    }

    /// The persisted progress.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// Elapsed exercise time at `now`, in ms.
    pub fn elapsed(&self, now: WallMs) -> u64 {
        self.runtime.clock.elapsed(now)
    }

    /// True if the team's inject has fired or been skipped in this run.
    pub fn is_done(&self, team: &TeamId, inject: &InjectId) -> bool {
        self.plan
            .index
            .get(&(team.clone(), inject.clone()))
            .is_some_and(|&i| self.done[i])
    }

    /// Number of scheduled injects not yet fired or skipped in this run.
    pub fn pending(&self) -> usize {
        self.done.iter().filter(|d| !**d).count()
    }

    fn total_turns(&self) -> Option<u32> {
        self.plan.mode.total_turns()
    }

    fn current_group(&self) -> Option<Option<u32>> {
        match self.plan.mode {
            Mode::Clock => Some(None),
            Mode::Turns { .. } => self.runtime.turn.map(|t| Some(t.current)),
        }
    }

    fn group_start(&self) -> u64 {
        self.runtime.turn.map_or(0, |t| t.started_at_ms)
    }

    /// The actions allowed now.
    pub fn allowed_actions(&self) -> Vec<Action> {
        use Action::*;
        let rt = &self.runtime;
        let more_turns = match (self.total_turns(), rt.turn) {
            (Some(total), Some(t)) => t.current < total,
            _ => false,
        };
        let mut out = match (rt.state, rt.completion) {
            (ExerciseState::Deployed, _) => {
                vec![Start, Reset, Stop, Seek, Speed, LiveInject, FireNow]
            }
            (ExerciseState::Running, _) => {
                vec![
                    Pause, Finish, Stop, Seek, Speed, LiveInject, FireNow, Resend,
                ]
            }
            (ExerciseState::Paused, None) => {
                vec![
                    Resume, Finish, Reset, Stop, Seek, Speed, LiveInject, FireNow, Resend,
                ]
            }
            (ExerciseState::Paused, Some(Completion::TurnComplete { .. })) => {
                vec![Finish, Reset, Stop, Speed, LiveInject, FireNow, Resend]
            }
            (ExerciseState::Paused, Some(Completion::ExerciseComplete)) => {
                vec![Finish, Reset, Stop, LiveInject, Resend]
            }
            (ExerciseState::Finished, _) => vec![Reset, Stop, Resend],
            (ExerciseState::Stopped, _) => vec![],
        };
        if more_turns && matches!(rt.state, ExerciseState::Running | ExerciseState::Paused) {
            out.push(NextTurn);
        }
        out.sort();
        out
    }

    fn refuse(&self, action: Action) -> CommandError {
        let rt = &self.runtime;
        let reason = match (action, rt.state, rt.completion) {
            (_, ExerciseState::Stopped, _) => "the exercise has been stopped".to_owned(),
            (Action::Resume, ExerciseState::Paused, Some(Completion::TurnComplete { turn })) => {
                format!("turn {turn} is complete; start the next turn instead")
            }
            (_, _, Some(Completion::ExerciseComplete)) => {
                "every inject has been delivered; finish, reset or stop the exercise".to_owned()
            }
            (Action::NextTurn, _, _) if self.total_turns().is_none() => {
                "the scenario is not turn-based".to_owned()
            }
            (Action::NextTurn, ExerciseState::Deployed, _) => "start the exercise first".to_owned(),
            (Action::NextTurn, _, _) if rt.turn.is_some() => "this is the last turn".to_owned(),
            (Action::Start, _, _) => "it has already been started".to_owned(),
            (Action::Pause, _, _) => "it is not running".to_owned(),
            (Action::Resume, _, _) => "it is not paused".to_owned(),
            (Action::Reset, ExerciseState::Running, _) => "pause it first".to_owned(),
            _ => format!("{action} is not possible while {}", rt.state),
        };
        CommandError::Transition(TransitionError {
            action,
            state: rt.state,
            allowed: self.allowed_actions(),
            reason,
        })
    }

    /// Carries out a command at `now`, then fires whatever has become due. On error nothing
    /// changes.
    pub fn apply(&mut self, command: Command, now: WallMs) -> Result<Vec<Effect>, CommandError> {
        let action = command.action();
        if !self.allowed_actions().contains(&action) {
            return Err(self.refuse(action));
        }
        let mut effects = Vec::new();
        let rt_before = self.runtime;
        match command {
            Command::Start => {
                self.runtime.clock.run(now);
                self.runtime.state = ExerciseState::Running;
                effects.push(Effect::Announce(Announcement::Started));
                if let Some(total_turns) = self.total_turns() {
                    let started_at_ms = self.elapsed(now);
                    self.runtime.turn = Some(TurnProgress {
                        current: 1,
                        started_at_ms,
                    });
                    effects.push(Effect::Announce(Announcement::TurnStarted {
                        turn: 1,
                        total_turns,
                    }));
                }
            }
            Command::Pause => {
                self.runtime.clock.hold(now);
                self.runtime.state = ExerciseState::Paused;
                effects.push(Effect::Announce(Announcement::Paused { auto: false }));
            }
            Command::Resume => {
                self.runtime.clock.run(now);
                self.runtime.state = ExerciseState::Running;
                effects.push(Effect::Announce(Announcement::Resumed));
            }
            Command::NextTurn(passed) => {
                let (Some(total_turns), Some(turn)) = (self.total_turns(), self.runtime.turn)
                else {
                    return Err(self.refuse(action));
                };
                let elapsed = self.elapsed(now);
                let group = Some(turn.current);
                let left: Vec<usize> = self
                    .group_indices(group)
                    .filter(|&i| !self.done[i])
                    .collect();
                for i in left {
                    let due = turn.started_at_ms + self.plan.entries[i].at_ms;
                    effects.push(self.settle(i, passed, due, elapsed, FireCause::TurnAdvance));
                }
                let next = turn.current + 1;
                self.runtime.turn = Some(TurnProgress {
                    current: next,
                    started_at_ms: elapsed,
                });
                self.runtime.completion = None;
                self.runtime.clock.run(now);
                self.runtime.state = ExerciseState::Running;
                effects.push(Effect::Announce(Announcement::TurnStarted {
                    turn: next,
                    total_turns,
                }));
            }
            Command::Finish => {
                self.runtime.clock.hold(now);
                self.runtime.state = ExerciseState::Finished;
                effects.push(Effect::Announce(Announcement::Finished));
            }
            Command::Reset => {
                let speed = self.runtime.clock.speed;
                self.runtime = Runtime {
                    run: self.runtime.run + 1,
                    ..Runtime::deployed(speed)
                };
                self.done.iter_mut().for_each(|d| *d = false);
                self.recount();
                effects.push(Effect::Announce(Announcement::Reset {
                    run: self.runtime.run,
                }));
            }
            Command::Stop => {
                self.runtime.clock.hold(now);
                self.runtime.state = ExerciseState::Stopped;
                effects.push(Effect::Announce(Announcement::Stopped));
            }
            Command::Seek { to_ms, passed } => {
                let from_ms = self.elapsed(now);
                if to_ms < from_ms {
                    return Err(CommandError::SeekBackwards { from_ms, to_ms });
                }
                if let Some(group) = self.current_group() {
                    let start = self.group_start();
                    let passed_over: Vec<usize> = self
                        .group_indices(group)
                        .filter(|&i| !self.done[i] && start + self.plan.entries[i].at_ms <= to_ms)
                        .collect();
                    for i in passed_over {
                        let due = start + self.plan.entries[i].at_ms;
                        effects.push(self.settle(i, passed, due, to_ms, FireCause::Seek));
                    }
                }
                self.runtime.clock.jump_to(to_ms, now);
                effects.push(Effect::Announce(Announcement::Seeked { from_ms, to_ms }));
            }
            Command::SetSpeed(speed) => {
                self.runtime.clock.set_speed(speed, now);
                effects.push(Effect::Announce(Announcement::SpeedChanged {
                    speed_milli: speed.milli(),
                }));
            }
            Command::FireNow { team, inject } => {
                let Some(&i) = self.plan.index.get(&(team.clone(), inject.clone())) else {
                    return Err(CommandError::UnknownInject { team, inject });
                };
                if self.done[i] {
                    return Err(CommandError::AlreadyDone { team, inject });
                }
                let elapsed = self.elapsed(now);
                let entry = &self.plan.entries[i];
                let due = match (self.plan.mode, self.runtime.turn, entry.turn) {
                    (Mode::Turns { .. }, Some(t), Some(turn)) if turn == t.current => {
                        t.started_at_ms + entry.at_ms
                    }
                    (Mode::Clock, _, _) => entry.at_ms,
                    _ => elapsed,
                };
                effects.push(self.settle(i, Passed::Fire, due, elapsed, FireCause::FireNow));
            }
            Command::LiveInject | Command::Resend => {}
        }
        debug_assert!(
            self.runtime.clock.elapsed(now) >= rt_before.clock.elapsed(now)
                || matches!(action, Action::Reset)
        );
        effects.extend(self.poll(now));
        Ok(effects)
    }

    fn group_indices(&self, group: Option<u32>) -> impl Iterator<Item = usize> + '_ {
        self.plan.groups.get(&group).into_iter().flatten().copied()
    }

    /// Marks entry `i` done and says how.
    fn settle(
        &mut self,
        i: usize,
        passed: Passed,
        due_ms: u64,
        elapsed: u64,
        cause: FireCause,
    ) -> Effect {
        self.done[i] = true;
        let entry: &PlanEntry = &self.plan.entries[i];
        if let Some(left) = self.remaining.get_mut(&entry.turn) {
            *left = left.saturating_sub(1);
        }
        match passed {
            Passed::Skip => Effect::Skip(Skipping {
                team: entry.team.clone(),
                inject: entry.inject.clone(),
                turn: entry.turn,
                due_ms: Some(due_ms),
            }),
            Passed::Fire => {
                let behind = elapsed.saturating_sub(due_ms);
                let lateness_ms = behind * 1000 / u64::from(self.runtime.clock.speed.milli());
                Effect::Fire(Firing {
                    team: entry.team.clone(),
                    inject: entry.inject.clone(),
                    turn: entry.turn,
                    due_ms,
                    fired_elapsed_ms: elapsed,
                    lateness_ms,
                    late: cause == FireCause::Schedule && lateness_ms > LATE_AFTER_WALL_MS,
                    cause,
                })
            }
        }
    }

    /// Fires every scheduled inject that is due at `now` and has not fired, in order, then
    /// declares a turn or the exercise complete if its time has come.
    pub fn poll(&mut self, now: WallMs) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.runtime.state != ExerciseState::Running {
            return effects;
        }
        let Some(group) = self.current_group() else {
            return effects;
        };
        let elapsed = self.elapsed(now);
        let start = self.group_start();
        let mut pos = self.cursor.get(&group).copied().unwrap_or(0);
        let len = self.plan.groups.get(&group).map_or(0, Vec::len);
        while pos < len {
            let i = self.plan.groups[&group][pos];
            let due = start + self.plan.entries[i].at_ms;
            if due > elapsed {
                break;
            }
            if !self.done[i] {
                effects.push(self.settle(i, Passed::Fire, due, elapsed, FireCause::Schedule));
            }
            pos += 1;
        }
        self.cursor.insert(group, pos);
        if let Some(point) = self.completion_point(group)
            && elapsed >= point
        {
            self.runtime.clock.hold(now);
            self.runtime.state = ExerciseState::Paused;
            effects.push(Effect::Announce(Announcement::Paused { auto: true }));
            let total_turns = self.total_turns();
            let turn = self.runtime.turn.map(|t| t.current);
            match (turn, total_turns) {
                (Some(turn), Some(total_turns)) if turn < total_turns => {
                    self.runtime.completion = Some(Completion::TurnComplete { turn });
                    effects.push(Effect::Announce(Announcement::TurnComplete {
                        turn,
                        total_turns,
                    }));
                }
                _ => {
                    self.runtime.completion = Some(Completion::ExerciseComplete);
                    effects.push(Effect::Announce(Announcement::ExerciseComplete { turn }));
                }
            }
        }
        effects
    }

    /// The elapsed time at which the current group is complete, once nothing in it is left.
    fn completion_point(&self, group: Option<u32>) -> Option<u64> {
        if self.remaining.get(&group).copied().unwrap_or(0) > 0 {
            return None;
        }
        Some(self.group_end(group))
    }

    /// The elapsed time at which `group` ends once all of it has fired or been skipped: its
    /// last inject plus the grace (and, in clock mode, no earlier than the set duration).
    fn group_end(&self, group: Option<u32>) -> u64 {
        let last_at = self
            .group_indices(group)
            .map(|i| self.plan.entries[i].at_ms)
            .max()
            .unwrap_or(0);
        let start = self.group_start();
        let point = start + last_at + self.settings.turn_grace_ms;
        match self.plan.mode {
            Mode::Clock => point.max(self.plan.duration_ms.unwrap_or(0)),
            Mode::Turns { .. } => point,
        }
    }

    /// True when [`Engine::poll`] at `at` would do nothing but fire injects: the clock runs
    /// and neither the turn nor the exercise would end. A driver may then commit the firings
    /// ahead of `at` and publish them at `at`; anything else must wait for its instant.
    pub fn only_fires_at(&self, at: WallMs) -> bool {
        if self.runtime.state != ExerciseState::Running {
            return false;
        }
        let Some(group) = self.current_group() else {
            return false;
        };
        let elapsed = self.elapsed(at);
        let start = self.group_start();
        let pos = self.cursor.get(&group).copied().unwrap_or(0);
        let firing = self
            .plan
            .groups
            .get(&group)
            .map_or(&[][..], |idxs| &idxs[pos.min(idxs.len())..])
            .iter()
            .take_while(|&&i| start + self.plan.entries[i].at_ms <= elapsed)
            .filter(|&&i| !self.done[i])
            .count();
        let left_after = self
            .remaining
            .get(&group)
            .copied()
            .unwrap_or(0)
            .saturating_sub(firing);
        left_after > 0 || elapsed < self.group_end(group)
    }

    /// When the driver should call [`Engine::poll`] next: the wall instant of the next due
    /// inject or completion; `None` while the clock is held.
    pub fn next_deadline(&self, now: WallMs) -> Option<WallMs> {
        if self.runtime.state != ExerciseState::Running {
            return None;
        }
        let group = self.current_group()?;
        let clock = &self.runtime.clock;
        let start = self.group_start();
        let pos = self.cursor.get(&group).copied().unwrap_or(0);
        let next_due = self
            .plan
            .groups
            .get(&group)
            .and_then(|idxs| idxs[pos.min(idxs.len())..].iter().find(|&&i| !self.done[i]))
            .map(|&i| start + self.plan.entries[i].at_ms);
        let target = next_due.or_else(|| self.completion_point(group))?;
        clock.wall_when(target, now)
    }
}
