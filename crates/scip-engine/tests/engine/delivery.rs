//! Every inject reaches its team exactly once, in order, and the outbox records it.

use std::time::Duration;

use scip_core::engine::Command;
use scip_engine::Request;

use crate::harness::{Db, FeedWatcher, Harness, clock_scenario};

async fn delivers_every_inject_exactly_once(db: Db) {
    let h = Harness::start(db).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    let scenario = clock_scenario("drill", 3, 20, 0, 50);
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    assert_eq!(watcher.collect(60, Duration::from_secs(20)).await, 60);
    for team in 0..3 {
        let seqs: Vec<u64> = watcher
            .received
            .keys()
            .filter(|(t, _)| *t == format!("team-{team}"))
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
        let ids: Vec<String> = watcher
            .received
            .iter()
            .filter(|((t, _), _)| *t == format!("team-{team}"))
            .map(|(_, p)| p.id.to_string())
            .collect();
        let expected: Vec<String> = (0..20).map(|i| format!("t{team}-{i:04}")).collect();
        assert_eq!(
            ids, expected,
            "team {team} received its injects out of order"
        );
    }
    // The relay marks every delivery published once the broker acknowledged it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let pending = h.store.unpublished(Some(&id), 1000).await.unwrap();
        if pending.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} deliveries never marked published",
            pending.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_embedded_broker_deliver_every_inject_exactly_once() {
    delivers_every_inject_exactly_once(Db::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_and_embedded_broker_deliver_every_inject_exactly_once() {
    delivers_every_inject_exactly_once(Db::postgres().await).await;
}
