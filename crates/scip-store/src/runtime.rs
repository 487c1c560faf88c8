//! The engine's [`Runtime`] as the columns of the `exercises` row, and back. Pure mapping; a
//! row that does not describe a valid runtime is [`StoreError::Corrupt`].

use scip_core::engine::{Clock, Completion, ExerciseState, Runtime, Speed, TurnProgress};
use sqlx::Any;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;

use crate::error::{StoreError, StoreResult};
use crate::row::{db_i64, get, get_opt_u32, get_opt_u64, get_u32, get_u64};

/// A query under construction.
pub(crate) type AnyQuery<'q> = Query<'q, Any, AnyArguments>;

/// The runtime columns in binding order.
pub(crate) const RUNTIME_COLUMNS: [&str; 9] = [
    "state",
    "run",
    "base_elapsed_ms",
    "running_since_ms",
    "speed_milli",
    "current_turn",
    "turn_started_ms",
    "completion",
    "completion_turn",
];

const TURN_COMPLETE: &str = "turn_complete";
const EXERCISE_COMPLETE: &str = "exercise_complete";

/// Column values of a runtime, ready to bind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuntimeColumns {
    state: &'static str,
    run: i64,
    base_elapsed_ms: i64,
    running_since_ms: Option<i64>,
    speed_milli: i64,
    current_turn: Option<i64>,
    turn_started_ms: Option<i64>,
    completion: Option<&'static str>,
    completion_turn: Option<i64>,
}

impl RuntimeColumns {
    /// The columns describing `runtime`.
    pub(crate) fn new(runtime: &Runtime) -> StoreResult<Self> {
        let (completion, completion_turn) = match runtime.completion {
            None => (None, None),
            Some(Completion::TurnComplete { turn }) => (Some(TURN_COMPLETE), Some(i64::from(turn))),
            Some(Completion::ExerciseComplete) => (Some(EXERCISE_COMPLETE), None),
        };
        Ok(Self {
            state: runtime.state.as_str(),
            run: i64::from(runtime.run),
            base_elapsed_ms: db_i64(runtime.clock.base_elapsed_ms, "elapsed time")?,
            running_since_ms: runtime.clock.running_since,
            speed_milli: i64::from(runtime.clock.speed.milli()),
            current_turn: runtime.turn.map(|t| i64::from(t.current)),
            turn_started_ms: runtime
                .turn
                .map(|t| db_i64(t.started_at_ms, "turn start"))
                .transpose()?,
            completion,
            completion_turn,
        })
    }

    /// Binds the nine values in [`RUNTIME_COLUMNS`] order.
    pub(crate) fn bind<'q>(&self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        query
            .bind(self.state)
            .bind(self.run)
            .bind(self.base_elapsed_ms)
            .bind(self.running_since_ms)
            .bind(self.speed_milli)
            .bind(self.current_turn)
            .bind(self.turn_started_ms)
            .bind(self.completion)
            .bind(self.completion_turn)
    }
}

/// Reads the clock triple of an `exercises` row.
pub(crate) fn clock_from_row(row: &AnyRow) -> StoreResult<Clock> {
    let speed_milli = get_u32(row, "speed_milli")?;
    Ok(Clock {
        base_elapsed_ms: get_u64(row, "base_elapsed_ms")?,
        running_since: get(row, "running_since_ms")?,
        speed: Speed::from_milli(speed_milli)
            .map_err(|e| StoreError::Corrupt(format!("column speed_milli: {e}")))?,
    })
}

/// Reads the runtime of an `exercises` row.
pub(crate) fn runtime_from_row(row: &AnyRow) -> StoreResult<Runtime> {
    let state: String = get(row, "state")?;
    let state = ExerciseState::parse(&state)
        .ok_or_else(|| StoreError::Corrupt(format!("exercise state {state:?} is unknown")))?;
    let turn = match (
        get_opt_u32(row, "current_turn")?,
        get_opt_u64(row, "turn_started_ms")?,
    ) {
        (Some(current), Some(started_at_ms)) => Some(TurnProgress {
            current,
            started_at_ms,
        }),
        (None, None) => None,
        _ => {
            return Err(StoreError::Corrupt(
                "current_turn and turn_started_ms must be both set or both empty".into(),
            ));
        }
    };
    let completion: Option<String> = get(row, "completion")?;
    let completion = match completion.as_deref() {
        None => None,
        Some(TURN_COMPLETE) => {
            let turn = get_opt_u32(row, "completion_turn")?.ok_or_else(|| {
                StoreError::Corrupt("turn_complete without completion_turn".into())
            })?;
            Some(Completion::TurnComplete { turn })
        }
        Some(EXERCISE_COMPLETE) => Some(Completion::ExerciseComplete),
        Some(other) => {
            return Err(StoreError::Corrupt(format!(
                "exercise completion {other:?} is unknown"
            )));
        }
    };
    Ok(Runtime {
        state,
        clock: clock_from_row(row)?,
        run: get_u32(row, "run")?,
        turn,
        completion,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_columns_cover_every_field() {
        let runtime = Runtime {
            state: ExerciseState::Paused,
            clock: Clock {
                base_elapsed_ms: 90_000,
                running_since: None,
                speed: Speed::from_milli(2_000).unwrap(),
            },
            run: 3,
            turn: Some(TurnProgress {
                current: 2,
                started_at_ms: 60_000,
            }),
            completion: Some(Completion::TurnComplete { turn: 2 }),
        };
        let cols = RuntimeColumns::new(&runtime).unwrap();
        assert_eq!(cols.state, "paused");
        assert_eq!(cols.completion, Some("turn_complete"));
        assert_eq!(cols.completion_turn, Some(2));
        assert_eq!(cols.turn_started_ms, Some(60_000));
        assert_eq!(cols.speed_milli, 2_000);
    }

    #[test]
    fn elapsed_beyond_bigint_is_refused() {
        let mut runtime = Runtime::deployed(Speed::NORMAL);
        runtime.clock.base_elapsed_ms = u64::MAX;
        assert!(RuntimeColumns::new(&runtime).is_err());
    }
}
