//! Team dashboard runtimes' shared parts (DESIGN §6). Dashboards run `embedded` (a listener
//! per team in the server), as `process`es (`scip dashboard --exercise E --team T`) or in
//! `docker` containers, one per team, chosen by `DASHBOARD_RUNTIME`.
//!
//! - [`ports`]: choosing a team's dashboard port (fixed by the scenario or the first free one
//!   of `DASHBOARD_PORT_RANGE`); pure, plus a bind probe.
//! - [`docker`]: the Docker runtime through the Docker Engine API.

pub mod docker;
pub mod ports;
