//! Controller actions on a running exercise: pause holds deliveries, resume continues, live
//! injects reach the chosen teams, fire-now fires once, resend re-publishes the same seq, a
//! skipping seek skips.

use std::time::Duration;

use scip_core::engine::{Command, ExerciseState, Passed};
use scip_core::model::{Content, Priority, Sms};
use scip_core::{InjectId, TeamId};
use scip_engine::{LiveContent, Request};

use crate::harness::{Db, FeedWatcher, Harness, clock_scenario};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_live_fire_now_resend_and_seek() {
    let h = Harness::start(Db::sqlite().await).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    // Team 0: injects at 0.1 s, 0.2 s, then 60 s, 61 s, 62 s; team 1 the same.
    let mut scenario = clock_scenario("controls", 2, 5, 100, 100);
    for team in &mut scenario.teams {
        for (i, inject) in team.timeline.iter_mut().enumerate().skip(2) {
            inject.at_ms = 60_000 + 1_000 * (i as u64 - 2);
        }
    }
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    assert_eq!(watcher.collect(4, Duration::from_secs(10)).await, 4);

    // Pause, then a live inject to both teams while paused.
    h.engine
        .execute(&id, Request::Control(Command::Pause), "tester")
        .await
        .unwrap();
    let live = LiveContent {
        content: Content::Sms(Sms {
            from: "Control".into(),
            body: "Live message".into(),
            ..Sms::default()
        }),
        priority: Priority::Urgent,
        media: vec![],
    };
    let teams = vec![
        TeamId::new("team-0").unwrap(),
        TeamId::new("team-1").unwrap(),
    ];
    let outcome = h
        .engine
        .execute(
            &id,
            Request::LiveInject {
                teams,
                live: Box::new(live),
            },
            "tester",
        )
        .await
        .unwrap();
    let live_id = outcome.live_inject.unwrap();
    assert_eq!(watcher.collect(6, Duration::from_secs(10)).await, 6);
    let live_copies: Vec<_> = watcher
        .received
        .values()
        .filter(|p| p.id == live_id)
        .collect();
    assert_eq!(live_copies.len(), 2);
    assert!(live_copies.iter().all(|p| p.manual && p.seq == 3));

    // Fire-now of team 0's last inject, then a seek past the others that skips them.
    let team0 = TeamId::new("team-0").unwrap();
    let last = InjectId::new("t0-0004").unwrap();
    h.engine
        .execute(
            &id,
            Request::Control(Command::FireNow {
                team: team0.clone(),
                inject: last.clone(),
            }),
            "tester",
        )
        .await
        .unwrap();
    assert_eq!(watcher.collect(7, Duration::from_secs(10)).await, 7);
    h.engine
        .execute(
            &id,
            Request::Control(Command::Seek {
                to_ms: 70_000,
                passed: Passed::Skip,
            }),
            "tester",
        )
        .await
        .unwrap();
    let record = h.store.get_exercise(&id).await.unwrap();
    assert_eq!(record.runtime.state, ExerciseState::Paused);
    assert!(record.runtime.clock.elapsed(0) >= 70_000);
    let done = h.store.done_set(&id).await.unwrap();
    assert_eq!(
        done.len(),
        10,
        "every scheduled inject fired or skipped: {done:?}"
    );

    // Resend a delivery: the same seq and payload arrive again.
    let first = h
        .store
        .list_deliveries(&id, &scip_store::DeliveryFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.team_id == team0 && d.seq == 1)
        .unwrap();
    h.engine
        .execute(
            &id,
            Request::Resend {
                delivery: first.id.clone(),
            },
            "tester",
        )
        .await
        .unwrap();
    watcher.drain(Duration::from_millis(800)).await;
    assert_eq!(
        watcher.duplicates, 1,
        "the resent delivery arrives once more with its seq"
    );
    // Nothing else fires: the skipped injects stay skipped after resuming.
    h.engine
        .execute(&id, Request::Control(Command::Resume), "tester")
        .await
        .unwrap();
    watcher.drain(Duration::from_millis(800)).await;
    assert_eq!(watcher.received.len(), 7);
    h.stop().await;
}
