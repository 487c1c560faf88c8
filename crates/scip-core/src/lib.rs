//! SCIP's core: the scenario model, time notation, validation and the exercise engine's rules.
//! Pure code: no IO, no clock reads, no async.
//!
//! - [`ids`]: identifier newtypes (scenario, team, inject, exercise).
//! - [`tplus`]: `T+MM:SS` formatting and parsing; times are milliseconds.
//! - [`model`]: scenarios, teams, injects and their typed content.
//! - [`validate`]: every problem of a scenario, with its location.
//! - [`engine`]: clock, lifecycle, firing plan and the pure exercise state machine.

pub mod engine;
pub mod ids;
pub mod model;
pub mod tplus;
pub mod validate;

pub use ids::{ExerciseId, IdError, InjectId, ScenarioId, TeamId};
pub use model::{Content, Inject, InjectType, Mode, Priority, Scenario, Team, TeamKind};
pub use tplus::{format_precise, format_tplus, parse_time};
pub use validate::{Location, Problem, Report, Severity, validate_scenario};
