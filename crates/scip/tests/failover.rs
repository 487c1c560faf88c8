//! Several processes against one PostgreSQL and one Mosquitto: two orchestrators and an API.
//! The orchestrator driving the exercise is killed with SIGKILL; the other takes the exercise
//! over within three seconds and a subscriber still receives every inject exactly once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use scip_bus::mosquitto::{DEFAULT_ITERATIONS, conf_snippet, render_static_files};
use scip_bus::payload::DeliveryPayload;
use scip_bus::{ClientConfig, Credential, MqttClient, Principal, Qos, TopicKind, TopicLayout};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_store::{Store, VersionNote};
use tokio_util::sync::CancellationToken;

const USER: &str = "scip-engine";
const PASSWORD: &str = "failover-test-engine-password";
const TEAMS: usize = 4;
const PER_TEAM: usize = 40;

fn scenario() -> Scenario {
    Scenario {
        id: ScenarioId::new("failover-drill").unwrap(),
        name: "Failover drill".into(),
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
                        id: InjectId::new(format!("f{t}-{i:03}")).unwrap(),
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

struct Env<'a> {
    database_url: &'a str,
    auth: &'a std::path::Path,
    mqtt_port: u16,
}

impl Env<'_> {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_scip"));
        c.args(args)
            .env("DATABASE_URL", self.database_url)
            .env("MQTT_HOST", "127.0.0.1")
            .env("MQTT_PORT", self.mqtt_port.to_string())
            .env("MQTT_USER", USER)
            .env("MQTT_PASSWORD", PASSWORD)
            .env("MOSQUITTO_PASSWORD_FILE", self.auth.join("passwd"))
            .env("MOSQUITTO_ACL_FILE", self.auth.join("acl"))
            .env("MOSQUITTO_PID_FILE", self.auth.join("mosquitto.pid"))
            .env("LOG_LEVEL", "warn")
            .env_remove("REDIS_URL");
        c
    }

    fn spawn(&self, role: &str) -> (Child, u16) {
        let port = scip_testkit::free_port();
        let child = self
            .command(&["serve", "--role", role])
            .env("API_PORT", port.to_string())
            .env("ORCHESTRATION_PORT", port.to_string())
            .env("CLIENT_PORT", scip_testkit::free_port().to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        assert!(
            scip_testkit::wait_for_port(port, Duration::from_secs(20)),
            "scip serve --role {role} did not start"
        );
        (child, port)
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

fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_orchestrator_is_replaced_within_three_seconds_without_loss() {
    let layout = TopicLayout::default();
    let auth = tempfile::tempdir().unwrap();
    let (passwd, acl, pid) = (
        auth.path().join("passwd"),
        auth.path().join("acl"),
        auth.path().join("mosquitto.pid"),
    );
    let engine = Credential::new(USER, PASSWORD, Principal::Engine).unwrap();
    let files = render_static_files(&layout, std::slice::from_ref(&engine), DEFAULT_ITERATIONS);
    std::fs::write(&passwd, files.password_file).unwrap();
    std::fs::write(&acl, files.acl_file).unwrap();
    let mosquitto =
        scip_testkit::Mosquitto::start(&conf_snippet(&passwd, &acl, Some(&pid)), |_| {});

    let db = scip_testkit::PgDatabase::create().await;
    let store = Store::connect(&db.url).await.unwrap();
    store
        .create_scenario(&scenario(), &VersionNote::by("test"), 0)
        .await
        .unwrap();
    let env = Env {
        database_url: &db.url,
        auth: auth.path(),
        mqtt_port: mosquitto.port,
    };

    let mut orchestrators = vec![env.spawn("orchestrator"), env.spawn("orchestrator")];
    let (mut api, _) = env.spawn("api");

    let cancel = CancellationToken::new();
    let (watcher, mut inbox) = MqttClient::start(
        ClientConfig::tcp("127.0.0.1", mosquitto.port, "failover-watcher")
            .credentials(USER, PASSWORD),
        cancel.clone(),
    )
    .unwrap();
    watcher.wait_connected().await.unwrap();
    watcher
        .subscribe(&layout.all_teams_filter(TopicKind::Feed), Qos::AtLeastOnce)
        .await
        .unwrap();

    let created = env.run(&["exercise", "create", "failover-drill"]);
    let id = ExerciseId::new(created.split_whitespace().nth(1).unwrap()).unwrap();
    env.run(&["exercise", "start", id.as_str()]);

    let mut received: BTreeMap<(String, u64), DeliveryPayload> = BTreeMap::new();
    let collect = |received: &mut BTreeMap<(String, u64), DeliveryPayload>,
                   msg: scip_bus::IncomingMessage| {
        let p = DeliveryPayload::parse(&msg.payload).unwrap();
        received.insert((p.team_id.to_string(), p.seq), p);
    };
    // Let a quarter of the injects go out, then kill whoever owns the exercise.
    while received.len() < TEAMS * PER_TEAM / 4 {
        let msg = tokio::time::timeout(Duration::from_secs(20), inbox.recv())
            .await
            .unwrap()
            .unwrap();
        collect(&mut received, msg);
    }
    let lease = store
        .lease(&id)
        .await
        .unwrap()
        .expect("an orchestrator owns the exercise");
    let owner_pid: u32 = lease.owner.rsplit(':').next().unwrap().parse().unwrap();
    let index = orchestrators
        .iter()
        .position(|(c, _)| c.id() == owner_pid)
        .expect("the owner is one of ours");
    let (mut victim, _) = orchestrators.remove(index);
    let killed_at = wall_ms();
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();

    // The other orchestrator takes the lease over.
    let taken = loop {
        if let Some(l) = store.lease(&id).await.unwrap()
            && l.owner != lease.owner
        {
            break l;
        }
        assert!(
            wall_ms() - killed_at < 10_000,
            "nobody took the exercise over"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let takeover_ms = taken.acquired_at - killed_at;
    assert!(takeover_ms <= 3_000, "take-over took {takeover_ms} ms");

    while received.len() < TEAMS * PER_TEAM {
        let msg = tokio::time::timeout(Duration::from_secs(20), inbox.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "only {} of {} deliveries arrived",
                    received.len(),
                    TEAMS * PER_TEAM
                )
            })
            .unwrap();
        collect(&mut received, msg);
    }
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
    eprintln!("take-over after {takeover_ms} ms");
    for (mut c, _) in orchestrators {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    api.kill().unwrap();
    api.wait().unwrap();
    store.close().await;
    cancel.cancel();
}
