//! A private Mosquitto configured by SCIP's provisioner: same isolation as the embedded
//! broker, credentials that come and go while it runs, acknowledged publishes, restarts.

use std::path::PathBuf;

use scip_bus::client::{ConnectFailure, ConnectionState};
use scip_bus::mosquitto::{
    DEFAULT_ITERATIONS, MosquittoProvisioner, ProvisionerConfig, ReloadMethod, conf_snippet,
    render_static_files,
};
use scip_bus::{BusError, Qos};
use scip_testkit::Mosquitto;

use crate::isolation::{isolation_holds, websocket_team_receives_its_feed};
use crate::support::*;

struct Provisioned {
    broker: Mosquitto,
    provisioner: MosquittoProvisioner,
    pid_file: PathBuf,
    endpoints: Endpoints,
    _files: tempfile::TempDir,
}

impl Provisioned {
    /// Mosquitto started with SCIP's files for the whole cast; the provisioner then takes
    /// them over (rewriting them and reloading through the pid file).
    async fn start() -> Self {
        let cast = Cast::new();
        let files = tempfile::tempdir().unwrap();
        let pid_file = files.path().join("mosquitto.pid");
        let config = ProvisionerConfig {
            reload: ReloadMethod::PidFile(pid_file.clone()),
            iterations: DEFAULT_ITERATIONS,
            ..ProvisionerConfig::in_dir(files.path(), ReloadMethod::Manual)
        };
        let initial = render_static_files(&cast.layout, &cast.all(), DEFAULT_ITERATIONS);
        std::fs::write(&config.password_file, initial.password_file).unwrap();
        std::fs::write(&config.acl_file, initial.acl_file).unwrap();
        let extra = conf_snippet(&config.password_file, &config.acl_file, Some(&pid_file));
        let broker = Mosquitto::start(&extra, |_| {});
        let endpoints = Endpoints {
            tcp_port: broker.port,
            ws_url: format!("ws://127.0.0.1:{}/mqtt", broker.ws_port),
        };
        // Mosquitto only handles SIGHUP once its main loop runs; a served connection proves it.
        let (probe, _inbox) = connect(&endpoints, &cast.engine).await;
        probe.shutdown().await;
        let provisioner = MosquittoProvisioner::new(config);
        provisioner.replace_all(cast.all()).await.unwrap();
        Self {
            broker,
            provisioner,
            pid_file,
            endpoints,
            _files: files,
        }
    }

    fn pid(&self) -> u32 {
        std::fs::read_to_string(&self.pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_holds_on_provisioned_mosquitto() {
    let m = Provisioned::start().await;
    isolation_holds(&m.endpoints).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_works_on_mosquitto() {
    let m = Provisioned::start().await;
    websocket_team_receives_its_feed(&m.endpoints, &m.endpoints.ws_url.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_exercise_loses_access_while_others_keep_it() {
    let m = Provisioned::start().await;
    let cast = Cast::new();
    let (red_client, _inbox) = connect(&m.endpoints, &cast.red).await;

    assert_eq!(m.provisioner.remove_exercise(&ex("ex-1")).await.unwrap(), 2);

    // Mosquitto drops red on reload and refuses it from then on.
    let mut state = red_client.watch_state();
    // (Cloned at once: holding the watch guard would block the client's task.)
    let refused = within(
        "red to be refused",
        state.wait_for(|s| {
            matches!(
                s,
                ConnectionState::Reconnecting {
                    failure: ConnectFailure::Refused(_),
                    ..
                }
            )
        }),
    )
    .await
    .map(|s| s.clone());
    assert!(refused.is_ok(), "{refused:?}");
    red_client.shutdown().await;

    let (other, _inbox) = connect(&m.endpoints, &cast.other_red).await;
    other.shutdown().await;

    // And a credential added at run time works at once after the reload.
    m.provisioner.put(vec![cast.blue.clone()]).await.unwrap();
    let (blue, _inbox) = connect(&m.endpoints, &cast.blue).await;
    blue.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_qos1_publish_resolves_only_when_acknowledged() {
    let mut m = Provisioned::start().await;
    let cast = Cast::new();
    let topic = cast.layout.control(&ex("ex-1"));
    let (engine, _inbox) = connect(&m.endpoints, &cast.engine).await;

    // Freeze Mosquitto: it reads nothing and acknowledges nothing.
    let pid = m.pid();
    signal("STOP", pid);
    let mut acknowledged =
        Box::pin(engine.publish(&topic, b"qos1".to_vec(), Qos::AtLeastOnce, false));
    assert!(futures::poll!(&mut acknowledged).is_pending());
    // A QoS 0 publish handed over after it resolves once written, so the QoS 1 message is on
    // the wire too; without a PUBACK it must still be waiting.
    within(
        "a QoS 0 publish to be written",
        engine.publish(&topic, b"qos0".to_vec(), Qos::AtMostOnce, false),
    )
    .await
    .unwrap();
    assert!(
        futures::poll!(&mut acknowledged).is_pending(),
        "resolved without a PUBACK"
    );
    signal("CONT", pid);
    within("the PUBACK", acknowledged).await.unwrap();

    // A publish in flight when the broker dies fails, so the outbox sends it again.
    signal("STOP", pid);
    let mut lost = Box::pin(engine.publish(&topic, b"lost".to_vec(), Qos::AtLeastOnce, false));
    assert!(futures::poll!(&mut lost).is_pending());
    within(
        "a QoS 0 publish to be written",
        engine.publish(&topic, b"qos0".to_vec(), Qos::AtMostOnce, false),
    )
    .await
    .unwrap();
    m.broker.kill();
    let err = within("the publish to fail", lost).await.unwrap_err();
    assert!(matches!(err, BusError::ConnectionLost { .. }), "{err}");
    let err = engine
        .publish(&topic, b"down".to_vec(), Qos::AtLeastOnce, false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BusError::NotConnected { .. } | BusError::ConnectionLost { .. }
        ),
        "{err}"
    );

    m.broker.restart();
    within("the engine to reconnect", engine.wait_connected())
        .await
        .unwrap();
    publish(&engine, &topic, "after restart").await;
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_reconnect_and_resubscribe_after_mosquitto_restarts() {
    let mut m = Provisioned::start().await;
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red) = (ex("ex-1"), team("red"));
    let (red_client, mut red_inbox) = connect(&m.endpoints, &cast.red).await;
    assert!(try_subscribe(&red_client, &l.feed(&e1, &red)).await);
    let (engine, _engine_inbox) = connect(&m.endpoints, &cast.engine).await;

    m.broker.kill();
    let failure = within("red to notice", red_client.wait_failure()).await;
    assert!(
        matches!(failure, Some(ConnectFailure::Network(_))),
        "{failure:?}"
    );
    m.broker.restart();

    within("red to reconnect", red_client.wait_connected())
        .await
        .unwrap();
    // The renewed subscription preceded this publish on the connection.
    publish(
        &red_client,
        &l.presence(&e1, &red),
        r#"{"v":1,"online":true,"viewers":1}"#,
    )
    .await;
    within("engine to reconnect", engine.wait_connected())
        .await
        .unwrap();
    publish(&engine, &l.feed(&e1, &red), "after restart").await;
    assert_eq!(next_live(&mut red_inbox).await.payload, b"after restart");
    red_client.shutdown().await;
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_taken_over_by_another_team_reveals_nothing() {
    let m = Provisioned::start().await;
    // Mosquitto lets the takeover happen (and so can push red's dashboard off); its read
    // check on every message still keeps red's feed from blue.
    crate::isolation::a_taken_over_client_id_reveals_nothing(&m.endpoints).await;
}
