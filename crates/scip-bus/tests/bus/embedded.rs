//! The embedded broker: listeners, isolation, WebSocket with MQTT 3.1.1 and 5, retained
//! messages and last wills, restart on the same port.

use std::net::SocketAddr;
use std::sync::Arc;

use rumqttc::v5::mqttbytes::QoS as QoS5;
use rumqttc::v5::mqttbytes::v5::{PubAckReason, SubscribeReasonCode};
use rumqttc::v5::{Event as Event5, Incoming as Incoming5};
use scip_bus::client::{ConnectFailure, Refusal};
use scip_bus::{BrokerConfig, BusError, CredentialTable, EmbeddedBroker, Qos};
use tokio_util::sync::CancellationToken;

use crate::isolation::{isolation_holds, websocket_team_receives_its_feed};
use crate::support::*;

struct Running {
    broker: EmbeddedBroker,
    endpoints: Endpoints,
}

async fn start_on(config: BrokerConfig) -> Running {
    let table = Arc::new(CredentialTable::with(Cast::new().all()));
    let broker = EmbeddedBroker::start(config, table, CancellationToken::new())
        .await
        .unwrap();
    let endpoints = Endpoints {
        tcp_port: broker.tcp_addr().port(),
        ws_url: broker.ws_url().unwrap(),
    };
    Running { broker, endpoints }
}

async fn start() -> Running {
    start_on(BrokerConfig::loopback()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn isolation_holds_on_the_embedded_broker() {
    let b = start().await;
    assert_ne!(b.endpoints.tcp_port, 0, "the bound port is reported");
    isolation_holds(&b.endpoints).await;
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_port_fails_naming_the_listener_and_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let config = BrokerConfig {
        tcp_addr: addr,
        ..BrokerConfig::loopback()
    };
    let table = Arc::new(CredentialTable::new());
    let err = EmbeddedBroker::start(config, table, CancellationToken::new())
        .await
        .err()
        .expect("binding a taken port must fail");
    assert!(
        matches!(
            err,
            BusError::Bind {
                listener: "TCP",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(&addr.to_string()), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_works_on_the_mqtt_path_and_the_root_path() {
    let b = start().await;
    let ws = b.broker.ws_addr().unwrap();
    websocket_team_receives_its_feed(&b.endpoints, &format!("ws://{ws}/mqtt")).await;
    websocket_team_receives_its_feed(&b.endpoints, &format!("ws://{ws}/")).await;
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mqtt5_over_websocket_gets_reason_codes_for_refusals() {
    let b = start().await;
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red, blue) = (ex("ex-1"), team("red"), team("blue"));

    let mut options = rumqttc::v5::MqttOptions::new("v5-red", b.endpoints.ws_url.clone(), 0);
    options.set_transport(rumqttc::Transport::Ws);
    options.set_credentials(cast.red.username().as_str(), cast.red.password());
    let (client, mut events) = rumqttc::v5::AsyncClient::new(options, 16);
    client
        .subscribe(l.feed(&e1, &red), QoS5::AtLeastOnce)
        .await
        .unwrap();
    client
        .subscribe(l.feed(&e1, &blue), QoS5::AtLeastOnce)
        .await
        .unwrap();
    client
        .publish(l.feed(&e1, &blue), QoS5::AtLeastOnce, false, "forged")
        .await
        .unwrap();

    let mut subacks = Vec::new();
    let mut puback = None;
    within("SUBACKs and PUBACK over MQTT 5", async {
        while subacks.len() < 2 || puback.is_none() {
            match events.poll().await.unwrap() {
                Event5::Incoming(Incoming5::SubAck(ack)) => subacks.extend(ack.return_codes),
                Event5::Incoming(Incoming5::PubAck(ack)) => puback = Some(ack.reason),
                _ => {}
            }
        }
    })
    .await;
    assert!(
        matches!(subacks[0], SubscribeReasonCode::Success(_)),
        "{subacks:?}"
    );
    assert_eq!(subacks[1], SubscribeReasonCode::NotAuthorized);
    assert_eq!(puback, Some(PubAckReason::NotAuthorized));

    let (engine, _inbox) = connect(&b.endpoints, &cast.engine).await;
    publish(&engine, &l.feed(&e1, &red), "to red over MQTT 5").await;
    let payload = within("a publish over MQTT 5", async {
        loop {
            if let Event5::Incoming(Incoming5::Publish(p)) = events.poll().await.unwrap() {
                return p.payload;
            }
        }
    })
    .await;
    assert_eq!(payload.as_ref(), b"to red over MQTT 5");
    engine.shutdown().await;
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_last_will_to_a_forbidden_topic_is_refused_at_connect() {
    let b = start().await;
    let cast = Cast::new();
    let forged_will = presence_will(cast.layout.feed(&ex("ex-1"), &team("blue")));
    let config = tcp_config(&b.endpoints, "sneaky")
        .credentials(cast.red.username().as_str(), cast.red.password())
        .last_will(forged_will);
    assert_eq!(
        refusal(config).await,
        ConnectFailure::Refused(Refusal::NotAuthorized)
    );
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_dashboards_will_is_retained_for_late_subscribers() {
    let b = start().await;
    let cast = Cast::new();
    let presence = cast.layout.presence(&ex("ex-1"), &team("red"));

    let (monitor, mut watching) = connect(&b.endpoints, &cast.monitor).await;
    assert!(try_subscribe(&monitor, &presence).await);

    // A dashboard with a presence will, driven by raw rumqttc so it can vanish without
    // sending DISCONNECT.
    let mut options = rumqttc::MqttOptions::new("vanishing-red", "127.0.0.1", b.endpoints.tcp_port);
    options.set_credentials(cast.red.username().as_str(), cast.red.password());
    let will = presence_will(presence.clone());
    options.set_last_will(rumqttc::LastWill::new(
        &will.topic,
        will.payload.clone(),
        rumqttc::QoS::AtLeastOnce,
        true,
    ));
    let (dashboard, mut events) = rumqttc::AsyncClient::new(options, 16);
    dashboard
        .publish(
            &presence,
            rumqttc::QoS::AtLeastOnce,
            true,
            r#"{"v":1,"online":true,"viewers":1}"#,
        )
        .await
        .unwrap();
    let driver = tokio::spawn(async move {
        loop {
            if events.poll().await.is_err() {
                break;
            }
        }
    });
    let online = next_live(&mut watching).await;
    assert!(String::from_utf8_lossy(&online.payload).contains(r#""online":true"#));

    driver.abort();
    let _ = driver.await;
    let offline = next_live(&mut watching).await;
    assert_eq!(offline.payload, will.payload, "the will is published");

    let (engine, mut late) = connect(&b.endpoints, &cast.engine).await;
    assert!(try_subscribe(&engine, &presence).await);
    let retained = next(&mut late).await;
    assert!(retained.retain);
    assert_eq!(
        retained.payload, will.payload,
        "late subscribers see the dashboard offline"
    );
    monitor.shutdown().await;
    engine.shutdown().await;
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_reconnect_and_resubscribe_after_a_restart_on_the_same_port() {
    let first = start().await;
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red) = (ex("ex-1"), team("red"));
    let tcp: SocketAddr = first.broker.tcp_addr();
    let ws = first.broker.ws_addr();

    let (red_client, mut red_inbox) = connect(&first.endpoints, &cast.red).await;
    assert!(try_subscribe(&red_client, &l.feed(&e1, &red)).await);
    let (engine, _engine_inbox) = connect(&first.endpoints, &cast.engine).await;
    publish(&engine, &l.feed(&e1, &red), "before").await;
    assert_eq!(next_live(&mut red_inbox).await.payload, b"before");

    first.broker.shutdown().await;
    let failure = within("red to notice", red_client.wait_failure()).await;
    assert!(
        matches!(failure, Some(ConnectFailure::Network(_))),
        "{failure:?}"
    );
    let err = red_client
        .publish(
            &l.receipts(&e1, &red),
            b"x".to_vec(),
            Qos::AtLeastOnce,
            false,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            BusError::NotConnected { .. } | BusError::ConnectionLost { .. }
        ),
        "{err}"
    );

    // Same ports straight away (SO_REUSEADDR), while connections of the old broker linger.
    let second = start_on(BrokerConfig {
        tcp_addr: tcp,
        ws_addr: ws,
        ..BrokerConfig::loopback()
    })
    .await;
    assert_eq!(second.broker.tcp_addr(), tcp);
    within("red to reconnect", red_client.wait_connected())
        .await
        .unwrap();
    // Red's subscription went out before anything else on the new connection, so once this
    // publish is acknowledged the broker has it.
    publish(
        &red_client,
        &l.presence(&e1, &red),
        r#"{"v":1,"online":true,"viewers":1}"#,
    )
    .await;
    within("engine to reconnect", engine.wait_connected())
        .await
        .unwrap();
    publish(&engine, &l.feed(&e1, &red), "after").await;
    assert_eq!(next_live(&mut red_inbox).await.payload, b"after");

    red_client.shutdown().await;
    engine.shutdown().await;
    second.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_id_held_by_another_team_is_refused() {
    let b = start().await;
    let taken_over = crate::isolation::a_taken_over_client_id_reveals_nothing(&b.endpoints).await;
    assert!(
        !taken_over,
        "the embedded broker let blue take over red's session"
    );
    b.broker.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_the_token_closes_listeners_and_disconnects_clients() {
    let token = CancellationToken::new();
    let table = Arc::new(CredentialTable::with(Cast::new().all()));
    let broker = EmbeddedBroker::start(BrokerConfig::loopback(), table, token.clone())
        .await
        .unwrap();
    let endpoints = Endpoints {
        tcp_port: broker.tcp_addr().port(),
        ws_url: broker.ws_url().unwrap(),
    };
    let (engine, _inbox) = connect(&endpoints, &Cast::new().engine).await;
    token.cancel();
    broker.stopped().await;
    let failure = within("the engine to be disconnected", engine.wait_failure()).await;
    assert!(
        matches!(failure, Some(ConnectFailure::Network(_))),
        "{failure:?}"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", endpoints.tcp_port)).is_err(),
        "the listener is closed"
    );
    engine.shutdown().await;
}
