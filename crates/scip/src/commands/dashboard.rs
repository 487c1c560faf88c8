//! `scip dashboard`: one team's dashboard on its own port — the unit the process runtime
//! starts as a child and the Docker runtime runs in a container per team.
//!
//! It reaches SCIP only through the team-scoped API (`SCIP_API_URL` with
//! `SCIP_DASHBOARD_TOKEN`) and the broker (the team's own `MQTT_USER`/`MQTT_PASSWORD`); it
//! never gets database credentials. Settings come from flags or, as the runtimes pass them,
//! environment variables (docs/dashboard-runtimes.md).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use hmac::{Hmac, KeyInit, Mac};
use scip_bus::{ClientConfig, TopicLayout};
use scip_core::{ExerciseId, TeamId};
use scip_server::dashboard::feed::DEFAULT_RING_CAPACITY;
use scip_server::dashboard::source::{ApiFeed, FeedSource};
use scip_server::dashboard::{DashboardConfig, TeamDashboard};
use scip_server::runtime::process::{PORT_TAKEN_EXIT, READY_LINE};
use sha2::Sha256;
use tokio::io::AsyncReadExt;
use tokio_util::sync::CancellationToken;

use crate::config::AppEnv;

/// Arguments of `scip dashboard`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The exercise.
    #[arg(long, env = "EXERCISE_ID")]
    pub exercise: String,
    /// The team whose dashboard this is.
    #[arg(long, env = "TEAM_ID")]
    pub team: String,
    /// Port to listen on.
    #[arg(long, env = "DASHBOARD_PORT", default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, env = "SCIP_BIND", default_value_t = IpAddr::V4(Ipv4Addr::UNSPECIFIED))]
    pub bind: IpAddr,
    /// Stop when standard input closes (the process runtime's parent holds it open).
    #[arg(long)]
    pub watch_stdin: bool,
    /// The API, e.g. `http://api:8000`.
    #[arg(long, env = "SCIP_API_URL")]
    pub api_url: String,
    /// The dashboard token minted by the host for this exercise and team.
    #[arg(long, env = "SCIP_DASHBOARD_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Key signing the team's browser sessions (hex); derived from the token when unset.
    #[arg(long, env = "SCIP_SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,
    /// MQTT broker host.
    #[arg(long, env = "MQTT_HOST", default_value = "127.0.0.1")]
    pub mqtt_host: String,
    /// MQTT broker TCP port.
    #[arg(long, env = "MQTT_PORT", default_value_t = 1883)]
    pub mqtt_port: u16,
    /// The team's MQTT user name.
    #[arg(long, env = "MQTT_USER")]
    pub mqtt_user: String,
    /// The team's MQTT password.
    #[arg(long, env = "MQTT_PASSWORD", hide_env_values = true)]
    pub mqtt_password: String,
    /// Topic prefix.
    #[arg(long, env = "MQTT_TOPIC_PREFIX", default_value = "")]
    pub mqtt_topic_prefix: String,
    /// `production` marks session cookies Secure and logs JSON.
    #[arg(long, env = "APP_ENV", default_value = "development")]
    pub app_env: String,
    /// Log filter.
    #[arg(long, env = "LOG_LEVEL", default_value = "info")]
    pub log_level: String,
}

/// The session key: `SCIP_SESSION_KEY` when given (hex of 32 bytes), else derived from the
/// dashboard token, so a restarted process with the same token keeps its sessions.
fn session_key(args: &Args) -> anyhow::Result<[u8; 32]> {
    if let Some(hex_key) = &args.session_key {
        let bytes = hex::decode(hex_key.trim()).context("SCIP_SESSION_KEY is not hex")?;
        return bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("SCIP_SESSION_KEY must be 32 bytes (64 hex digits)"));
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(args.token.as_bytes())
        .map_err(|_| anyhow::anyhow!("the dashboard token cannot key a MAC"))?;
    mac.update(b"scip team session");
    Ok(mac.finalize().into_bytes().into())
}

fn config(args: &Args) -> anyhow::Result<DashboardConfig> {
    let exercise = ExerciseId::new(&args.exercise)
        .map_err(|e| anyhow::anyhow!("--exercise / EXERCISE_ID {:?}: {e}", args.exercise))?;
    let team = TeamId::new(&args.team)
        .map_err(|e| anyhow::anyhow!("--team / TEAM_ID {:?}: {e}", args.team))?;
    let layout = TopicLayout::new(&args.mqtt_topic_prefix)
        .map_err(|e| anyhow::anyhow!("MQTT_TOPIC_PREFIX: {e}"))?;
    let source = ApiFeed::new(&args.api_url, &exercise, &team, args.token.clone())
        .map_err(|e| anyhow::anyhow!("SCIP_API_URL {}: {e}", args.api_url))?;
    let client_id = scip_bus::client::unique_client_id(&format!("dash-{exercise}-{team}"));
    Ok(DashboardConfig {
        mqtt: ClientConfig::tcp(args.mqtt_host.clone(), args.mqtt_port, client_id)
            .credentials(args.mqtt_user.clone(), args.mqtt_password.clone()),
        source: FeedSource::Api(source),
        layout,
        session_secret: session_key(args)?,
        secure_cookies: args.app_env == "production",
        hub: None,
        ring_capacity: DEFAULT_RING_CAPACITY,
        startup_timeout: Duration::from_secs(30),
        exercise,
        team,
    })
}

/// Stops when standard input reaches its end (the parent closed it or died).
async fn stdin_closed() {
    let mut stdin = tokio::io::stdin();
    let mut buf = [0u8; 256];
    loop {
        match stdin.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Runs `scip dashboard`. Exit codes: 0 after a clean stop, 2 for unusable settings,
/// [`PORT_TAKEN_EXIT`] when the port is taken, 1 otherwise.
pub fn run(args: Args) -> ExitCode {
    let app_env = if args.app_env == "production" {
        AppEnv::Production
    } else {
        AppEnv::Development
    };
    crate::logging::init_with(&args.log_level, app_env);
    let config = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip dashboard: {e:#}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("scip dashboard: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("scip dashboard: port {} is not available: {e}; choose another with --port (DASHBOARD_PORT)", args.port);
                return ExitCode::from(PORT_TAKEN_EXIT as u8);
            }
        };
        // Watched from the start, so a parent that dies while the dashboard is still starting
        // (waiting for the API) takes it down too.
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let watch_stdin = args.watch_stdin;
        tokio::spawn(async move {
            tokio::select! {
                _ = crate::commands::serve::shutdown_signal() => {}
                _ = async { if watch_stdin { stdin_closed().await } else { std::future::pending().await } } => {
                    tracing::info!("standard input closed; stopping");
                }
            }
            stop.cancel();
        });
        let dashboard = match TeamDashboard::start(config, cancel.clone()).await {
            Ok(d) => d,
            Err(e) => {
                eprintln!("scip dashboard: {e}");
                return ExitCode::FAILURE;
            }
        };
        // The process runtime waits for this line before it counts the dashboard as started.
        println!("{READY_LINE} port={}", args.port);
        match dashboard.serve(listener).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("scip dashboard: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
