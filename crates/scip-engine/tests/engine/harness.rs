//! A whole engine in-process: store, broker, engine client, relay, orchestrator, inbound
//! consumer; plus an independent MQTT subscriber.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use scip_bus::payload::DeliveryPayload;
use scip_bus::{BrokerConfig, ClientConfig, EmbeddedBroker, Inbox, MqttClient, Qos, TopicLayout};
use scip_core::engine::Speed;
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_engine::{
    EngineConfig, EngineHandle, Hub, LaunchRequest, NoDashboards, Orchestrator, Owned,
    ProcessClock, Provisioning, Relay, StoreAuthenticator,
};
use scip_store::{DashboardRuntime, Store, VersionNote};
use tokio_util::sync::CancellationToken;

pub const ENGINE_USER: &str = "scip-engine";
pub const ENGINE_PASSWORD: &str = "engine-password-for-tests";

pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(scip_testkit::PgDatabase),
    Url(String),
}

impl Db {
    pub async fn sqlite() -> Self {
        Self::Sqlite(tempfile::tempdir().unwrap())
    }
    pub async fn postgres() -> Self {
        Self::Postgres(scip_testkit::PgDatabase::create().await)
    }
    pub fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}", dir.path().join("scip.db").display()),
            Self::Postgres(db) => db.url.clone(),
            Self::Url(url) => url.clone(),
        }
    }
}

pub struct Harness {
    /// Kept so the database lives as long as the harness.
    pub _db: Db,
    pub store: Store,
    pub engine: EngineHandle,
    pub broker: Option<EmbeddedBroker>,
    pub broker_port: u16,
    pub cancel: CancellationToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// A private Mosquitto whose users and ACL SCIP's provisioner keeps in step.
pub struct ProvisionedMosquitto {
    pub broker: scip_testkit::Mosquitto,
    pub config: scip_bus::mosquitto::ProvisionerConfig,
    _files: tempfile::TempDir,
}

impl ProvisionedMosquitto {
    pub async fn start() -> Self {
        use scip_bus::mosquitto::{
            DEFAULT_ITERATIONS, ProvisionerConfig, ReloadMethod, conf_snippet, render_static_files,
        };
        let files = tempfile::tempdir().unwrap();
        let pid_file = files.path().join("mosquitto.pid");
        let config = ProvisionerConfig {
            reload: ReloadMethod::PidFile(pid_file.clone()),
            iterations: DEFAULT_ITERATIONS,
            ..ProvisionerConfig::in_dir(files.path(), ReloadMethod::Manual)
        };
        let engine = engine_credential();
        let initial = render_static_files(&TopicLayout::default(), &[engine], DEFAULT_ITERATIONS);
        std::fs::write(&config.password_file, initial.password_file).unwrap();
        std::fs::write(&config.acl_file, initial.acl_file).unwrap();
        let extra = conf_snippet(&config.password_file, &config.acl_file, Some(&pid_file));
        let broker = scip_testkit::Mosquitto::start(&extra, |_| {});
        Self {
            broker,
            config,
            _files: files,
        }
    }

    pub fn provisioning(&self) -> Provisioning {
        Provisioning::Mosquitto(
            Arc::new(scip_bus::mosquitto::MosquittoProvisioner::new(
                self.config.clone(),
            )),
            vec![engine_credential()],
        )
    }
}

/// The engine settings tests run with: a short turn grace.
pub fn test_config() -> EngineConfig {
    EngineConfig {
        turn_grace_ms: 300,
        ..EngineConfig::default()
    }
}

pub fn engine_credential() -> scip_bus::Credential {
    scip_bus::Credential::new(ENGINE_USER, ENGINE_PASSWORD, scip_bus::Principal::Engine).unwrap()
}

impl Harness {
    /// Engine + embedded broker on the given database.
    pub async fn start(db: Db) -> Self {
        Self::start_configured(db, test_config()).await
    }

    /// Engine with `config` + embedded broker on the given database.
    pub async fn start_configured(db: Db, config: EngineConfig) -> Self {
        let store = Store::connect(&db.url()).await.unwrap();
        let cancel = CancellationToken::new();
        let auth = Arc::new(StoreAuthenticator::new(
            store.clone(),
            ENGINE_USER,
            ENGINE_PASSWORD,
        ));
        let broker = EmbeddedBroker::start(BrokerConfig::loopback(), auth, cancel.child_token())
            .await
            .unwrap();
        let port = broker.tcp_addr().port();
        let mut h = Self::with_broker(db, store, port, Provisioning::Store, cancel, config).await;
        h.broker = Some(broker);
        h
    }

    /// Engine against a private Mosquitto kept in step by the provisioner.
    pub async fn start_with_mosquitto(db: Db, mosquitto: &ProvisionedMosquitto) -> Self {
        let store = Store::connect(&db.url()).await.unwrap();
        Self::with_broker(
            db,
            store,
            mosquitto.broker.port,
            mosquitto.provisioning(),
            CancellationToken::new(),
            test_config(),
        )
        .await
    }

    /// Engine against a broker already listening on `port`.
    pub async fn with_broker(
        db: Db,
        store: Store,
        port: u16,
        provisioning: Provisioning,
        cancel: CancellationToken,
        config: EngineConfig,
    ) -> Self {
        let (mqtt, inbox) = MqttClient::start(
            ClientConfig::tcp(
                "127.0.0.1",
                port,
                scip_bus::client::unique_client_id("engine"),
            )
            .credentials(ENGINE_USER, ENGINE_PASSWORD),
            cancel.child_token(),
        )
        .unwrap();
        mqtt.wait_connected().await.unwrap();
        let layout = TopicLayout::default();
        let hub = Hub::local();
        let clock = ProcessClock::new();
        let owned = Owned::default();
        let (relay, relay_handle) = Relay::new(
            store.clone(),
            mqtt.clone(),
            layout.clone(),
            hub.clone(),
            clock,
            owned.clone(),
        );
        let engine = EngineHandle::new(
            store.clone(),
            hub,
            Some(mqtt.clone()),
            layout.clone(),
            clock,
            config,
            provisioning,
        )
        .with_relay(relay_handle);
        mqtt.subscribe(
            &layout.all_teams_filter(scip_bus::TopicKind::Receipts),
            Qos::AtLeastOnce,
        )
        .await
        .unwrap();
        mqtt.subscribe(
            &layout.all_teams_filter(scip_bus::TopicKind::Presence),
            Qos::AtLeastOnce,
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        tasks.push(tokio::spawn(relay.run(cancel.child_token())));
        tasks.push(tokio::spawn(scip_engine::inbound::consume_inbound(
            engine.clone(),
            inbox,
            Some(owned.clone()),
            cancel.child_token(),
        )));
        let orchestrator = Orchestrator::new(
            engine.clone(),
            Arc::new(NoDashboards),
            "test-node".into(),
            owned,
        );
        tasks.push(tokio::spawn(orchestrator.run(cancel.child_token())));
        Self {
            _db: db,
            store,
            engine,
            broker: None,
            broker_port: port,
            cancel,
            tasks,
        }
    }

    /// Stores a scenario and launches an exercise of it.
    pub async fn launch(&self, scenario: &Scenario, speed: f64) -> ExerciseId {
        self.store
            .create_scenario(scenario, &VersionNote::by("tester"), 0)
            .await
            .unwrap();
        let record = self
            .engine
            .launch(LaunchRequest {
                scenario: scenario.id.clone(),
                version: None,
                name: None,
                speed: Speed::from_factor(speed).unwrap(),
                runtime: DashboardRuntime::Embedded,
                actor: Some("tester".into()),
            })
            .await
            .unwrap();
        record.id
    }

    pub async fn stop(self) -> Db {
        self.cancel.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
        if let Some(b) = self.broker {
            b.stopped().await;
        }
        self.store.close().await;
        self._db
    }

    /// The stored exercise, once `check` holds (or a panic after `timeout`).
    pub async fn wait_for(
        &self,
        id: &ExerciseId,
        timeout: Duration,
        what: &str,
        check: impl Fn(&scip_store::ExerciseRecord) -> bool,
    ) -> scip_store::ExerciseRecord {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let record = self.store.get_exercise(id).await.unwrap();
            if check(&record) {
                return record;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "timed out waiting for {what}: {:?}",
                record.runtime
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A scenario of `teams` teams × `per_team` SMS injects, `gap_ms` apart from `first_ms`.
pub fn clock_scenario(
    id: &str,
    teams: usize,
    per_team: usize,
    first_ms: u64,
    gap_ms: u64,
) -> Scenario {
    Scenario {
        id: ScenarioId::new(id).unwrap(),
        name: format!("Scenario {id}"),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: (0..teams)
            .map(|t| Team {
                id: TeamId::new(format!("team-{t}")).unwrap(),
                name: format!("Team {t}"),
                color: "#2563eb".into(),
                kind: TeamKind::Player,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline: (0..per_team)
                    .map(|i| Inject {
                        id: InjectId::new(format!("t{t}-{i:04}")).unwrap(),
                        at_ms: first_ms + gap_ms * i as u64,
                        turn: None,
                        priority: Priority::Medium,
                        content: Content::Sms(Sms {
                            from: "Ops".into(),
                            body: format!("message {i}"),
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

/// An independent subscriber (engine credentials) to every team feed and control channel,
/// collecting deliveries and control messages.
pub struct FeedWatcher {
    /// Kept so the subscription lives as long as the watcher.
    pub _client: MqttClient,
    inbox: Inbox,
    pub received: BTreeMap<(String, u64), DeliveryPayload>,
    /// When each delivery first arrived, µs since the Unix epoch.
    pub arrived_us: BTreeMap<(String, u64), u64>,
    pub duplicates: usize,
    pub control: Vec<scip_bus::payload::ControlPayload>,
    pub from_history: usize,
}

impl FeedWatcher {
    pub async fn start(port: u16, cancel: &CancellationToken) -> Self {
        let (client, inbox) = MqttClient::start(
            ClientConfig::tcp(
                "127.0.0.1",
                port,
                scip_bus::client::unique_client_id("watcher"),
            )
            .credentials(ENGINE_USER, ENGINE_PASSWORD),
            cancel.child_token(),
        )
        .unwrap();
        client.wait_connected().await.unwrap();
        let layout = TopicLayout::default();
        client
            .subscribe(
                &layout.all_teams_filter(scip_bus::TopicKind::Feed),
                Qos::AtLeastOnce,
            )
            .await
            .unwrap();
        client
            .subscribe("/exercise/+/control", Qos::AtLeastOnce)
            .await
            .unwrap();
        Self {
            _client: client,
            inbox,
            received: BTreeMap::new(),
            arrived_us: BTreeMap::new(),
            duplicates: 0,
            control: Vec::new(),
            from_history: 0,
        }
    }

    fn take(&mut self, msg: scip_bus::IncomingMessage) {
        if msg.topic.ends_with("/control") {
            self.control
                .push(scip_bus::payload::ControlPayload::parse(&msg.payload).unwrap());
            return;
        }
        let arrived = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros() as u64;
        let p = DeliveryPayload::parse(&msg.payload).unwrap();
        let key = (p.team_id.to_string(), p.seq);
        self.arrived_us.entry(key.clone()).or_insert(arrived);
        if self.received.insert(key, p).is_some() {
            self.duplicates += 1;
        }
    }

    /// Collects until `count` distinct deliveries arrived or `timeout` passed.
    pub async fn collect(&mut self, count: usize, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.received.len() < count {
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(msg)) => self.take(msg),
                _ => break,
            }
        }
        self.received.len()
    }

    /// Takes whatever arrives within `window`.
    pub async fn drain(&mut self, window: Duration) {
        let deadline = tokio::time::Instant::now() + window;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.inbox.recv()).await {
            self.take(msg);
        }
    }

    /// Waits for a control message matching `check`.
    pub async fn wait_control(
        &mut self,
        timeout: Duration,
        check: impl Fn(&scip_bus::payload::ControlPayload) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.control.iter().any(&check) {
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(msg)) => self.take(msg),
                _ => panic!("no matching control message; got {:?}", self.control),
            }
        }
    }

    /// What a dashboard does after reconnecting: fetch from the history whatever it missed.
    pub async fn catch_up(&mut self, store: &Store, exercise: &ExerciseId, teams: &[TeamId]) {
        for team in teams {
            for item in store
                .team_feed(exercise, team, 0, i64::MAX, 10_000)
                .await
                .unwrap()
            {
                let key = (team.to_string(), item.seq);
                if let std::collections::btree_map::Entry::Vacant(slot) = self.received.entry(key) {
                    slot.insert(DeliveryPayload::parse(item.payload.as_bytes()).unwrap());
                    self.from_history += 1;
                }
            }
        }
    }
}
