//! The engine step: optimistic concurrency, gapless seqs under concurrency, runs and resets,
//! and all-or-nothing writes.

use std::collections::BTreeMap;

use scip_core::engine::{Command, Skipping, WallMs};
use scip_store::{
    DeliveryCause, DeliveryFilter, DeliverySort, EventQuery, NewEvent, Paging, Receipt,
    ReceiptKind, Store, StoreError,
};
use serde_json::json;

use crate::support::*;

const T0: WallMs = 1_767_225_600_000;

async fn exercise_with(store: &Store, teams: &[(&str, usize)]) -> scip_store::ExerciseRecord {
    let s = scenario("drill", "Drill", teams, &[]);
    store
        .create_scenario(&s, &scip_store::VersionNote::default(), T0)
        .await
        .unwrap();
    launch(store, &s, 1, "ex-drill", T0).await
}

/// Everything the store holds about an exercise's progress, to compare before and after.
async fn snapshot(store: &Store, ex: &scip_core::ids::ExerciseId) -> String {
    let record = store.get_exercise(ex).await.unwrap();
    let teams = store.exercise_teams(ex).await.unwrap();
    let deliveries = store
        .list_deliveries(ex, &DeliveryFilter::default())
        .await
        .unwrap();
    let events = store.events(ex, EventQuery::default()).await.unwrap();
    let done = store.done_set(ex).await.unwrap();
    format!("{record:?}\n{teams:?}\n{deliveries:?}\n{events:?}\n{done:?}")
}

async fn conflicting_step_writes_nothing(db: TestDb) {
    let store = db.store().await;
    let ex = exercise_with(&store, &[("red", 2)]).await;
    let first = step_with(
        &ex,
        vec![delivery("red", "red-001", DeliveryCause::Schedule)],
        T0 + 1,
    );
    let outcome = store.apply_step(first).await.unwrap();
    assert_eq!(outcome.version, ex.version + 1);
    let before = snapshot(&store, &ex.id).await;

    // A second engine still holding the old version tries to fire and log.
    let mut stale = step_with(
        &ex,
        vec![delivery("red", "red-002", DeliveryCause::Schedule)],
        T0 + 2,
    );
    stale.events.push(NewEvent::new("paused", json!({})));
    stale.skips.push(Skipping {
        team: tid("red"),
        inject: iid("red-002"),
        turn: None,
        due_ms: Some(20_000),
    });
    let err = store.apply_step(stale).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { current_version: Some(v), .. } if *v == outcome.version),
        "{err:?}"
    );
    assert_eq!(snapshot(&store, &ex.id).await, before, "nothing written");

    // A step naming a team the exercise lacks fails as a whole too.
    let ex_now = store.get_exercise(&ex.id).await.unwrap();
    let bad = step_with(
        &ex_now,
        vec![
            delivery("red", "red-002", DeliveryCause::Schedule),
            delivery("blue", "blue-001", DeliveryCause::Schedule),
        ],
        T0 + 3,
    );
    assert!(matches!(
        store.apply_step(bad).await,
        Err(StoreError::NotFound(m)) if m.contains("blue")
    ));
    assert_eq!(snapshot(&store, &ex.id).await, before);

    // Firing a scheduled inject twice in one run is refused, with nothing written.
    let twice = step_with(
        &ex_now,
        vec![delivery("red", "red-001", DeliveryCause::FireNow)],
        T0 + 4,
    );
    assert!(matches!(
        store.apply_step(twice).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(snapshot(&store, &ex.id).await, before);

    // Unknown exercise.
    let mut ghost = step_with(&ex_now, vec![], T0 + 5);
    ghost.exercise = eid("ex-ghost");
    assert!(matches!(
        store.apply_step(ghost).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn concurrent_steps_keep_seqs_gapless(db: TestDb) {
    let store = db.store().await;
    let teams = [("alpha", 0), ("bravo", 0), ("charlie", 0)];
    let ex = exercise_with(&store, &teams).await;
    const TASKS: usize = 6;
    const STEPS_PER_TASK: usize = 8;
    let mut handles = Vec::new();
    for task in 0..TASKS {
        let store = store.clone();
        let id = ex.id.clone();
        handles.push(tokio::spawn(async move {
            let mut conflicts = 0;
            for step_no in 0..STEPS_PER_TASK {
                loop {
                    let record = store.get_exercise(&id).await.unwrap();
                    // Each step fires a few live injects to two of the teams.
                    let deliveries = (0..3)
                        .map(|k| {
                            let team = teams[(task + step_no + k) % teams.len()].0;
                            delivery(
                                team,
                                &format!("live-{task}-{step_no}-{k}"),
                                DeliveryCause::Live,
                            )
                        })
                        .collect();
                    match store
                        .apply_step(step_with(&record, deliveries, T0 + 10))
                        .await
                    {
                        Ok(_) => break,
                        Err(StoreError::Conflict { .. }) => conflicts += 1,
                        Err(e) => panic!("step failed: {e}"),
                    }
                }
            }
            conflicts
        }));
    }
    let mut conflicts = 0;
    for h in handles {
        conflicts += h.await.unwrap();
    }
    let all = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                sort: DeliverySort::Seq,
                paging: Paging::first(10_000),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.total as usize, TASKS * STEPS_PER_TASK * 3);
    let mut per_team: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for d in &all.items {
        per_team
            .entry(d.team_id.to_string())
            .or_default()
            .push(d.seq);
    }
    for (team, seqs) in &per_team {
        let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
        assert_eq!(seqs, &expected, "team {team} seqs are 1..n without gaps");
        let stored = store.exercise_team(&ex.id, &tid(team)).await.unwrap();
        assert_eq!(stored.next_seq, seqs.len() as u64);
    }
    let record = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(record.version, 1 + (TASKS * STEPS_PER_TASK) as u64);
    // Events stay numbered without gaps too: created + one per delivery.
    let events = store
        .events(
            &ex.id,
            EventQuery {
                limit: 10_000,
                ..EventQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 1 + TASKS * STEPS_PER_TASK * 3);
    assert!(
        events
            .iter()
            .enumerate()
            .all(|(i, e)| e.seq == i as u64 + 1)
    );
    eprintln!("{conflicts} conflicting steps were retried");
}

async fn reset_starts_a_new_run_with_fresh_seqs(db: TestDb) {
    let store = db.store().await;
    let ex = exercise_with(&store, &[("red", 3), ("blue", 2)]).await;
    let mut engine = engine_for(&store, &ex).await;
    let start = T0 + 1_000;
    let effects = engine.apply(Command::Start, start).unwrap();
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            start,
            0,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    let effects = engine.poll(start + 21_000);
    let run1 = store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "engine",
            start + 21_000,
            21_000,
        ))
        .await
        .unwrap();
    assert_eq!(run1.deliveries.len(), 4);
    let ex = store.get_exercise(&ex.id).await.unwrap();
    // Skip red's third inject in run 1 (as a seek would).
    let effects = engine
        .apply(
            Command::Seek {
                to_ms: 40_000,
                passed: scip_core::engine::Passed::Skip,
            },
            start + 22_000,
        )
        .unwrap();
    let seek = step_from_effects(
        &ex,
        *engine.runtime(),
        effects,
        "alice",
        start + 22_000,
        40_000,
    );
    assert_eq!(seek.skips.len(), 1);
    store.apply_step(seek).await.unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(store.done_set(&ex.id).await.unwrap().len(), 5);

    // Reset: run 2, seqs restart, the done set is empty, run 1 stays on record.
    let effects = engine.apply(Command::Pause, start + 23_000).unwrap();
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            start + 23_000,
            40_000,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    let effects = engine.apply(Command::Reset, start + 24_000).unwrap();
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            start + 24_000,
            0,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(ex.runtime.run, 2);
    assert_eq!((ex.started_at, ex.finished_at), (None, None));
    assert!(store.done_set(&ex.id).await.unwrap().is_empty());
    assert!(
        store
            .exercise_teams(&ex.id)
            .await
            .unwrap()
            .iter()
            .all(|t| t.next_seq == 0)
    );
    assert!(
        store
            .unpublished(Some(&ex.id), 100)
            .await
            .unwrap()
            .is_empty(),
        "old runs are not published"
    );
    assert!(
        store
            .team_feed(&ex.id, &tid("red"), 0, i64::MAX, 100)
            .await
            .unwrap()
            .is_empty()
    );

    let restart = start + 30_000;
    let mut engine = engine_for(&store, &ex).await;
    let effects = engine.apply(Command::Start, restart).unwrap();
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            restart,
            0,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    let effects = engine.poll(restart + 11_000);
    let run2 = store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "engine",
            restart + 11_000,
            11_000,
        ))
        .await
        .unwrap();
    let seqs: Vec<(String, u64)> = run2
        .deliveries
        .iter()
        .map(|d| (d.team.to_string(), d.seq))
        .collect();
    assert_eq!(seqs, [("red".to_owned(), 1), ("blue".to_owned(), 1)]);
    let run1_list = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                run: Some(1),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(run1_list.total, 4, "run 1 deliveries are kept");
    let current = store
        .list_deliveries(&ex.id, &DeliveryFilter::default())
        .await
        .unwrap();
    assert_eq!(current.total, 2);
    // A resend of a run-1 delivery is refused: its seq means something else now.
    let err = store
        .mark_for_resend(&run1.deliveries[0].id, "alice", restart + 12_000)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { what, .. } if what.contains("run 1")),
        "{err:?}"
    );
    // Receipts go to the current run's seq 1.
    assert!(
        store
            .record_receipt(
                &Receipt {
                    exercise: ex.id.clone(),
                    team: tid("red"),
                    seq: 1,
                    kind: ReceiptKind::Displayed,
                    at: restart + 12_500,
                    viewer: None,
                },
                restart + 12_501,
            )
            .await
            .unwrap()
    );
    let red = store.get_delivery(&run2.deliveries[0].id).await.unwrap();
    assert_eq!(red.displayed_at, Some(restart + 12_500));
    let old = store.get_delivery(&run1.deliveries[0].id).await.unwrap();
    assert_eq!(old.displayed_at, None);
}

async fn going_back_a_run_is_refused(db: TestDb) {
    let store = db.store().await;
    let ex = exercise_with(&store, &[("red", 1)]).await;
    let mut step = step_with(&ex, vec![], T0);
    step.runtime.run = 0;
    assert!(matches!(
        store.apply_step(step).await,
        Err(StoreError::Invalid(m)) if m.contains("run 0")
    ));
}

/// The engine commits firings shortly ahead of their instant: until it comes, they are
/// neither offered to a catching-up dashboard nor swept up for publishing, while the latest
/// committed instant is known to commands.
async fn deliveries_committed_ahead_wait_for_their_instant(db: TestDb) {
    let store = db.store().await;
    let ex = exercise_with(&store, &[("red", 2)]).await;
    assert_eq!(store.last_fired_at(&ex.id).await.unwrap(), None);
    let now = T0 + 10_000;
    let first = store
        .apply_step(step_with(
            &ex,
            vec![delivery("red", "red-001", DeliveryCause::Schedule)],
            now,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    let ahead = now + 40;
    let second = store
        .apply_step(step_with(
            &ex,
            vec![delivery("red", "red-002", DeliveryCause::Schedule)],
            ahead,
        ))
        .await
        .unwrap();
    assert_eq!(second.deliveries[0].fired_at, ahead);
    assert_eq!(store.last_fired_at(&ex.id).await.unwrap(), Some(ahead));

    let seqs = |items: Vec<scip_store::FeedItem>| items.iter().map(|i| i.seq).collect::<Vec<_>>();
    let feed_now = store
        .team_feed(&ex.id, &tid("red"), 0, now, 100)
        .await
        .unwrap();
    assert_eq!(
        seqs(feed_now),
        [1],
        "the delivery due later is not in the feed yet"
    );
    let feed_then = store
        .team_feed(&ex.id, &tid("red"), 0, ahead, 100)
        .await
        .unwrap();
    assert_eq!(seqs(feed_then), [1, 2]);

    let ids = |items: Vec<scip_store::OutboxItem>| {
        items.into_iter().map(|i| i.delivery_id).collect::<Vec<_>>()
    };
    let due_now = store.unpublished_due(Some(&ex.id), now, 100).await.unwrap();
    assert_eq!(ids(due_now), [first.deliveries[0].id.clone()]);
    let due_then = store.unpublished_due(None, ahead, 100).await.unwrap();
    assert_eq!(
        ids(due_then),
        [
            first.deliveries[0].id.clone(),
            second.deliveries[0].id.clone()
        ]
    );
    assert_eq!(store.unpublished(Some(&ex.id), 100).await.unwrap().len(), 2);
}

crate::on_both_databases!(
    deliveries_committed_ahead_wait_for_their_instant,
    conflicting_step_writes_nothing,
    concurrent_steps_keep_seqs_gapless,
    reset_starts_a_new_run_with_fresh_seqs,
    going_back_a_run_is_refused,
);
