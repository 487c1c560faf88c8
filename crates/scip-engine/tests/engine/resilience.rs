//! Nothing lost, nothing twice: an engine restarted mid-exercise, a broker stopped for ten
//! seconds, a database restarted.

use std::time::Duration;

use scip_core::TeamId;
use scip_core::engine::Command;
use scip_engine::Request;

use crate::harness::{Db, FeedWatcher, Harness, ProvisionedMosquitto, clock_scenario};

/// Every team received seqs 1..=n, and each of its injects exactly once.
fn assert_complete(watcher: &FeedWatcher, teams: usize, per_team: usize) {
    for t in 0..teams {
        let team = format!("team-{t}");
        let seqs: Vec<u64> = watcher
            .received
            .keys()
            .filter(|(k, _)| *k == team)
            .map(|(_, s)| *s)
            .collect();
        assert_eq!(
            seqs,
            (1..=per_team as u64).collect::<Vec<_>>(),
            "team {team} seqs"
        );
        let mut ids: Vec<String> = watcher
            .received
            .iter()
            .filter(|((k, _), _)| *k == team)
            .map(|(_, p)| p.id.to_string())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            per_team,
            "team {team} got an inject under two seqs"
        );
    }
}

fn team_ids(n: usize) -> Vec<TeamId> {
    (0..n)
        .map(|t| TeamId::new(format!("team-{t}")).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_restarted_mid_exercise_continues_without_loss_or_repeat() {
    let mosquitto = ProvisionedMosquitto::start().await;
    let db = Db::postgres().await;
    let h = Harness::start_with_mosquitto(db, &mosquitto).await;
    // The watcher outlives the first engine.
    let watcher_cancel = tokio_util::sync::CancellationToken::new();
    let mut watcher = FeedWatcher::start(mosquitto.broker.port, &watcher_cancel).await;
    let scenario = clock_scenario("restart", 3, 30, 100, 100);
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    watcher.collect(20, Duration::from_secs(10)).await;
    let before = h.store.get_exercise(&id).await.unwrap();
    let db = h.stop().await;

    // A new engine on the same database and broker takes over from the persisted clock.
    let h = Harness::start_with_mosquitto(db, &mosquitto).await;
    let after = h.store.get_exercise(&id).await.unwrap();
    assert_eq!(
        after.runtime.clock, before.runtime.clock,
        "the clock triple survives the restart"
    );
    watcher.collect(90, Duration::from_secs(15)).await;
    watcher.catch_up(&h.store, &id, &team_ids(3)).await;
    assert_complete(&watcher, 3, 30);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broker_stopped_for_ten_seconds_loses_nothing() {
    let mut mosquitto = ProvisionedMosquitto::start().await;
    let h = Harness::start_with_mosquitto(Db::sqlite().await, &mosquitto).await;
    let mut watcher = FeedWatcher::start(mosquitto.broker.port, &h.cancel).await;
    let scenario = clock_scenario("outage", 2, 40, 100, 250);
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    watcher.collect(10, Duration::from_secs(10)).await;
    mosquitto.broker.kill();
    tokio::time::sleep(Duration::from_secs(10)).await;
    mosquitto.broker.restart();
    // Deliveries fired during the outage were kept in the outbox and published on reconnect.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let pending = h.store.unpublished(Some(&id), 1_000).await.unwrap();
        let fired = h
            .store
            .delivery_counts(&id)
            .await
            .unwrap()
            .iter()
            .map(|c| c.counts.delivered)
            .sum::<u64>();
        if pending.is_empty() && fired == 80 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} unpublished, {fired} fired",
            pending.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    watcher.collect(80, Duration::from_secs(5)).await;
    // Like a dashboard, the watcher fetches from history what arrived while it was cut off.
    watcher.catch_up(&h.store, &id, &team_ids(2)).await;
    assert_complete(&watcher, 2, 40);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restarted_mid_exercise_loses_nothing() {
    let pg = scip_testkit::PrivatePostgres::start();
    let h = Harness::start(Db::Url(pg.url())).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    let scenario = clock_scenario("db-restart", 2, 30, 100, 100);
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    watcher.collect(10, Duration::from_secs(10)).await;
    pg.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    pg.start_again();
    watcher.collect(60, Duration::from_secs(30)).await;
    assert_eq!(watcher.duplicates, 0, "nothing was published twice");
    assert_complete(&watcher, 2, 30);
    h.stop().await;
}
