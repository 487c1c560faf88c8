//! The team isolation scenario, run against the embedded broker and against Mosquitto
//! configured by the provisioner.
//!
//! "Gets nothing" is proven by order, not by waiting: a broker delivers one publisher's
//! messages to one subscriber in the order it accepted them, and acknowledges a QoS 1 publish
//! only after routing it. So when a message published *after* a forbidden one arrives first,
//! the forbidden one was not delivered.

use scip_bus::client::{ConnectFailure, Refusal};
use scip_bus::payload::{ReceiptKind, ReceiptPayload};
use scip_bus::{ClientConfig, Qos, Topic};

use crate::support::*;

/// Everything DESIGN §4 promises about who sees and writes what.
pub async fn isolation_holds(ep: &Endpoints) {
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red, blue) = (ex("ex-1"), team("red"), team("blue"));

    let (engine, mut engine_inbox) = connect(ep, &cast.engine).await;
    within(
        "engine subscription",
        engine.subscribe(
            &l.all_teams_filter(scip_bus::TopicKind::Receipts),
            Qos::AtLeastOnce,
        ),
    )
    .await
    .unwrap();
    within(
        "engine subscription",
        engine.subscribe(
            &l.all_teams_filter(scip_bus::TopicKind::Presence),
            Qos::AtLeastOnce,
        ),
    )
    .await
    .unwrap();

    // The timer is retained (QoS 0, as in production); the QoS 1 control message after it is
    // acknowledged only once the broker has handled the timer too.
    within(
        "timer publish",
        engine.publish(
            &l.timer(&e1),
            br#"{"v":1,"formatted":"T+00:05"}"#.to_vec(),
            Qos::AtMostOnce,
            true,
        ),
    )
    .await
    .unwrap();
    publish(&engine, &l.control(&e1), r#"{"v":1,"command":"start"}"#).await;

    // Red reads its own feed and gets the retained timer at once.
    let (red_client, mut red_inbox) = connect(ep, &cast.red).await;
    assert!(
        try_subscribe(&red_client, &l.feed(&e1, &red)).await,
        "own feed"
    );
    assert!(
        try_subscribe(&red_client, &l.timer(&e1)).await,
        "exercise timer"
    );
    assert!(
        try_subscribe(&red_client, &l.control(&e1)).await,
        "exercise control"
    );
    let timer = next(&mut red_inbox).await;
    assert_eq!(timer.topic, l.timer(&e1));
    assert!(timer.retain, "a late joiner sees the retained timer");
    assert!(String::from_utf8_lossy(&timer.payload).contains("T+00:05"));

    // Red may not read another team's feed, another exercise's feed, or anything by wildcard.
    let refused = [
        l.feed(&e1, &blue),
        l.feed(&ex("ex-2"), &red),
        l.receipts(&e1, &blue),
        l.presence(&e1, &blue),
        "/exercise/+/team/+/feed".to_owned(),
        "/exercise/ex-1/team/+/feed".to_owned(),
        "/exercise/#".to_owned(),
        "#".to_owned(),
    ];
    let mut granted_anyway = Vec::new();
    for filter in &refused {
        if try_subscribe(&red_client, filter).await {
            granted_anyway.push(filter.clone());
        }
    }

    // Messages red must not see, then two it must (control, then its feed): they arrive first.
    publish(&engine, &l.feed(&e1, &blue), r#"{"for":"blue"}"#).await;
    publish(&engine, &l.feed(&ex("ex-2"), &red), r#"{"for":"ex-2 red"}"#).await;
    publish(
        &engine,
        &l.receipts(&e1, &blue),
        r#"{"for":"blue receipts"}"#,
    )
    .await;
    publish(&engine, &l.control(&e1), r#"{"v":1,"command":"pause"}"#).await;
    publish(&engine, &l.feed(&e1, &red), r#"{"for":"red"}"#).await;
    let control = next_live(&mut red_inbox).await;
    assert_eq!(
        control.topic,
        l.control(&e1),
        "red saw another team's message (filters granted by the broker: {granted_anyway:?})"
    );
    let got = next_live(&mut red_inbox).await;
    assert_eq!(
        (got.topic.as_str(), got.payload.as_slice()),
        (l.feed(&e1, &red).as_str(), br#"{"for":"red"}"#.as_slice()),
        "red saw another team's message (filters granted by the broker: {granted_anyway:?})"
    );

    // Red cannot write feeds, the timer or control, nor blue's receipts; it can write its own
    // receipts and presence. The monitor watches everything and sees only the allowed ones.
    let (monitor, mut monitor_inbox) = connect(ep, &cast.monitor).await;
    assert!(try_subscribe(&monitor, &l.everything_filter()).await);
    for forged in [
        l.feed(&e1, &red),
        l.feed(&e1, &blue),
        l.timer(&e1),
        l.control(&e1),
        l.status(&e1),
        l.receipts(&e1, &blue),
        l.presence(&e1, &blue),
    ] {
        // MQTT 3.1.1 cannot refuse a publish; the broker acknowledges and drops it.
        publish(&red_client, &forged, r#"{"forged":true}"#).await;
    }
    let receipt = ReceiptPayload::new(1, ReceiptKind::Read, time::OffsetDateTime::now_utc());
    let receipt_bytes = serde_json::to_vec(&receipt).unwrap();
    within(
        "receipt publish",
        red_client.publish(
            &l.receipts(&e1, &red),
            receipt_bytes.clone(),
            Qos::AtLeastOnce,
            false,
        ),
    )
    .await
    .unwrap();
    let seen = next_live(&mut monitor_inbox).await;
    assert_eq!(
        seen.topic,
        l.receipts(&e1, &red),
        "the monitor saw a forged message first"
    );

    // The engine first sees the message it put on blue's receipts itself, then red's
    // receipt, whose topic and payload it parses.
    let own = next_live(&mut engine_inbox).await;
    assert_eq!(own.topic, l.receipts(&e1, &blue));
    let got = next_live(&mut engine_inbox).await;
    assert_eq!(
        l.parse(&got.topic).unwrap(),
        Topic::Receipts(e1.clone(), red.clone())
    );
    assert_eq!(ReceiptPayload::parse(&got.payload).unwrap(), receipt);

    // Presence is allowed too and is retained.
    within(
        "presence publish",
        red_client.publish(
            &l.presence(&e1, &red),
            br#"{"v":1,"online":true,"viewers":1}"#.to_vec(),
            Qos::AtLeastOnce,
            true,
        ),
    )
    .await
    .unwrap();
    let got = next_live(&mut engine_inbox).await;
    assert_eq!(got.topic, l.presence(&e1, &red));

    // The monitor may not write anything: its forged receipt for red never reaches the engine,
    // whose next message is red's real one.
    publish(
        &monitor,
        &l.receipts(&e1, &red),
        r#"{"forged":"by monitor"}"#,
    )
    .await;
    publish(&red_client, &l.receipts(&e1, &red), r#"{"real":true}"#).await;
    let got = next_live(&mut engine_inbox).await;
    assert_eq!(
        got.payload, br#"{"real":true}"#,
        "the monitor's publish went through"
    );

    // Anonymous clients and wrong passwords are refused.
    let anonymous = refusal(tcp_config(ep, "anonymous")).await;
    assert!(
        matches!(
            anonymous,
            ConnectFailure::Refused(Refusal::NotAuthorized | Refusal::BadCredentials)
        ),
        "anonymous: {anonymous:?}"
    );
    let wrong = refusal(
        tcp_config(ep, "wrong").credentials(cast.red.username().as_str(), "not-the-password"),
    )
    .await;
    assert!(
        matches!(
            wrong,
            ConnectFailure::Refused(Refusal::BadCredentials | Refusal::NotAuthorized)
        ),
        "wrong password: {wrong:?}"
    );
    let unknown = refusal(tcp_config(ep, "unknown").credentials("nobody", "x")).await;
    assert!(
        matches!(unknown, ConnectFailure::Refused(_)),
        "unknown user: {unknown:?}"
    );

    for c in [&engine, &red_client, &monitor] {
        c.shutdown().await;
    }
}

/// A team dashboard over WebSocket receives its feed.
pub async fn websocket_team_receives_its_feed(ep: &Endpoints, ws_url: &str) {
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red) = (ex("ex-1"), team("red"));
    let config = ClientConfig::websocket(ws_url, scip_bus::client::unique_client_id("ws-red"))
        .backoff(fast_backoff());
    let (red_client, mut inbox) = connect_with(config, &cast.red).await;
    assert!(try_subscribe(&red_client, &l.feed(&e1, &red)).await);
    // Refused or granted-but-empty, depending on the broker; the marker below tells.
    let _ = try_subscribe(&red_client, &l.feed(&e1, &team("blue"))).await;
    let (engine, _engine_inbox) = connect(ep, &cast.engine).await;
    publish(&engine, &l.feed(&e1, &team("blue")), "blue only").await;
    publish(&engine, &l.feed(&e1, &red), "over websocket").await;
    let got = next_live(&mut inbox).await;
    assert_eq!(got.payload, b"over websocket");
    red_client.shutdown().await;
    engine.shutdown().await;
}

/// Red leaves a persistent session under a client id; blue then connects with that client id
/// and asks to resume the session. Returns `false` when the broker refuses blue. When it
/// lets blue in, red's inherited subscription must deliver nothing to blue.
pub async fn a_taken_over_client_id_reveals_nothing(ep: &Endpoints) -> bool {
    let cast = Cast::new();
    let l = &cast.layout;
    let (e1, red, blue) = (ex("ex-1"), team("red"), team("blue"));
    let persistent = |cred: &scip_bus::Credential| {
        let mut o = rumqttc::MqttOptions::new("dashboard-1", "127.0.0.1", ep.tcp_port);
        o.set_credentials(cred.username().as_str(), cred.password());
        o.set_clean_session(false);
        rumqttc::AsyncClient::new(o, 16)
    };

    let (red_client, mut red_events) = persistent(&cast.red);
    red_client
        .subscribe(l.feed(&e1, &red), rumqttc::QoS::AtLeastOnce)
        .await
        .unwrap();
    within("red's SUBACK", async {
        while !matches!(
            red_events.poll().await.unwrap(),
            rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))
        ) {}
    })
    .await;
    red_client.disconnect().await.unwrap();
    within("red's DISCONNECT", async {
        loop {
            match red_events.poll().await {
                Ok(rumqttc::Event::Outgoing(rumqttc::Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;

    let (blue_client, mut blue_events) = persistent(&cast.blue);
    match within("blue's CONNACK", blue_events.poll()).await {
        Err(rumqttc::ConnectionError::ConnectionRefused(_)) => return false,
        Err(e) => panic!("blue's connection failed: {e}"),
        Ok(_) => {}
    }
    blue_client
        .subscribe(l.feed(&e1, &blue), rumqttc::QoS::AtLeastOnce)
        .await
        .unwrap();
    within("blue's SUBACK", async {
        while !matches!(
            blue_events.poll().await.unwrap(),
            rumqttc::Event::Incoming(rumqttc::Packet::SubAck(_))
        ) {}
    })
    .await;
    let (engine, _inbox) = connect(ep, &cast.engine).await;
    publish(&engine, &l.feed(&e1, &red), "for red").await;
    publish(&engine, &l.feed(&e1, &blue), "for blue").await;
    let first = within("blue's first message", async {
        loop {
            if let rumqttc::Event::Incoming(rumqttc::Packet::Publish(p)) =
                blue_events.poll().await.unwrap()
            {
                return p;
            }
        }
    })
    .await;
    assert_eq!(
        first.topic,
        l.feed(&e1, &blue),
        "blue got red's feed through red's session"
    );
    engine.shutdown().await;
    true
}
