//! The engine's one error type.

use scip_core::engine::CommandError;
use scip_store::StoreError;

/// Why an engine operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The command is not possible now (state, unknown inject, seek backwards…).
    #[error(transparent)]
    Command(#[from] CommandError),
    /// Storage failed, or something was not found or conflicted.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request itself is wrong (no such team, empty target list, bad content…).
    #[error("{0}")]
    Invalid(String),
    /// Another writer kept winning the race; the command was not applied.
    #[error("the exercise changed {0} times while applying the command; try again")]
    Contended(u32),
    /// The MQTT side failed.
    #[error(transparent)]
    Bus(#[from] scip_bus::BusError),
}
