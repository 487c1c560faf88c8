//! The Docker runtime: one container per team dashboard, driven through the Docker Engine API
//! (bollard), as the seed's `TeamDashboardManager`.
//!
//! - [`spec`]: the container as data ([`container_spec`]); pure.
//! - [`limits`]: memory and CPU limits in scenario notation; pure.
//! - [`status`]: reading health, team and port from the engine's answers; pure.
//! - [`DockerRuntime`]: the engine calls: [`used_ports`](DockerRuntime::used_ports),
//!   [`deploy`](DockerRuntime::deploy), [`health`](DockerRuntime::health),
//!   [`cleanup`](DockerRuntime::cleanup), [`adopt`](DockerRuntime::adopt).
//!
//! Containers are found again by their labels (`scip.type=team-dashboard`,
//! `scip.exercise`, `scip.team`), never by a list kept in memory, so an orchestrator that
//! restarts, or another one taking an exercise over, sees exactly what runs.

mod engine;
mod error;
pub mod limits;
pub mod spec;
pub mod status;

pub use engine::{DEFAULT_DOCKER_HOST, DEFAULT_REQUEST_TIMEOUT, DockerRuntime, STOP_GRACE_SECONDS};
pub use error::DockerError;
pub use spec::{
    DashboardContainer, DashboardCredentials, DashboardSpec, DashboardTeam, DockerSettings,
    ServiceEndpoints, SpecError, container_name, container_spec, dashboard_url,
};
pub use status::{DashboardHealth, DeployedDashboard, RunningDashboard, TeamHealth};
