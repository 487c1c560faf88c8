//! SCIP's HTTP side: the API, authentication, the control portal, team dashboards and the
//! runtimes that host them.
//!
//! - [`auth`]: passwords, signed tokens, attempt limits.
//! - [`error`]: the API's error type.
//! - [`shared`]: state shared between replicas (Redis or memory).

pub mod auth;
pub mod error;
pub mod shared;
