//! SCIP's exercise engine driver: the async edge around the pure engine of `scip-core`.
//!
//! - [`clock`]: wall time derived from a monotonic clock.
//! - [`hub`]: live updates between processes (broadcast channel, Redis).

pub mod clock;
pub mod hub;
