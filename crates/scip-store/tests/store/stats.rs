//! Figures for operations and the lists the API pages through: operations snapshot, lateness
//! samples in firing order, receipts with filters, exercises of a scenario.

use scip_core::engine::WallMs;
use scip_store::{
    DeliveryCause, DeliveryState, Paging, Receipt, ReceiptFilter, ReceiptKind, VersionNote,
};

use crate::on_both_databases;
use crate::support::*;

const T0: WallMs = 1_767_225_600_000;

async fn snapshot_lateness_and_receipts_follow_the_deliveries(db: TestDb) {
    let store = db.store().await;
    let s = scenario("figures", "Figures", &[("red", 2), ("blue", 1)], &[]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    let ex = launch(&store, &s, 1, "ex-figures", T0).await;
    let mut late = delivery("red", "red-001", DeliveryCause::Schedule);
    late.lateness_ms = 1_500;
    late.late = true;
    let step = step_with(
        &ex,
        vec![
            late,
            delivery("blue", "blue-001", DeliveryCause::Schedule),
            delivery("red", "live-1", DeliveryCause::Live),
        ],
        T0 + 1_000,
    );
    let outcome = store.apply_step(step).await.unwrap();
    let published = [outcome.deliveries[1].id.clone()];
    store.mark_published(&published, T0 + 1_010).await.unwrap();
    store
        .record_receipt(
            &Receipt {
                exercise: ex.id.clone(),
                team: tid("red"),
                seq: 1,
                kind: ReceiptKind::Read,
                at: T0 + 2_000,
                viewer: Some("tab-1".into()),
            },
            T0 + 2_001,
        )
        .await
        .unwrap();
    store
        .update_presence(&ex.id, &tid("blue"), 3, T0 + 2_000)
        .await
        .unwrap();

    let snapshot = store.operations_snapshot().await.unwrap();
    let count = |state: DeliveryState| {
        snapshot
            .deliveries_by_state
            .iter()
            .find(|(s, _)| *s == state)
            .unwrap()
            .1
    };
    assert_eq!(count(DeliveryState::Read), 1);
    assert_eq!(count(DeliveryState::Published), 1);
    assert_eq!(count(DeliveryState::Pending), 1);
    assert_eq!(
        snapshot.outbox_depth, 2,
        "the read one was never acknowledged by the broker"
    );
    assert_eq!(
        snapshot
            .receipts_by_kind
            .iter()
            .find(|(k, _)| *k == ReceiptKind::Read)
            .unwrap()
            .1,
        1
    );
    assert_eq!((snapshot.connected_dashboards, snapshot.viewers), (1, 3));
    assert_eq!(
        snapshot.exercises_by_state,
        vec![("deployed".to_owned(), 1)]
    );

    // Scheduled deliveries only, in firing order, resumable from the last one read.
    let first = store.lateness_samples(None, T0 + 10_000, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    let rest = store
        .lateness_samples(first.last(), T0 + 10_000, 10)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    let mut all: Vec<u64> = first.iter().chain(&rest).map(|s| s.lateness_ms).collect();
    all.sort_unstable();
    assert_eq!(all, [0, 1_500]);
    assert!(
        store
            .lateness_samples(rest.last(), T0 + 10_000, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .lateness_samples(None, T0, 10)
            .await
            .unwrap()
            .is_empty(),
        "none fired by T0"
    );

    let page = store
        .list_receipts(&ex.id, &ReceiptFilter::default())
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].team_id, tid("red"));
    assert_eq!(page.items[0].viewer.as_deref(), Some("tab-1"));
    let none = ReceiptFilter {
        team: Some(tid("blue")),
        ..ReceiptFilter::default()
    };
    assert_eq!(store.list_receipts(&ex.id, &none).await.unwrap().total, 0);
    let by_kind = ReceiptFilter {
        kind: Some(ReceiptKind::Read),
        delivery: Some(page.items[0].delivery_id.clone()),
        run: Some(1),
        paging: Paging::first(5),
        ..ReceiptFilter::default()
    };
    assert_eq!(
        store
            .list_receipts(&ex.id, &by_kind)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let other_run = ReceiptFilter {
        run: Some(2),
        ..ReceiptFilter::default()
    };
    assert_eq!(
        store.list_receipts(&ex.id, &other_run).await.unwrap().total,
        0
    );
}

async fn exercises_of_a_scenario_are_listed_newest_first(db: TestDb) {
    let store = db.store().await;
    let s = scenario("twice", "Twice", &[("red", 1)], &[]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    launch(&store, &s, 1, "ex-first", T0).await;
    launch(&store, &s, 1, "ex-second", T0 + 5).await;
    let list = store.exercises_of_scenario(&sid("twice")).await.unwrap();
    let ids: Vec<&str> = list.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ex-second", "ex-first"]);
    assert!(
        store
            .exercises_of_scenario(&sid("other"))
            .await
            .unwrap()
            .is_empty()
    );
}

on_both_databases!(
    snapshot_lateness_and_receipts_follow_the_deliveries,
    exercises_of_a_scenario_are_listed_newest_first,
);
