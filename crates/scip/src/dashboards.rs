//! Which team-dashboard host a process uses.

use std::sync::Arc;

use scip_engine::{DashboardHost, NoDashboards};
use scip_server::app::AppConfig;

use crate::config::Config;

/// The dashboard host for this configuration.
pub fn host_for(_config: &Config, _app: &AppConfig) -> anyhow::Result<Arc<dyn DashboardHost>> {
    Ok(Arc::new(NoDashboards))
}

/// The dashboard runtime new exercises use.
pub fn runtime_of(config: &Config) -> scip_store::DashboardRuntime {
    match config.dashboards.runtime {
        crate::config::RuntimeKind::Embedded => scip_store::DashboardRuntime::Embedded,
        crate::config::RuntimeKind::Process => scip_store::DashboardRuntime::Process,
        crate::config::RuntimeKind::Docker => scip_store::DashboardRuntime::Docker,
    }
}
