//! SCIP's HTTP side: the API, authentication, the control portal, team dashboards and the
//! runtimes that host them.
//!
//! - [`auth`]: passwords, signed tokens, attempt limits.
//! - [`error`]: the API's error type.
//! - [`runtime`]: team dashboard runtimes: port allocation and the Docker runtime.
//! - [`shared`]: state shared between replicas (Redis or memory).
//! - [`state`]: the state handlers receive; [`router`]: every route; [`serve`]: the listener
//!   loop; [`ops`]: health and readiness.

pub mod app;
pub mod auth;
pub mod error;
pub mod ops;
pub mod router;
pub mod runtime;
pub mod serve;
pub mod shared;
pub mod state;
