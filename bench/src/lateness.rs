//! Fire lateness: how long after its scheduled instant an inject reaches an MQTT subscriber,
//! through the whole production path — engine timer, store step (outbox), relay, broker,
//! subscriber on loopback. Also counts lost and duplicated deliveries.
//!
//! ```text
//! cargo run --release -p scip-bench --bin lateness -- all            # every standard case
//! cargo run --release -p scip-bench --bin lateness -- run --teams 10 --injects 200 --broker mosquitto
//! cargo run --release -p scip-bench --bin lateness -- burst --count 5000 --broker embedded
//! ```
//!
//! The SQLite database lives in a temporary folder; `--postgres URL` uses a PostgreSQL server
//! instead (a fresh database is created). Mosquitto runs as a private process on free ports.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::{Parser, Subcommand, ValueEnum};
use hdrhistogram::Histogram;
use scip_bus::mosquitto::{
    DEFAULT_ITERATIONS, ProvisionerConfig, ReloadMethod, conf_snippet, render_static_files,
};
use scip_bus::payload::DeliveryPayload;
use scip_bus::{ClientConfig, Credential, MqttClient, Principal, Qos, TopicKind, TopicLayout};
use scip_core::engine::{Command, Speed};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};
use scip_engine::{EngineConfig, LaunchRequest, Request};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::state::ServerSettings;
use scip_store::{DashboardRuntime, VersionNote};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    about = "Measure SCIP's fire lateness: scheduled instant → received by an MQTT subscriber"
)]
struct Cli {
    /// How the measuring subscribers connect.
    #[arg(long, value_enum, global = true, default_value_t = Subscribers::One)]
    subscribers: Subscribers,
    #[command(subcommand)]
    what: What,
}

/// How the measuring subscribers connect.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum Subscribers {
    /// One connection per team, subscribed to its feed, as team dashboards are.
    PerTeam,
    /// One connection subscribed to every team's feed.
    One,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum, Debug)]
enum BrokerKind {
    Embedded,
    Mosquitto,
}

#[derive(Subcommand)]
enum What {
    /// A steady schedule: `teams` × `injects`, every team firing at the same instants.
    Run {
        #[arg(long, default_value_t = 10)]
        teams: usize,
        #[arg(long, default_value_t = 200)]
        injects: usize,
        /// Gap between a team's injects, ms.
        #[arg(long, default_value_t = 50)]
        gap_ms: u64,
        #[arg(long, value_enum, default_value_t = BrokerKind::Embedded)]
        broker: BrokerKind,
        /// PostgreSQL server URL (default: SQLite in a temporary folder).
        #[arg(long)]
        postgres: Option<String>,
    },
    /// A burst: `count` injects spread over `teams`, all due at the same instant.
    Burst {
        #[arg(long, default_value_t = 5_000)]
        count: usize,
        #[arg(long, default_value_t = 50)]
        teams: usize,
        #[arg(long, value_enum, default_value_t = BrokerKind::Embedded)]
        broker: BrokerKind,
        #[arg(long)]
        postgres: Option<String>,
    },
    /// Every standard case on both brokers, printed as a Markdown table.
    All {
        #[arg(long)]
        postgres: Option<String>,
    },
}

const USER: &str = "scip-engine";
const PASSWORD: &str = "benchmark-engine-password";

struct Case {
    name: String,
    teams: usize,
    per_team: usize,
    first_ms: u64,
    gap_ms: u64,
    broker: BrokerKind,
    postgres: Option<String>,
    subscribers: Subscribers,
}

#[derive(Debug)]
struct Outcome {
    name: String,
    broker: BrokerKind,
    expected: usize,
    received: usize,
    duplicates: usize,
    lost: usize,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
    max_us: u64,
    /// Last arrival after the (common) due instant, for bursts.
    span_us: u64,
    rss_mb: f64,
}

fn scenario(case: &Case) -> Scenario {
    Scenario {
        id: ScenarioId::new("bench").unwrap(),
        name: case.name.clone(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: (0..case.teams)
            .map(|t| Team {
                id: TeamId::new(format!("t{t}")).unwrap(),
                name: format!("Team {t}"),
                color: "#2563eb".into(),
                kind: TeamKind::Player,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline: (0..case.per_team)
                    .map(|i| Inject {
                        id: InjectId::new(format!("i{i}")).unwrap(),
                        at_ms: case.first_ms + case.gap_ms * i as u64,
                        turn: None,
                        priority: Priority::Medium,
                        content: Content::Sms(Sms {
                            from: "Bench".into(),
                            body: "A typical short message of about eighty characters, for a realistic payload.".into(),
                            ..Sms::default()
                        }),
                        media: vec![],
                        notes: None,
                        expected_action: None,
                    })
                    .collect(),
            })
            .collect(),
    }
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .map(|l| l.to_owned())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn measure(case: Case) -> anyhow::Result<Outcome> {
    let dir = tempfile::tempdir()?;
    let layout = TopicLayout::default();
    // Mosquitto, when asked for, with SCIP's password and ACL files.
    let mosquitto = match case.broker {
        BrokerKind::Embedded => None,
        BrokerKind::Mosquitto => {
            let engine = Credential::new(USER, PASSWORD, Principal::Engine)?;
            let files =
                render_static_files(&layout, std::slice::from_ref(&engine), DEFAULT_ITERATIONS);
            let (passwd, acl, pid) = (
                dir.path().join("passwd"),
                dir.path().join("acl"),
                dir.path().join("mosquitto.pid"),
            );
            std::fs::write(&passwd, files.password_file)?;
            std::fs::write(&acl, files.acl_file)?;
            let extra = format!(
                "{}\nmax_queued_messages 100000\nmax_inflight_messages 0\n",
                conf_snippet(&passwd, &acl, Some(&pid))
            );
            Some((
                scip_testkit::Mosquitto::start(&extra, |_| {}),
                passwd,
                acl,
                pid,
            ))
        }
    };
    let pg = match &case.postgres {
        Some(server) => Some(scip_testkit::PgDatabase::create_on(server).await),
        None => None,
    };
    let database_url = match &pg {
        Some(db) => db.url.clone(),
        None => format!("sqlite://{}", dir.path().join("scip.db").display()),
    };
    let mqtt = match &mosquitto {
        None => MqttSetup::Embedded {
            tcp_port: 0,
            ws_port: 0,
        },
        Some((m, passwd, acl, pid)) => MqttSetup::External {
            host: "127.0.0.1".into(),
            port: m.port,
            user: USER.into(),
            password: PASSWORD.into(),
            provisioning: Some(ProvisionerConfig {
                password_file: passwd.clone(),
                acl_file: acl.clone(),
                reload: ReloadMethod::PidFile(pid.clone()),
                layout: layout.clone(),
                iterations: DEFAULT_ITERATIONS,
            }),
        },
    };
    let config = AppConfig {
        role: Role::All,
        database_url,
        redis_url: None,
        bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
        api_port: 0,
        client_port: None,
        orchestration_port: None,
        mqtt,
        topic_prefix: String::new(),
        jwt_secret: "benchmark-secret-benchmark-secret-0123".into(),
        settings: ServerSettings {
            media_path: dir.path().join("media"),
            ..ServerSettings::default()
        },
        engine: EngineConfig::default(),
        owner: "bench".into(),
    };
    let app = RunningApp::start_without_dashboards(config)
        .await
        .context("start SCIP")?;
    let (user, password) = app.engine_credentials.clone();
    let port = match (&mosquitto, app.broker_tcp) {
        (Some((m, ..)), _) => m.port,
        (None, Some(addr)) => addr.port(),
        (None, None) => anyhow::bail!("no broker address"),
    };

    let cancel = CancellationToken::new();
    let s = scenario(&case);
    let expected = s.inject_count();
    let state = app.state.clone();
    state
        .store
        .create_scenario(&s, &VersionNote::by("bench"), 0)
        .await?;
    let record = state
        .engine
        .launch(LaunchRequest {
            scenario: s.id.clone(),
            version: None,
            name: None,
            speed: Speed::NORMAL,
            runtime: DashboardRuntime::Embedded,
            actor: Some("bench".into()),
        })
        .await?;
    // Subscribers as dashboards have them: one connection per team, each stamping what it
    // reads; or one connection reading every team's feed. Stamped messages meet in one queue.
    let (stamped_tx, mut stamped) = tokio::sync::mpsc::unbounded_channel::<(u64, Vec<u8>)>();
    let filters: Vec<String> = match case.subscribers {
        Subscribers::PerTeam => s
            .teams
            .iter()
            .map(|t| layout.feed(&record.id, &t.id))
            .collect(),
        Subscribers::One => vec![layout.all_teams_filter(TopicKind::Feed)],
    };
    let mut subscribers = Vec::with_capacity(filters.len());
    for (i, filter) in filters.iter().enumerate() {
        let mut config = ClientConfig::tcp("127.0.0.1", port, format!("bench-subscriber-{i}"))
            .credentials(user.clone(), password.clone());
        config.inbox_capacity = 200_000;
        let (client, mut inbox) = MqttClient::start(config, cancel.clone())?;
        client.wait_connected().await?;
        client.subscribe(filter, Qos::AtLeastOnce).await?;
        let tx = stamped_tx.clone();
        tokio::spawn(async move {
            while let Some(msg) = inbox.recv().await {
                if tx.send((now_us(), msg.payload)).is_err() {
                    return;
                }
            }
        });
        subscribers.push(client);
    }
    drop(stamped_tx);
    // Let the orchestrator take the exercise before the clock starts.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = state
        .engine
        .execute(&record.id, Request::Control(Command::Start), "bench")
        .await?;
    let since_ms = started
        .exercise
        .runtime
        .clock
        .running_since
        .context("clock not running")?;
    let start_us = since_ms as u64 * 1_000;

    // Messages are only stamped and kept while they arrive; parsing waits until the end.
    let mut raw: Vec<(u64, Vec<u8>)> = Vec::with_capacity(expected);
    let last_due_ms = case.first_ms + case.gap_ms * (case.per_team as u64).saturating_sub(1);
    let deadline =
        tokio::time::Instant::now() + Duration::from_millis(last_due_ms) + Duration::from_secs(20);
    while raw.len() < expected {
        match tokio::time::timeout_at(deadline, stamped.recv()).await {
            Ok(Some(stamped)) => raw.push(stamped),
            _ => break,
        }
    }
    // Anything arriving a little later is a duplicate (or a straggler) worth counting.
    while let Ok(Some(late)) =
        tokio::time::timeout(Duration::from_millis(300), stamped.recv()).await
    {
        raw.push(late);
    }
    let mut arrivals: HashMap<(String, u64), (u64, u64)> = HashMap::with_capacity(expected);
    let mut duplicates = 0;
    for (received, payload) in raw {
        let p = DeliveryPayload::parse(&payload)?;
        let due_us = start_us + p.scheduled_ms.unwrap_or(0) * 1_000;
        if arrivals
            .insert((p.team_id.to_string(), p.seq), (due_us, received))
            .is_some()
        {
            duplicates += 1;
        }
    }
    let mut histogram = Histogram::<u64>::new(3)?;
    let mut span_us = 0;
    for (due, got) in arrivals.values() {
        let lateness = got.saturating_sub(*due);
        histogram.record(lateness.max(1))?;
        span_us = span_us.max(lateness);
    }
    let outcome = Outcome {
        name: case.name,
        broker: case.broker,
        expected,
        received: arrivals.len(),
        duplicates,
        lost: expected - arrivals.len(),
        p50_us: histogram.value_at_quantile(0.50),
        p90_us: histogram.value_at_quantile(0.90),
        p99_us: histogram.value_at_quantile(0.99),
        max_us: histogram.max(),
        span_us,
        rss_mb: rss_mb(),
    };
    cancel.cancel();
    app.shutdown(Duration::from_secs(5)).await;
    drop(mosquitto);
    drop(pg);
    Ok(outcome)
}

fn ms(us: u64) -> String {
    format!("{:.2}", us as f64 / 1000.0)
}

fn header() {
    println!(
        "| case | broker | injects | received | lost | dup | p50 ms | p90 ms | p99 ms | max ms | last arrival ms | RSS MB |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
}

fn row(o: &Outcome) {
    println!(
        "| {} | {:?} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.0} |",
        o.name,
        o.broker,
        o.expected,
        o.received,
        o.lost,
        o.duplicates,
        ms(o.p50_us),
        ms(o.p90_us),
        ms(o.p99_us),
        ms(o.max_us),
        ms(o.span_us),
        o.rss_mb
    );
}

fn steady(
    name: &str,
    teams: usize,
    per_team: usize,
    gap_ms: u64,
    broker: BrokerKind,
    postgres: Option<String>,
) -> Case {
    Case {
        name: name.into(),
        teams,
        per_team,
        first_ms: 1_000,
        gap_ms,
        broker,
        postgres,
        subscribers: Subscribers::One,
    }
}

fn burst(count: usize, teams: usize, broker: BrokerKind, postgres: Option<String>) -> Case {
    Case {
        name: format!("burst of {count} at one instant"),
        teams,
        per_team: count.div_ceil(teams),
        first_ms: 1_000,
        gap_ms: 0,
        broker,
        postgres,
        subscribers: Subscribers::One,
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let cases = match cli.what {
            What::Run {
                teams,
                injects,
                gap_ms,
                broker,
                postgres,
            } => {
                vec![steady(
                    &format!("{teams} teams × {injects} injects"),
                    teams,
                    injects,
                    gap_ms,
                    broker,
                    postgres,
                )]
            }
            What::Burst {
                count,
                teams,
                broker,
                postgres,
            } => vec![burst(count, teams, broker, postgres)],
            What::All { postgres } => {
                let mut all = Vec::new();
                for broker in [BrokerKind::Embedded, BrokerKind::Mosquitto] {
                    all.push(steady(
                        "10 teams × 200 injects",
                        10,
                        200,
                        50,
                        broker,
                        postgres.clone(),
                    ));
                    all.push(steady(
                        "100 teams × 1,000 injects",
                        100,
                        1_000,
                        20,
                        broker,
                        postgres.clone(),
                    ));
                    all.push(burst(5_000, 50, broker, postgres.clone()));
                }
                all
            }
        };
        header();
        for mut case in cases {
            case.subscribers = cli.subscribers;
            let outcome = measure(case).await?;
            row(&outcome);
        }
        Ok(())
    })
}
