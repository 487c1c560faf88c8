//! Team dashboard runtimes (DESIGN §6). Dashboards run `embedded` (a listener per team in the
//! server), as `process`es (`scip dashboard --exercise E --team T`) or in `docker` containers,
//! one per team, chosen by each exercise's `dashboard_runtime` (`DASHBOARD_RUNTIME`).
//!
//! - [`host`]: the [`DashboardManager`](host::DashboardManager): deploys an exercise's
//!   dashboards on its runtime, allocates and records ports, URLs and health, tears them down.
//! - [`embedded`]: a dashboard inside this process.
//! - [`process`]: a `scip dashboard` child process, restarted when it dies.
//! - [`docker`]: the Docker runtime through the Docker Engine API.
//! - [`ports`]: choosing a team's dashboard port (fixed by the scenario or the first free one
//!   of `DASHBOARD_PORT_RANGE`); pure, plus a bind probe.

pub mod docker;
pub mod embedded;
pub mod host;
pub mod ports;
pub mod process;
