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

impl Harness {
    /// Engine + embedded broker on the given database.
    pub async fn start(db: Db) -> Self {
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
        let mut h = Self::with_broker(db, store, port, cancel).await;
        h.broker = Some(broker);
        h
    }

    /// Engine against a broker already listening on `port`.
    pub async fn with_broker(db: Db, store: Store, port: u16, cancel: CancellationToken) -> Self {
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
            mqtt.clone(),
            layout.clone(),
            clock,
            EngineConfig { turn_grace_ms: 300 },
            Provisioning::Store,
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

    pub async fn stop(self) {
        self.cancel.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
        if let Some(b) = self.broker {
            b.stopped().await;
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

/// An independent subscriber (engine credentials) to every team feed, collecting deliveries.
pub struct FeedWatcher {
    _client: MqttClient,
    inbox: Inbox,
    pub received: BTreeMap<(String, u64), DeliveryPayload>,
    pub duplicates: usize,
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
        Self {
            _client: client,
            inbox,
            received: BTreeMap::new(),
            duplicates: 0,
        }
    }

    /// Collects until `count` distinct deliveries arrived or `timeout` passed.
    pub async fn collect(&mut self, count: usize, timeout: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.received.len() < count {
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(msg)) => {
                    let p = DeliveryPayload::parse(&msg.payload).unwrap();
                    if self
                        .received
                        .insert((p.team_id.to_string(), p.seq), p)
                        .is_some()
                    {
                        self.duplicates += 1;
                    }
                }
                _ => break,
            }
        }
        self.received.len()
    }
}
