//! The HTTP API.
//!
//! - [`v2`]: the JSON API under `/api/v2`.

pub mod v2;
