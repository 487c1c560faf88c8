//! A real `scip serve` process is killed with SIGKILL at random moments while an exercise
//! runs, and started again each time. An independent subscriber (on a Mosquitto broker that
//! outlives the engine) receives every inject exactly once by seq, and the timer continues
//! from the elapsed time the wall clock says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rand::RngExt;
use scip_bus::mosquitto::{DEFAULT_ITERATIONS, conf_snippet, render_static_files};
use scip_bus::payload::{DeliveryPayload, TimerPayload};
use scip_bus::{ClientConfig, Credential, MqttClient, Principal, Qos, TopicKind, TopicLayout};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};
use scip_store::{Store, VersionNote};
use tokio_util::sync::CancellationToken;

const USER: &str = "scip-engine";
const PASSWORD: &str = "crash-test-engine-password";
const TEAMS: usize = 3;
const PER_TEAM: usize = 40;

fn scenario() -> Scenario {
    Scenario {
        id: ScenarioId::new("crash-drill").unwrap(),
        name: "Crash drill".into(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: (0..TEAMS)
            .map(|t| Team {
                id: TeamId::new(format!("team-{t}")).unwrap(),
                name: format!("Team {t}"),
                color: "#2563eb".into(),
                kind: TeamKind::Player,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline: (0..PER_TEAM)
                    .map(|i| Inject {
                        id: InjectId::new(format!("c{t}-{i:03}")).unwrap(),
                        at_ms: 200 + 150 * i as u64,
                        turn: None,
                        priority: Priority::Medium,
                        content: Content::Sms(Sms {
                            from: "Ops".into(),
                            body: format!("n{i}"),
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

struct Server<'a> {
    dir: &'a Path,
    auth: &'a Path,
    mosquitto: &'a scip_testkit::Mosquitto,
    api_port: u16,
}

impl Server<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_scip"));
        c.args(args)
            .env("SCIP_DATA", self.dir)
            .env("MQTT_HOST", "127.0.0.1")
            .env("MQTT_PORT", self.mosquitto.port.to_string())
            .env("MQTT_USER", USER)
            .env("MQTT_PASSWORD", PASSWORD)
            .env("MOSQUITTO_PASSWORD_FILE", self.auth.join("passwd"))
            .env("MOSQUITTO_ACL_FILE", self.auth.join("acl"))
            .env("MOSQUITTO_PID_FILE", self.auth.join("mosquitto.pid"))
            .env("API_PORT", self.api_port.to_string())
            .env("CLIENT_PORT", scip_testkit::free_port().to_string())
            .env("LOG_LEVEL", "warn")
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL");
        c
    }

    fn spawn(&self) -> Child {
        let child = self
            .command(&["serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        assert!(
            scip_testkit::wait_for_port(self.api_port, Duration::from_secs(20)),
            "scip serve did not start"
        );
        child
    }

    fn run(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "scip {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_moments_loses_and_repeats_nothing() {
    let engine = Credential::new(USER, PASSWORD, Principal::Engine).unwrap();
    let layout = TopicLayout::default();
    let auth = tempfile::tempdir().unwrap();
    let (passwd, acl, pid) = (
        auth.path().join("passwd"),
        auth.path().join("acl"),
        auth.path().join("mosquitto.pid"),
    );
    let files = render_static_files(&layout, std::slice::from_ref(&engine), DEFAULT_ITERATIONS);
    std::fs::write(&passwd, files.password_file).unwrap();
    std::fs::write(&acl, files.acl_file).unwrap();
    let mosquitto =
        scip_testkit::Mosquitto::start(&conf_snippet(&passwd, &acl, Some(&pid)), |_| {});
    let data = tempfile::tempdir().unwrap();
    // The scenario is stored as an import would store it.
    let url = format!("sqlite://{}", data.path().join("scip.db").display());
    let store = Store::connect(&url).await.unwrap();
    store
        .create_scenario(&scenario(), &VersionNote::by("test"), 0)
        .await
        .unwrap();
    store.close().await;

    let server = Server {
        dir: data.path(),
        auth: auth.path(),
        mosquitto: &mosquitto,
        api_port: scip_testkit::free_port(),
    };
    let mut child = server.spawn();

    let cancel = CancellationToken::new();
    let (watcher, mut inbox) = MqttClient::start(
        ClientConfig::tcp("127.0.0.1", mosquitto.port, "crash-watcher").credentials(USER, PASSWORD),
        cancel.clone(),
    )
    .unwrap();
    watcher.wait_connected().await.unwrap();
    watcher
        .subscribe(&layout.all_teams_filter(TopicKind::Feed), Qos::AtLeastOnce)
        .await
        .unwrap();
    watcher
        .subscribe("/exercise/+/timer", Qos::AtLeastOnce)
        .await
        .unwrap();

    let created = server.run(&["exercise", "create", "crash-drill"]);
    let id = created.split_whitespace().nth(1).unwrap().to_owned();
    server.run(&["exercise", "start", &id]);

    let mut received: BTreeMap<(String, u64), DeliveryPayload> = BTreeMap::new();
    let mut timers: Vec<TimerPayload> = Vec::new();
    let mut kills = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut next_kill =
        tokio::time::Instant::now() + Duration::from_millis(rand::rng().random_range(500..1500));
    while received.len() < TEAMS * PER_TEAM {
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} of {} deliveries arrived",
            received.len(),
            TEAMS * PER_TEAM
        );
        if kills < 3 && tokio::time::Instant::now() >= next_kill {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            kills += 1;
            timers.clear();
            tokio::time::sleep(Duration::from_millis(rand::rng().random_range(100..800))).await;
            child = server.spawn();
            next_kill = tokio::time::Instant::now()
                + Duration::from_millis(rand::rng().random_range(700..1500));
        }
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(50), inbox.recv()).await {
            if msg.topic.ends_with("/timer") {
                timers.push(TimerPayload::parse(&msg.payload).unwrap());
            } else {
                let p = DeliveryPayload::parse(&msg.payload).unwrap();
                received.insert((p.team_id.to_string(), p.seq), p);
            }
        }
    }
    assert_eq!(kills, 3, "the exercise ended before every kill happened");
    for t in 0..TEAMS {
        let team = format!("team-{t}");
        let seqs: Vec<u64> = received
            .keys()
            .filter(|(k, _)| *k == team)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, (1..=PER_TEAM as u64).collect::<Vec<_>>());
        let mut ids: Vec<String> = received
            .iter()
            .filter(|((k, _), _)| *k == team)
            .map(|(_, p)| p.id.to_string())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            PER_TEAM,
            "an inject of {team} arrived under two seqs"
        );
    }

    // The timer of the last process continues from the elapsed time the wall clock gives.
    while timers
        .iter()
        .all(|t| t.state != scip_core::engine::ExerciseState::Running)
    {
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_secs(5), inbox.recv()).await
            && msg.topic.ends_with("/timer")
        {
            timers.push(TimerPayload::parse(&msg.payload).unwrap());
        }
    }
    let store = Store::connect(&url).await.unwrap();
    let record = store
        .get_exercise(&scip_core::ExerciseId::new(id.clone()).unwrap())
        .await
        .unwrap();
    let since = record.runtime.clock.running_since.expect("still running");
    for timer in timers
        .iter()
        .filter(|t| t.state == scip_core::engine::ExerciseState::Running)
    {
        let at_ms = (timer.at.unix_timestamp_nanos() / 1_000_000) as i64;
        let expected = (at_ms - since) as u64 + record.runtime.clock.base_elapsed_ms;
        let drift = timer.elapsed_ms.abs_diff(expected);
        assert!(
            drift <= 100,
            "timer says {} ms where the clock gives {expected} ms",
            timer.elapsed_ms
        );
    }
    assert_eq!(
        record.runtime.clock.base_elapsed_ms, 0,
        "the clock was never paused, only the process died"
    );
    store.close().await;
    child.kill().unwrap();
    child.wait().unwrap();
    cancel.cancel();
}
