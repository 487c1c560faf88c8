//! SCIP's HTTP side: the API, authentication, the control portal, team dashboards and the
//! runtimes that host them.
//!
//! - [`app`]: building and running a whole SCIP process (binary and tests).
//! - [`api`]: `/api/v2` (one module per resource) and the SCIP v3 compatible `/api/v1`.
//! - [`auth`]: passwords, signed tokens, sessions, team access, attempt limits.
//! - [`dashboard`]: a team dashboard (pages, live stream, receipts, presence), the same code
//!   in every runtime.
//! - [`error`]: the API's error type.
//! - [`media`]: the media library's files (checked uploads, safe names).
//! - [`import`]: storing a scenario read from any format, with its media.
//! - [`metrics`]: request counters and histograms in Prometheus text format.
//! - [`openapi`]: the OpenAPI document generated from the handlers.
//! - [`runtime`]: team dashboard runtimes (embedded, process, Docker), port allocation, and
//!   the host that deploys an exercise's dashboards.
//! - [`shared`]: state shared between replicas (Redis or memory).
//! - [`state`]: the state handlers receive; [`router`]: every route; [`serve`]: the listener
//!   loop; [`ops`]: health, readiness and metrics; [`telemetry`]: request ids and request logs.
//! - [`assets`]: the design system's CSS, JavaScript and icon sprite, embedded in the binary,
//!   with cache-busting URLs and a handler that serves them.
//! - [`view`]: the data every page hands to the shared layouts (`base.html`,
//!   `portal/layout.html`, `dashboard/layout.html`, `dashboard/wall.html`): document, portal
//!   and dashboard shells, navigation, the T+ timer, team colours and QR codes.
//!
//! Templates live in `templates/` (askama) and assets in `assets/`; `docs/design.md`
//! describes the design system page builders follow.

pub mod api;
pub mod app;
pub mod assets;
pub mod auth;
pub mod dashboard;
pub mod error;
pub mod import;
pub mod media;
pub mod metrics;
pub mod openapi;
pub mod ops;
pub mod portal;
pub mod router;
pub mod runtime;
pub mod serve;
pub mod shared;
pub mod state;
pub mod telemetry;
pub mod view;
