//! What an embedded team dashboard costs to start and to keep: launches an exercise of
//! `--teams` player teams on the embedded runtime in this process and reports how long until
//! every dashboard was healthy, and the resident memory before and after.
//!
//! ```sh
//! cargo build -p scip-bench --bin dashboard_start
//! target/debug/dashboard_start --teams 50
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use scip_core::engine::Speed;
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};
use scip_engine::LaunchRequest;
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{DashboardHealth, DashboardRuntime, VersionNote};

#[derive(Parser)]
#[command(about = "Start-up time and memory of embedded team dashboards")]
struct Cli {
    /// Teams (dashboards) in the exercise.
    #[arg(long, default_value_t = 50)]
    teams: usize,
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let dir = tempfile::tempdir()?;
    let first = 21_000 + (rand::random::<u16>() % 30_000);
    let kept = Arc::new(Mutex::new(None));
    let slot = kept.clone();
    let factory = DashboardManager::factory(
        HostSettings {
            port_range: PortRange::new(first, first + cli.teams as u16 + 50)?,
            public_host: "127.0.0.1".into(),
            secure_cookies: false,
            process: None,
            docker: None,
            health_every: Duration::from_millis(50),
        },
        move |m| *slot.lock().unwrap() = Some(m),
    );
    let app = RunningApp::start_with_host(
        AppConfig {
            role: Role::All,
            database_url: format!("sqlite://{}", dir.path().join("scip.db").display()),
            redis_url: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            api_port: 0,
            client_port: None,
            orchestration_port: None,
            mqtt: MqttSetup::Embedded {
                tcp_port: 0,
                ws_port: 0,
            },
            topic_prefix: String::new(),
            jwt_secret: "dashboard-start-bench-secret-0123456789".into(),
            settings: ServerSettings {
                media_path: dir.path().join("media"),
                ..ServerSettings::default()
            },
            engine: scip_engine::EngineConfig::default(),
            owner: "bench".into(),
        },
        factory,
    )
    .await?;
    let manager = kept.lock().unwrap().take().unwrap();
    let store = app.state.store.clone();
    let teams = (0..cli.teams)
        .map(|i| Team {
            id: TeamId::new(format!("team-{i}")).unwrap(),
            name: format!("Team {i}"),
            color: "#0f6e8c".into(),
            kind: TeamKind::Player,
            dashboard_port: None,
            resources: TeamResources::default(),
            description: None,
            timeline: vec![Inject {
                id: InjectId::new(format!("t{i}")).unwrap(),
                at_ms: 3_600_000,
                turn: None,
                priority: Priority::Medium,
                content: Content::Sms(Sms {
                    from: "Ops".into(),
                    body: "Later".into(),
                    ..Sms::default()
                }),
                media: vec![],
                notes: None,
                expected_action: None,
            }],
        })
        .collect();
    let scenario = Scenario {
        id: ScenarioId::new("start")?,
        name: "Dashboard start".into(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams,
    };
    store
        .create_scenario(&scenario, &VersionNote::by("bench"), 0)
        .await?;
    // Settle the process (broker, engine, pools) before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = rss_kib();
    let started = Instant::now();
    let exercise = app
        .state
        .engine
        .launch(LaunchRequest {
            scenario: scenario.id.clone(),
            version: None,
            name: None,
            speed: Speed::NORMAL,
            runtime: DashboardRuntime::Embedded,
            actor: None,
        })
        .await?
        .id;
    let mut changes = manager.changes();
    loop {
        let teams = store.exercise_teams(&exercise).await?;
        if teams.iter().all(|t| t.health == DashboardHealth::Healthy) {
            break;
        }
        changes.changed().await?;
    }
    let elapsed = started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss_kib();
    println!(
        "dashboards healthy:   {} in {:.0} ms ({:.1} ms each, started one after another)",
        cli.teams,
        elapsed.as_secs_f64() * 1000.0,
        elapsed.as_secs_f64() * 1000.0 / cli.teams as f64
    );
    println!(
        "process RSS:          {:.1} MiB before, {:.1} MiB with the dashboards ({:.0} KiB each)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        after.saturating_sub(before) as f64 / cli.teams as f64
    );
    app.shutdown(Duration::from_secs(5)).await;
    Ok(())
}
