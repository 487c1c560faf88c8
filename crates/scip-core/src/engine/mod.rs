//! The exercise engine's rules, free of IO: the clock, the lifecycle, the firing plan and the
//! state machine that ties them together.

pub mod clock;
pub mod lifecycle;
pub mod machine;
pub mod plan;

pub use clock::{Clock, Speed, SpeedError, WallMs};
pub use lifecycle::{Action, ExerciseState, TransitionError};
pub use machine::{
    Announcement, Command, CommandError, Completion, DEFAULT_TURN_GRACE_MS, Effect, Engine,
    EngineSettings, FireCause, Firing, LATE_AFTER_WALL_MS, Passed, Runtime, Skipping, TurnProgress,
};
pub use plan::{Plan, PlanEntry};
