//! SSE fan-out: how many browsers one team dashboard serves, and what it costs.
//!
//! Runs a whole SCIP in this process (SQLite in a temporary folder, the embedded broker, one
//! embedded team dashboard), signs in once, then starts a child process that opens
//! `--connections` Server-Sent Events streams to the dashboard — as many browsers would — and
//! reports every delivery each stream receives. This process fires `--injects` live injects one
//! after another and, for each, waits until every stream has it. It prints how many streams
//! got every inject, the fan-out latency (inject committed → event read by the client, system
//! clock of one host) and the resident memory of the server process before and with the
//! streams open. The clients live in the child, so their memory is not counted.
//!
//! ```sh
//! cargo build -p scip-bench --bin sse_fanout
//! ulimit -n 4096   # each stream is a socket on both sides
//! target/debug/sse_fanout --connections 500 --injects 5
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use futures::StreamExt;
use hdrhistogram::Histogram;
use scip_core::engine::{Command, Speed};
use scip_core::model::{
    Content, Inject, Mode, News, Priority, Scenario, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};
use scip_engine::{LaunchRequest, LiveContent, Request};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{DashboardHealth, DashboardRuntime, VersionNote};
use tokio::io::{AsyncBufReadExt, BufReader};

#[derive(Parser)]
#[command(about = "SSE fan-out of one team dashboard")]
struct Cli {
    #[command(subcommand)]
    mode: Option<Mode2>,
    /// Streams (browsers) to open.
    #[arg(long, default_value_t = 500)]
    connections: usize,
    /// Live injects to fire, one after another.
    #[arg(long, default_value_t = 5)]
    injects: u64,
}

#[derive(Subcommand)]
enum Mode2 {
    /// (internal) the client side, run as a child process.
    Clients {
        #[arg(long)]
        url: String,
        #[arg(long)]
        cookie: String,
        #[arg(long)]
        connections: usize,
    },
}

fn now_ns() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.mode {
        Some(Mode2::Clients {
            url,
            cookie,
            connections,
        }) => runtime.block_on(clients(url, cookie, connections)),
        None => runtime.block_on(server(cli.connections, cli.injects)),
    }
}

/// One stream: reads events, reports `ready <i>` after its first clock and `got <i> <seq> <ns>`
/// for every delivery.
async fn stream(
    client: reqwest::Client,
    url: String,
    cookie: String,
    index: usize,
    out: tokio::sync::mpsc::UnboundedSender<String>,
) {
    let response = match client
        .get(format!("{url}events?view=all"))
        .header("cookie", cookie)
        .send()
        .await
    {
        Ok(r) => r,
        Err(e) => {
            let _ = out.send(format!("error {index} {e}"));
            return;
        }
    };
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    let mut ready = false;
    while let Some(Ok(chunk)) = body.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let name = block
                .lines()
                .find_map(|l| l.strip_prefix("event:"))
                .map(str::trim);
            match name {
                Some("timer") if !ready => {
                    ready = true;
                    let _ = out.send(format!("ready {index}"));
                }
                Some("delivery") => {
                    let at = now_ns();
                    let seq = block
                        .lines()
                        .find_map(|l| l.strip_prefix("id:"))
                        .and_then(|id| id.trim().split(':').nth(1)?.parse::<u64>().ok())
                        .unwrap_or(0);
                    let _ = out.send(format!("got {index} {seq} {at}"));
                }
                _ => {}
            }
        }
    }
    let _ = out.send(format!("closed {index}"));
}

async fn clients(url: String, cookie: String, connections: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .build()?;
    let (out, mut lines) = tokio::sync::mpsc::unbounded_channel();
    for index in 0..connections {
        tokio::spawn(stream(
            client.clone(),
            url.clone(),
            cookie.clone(),
            index,
            out.clone(),
        ));
    }
    drop(out);
    let mut stdout = std::io::stdout();
    while let Some(line) = lines.recv().await {
        use std::io::Write as _;
        writeln!(stdout, "{line}")?;
    }
    Ok(())
}

fn scenario() -> Scenario {
    Scenario {
        id: ScenarioId::new("fanout").unwrap(),
        name: "SSE fan-out".into(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: vec![Team {
            id: TeamId::new("room").unwrap(),
            name: "Crisis Room".into(),
            color: "#0f6e8c".into(),
            kind: TeamKind::Player,
            dashboard_port: None,
            resources: TeamResources::default(),
            description: None,
            timeline: vec![Inject {
                id: InjectId::new("later").unwrap(),
                at_ms: 24 * 3_600_000,
                turn: None,
                priority: Priority::Medium,
                content: Content::News(News {
                    headline: "Later".into(),
                    body: "Later".into(),
                    source: "Wire".into(),
                    ..News::default()
                }),
                media: vec![],
                notes: None,
                expected_action: None,
            }],
        }],
    }
}

async fn server(connections: usize, injects: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let first = 21_000 + (rand::random::<u16>() % 30_000);
    let kept = Arc::new(Mutex::new(None));
    let slot = kept.clone();
    let factory = DashboardManager::factory(
        HostSettings {
            port_range: PortRange::new(first, first + 20).unwrap(),
            public_host: "127.0.0.1".into(),
            secure_cookies: false,
            process: None,
            docker: None,
            health_every: Duration::from_secs(2),
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
            jwt_secret: "sse-fanout-bench-secret-0123456789abcdef".into(),
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
    let manager = kept.lock().unwrap().take().context("dashboard host")?;
    let store = app.state.store.clone();
    let engine = app.state.engine.clone();
    store
        .create_scenario(&scenario(), &VersionNote::by("bench"), 0)
        .await?;
    let exercise = engine
        .launch(LaunchRequest {
            scenario: ScenarioId::new("fanout")?,
            version: None,
            name: None,
            speed: Speed::NORMAL,
            runtime: DashboardRuntime::Embedded,
            actor: None,
        })
        .await?
        .id;
    let mut changes = manager.changes();
    let team = loop {
        let teams = store.exercise_teams(&exercise).await?;
        if teams[0].health == DashboardHealth::Healthy {
            break teams[0].clone();
        }
        changes.changed().await?;
    };
    engine
        .execute(&exercise, Request::Control(Command::Start), "bench")
        .await?;
    let url = team.dashboard_url.clone().context("dashboard URL")?;
    let sign_in = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{url}sign-in"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("code={}&next=%2F", team.access_code))
        .send()
        .await?;
    let cookie = sign_in.headers()["set-cookie"]
        .to_str()?
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned();
    let me = std::process::id();
    let rss_idle = rss_kib(me);

    let mut child = tokio::process::Command::new(std::env::current_exe()?)
        .args([
            "clients",
            "--url",
            &url,
            "--cookie",
            &cookie,
            "--connections",
            &connections.to_string(),
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("child output")?).lines();
    let started = std::time::Instant::now();
    let mut ready = 0;
    let mut errors = 0;
    while ready + errors < connections {
        let line = lines.next_line().await?.context("clients ended early")?;
        if line.starts_with("ready ") {
            ready += 1;
        } else if line.starts_with("error ") {
            errors += 1;
            eprintln!("{line}");
        }
    }
    let connect_time = started.elapsed();
    // Let presence and buffers settle before measuring.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_connected = rss_kib(me);
    let viewers = store.exercise_teams(&exercise).await?[0].viewers;

    let mut histogram = Histogram::<u64>::new(3)?;
    let mut complete = 0;
    for i in 1..=injects {
        let sent = now_ns();
        engine
            .execute(
                &exercise,
                Request::LiveInject {
                    teams: vec![team.team_id.clone()],
                    live: Box::new(LiveContent {
                        content: Content::News(News {
                            headline: format!("Fan-out {i}"),
                            body: "x".into(),
                            source: "Bench".into(),
                            ..News::default()
                        }),
                        priority: Priority::High,
                        media: vec![],
                    }),
                },
                "bench",
            )
            .await?;
        let mut got: HashMap<usize, u128> = HashMap::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while got.len() < ready {
            let Ok(line) = tokio::time::timeout_at(deadline, lines.next_line()).await else {
                break;
            };
            let Some(line) = line? else { break };
            let parts: Vec<&str> = line.split_whitespace().collect();
            if parts.len() == 4 && parts[0] == "got" && parts[2] == i.to_string() {
                let at: u128 = parts[3].parse()?;
                got.insert(parts[1].parse()?, at);
            }
        }
        if got.len() == ready {
            complete += 1;
        }
        for at in got.values() {
            histogram.record(((at.saturating_sub(sent)) / 1_000) as u64)?;
        }
        println!("inject {i}: {}/{ready} streams received it", got.len());
    }
    let _ = child.kill().await;
    println!();
    println!(
        "streams opened:            {ready} of {connections} ({errors} failed) in {:.2} s",
        connect_time.as_secs_f64()
    );
    println!("viewers reported:          {viewers}");
    println!("injects received by all:   {complete} of {injects}");
    println!(
        "fan-out latency (µs):      p50 {} · p90 {} · p99 {} · max {}",
        histogram.value_at_quantile(0.5),
        histogram.value_at_quantile(0.9),
        histogram.value_at_quantile(0.99),
        histogram.max()
    );
    println!(
        "server RSS, dashboard idle: {:.1} MiB",
        rss_idle as f64 / 1024.0
    );
    println!(
        "server RSS, streams open:   {:.1} MiB (+{:.1} KiB per stream)",
        rss_connected as f64 / 1024.0,
        (rss_connected.saturating_sub(rss_idle)) as f64 / ready.max(1) as f64
    );
    app.shutdown(Duration::from_secs(5)).await;
    Ok(())
}
