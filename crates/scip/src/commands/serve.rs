//! `scip serve`: run SCIP — the all-in-one server by default, or one role of a distributed
//! deployment.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use scip_bus::mosquitto::{ProvisionerConfig, ReloadMethod};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp, StartError};
use scip_server::state::ServerSettings;
use serde::Serialize;

use crate::config::{AppEnv, Config};

/// Arguments of `scip serve`.
#[derive(Debug, Clone, clap::Args, Default)]
pub struct Args {
    /// Which parts to run: all (default), api, orchestrator or portal.
    #[arg(long, default_value = "all", value_parser = ["all", "api", "orchestrator", "portal"])]
    pub role: String,
    /// Shared listener flags.
    #[command(flatten)]
    pub listen: ListenArgs,
}

/// Flags that override where SCIP listens and keeps its data.
#[derive(Debug, Clone, clap::Args, Default, Serialize)]
pub struct ListenArgs {
    /// Data folder (SQLite database, media) [env: SCIP_DATA].
    #[arg(long = "data", value_name = "DIR")]
    #[serde(rename = "data_dir", skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<std::path::PathBuf>,
    /// Address to listen on [env: SCIP_BIND].
    #[arg(long, value_name = "IP")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<std::net::IpAddr>,
    /// API port [env: API_PORT].
    #[arg(long, value_name = "PORT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_port: Option<u16>,
    /// Control portal port [env: CLIENT_PORT].
    #[arg(long, value_name = "PORT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_port: Option<u16>,
    /// Orchestrator health port [env: ORCHESTRATION_PORT].
    #[arg(long, value_name = "PORT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orchestration_port: Option<u16>,
    /// Host name put in links given to participants [env: PUBLIC_HOST].
    #[arg(long, value_name = "HOST")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_host: Option<String>,
    /// MQTT flags.
    #[command(flatten)]
    #[serde(skip_serializing_if = "MqttFlags::is_empty")]
    pub mqtt: MqttFlags,
}

/// MQTT port flags.
#[derive(Debug, Clone, clap::Args, Default, Serialize)]
pub struct MqttFlags {
    /// Embedded broker MQTT/TCP port, or the external broker's port [env: MQTT_PORT].
    #[arg(long = "mqtt-port", value_name = "PORT")]
    #[serde(rename = "port", skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Embedded broker MQTT/WebSocket port [env: MQTT_WS_PORT].
    #[arg(long = "mqtt-ws-port", value_name = "PORT")]
    #[serde(rename = "ws_port", skip_serializing_if = "Option::is_none")]
    pub ws_port: Option<u16>,
}

impl MqttFlags {
    fn is_empty(&self) -> bool {
        self.port.is_none() && self.ws_port.is_none()
    }
}

/// The configuration for a process started with these flags.
pub fn load_config(
    file: Option<&std::path::Path>,
    listen: &ListenArgs,
) -> Result<Config, crate::config::ConfigError> {
    Config::load(file, listen)
}

/// The [`AppConfig`] for a role.
pub fn app_config(config: &Config, role: Role) -> anyhow::Result<AppConfig> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            config.data_dir.display()
        )
    })?;
    let media_path = config.media_path();
    std::fs::create_dir_all(&media_path)
        .with_context(|| format!("cannot create the media folder {}", media_path.display()))?;
    let mqtt = match &config.mqtt.host {
        None => MqttSetup::Embedded {
            tcp_port: config.mqtt.port,
            ws_port: config.mqtt.ws_port,
        },
        Some(host) => MqttSetup::External {
            host: host.clone(),
            port: config.mqtt.port,
            user: config
                .mqtt
                .user
                .clone()
                .unwrap_or_else(|| "scip-engine".into()),
            password: config
                .mqtt
                .password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .context("MQTT_PASSWORD must be set when MQTT_HOST names an external broker")?,
            provisioning: match (&config.mosquitto.password_file, &config.mosquitto.acl_file) {
                (Some(password_file), Some(acl_file)) => Some(ProvisionerConfig {
                    password_file: password_file.clone(),
                    acl_file: acl_file.clone(),
                    reload: match &config.mosquitto.pid_file {
                        Some(pid) => ReloadMethod::PidFile(pid.clone()),
                        None => ReloadMethod::Manual,
                    },
                    layout: scip_bus::TopicLayout::new(&config.mqtt.topic_prefix)
                        .map_err(|e| anyhow::anyhow!("MQTT_TOPIC_PREFIX: {e}"))?,
                    iterations: scip_bus::mosquitto::DEFAULT_ITERATIONS,
                }),
                _ => None,
            },
        },
    };
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "scip".into());
    Ok(AppConfig {
        role,
        database_url: config.database_url(),
        redis_url: config.redis_url.clone(),
        bind: config.bind,
        api_port: config.api_port,
        client_port: matches!(role, Role::All | Role::Portal).then_some(config.client_port),
        orchestration_port: matches!(role, Role::Orchestrator).then_some(config.orchestration_port),
        mqtt,
        topic_prefix: config.mqtt.topic_prefix.clone(),
        jwt_secret: config.jwt_secret.expose().to_owned(),
        settings: ServerSettings {
            production: config.app_env == AppEnv::Production,
            media_path,
            public_host: config.public_host.clone(),
            dashboard_runtime: crate::dashboards::runtime_of(config),
            broker: match &config.mqtt.host {
                None => format!(
                    "embedded (TCP {}, WebSocket {})",
                    config.mqtt.port, config.mqtt.ws_port
                ),
                Some(h) => format!("external {h}:{}", config.mqtt.port),
            },
            ..ServerSettings::default()
        },
        engine: scip_engine::EngineConfig {
            turn_grace_ms: config.turn_grace_ms(),
            ..scip_engine::EngineConfig::default()
        },
        owner: format!("{host}:{}", std::process::id()),
    })
}

/// Explains a start-up failure, naming the flag to change for a taken port.
pub fn explain(error: &StartError) -> String {
    let flag = |what: &str| match what {
        "API" => "--api-port (API_PORT)",
        "portal" => "--client-port (CLIENT_PORT)",
        "orchestrator" => "--orchestration-port (ORCHESTRATION_PORT)",
        _ => "",
    };
    match error {
        StartError::Bind { what, addr, reason } => {
            format!(
                "port {} ({what}) is not available: {reason}; choose another with {}",
                addr.port(),
                flag(what)
            )
        }
        StartError::Bus(scip_bus::BusError::Bind { .. }) => {
            let text = error.to_string();
            let hint = if text.contains("WebSocket") {
                "--mqtt-ws-port (MQTT_WS_PORT)"
            } else {
                "--mqtt-port (MQTT_PORT)"
            };
            format!("{text}; choose another port with {hint}")
        }
        other => other.to_string(),
    }
}

/// Runs `scip serve`.
pub fn run(file: Option<&std::path::Path>, args: Args) -> ExitCode {
    let config = match load_config(file, &args.listen) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    crate::logging::init(&config);
    let role = Role::parse(&args.role).unwrap_or_default();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("scip: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let app_config = match app_config(&config, role) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("scip: {e:#}");
                return ExitCode::from(2);
            }
        };
        let host = match crate::dashboards::host_for(&config, &app_config) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("scip: {e:#}");
                return ExitCode::from(2);
            }
        };
        let app = match RunningApp::start_with_host(app_config, host).await {
            Ok(app) => app,
            Err(e) => {
                eprintln!("scip: {}", explain(&e));
                return ExitCode::FAILURE;
            }
        };
        let stop = shutdown_signal();
        print_listening(&app);
        let cancel = app.cancel_token();
        tokio::spawn(async move {
            stop.await;
            tracing::info!("shutting down");
            cancel.cancel();
        });
        app.run_until_stopped(Duration::from_secs(5)).await;
        ExitCode::SUCCESS
    })
}

fn print_listening(app: &RunningApp) {
    if let Some(a) = app.api_addr {
        tracing::info!("API listening on http://{a}");
    }
    if let Some(a) = app.client_addr {
        tracing::info!("control portal listening on http://{a}");
    }
    if let Some(a) = app.broker_tcp {
        tracing::info!("embedded MQTT broker on {a}");
    }
}

/// Resolves on Ctrl-C or SIGTERM. The signal handlers are installed when this is called, not
/// when the future is first polled: a Ctrl-C pressed right after a start-up message is caught.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(interrupt) => {}
                () = wait(terminate) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
