//! Which team-dashboard host a process uses: the [`DashboardManager`], with the runtimes this
//! configuration allows (embedded always; process with this executable; Docker when
//! `DASHBOARD_RUNTIME=docker` or a Docker host is configured).

use scip_server::app::{AppConfig, HostFactory};
use scip_server::runtime::docker::{DockerSettings, ServiceEndpoints};
use scip_server::runtime::host::{
    DashboardManager, DockerHostSettings, HostSettings, ProcessSettings,
};
use scip_server::runtime::ports::PortRange;

use crate::config::{Config, RuntimeKind};

/// The host settings for this configuration.
pub fn host_settings(config: &Config, app: &AppConfig) -> anyhow::Result<HostSettings> {
    let dashboards = &config.dashboards;
    let port_range = PortRange::new(dashboards.port_range.first, dashboards.port_range.last)
        .map_err(|e| anyhow::anyhow!("DASHBOARD_PORT_RANGE: {e}"))?;
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find this executable for dashboard processes: {e}"))?;
    let docker = (dashboards.runtime == RuntimeKind::Docker || dashboards.docker_host.is_some())
        .then(|| DockerHostSettings {
            docker_host: dashboards.docker_host.clone(),
            docker: DockerSettings {
                image: dashboards.image.clone(),
                network: dashboards.docker_network.clone(),
            },
            services: ServiceEndpoints {
                api_url: dashboards
                    .api_url
                    .clone()
                    .unwrap_or_else(|| format!("http://api:{}", config.api_port)),
                mqtt_ws_url: dashboards
                    .mqtt_ws_url
                    .clone()
                    .unwrap_or_else(|| format!("ws://mqtt:{}", config.mqtt.ws_port)),
                mqtt_host: dashboards
                    .mqtt_host
                    .clone()
                    .or_else(|| config.mqtt.host.clone())
                    .unwrap_or_else(|| "mqtt".into()),
                mqtt_port: config.mqtt.port,
                mqtt_topic_prefix: config.mqtt.topic_prefix.clone(),
                public_host: config.public_host.clone(),
            },
        });
    Ok(HostSettings {
        port_range,
        public_host: config.public_host.clone(),
        secure_cookies: app.settings.production,
        process: Some(ProcessSettings {
            program,
            api_url: dashboards.api_url.clone(),
            log_level: config.log_level.clone(),
        }),
        docker,
        health_every: scip_server::runtime::host::HEALTH_EVERY,
    })
}

/// The dashboard host for this configuration: a [`DashboardManager`] built once the
/// application's parts exist.
pub fn host_for(config: &Config, app: &AppConfig) -> anyhow::Result<HostFactory> {
    let settings = host_settings(config, app)?;
    Ok(DashboardManager::factory(settings, |_| {}))
}

/// The dashboard runtime new exercises use.
pub fn runtime_of(config: &Config) -> scip_store::DashboardRuntime {
    match config.dashboards.runtime {
        crate::config::RuntimeKind::Embedded => scip_store::DashboardRuntime::Embedded,
        crate::config::RuntimeKind::Process => scip_store::DashboardRuntime::Process,
        crate::config::RuntimeKind::Docker => scip_store::DashboardRuntime::Docker,
    }
}
