//! Measures publish → receive latency through the embedded broker and through a private
//! Mosquitto configured by the provisioner, on loopback, and a burst of deliveries to many
//! teams. Prints percentiles; asserts nothing.
//!
//! `cargo run -p scip-bus --example bus_latency [-- COUNT]` (add `--release` for real numbers).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use scip_bus::client::unique_client_id;
use scip_bus::mosquitto::{ProvisionerConfig, ReloadMethod, conf_snippet, render_static_files};
use scip_bus::{
    BrokerConfig, ClientConfig, Credential, CredentialTable, EmbeddedBroker, MqttClient, Principal,
    Qos, TopicKind, TopicLayout,
};
use scip_core::{ExerciseId, TeamId};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("COUNT must be a number"))
        .unwrap_or(2000);
    let layout = TopicLayout::default();
    let teams: Vec<TeamId> = (0..100)
        .map(|i| TeamId::new(format!("team-{i}")).unwrap())
        .collect();
    let exercise = ExerciseId::new("ex-bench").unwrap();
    let mut creds = vec![
        Credential::new("engine", "engine-pw", Principal::Engine).unwrap(),
        Credential::new("monitor", "monitor-pw", Principal::Monitor).unwrap(),
    ];
    for t in &teams {
        creds.push(
            Credential::new(
                format!("t-{t}"),
                "team-pw",
                Principal::Team {
                    exercise: exercise.clone(),
                    team: t.clone(),
                },
            )
            .unwrap(),
        );
    }

    let token = CancellationToken::new();
    let broker = EmbeddedBroker::start(
        BrokerConfig::loopback(),
        Arc::new(CredentialTable::with(creds.clone())),
        token.clone(),
    )
    .await
    .unwrap();
    let tcp = ClientConfig::tcp("127.0.0.1", broker.tcp_addr().port(), "x");
    let ws = ClientConfig::websocket(broker.ws_url().unwrap(), "x");
    println!("embedded broker (rmqtt), {count} sequential QoS 1 round trips:");
    round_trips(
        "TCP → TCP",
        &tcp,
        &tcp,
        &creds,
        &layout,
        &exercise,
        &teams[0],
        count,
    )
    .await;
    round_trips(
        "TCP → WS ",
        &tcp,
        &ws,
        &creds,
        &layout,
        &exercise,
        &teams[0],
        count,
    )
    .await;
    burst("embedded", &tcp, &creds, &layout, &exercise, &teams, 5000).await;
    broker.shutdown().await;

    let files = tempfile::tempdir().unwrap();
    let config = ProvisionerConfig::in_dir(files.path(), ReloadMethod::Manual);
    let rendered = render_static_files(&layout, &creds, config.iterations);
    std::fs::write(&config.password_file, rendered.password_file).unwrap();
    std::fs::write(&config.acl_file, rendered.acl_file).unwrap();
    let mosquitto = scip_testkit::Mosquitto::start(
        &conf_snippet(&config.password_file, &config.acl_file, None),
        |_| {},
    );
    let tcp = ClientConfig::tcp("127.0.0.1", mosquitto.port, "x");
    let ws = ClientConfig::websocket(format!("ws://127.0.0.1:{}/mqtt", mosquitto.ws_port), "x");
    println!("Mosquitto with SCIP's password and ACL files, {count} sequential QoS 1 round trips:");
    round_trips(
        "TCP → TCP",
        &tcp,
        &tcp,
        &creds,
        &layout,
        &exercise,
        &teams[0],
        count,
    )
    .await;
    round_trips(
        "TCP → WS ",
        &tcp,
        &ws,
        &creds,
        &layout,
        &exercise,
        &teams[0],
        count,
    )
    .await;
    burst("mosquitto", &tcp, &creds, &layout, &exercise, &teams, 5000).await;
}

async fn client(base: &ClientConfig, cred: &Credential) -> (MqttClient, scip_bus::Inbox) {
    let mut config = base
        .clone()
        .credentials(cred.username().as_str(), cred.password());
    config.client_id = unique_client_id(cred.username().as_str());
    let (c, inbox) = MqttClient::start(config, CancellationToken::new()).unwrap();
    c.wait_connected().await.unwrap();
    (c, inbox)
}

#[allow(clippy::too_many_arguments)]
async fn round_trips(
    label: &str,
    publisher: &ClientConfig,
    subscriber: &ClientConfig,
    creds: &[Credential],
    layout: &TopicLayout,
    exercise: &ExerciseId,
    team: &TeamId,
    count: usize,
) {
    let (engine, _) = client(publisher, &creds[0]).await;
    let team_cred = creds
        .iter()
        .find(|c| matches!(c.principal(), Principal::Team { team: t, .. } if t == team))
        .unwrap();
    let (dashboard, mut inbox) = client(subscriber, team_cred).await;
    let feed = layout.feed(exercise, team);
    dashboard.subscribe(&feed, Qos::AtLeastOnce).await.unwrap();
    let mut publish_ack = Histogram::<u64>::new(3).unwrap();
    let mut delivered = Histogram::<u64>::new(3).unwrap();
    for i in 0..count {
        let start = Instant::now();
        engine
            .publish(&feed, i.to_string().into_bytes(), Qos::AtLeastOnce, false)
            .await
            .unwrap();
        publish_ack.record(micros(start.elapsed())).unwrap();
        inbox.recv().await.unwrap();
        delivered.record(micros(start.elapsed())).unwrap();
    }
    println!("  {label} publish→PUBACK  {}", summary(&publish_ack));
    println!("  {label} publish→received {}", summary(&delivered));
    engine.shutdown().await;
    dashboard.shutdown().await;
}

async fn burst(
    label: &str,
    base: &ClientConfig,
    creds: &[Credential],
    layout: &TopicLayout,
    exercise: &ExerciseId,
    teams: &[TeamId],
    total: usize,
) {
    let (engine, _) = client(base, &creds[0]).await;
    let (monitor, mut inbox) = client(base, &creds[1]).await;
    monitor
        .subscribe(&layout.all_teams_filter(TopicKind::Feed), Qos::AtLeastOnce)
        .await
        .unwrap();
    let start = Instant::now();
    let publishes = (0..total).map(|i| {
        let engine = engine.clone();
        let topic = layout.feed(exercise, &teams[i % teams.len()]);
        async move {
            engine
                .publish(&topic, vec![b'x'; 600], Qos::AtLeastOnce, false)
                .await
                .unwrap()
        }
    });
    let receiving = async {
        for _ in 0..total {
            inbox.recv().await.unwrap();
        }
        start.elapsed()
    };
    let (_, all_received) = tokio::join!(futures::future::join_all(publishes), receiving);
    println!(
        "  {label}: burst of {total} deliveries to {} teams, all received by one subscriber after {:.1} ms",
        teams.len(),
        all_received.as_secs_f64() * 1000.0
    );
    engine.shutdown().await;
    monitor.shutdown().await;
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

fn summary(h: &Histogram<u64>) -> String {
    format!(
        "p50 {} µs, p99 {} µs, max {} µs",
        h.value_at_quantile(0.5),
        h.value_at_quantile(0.99),
        h.max()
    )
}
