//! Shared test support: the credentials every test uses, connecting clients, and waiting for
//! messages (bounded by generous guards so a broken test fails instead of hanging).

use std::future::Future;
use std::time::Duration;

use scip_bus::client::{Backoff, ConnectFailure, LastWill};
use scip_bus::{
    BusError, ClientConfig, Credential, Inbox, IncomingMessage, MqttClient, Principal, Qos,
    TopicLayout,
};
use scip_core::{ExerciseId, TeamId};
use tokio_util::sync::CancellationToken;

/// Upper bound for any single wait; only reached when something is broken.
pub const GUARD: Duration = Duration::from_secs(20);

/// Awaits `f`, failing the test with `what` if the guard runs out.
pub async fn within<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

pub fn ex(id: &str) -> ExerciseId {
    ExerciseId::new(id).unwrap()
}

pub fn team(id: &str) -> TeamId {
    TeamId::new(id).unwrap()
}

/// The cast: an engine, a monitor, teams red and blue of exercise `ex-1`, and a team also
/// called red in exercise `ex-2`.
pub struct Cast {
    pub layout: TopicLayout,
    pub engine: Credential,
    pub monitor: Credential,
    pub red: Credential,
    pub blue: Credential,
    pub other_red: Credential,
}

impl Cast {
    pub fn new() -> Self {
        let team_cred = |user: &str, e: &str, t: &str| {
            Credential::new(
                user,
                format!("{user}-secret"),
                Principal::Team {
                    exercise: ex(e),
                    team: team(t),
                },
            )
            .unwrap()
        };
        Self {
            layout: TopicLayout::default(),
            engine: Credential::new("scip-engine", "engine-secret", Principal::Engine).unwrap(),
            monitor: Credential::new("scip-monitor", "monitor-secret", Principal::Monitor).unwrap(),
            red: team_cred("t-ex-1-red", "ex-1", "red"),
            blue: team_cred("t-ex-1-blue", "ex-1", "blue"),
            other_red: team_cred("t-ex-2-red", "ex-2", "red"),
        }
    }

    pub fn all(&self) -> Vec<Credential> {
        vec![
            self.engine.clone(),
            self.monitor.clone(),
            self.red.clone(),
            self.blue.clone(),
            self.other_red.clone(),
        ]
    }
}

/// Where a broker under test listens.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub tcp_port: u16,
    pub ws_url: String,
}

/// Client settings for the broker's TCP listener, with fast reconnects.
pub fn tcp_config(ep: &Endpoints, name: &str) -> ClientConfig {
    ClientConfig::tcp(
        "127.0.0.1",
        ep.tcp_port,
        scip_bus::client::unique_client_id(name),
    )
    .backoff(fast_backoff())
}

pub fn fast_backoff() -> Backoff {
    Backoff {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
    }
}

/// A connected client for `cred` over TCP.
pub async fn connect(ep: &Endpoints, cred: &Credential) -> (MqttClient, Inbox) {
    connect_with(tcp_config(ep, cred.username().as_str()), cred).await
}

/// A connected client for `cred` with the given settings.
pub async fn connect_with(config: ClientConfig, cred: &Credential) -> (MqttClient, Inbox) {
    let config = config.credentials(cred.username().as_str(), cred.password());
    let (client, inbox) = MqttClient::start(config, CancellationToken::new()).unwrap();
    within(
        &format!("{} to connect", cred.username()),
        client.wait_connected(),
    )
    .await
    .unwrap();
    (client, inbox)
}

/// The failure of a client that should not get in.
pub async fn refusal(config: ClientConfig) -> ConnectFailure {
    let (client, _inbox) = MqttClient::start(config, CancellationToken::new()).unwrap();
    let failure = within("a refused connection", client.wait_failure())
        .await
        .expect("the client closed instead of failing");
    client.shutdown().await;
    failure
}

/// The next message in the inbox.
pub async fn next(inbox: &mut Inbox) -> IncomingMessage {
    within("a message", inbox.recv())
        .await
        .expect("the client closed")
}

/// The next message that is not a retained replay.
pub async fn next_live(inbox: &mut Inbox) -> IncomingMessage {
    loop {
        let m = next(inbox).await;
        if !m.retain {
            return m;
        }
    }
}

/// Subscribes and reports whether the broker granted it (either answer is a proper refusal
/// of access, as long as nothing is delivered later; the tests check that separately).
pub async fn try_subscribe(client: &MqttClient, filter: &str) -> bool {
    match within("a SUBACK", client.subscribe(filter, Qos::AtLeastOnce)).await {
        Ok(_) => true,
        Err(BusError::SubscriptionRefused { .. }) => false,
        Err(e) => panic!("subscribing to {filter}: {e}"),
    }
}

/// Publishes with QoS 1 and waits for the acknowledgement.
pub async fn publish(client: &MqttClient, topic: &str, payload: &str) {
    within(
        "a PUBACK",
        client.publish(topic, payload.as_bytes().to_vec(), Qos::AtLeastOnce, false),
    )
    .await
    .unwrap_or_else(|e| panic!("publishing to {topic}: {e}"));
}

/// A last will announcing the dashboard offline on its presence topic.
pub fn presence_will(topic: String) -> LastWill {
    LastWill {
        topic,
        payload: br#"{"v":1,"online":false,"viewers":0}"#.to_vec(),
        qos: Qos::AtLeastOnce,
        retain: true,
    }
}

/// Sends a signal to a process with the `kill` utility.
pub fn signal(signal: &str, pid: u32) {
    let status = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal} {pid} failed");
}
