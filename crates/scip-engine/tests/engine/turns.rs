//! Turn mode: the engine pauses after a turn's last inject and its grace, announces it, and
//! next-turn counts the new turn's injects from its start.

use std::time::Duration;

use scip_bus::payload::ControlEvent;
use scip_core::engine::{Command, Completion, ExerciseState, Passed};
use scip_core::model::Mode;
use scip_engine::Request;

use crate::harness::{Db, FeedWatcher, Harness, clock_scenario};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turns_pause_between_turns_and_next_turn_continues() {
    let h = Harness::start(Db::sqlite().await).await;
    let mut watcher = FeedWatcher::start(h.broker_port, &h.cancel).await;
    // Two teams, four injects each: injects 0–1 in turn 1, 2–3 in turn 2.
    let mut scenario = clock_scenario("turns", 2, 4, 100, 100);
    scenario.mode = Mode::Turns {
        total_turns: 2,
        turn_length_ms: None,
    };
    for team in &mut scenario.teams {
        for (i, inject) in team.timeline.iter_mut().enumerate() {
            inject.turn = Some(if i < 2 { 1 } else { 2 });
            inject.at_ms = 100 + 100 * (i as u64 % 2);
        }
    }
    let id = h.launch(&scenario, 1.0).await;
    h.engine
        .execute(&id, Request::Control(Command::Start), "tester")
        .await
        .unwrap();
    assert_eq!(watcher.collect(4, Duration::from_secs(10)).await, 4);
    let paused = h
        .wait_for(&id, Duration::from_secs(10), "the turn to complete", |r| {
            r.runtime.completion.is_some()
        })
        .await;
    assert_eq!(paused.runtime.state, ExerciseState::Paused);
    assert_eq!(
        paused.runtime.completion,
        Some(Completion::TurnComplete { turn: 1 })
    );
    watcher
        .wait_control(Duration::from_secs(5), |c| {
            c.event == Some(ControlEvent::TurnComplete) && c.turn == Some(1)
        })
        .await;
    // Nothing of turn 2 fires before next-turn.
    watcher.drain(Duration::from_millis(400)).await;
    assert_eq!(watcher.received.len(), 4);

    // Resume is refused between turns; next-turn starts turn 2.
    let refused = h
        .engine
        .execute(&id, Request::Control(Command::Resume), "tester")
        .await;
    assert!(refused.is_err());
    h.engine
        .execute(
            &id,
            Request::Control(Command::NextTurn(Passed::Fire)),
            "tester",
        )
        .await
        .unwrap();
    assert_eq!(watcher.collect(8, Duration::from_secs(10)).await, 8);
    let done = h
        .wait_for(
            &id,
            Duration::from_secs(10),
            "the exercise to complete",
            |r| r.runtime.completion == Some(Completion::ExerciseComplete),
        )
        .await;
    assert_eq!(done.runtime.turn.map(|t| t.current), Some(2));
    watcher
        .wait_control(Duration::from_secs(5), |c| {
            c.event == Some(ControlEvent::ExerciseComplete)
        })
        .await;
    let turn_two: Vec<_> = watcher
        .received
        .values()
        .filter(|p| p.turn == Some(2))
        .collect();
    assert_eq!(turn_two.len(), 4);
    assert_eq!(watcher.duplicates, 0);
    h.stop().await;
}
