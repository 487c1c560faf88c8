//! Receipts and presence that a team dashboard publishes with its own credentials are stored.

use std::time::Duration;

use scip_bus::payload::{PresencePayload, ReceiptKind, ReceiptPayload, encode};
use scip_bus::{ClientConfig, MqttClient, Qos, TopicLayout};
use scip_core::engine::Command;
use scip_engine::Request;

use crate::harness::{Db, FeedWatcher, Harness, clock_scenario};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn receipts_and_presence_from_a_team_dashboard_are_stored() {
    let h = Harness::start(Db::sqlite().await).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    let id = h
        .launch(&clock_scenario("receipts", 2, 2, 50, 50), 1.0)
        .await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    assert_eq!(watcher.collect(4, Duration::from_secs(10)).await, 4);

    let team = h.store.exercise_teams(&id).await.unwrap().remove(0);
    let (client, _inbox) = MqttClient::start(
        ClientConfig::tcp("127.0.0.1", h.broker_port, "dashboard-test")
            .credentials(&team.mqtt_username, &team.mqtt_password),
        h.cancel.child_token(),
    )
    .unwrap();
    client.wait_connected().await.unwrap();
    let layout = TopicLayout::default();
    let now = time::OffsetDateTime::now_utc();
    let receipt = encode("receipt", &ReceiptPayload::new(1, ReceiptKind::Read, now)).unwrap();
    client
        .publish(
            &layout.receipts(&id, &team.team_id),
            receipt,
            Qos::AtLeastOnce,
            false,
        )
        .await
        .unwrap();
    let presence = encode("presence", &PresencePayload::new(true, 3)).unwrap();
    client
        .publish(
            &layout.presence(&id, &team.team_id),
            presence,
            Qos::AtLeastOnce,
            true,
        )
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let page = h
            .store
            .list_deliveries(
                &id,
                &scip_store::DeliveryFilter {
                    team: Some(team.team_id.clone()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let first = page.items.iter().find(|d| d.seq == 1).unwrap();
        let viewers = h
            .store
            .exercise_team(&id, &team.team_id)
            .await
            .unwrap()
            .viewers;
        if first.read_at.is_some() && first.received_at.is_some() && viewers == 3 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "receipt or presence not stored: {first:?}, viewers {viewers}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The team may not report for another team: that publish is dropped by the broker.
    let other = h.store.exercise_teams(&id).await.unwrap().remove(1);
    let forged = encode("receipt", &ReceiptPayload::new(1, ReceiptKind::Read, now)).unwrap();
    let _ = client
        .publish(
            &layout.receipts(&id, &other.team_id),
            forged,
            Qos::AtLeastOnce,
            false,
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let page = h
        .store
        .list_deliveries(
            &id,
            &scip_store::DeliveryFilter {
                team: Some(other.team_id.clone()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        page.items.iter().all(|d| d.read_at.is_none()),
        "a forged receipt was stored"
    );
    h.stop().await;
}
