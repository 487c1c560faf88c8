#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The exercise engine's rules, driven through the pure state machine.

use scip_core::engine::{
    Action, Announcement, Command, CommandError, Effect, Engine, EngineSettings, ExerciseState,
    FireCause, Passed, Plan, Runtime, Speed,
};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};

fn inject(id: &str, at_s: u64, turn: Option<u32>) -> Inject {
    Inject {
        id: InjectId::new(id).unwrap(),
        at_ms: at_s * 1000,
        turn,
        priority: Priority::Medium,
        content: Content::Sms(Sms {
            from: "Ops".into(),
            body: id.into(),
            ..Sms::default()
        }),
        media: vec![],
        notes: None,
        expected_action: None,
    }
}

fn team(id: &str, timeline: Vec<Inject>) -> Team {
    Team {
        id: TeamId::new(id).unwrap(),
        name: id.into(),
        color: "#000000".into(),
        kind: TeamKind::Player,
        dashboard_port: None,
        resources: TeamResources::default(),
        description: None,
        timeline,
    }
}

fn clock_scenario() -> Scenario {
    Scenario {
        id: ScenarioId::new("s").unwrap(),
        name: "S".into(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: vec![
            team(
                "blue",
                vec![
                    inject("b1", 0, None),
                    inject("b2", 10, None),
                    inject("b3", 20, None),
                ],
            ),
            team("red", vec![inject("r1", 10, None)]),
        ],
    }
}

fn turn_scenario() -> Scenario {
    Scenario {
        mode: Mode::Turns {
            total_turns: 2,
            turn_length_ms: None,
        },
        teams: vec![
            team(
                "blue",
                vec![
                    inject("b1", 5, Some(1)),
                    inject("b2", 10, Some(1)),
                    inject("b3", 5, Some(2)),
                ],
            ),
            team("red", vec![inject("r1", 8, Some(2))]),
        ],
        ..clock_scenario()
    }
}

fn engine(s: &Scenario) -> Engine {
    Engine::new(
        Plan::from_scenario(s),
        Runtime::deployed(Speed::NORMAL),
        EngineSettings {
            turn_grace_ms: 2_000,
        },
        [],
    )
}

fn fired(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fire(f) => Some(format!("{}/{}", f.team, f.inject)),
            _ => None,
        })
        .collect()
}

fn announced(effects: &[Effect]) -> Vec<Announcement> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce(a) => Some(*a),
            _ => None,
        })
        .collect()
}

#[test]
fn start_fires_what_is_due_at_zero_and_sleeps_until_the_next() {
    let mut e = engine(&clock_scenario());
    let fx = e.apply(Command::Start, 1_000).unwrap();
    assert_eq!(announced(&fx), [Announcement::Started]);
    assert_eq!(fired(&fx), ["blue/b1"]);
    assert_eq!(e.next_deadline(1_000), Some(11_000));
}

#[test]
fn a_missed_tick_never_skips_an_inject() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    // The driver wakes up 15 s late: everything due so far fires, in order, marked late.
    let fx = e.poll(25_000);
    assert_eq!(fired(&fx), ["blue/b2", "red/r1", "blue/b3"]);
    let Effect::Fire(first) = &fx[0] else {
        panic!()
    };
    assert!(first.late && first.lateness_ms == 15_000 && first.cause == FireCause::Schedule);
    assert!(e.poll(26_000).iter().all(|e| !matches!(e, Effect::Fire(_))));
}

#[test]
fn paused_clock_fires_nothing_and_resume_continues() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    e.apply(Command::Pause, 5_000).unwrap();
    assert_eq!(e.next_deadline(5_000), None);
    assert!(fired(&e.poll(60_000)).is_empty());
    e.apply(Command::Resume, 60_000).unwrap();
    assert_eq!(e.elapsed(60_000), 5_000);
    assert_eq!(e.next_deadline(60_000), Some(65_000));
}

#[test]
fn clock_mode_completes_after_the_last_inject_and_grace() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    let fx = e.poll(20_000);
    assert_eq!(fired(&fx), ["blue/b2", "red/r1", "blue/b3"]);
    assert_eq!(e.next_deadline(20_000), Some(22_000));
    let fx = e.poll(22_000);
    assert_eq!(
        announced(&fx),
        [
            Announcement::Paused { auto: true },
            Announcement::ExerciseComplete { turn: None }
        ]
    );
    assert_eq!(e.runtime().state, ExerciseState::Paused);
    let err = e.apply(Command::Resume, 23_000).unwrap_err();
    let CommandError::Transition(t) = err else {
        panic!()
    };
    assert!(t.allowed.contains(&Action::Finish) && !t.allowed.contains(&Action::Resume));
}

#[test]
fn firings_may_be_committed_ahead_but_a_completion_may_not() {
    let mut e = engine(&clock_scenario());
    assert!(!e.only_fires_at(0), "nothing fires before the start");
    e.apply(Command::Start, 0).unwrap();
    assert!(e.only_fires_at(10_000));
    // The last inject leaves the grace before the exercise completes.
    assert!(e.only_fires_at(20_000));
    assert!(!e.only_fires_at(22_000));
    let mut no_grace = Engine::new(
        Plan::from_scenario(&clock_scenario()),
        Runtime::deployed(Speed::NORMAL),
        EngineSettings { turn_grace_ms: 0 },
        [],
    );
    no_grace.apply(Command::Start, 0).unwrap();
    no_grace.poll(10_000);
    // With no grace, the last inject and the completion share an instant.
    assert!(!no_grace.only_fires_at(20_000));
    assert_eq!(
        announced(&no_grace.poll(20_000)),
        [
            Announcement::Paused { auto: true },
            Announcement::ExerciseComplete { turn: None }
        ]
    );
    e.apply(Command::Pause, 15_000).unwrap();
    assert!(!e.only_fires_at(20_000), "a held clock fires nothing");
}

#[test]
fn turns_pause_after_grace_and_next_turn_counts_from_its_start() {
    let mut e = engine(&turn_scenario());
    let fx = e.apply(Command::Start, 0).unwrap();
    assert_eq!(
        announced(&fx),
        [
            Announcement::Started,
            Announcement::TurnStarted {
                turn: 1,
                total_turns: 2
            }
        ]
    );
    assert_eq!(fired(&e.poll(10_000)), ["blue/b1", "blue/b2"]);
    let fx = e.poll(12_000);
    assert_eq!(
        announced(&fx),
        [
            Announcement::Paused { auto: true },
            Announcement::TurnComplete {
                turn: 1,
                total_turns: 2
            }
        ]
    );
    // Resume is refused between turns; next-turn starts turn 2 at the current elapsed time.
    assert!(e.apply(Command::Resume, 30_000).is_err());
    let fx = e.apply(Command::NextTurn(Passed::Fire), 30_000).unwrap();
    assert_eq!(
        announced(&fx),
        [Announcement::TurnStarted {
            turn: 2,
            total_turns: 2
        }]
    );
    assert_eq!(e.next_deadline(30_000), Some(35_000));
    assert_eq!(fired(&e.poll(35_000)), ["blue/b3"]);
    assert_eq!(fired(&e.poll(38_000)), ["red/r1"]);
    let fx = e.poll(40_000);
    assert_eq!(
        announced(&fx)[1],
        Announcement::ExerciseComplete { turn: Some(2) }
    );
    assert!(!e.allowed_actions().contains(&Action::NextTurn));
}

#[test]
fn next_turn_mid_turn_fires_or_skips_the_rest() {
    let mut e = engine(&turn_scenario());
    e.apply(Command::Start, 0).unwrap();
    let fx = e.apply(Command::NextTurn(Passed::Skip), 1_000).unwrap();
    let skipped = fx.iter().filter(|e| matches!(e, Effect::Skip(_))).count();
    assert_eq!(skipped, 2);
    let mut e = engine(&turn_scenario());
    e.apply(Command::Start, 0).unwrap();
    let fx = e.apply(Command::NextTurn(Passed::Fire), 1_000).unwrap();
    assert_eq!(fired(&fx), ["blue/b1", "blue/b2"]);
}

#[test]
fn seek_fires_or_skips_what_it_passes_and_refuses_to_go_back() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    let fx = e
        .apply(
            Command::Seek {
                to_ms: 15_000,
                passed: Passed::Skip,
            },
            1_000,
        )
        .unwrap();
    assert_eq!(
        fx.iter().filter(|e| matches!(e, Effect::Skip(_))).count(),
        2
    );
    assert_eq!(e.elapsed(1_000), 15_000);
    assert!(matches!(
        e.apply(
            Command::Seek {
                to_ms: 2_000,
                passed: Passed::Fire
            },
            1_000
        ),
        Err(CommandError::SeekBackwards { .. })
    ));
    let fx = e
        .apply(
            Command::Seek {
                to_ms: 20_000,
                passed: Passed::Fire,
            },
            1_000,
        )
        .unwrap();
    assert_eq!(fired(&fx), ["blue/b3"]);
}

#[test]
fn speed_scales_the_clock_and_deadlines() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    e.apply(Command::SetSpeed(Speed::from_factor(10.0).unwrap()), 0)
        .unwrap();
    assert_eq!(e.next_deadline(0), Some(1_000));
    assert_eq!(fired(&e.poll(1_000)), ["blue/b2", "red/r1"]);
}

#[test]
fn fire_now_fires_once_and_the_schedule_does_not_repeat_it() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    let fx = e
        .apply(
            Command::FireNow {
                team: TeamId::new("blue").unwrap(),
                inject: InjectId::new("b3").unwrap(),
            },
            500,
        )
        .unwrap();
    assert_eq!(fired(&fx), ["blue/b3"]);
    assert_eq!(fired(&e.poll(30_000)), ["blue/b2", "red/r1"]);
    let again = e.apply(
        Command::FireNow {
            team: TeamId::new("blue").unwrap(),
            inject: InjectId::new("b3").unwrap(),
        },
        31_000,
    );
    assert!(matches!(
        again,
        Err(CommandError::AlreadyDone { .. }) | Err(CommandError::Transition(_))
    ));
}

#[test]
fn reset_starts_a_new_run_and_everything_fires_again() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Start, 0).unwrap();
    e.poll(30_000);
    e.apply(Command::Finish, 30_000).unwrap();
    assert_eq!(
        e.allowed_actions(),
        vec![Action::Reset, Action::Stop, Action::Resend]
    );
    let fx = e.apply(Command::Reset, 31_000).unwrap();
    assert_eq!(announced(&fx), [Announcement::Reset { run: 2 }]);
    assert_eq!(e.runtime().state, ExerciseState::Deployed);
    assert_eq!(e.elapsed(99_000), 0);
    assert_eq!(
        fired(&e.apply(Command::Start, 40_000).unwrap()),
        ["blue/b1"]
    );
}

#[test]
fn a_restarted_engine_continues_from_persisted_progress() {
    let s = clock_scenario();
    let mut e = engine(&s);
    e.apply(Command::Start, 0).unwrap();
    e.poll(10_000);
    let persisted = *e.runtime();
    let done = [("blue", "b1"), ("blue", "b2"), ("red", "r1")]
        .map(|(t, i)| (TeamId::new(t).unwrap(), InjectId::new(i).unwrap()));
    // The process dies at 10 s and comes back at 40 s: b3 fires late, nothing fires twice.
    let mut again = Engine::new(
        Plan::from_scenario(&s),
        persisted,
        EngineSettings {
            turn_grace_ms: 2_000,
        },
        done,
    );
    assert_eq!(again.elapsed(40_000), 40_000);
    assert_eq!(fired(&again.poll(40_000)), ["blue/b3"]);
}

#[test]
fn stopped_exercises_refuse_everything() {
    let mut e = engine(&clock_scenario());
    e.apply(Command::Stop, 0).unwrap();
    assert!(e.allowed_actions().is_empty());
    let err = e.apply(Command::LiveInject, 1).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot live-inject an exercise that is stopped: the exercise has been stopped"
    );
}
