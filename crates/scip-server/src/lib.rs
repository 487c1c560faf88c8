//! SCIP's HTTP side: the API, authentication, the control portal, team dashboards and the
//! runtimes that host them.
//!
//! - [`api`]: `/api/v2` (one module per resource) and the SCIP v3 compatible `/api/v1`.
//! - [`auth`]: passwords, signed tokens, sessions, team access, attempt limits.
//! - [`error`]: the API's error type.
//! - [`media`]: the media library's files (checked uploads, safe names).
//! - [`metrics`]: request counters and histograms in Prometheus text format.
//! - [`openapi`]: the OpenAPI document generated from the handlers.
//! - [`runtime`]: team dashboard runtimes: port allocation and the Docker runtime.
//! - [`shared`]: state shared between replicas (Redis or memory).
//! - [`state`]: the state handlers receive; [`router`]: every route; [`serve`]: the listener
//!   loop; [`ops`]: health, readiness and metrics; [`telemetry`]: request ids and request logs.

pub mod api;
pub mod app;
pub mod auth;
pub mod error;
pub mod media;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod router;
pub mod runtime;
pub mod serve;
pub mod shared;
pub mod state;
pub mod telemetry;
