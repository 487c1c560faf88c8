//! Firings committed ahead of their instant: stored early, published at the instant and never
//! before it, and a pause given in between lands after what was committed. The window is
//! widened to seconds here so that the order of things does not depend on the machine's speed.

use std::time::Duration;

use scip_core::engine::{Command, ExerciseState};
use scip_engine::{EngineConfig, Request};
use scip_store::{DeliveryFilter, DeliveryState};

use crate::harness::{Db, FeedWatcher, Harness, clock_scenario, test_config};

const AHEAD_MS: u64 = 3_000;

fn committing_ahead() -> EngineConfig {
    EngineConfig {
        commit_ahead_ms: AHEAD_MS,
        ..test_config()
    }
}

async fn stored(h: &Harness, id: &scip_core::ExerciseId) -> Vec<scip_store::DeliveryRecord> {
    h.store
        .list_deliveries(id, &DeliveryFilter::default())
        .await
        .unwrap()
        .items
}

async fn wait_stored(h: &Harness, id: &scip_core::ExerciseId, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while stored(h, id).await.len() < count {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the engine did not commit {count} deliveries ahead"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_ahead_then_published_at_the_instant_never_before() {
    let h = Harness::start_configured(Db::sqlite().await, committing_ahead()).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    // Two teams, injects at T+4.0 s and T+4.3 s: committed from T+1.0 s on.
    let id = h
        .launch(&clock_scenario("ahead", 2, 2, 4_000, 300), 1.0)
        .await;
    let started = h
        .engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    let since_ms = started.exercise.runtime.clock.running_since.unwrap();

    wait_stored(&h, &id, 4).await;
    let early = stored(&h, &id).await;
    assert!(
        early.iter().all(|d| d.state() == DeliveryState::Pending),
        "committed, not yet published: {early:?}"
    );
    // Nothing reaches a team before its instant, though everything is stored.
    watcher.drain(Duration::from_millis(500)).await;
    assert!(watcher.received.is_empty(), "published early");
    let team_0 = scip_core::TeamId::new("team-0").unwrap();
    let now = h.engine.clock.now();
    assert!(
        h.store
            .team_feed(&id, &team_0, 0, now, 100)
            .await
            .unwrap()
            .is_empty(),
        "a dashboard catching up is not shown what is not due"
    );

    assert_eq!(watcher.collect(4, Duration::from_secs(10)).await, 4);
    for (key, payload) in &watcher.received {
        let due_us = (since_ms as u64 + payload.scheduled_ms.unwrap()) * 1_000;
        let arrived = watcher.arrived_us[key];
        assert!(
            arrived >= due_us,
            "{key:?} arrived {} µs before its instant",
            due_us - arrived
        );
    }
    watcher.drain(Duration::from_millis(300)).await;
    assert_eq!(watcher.duplicates, 0);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pause_inside_the_window_lands_after_what_was_committed() {
    let h = Harness::start_configured(Db::sqlite().await, committing_ahead()).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    // One team: injects at T+4.0 s (committed from T+1.0 s) and T+9.0 s.
    let id = h
        .launch(&clock_scenario("pause-ahead", 1, 2, 4_000, 5_000), 1.0)
        .await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    wait_stored(&h, &id, 1).await;

    // The controller pauses at about T+1.x s; the pause lands at T+4.0 s, the instant of the
    // inject already committed, so the clock never reads less than a delivered inject's time.
    let paused = h
        .engine
        .execute(&id, Request::Control(Command::Pause), "tester")
        .await
        .unwrap();
    assert_eq!(paused.exercise.runtime.state, ExerciseState::Paused);
    assert_eq!(paused.exercise.runtime.clock.base_elapsed_ms, 4_000);
    assert_eq!(watcher.collect(1, Duration::from_secs(10)).await, 1);

    // Resumed, the rest fires once; the committed inject is not fired again.
    h.engine
        .execute(&id, Request::Control(Command::Resume), "tester")
        .await
        .unwrap();
    assert_eq!(watcher.collect(2, Duration::from_secs(15)).await, 2);
    watcher.drain(Duration::from_millis(300)).await;
    assert_eq!(watcher.duplicates, 0);
    let seqs: Vec<u64> = watcher.received.keys().map(|(_, seq)| *seq).collect();
    assert_eq!(seqs, [1, 2]);
    h.stop().await;
}
