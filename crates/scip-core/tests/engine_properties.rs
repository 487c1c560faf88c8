#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests of the engine: for random scenarios and random sequences of controller
//! commands, time jumps and process restarts, every scheduled inject fires exactly once per run
//! (or is skipped, but only by an explicit skip), never before its instant, and elapsed time
//! never runs backwards within a run.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use scip_core::engine::{
    Announcement, Command, Effect, Engine, EngineSettings, ExerciseState, FireCause, Passed, Plan,
    Runtime, Speed, WallMs,
};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};

#[derive(Debug, Clone)]
enum Step {
    Start,
    Pause,
    Resume,
    NextTurn(bool),
    Seek(u64, bool),
    Speed(u32),
    FireNow(usize),
    Advance(i64),
    Restart,
    Reset,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => Just(Step::Start),
        2 => Just(Step::Pause),
        2 => Just(Step::Resume),
        2 => any::<bool>().prop_map(Step::NextTurn),
        1 => (0u64..40_000, any::<bool>()).prop_map(|(d, f)| Step::Seek(d, f)),
        1 => (500u32..=60_000).prop_map(Step::Speed),
        1 => (0usize..64).prop_map(Step::FireNow),
        8 => (0i64..30_000).prop_map(Step::Advance),
        2 => Just(Step::Restart),
        1 => Just(Step::Reset),
    ]
}

fn scenario(turns: Option<u32>, timelines: Vec<Vec<(u64, u32)>>) -> Scenario {
    let teams = timelines
        .into_iter()
        .enumerate()
        .map(|(t, injects)| Team {
            id: TeamId::new(format!("team-{t}")).unwrap(),
            name: format!("Team {t}"),
            color: "#000000".into(),
            kind: TeamKind::Player,
            dashboard_port: None,
            resources: TeamResources::default(),
            description: None,
            timeline: injects
                .into_iter()
                .enumerate()
                .map(|(i, (at_ms, turn))| Inject {
                    id: InjectId::new(format!("i{i}")).unwrap(),
                    at_ms,
                    turn: turns.map(|n| 1 + turn % n),
                    priority: Priority::Medium,
                    content: Content::Sms(Sms {
                        from: "x".into(),
                        body: "y".into(),
                        ..Sms::default()
                    }),
                    media: vec![],
                    notes: None,
                    expected_action: None,
                })
                .collect(),
        })
        .collect();
    Scenario {
        id: ScenarioId::new("p").unwrap(),
        name: "P".into(),
        description: String::new(),
        duration_ms: None,
        mode: match turns {
            None => Mode::Clock,
            Some(total_turns) => Mode::Turns {
                total_turns,
                turn_length_ms: None,
            },
        },
        teams,
    }
}

/// Follows the effects independently of the engine and checks every rule.
struct Observer {
    run: u32,
    fired: HashMap<(TeamId, InjectId), u32>,
    skipped_explicitly: HashSet<(TeamId, InjectId)>,
    last_elapsed: u64,
    turn_starts: HashMap<u32, u64>,
    at_of: HashMap<(TeamId, InjectId), (u64, Option<u32>)>,
}

impl Observer {
    fn new(s: &Scenario) -> Self {
        let at_of = s
            .teams
            .iter()
            .flat_map(|t| {
                t.timeline
                    .iter()
                    .map(move |i| ((t.id.clone(), i.id.clone()), (i.at_ms, i.turn)))
            })
            .collect();
        Self {
            run: 1,
            fired: HashMap::new(),
            skipped_explicitly: HashSet::new(),
            last_elapsed: 0,
            turn_starts: HashMap::new(),
            at_of,
        }
    }

    fn see(&mut self, engine: &Engine, now: WallMs, effects: &[Effect], explicit_skip: bool) {
        if engine.runtime().run != self.run {
            self.run = engine.runtime().run;
            self.fired.clear();
            self.skipped_explicitly.clear();
            self.last_elapsed = 0;
            self.turn_starts.clear();
        }
        let elapsed = engine.elapsed(now);
        assert!(
            elapsed >= self.last_elapsed,
            "elapsed ran backwards: {} -> {elapsed}",
            self.last_elapsed
        );
        self.last_elapsed = elapsed;
        for effect in effects {
            match effect {
                Effect::Announce(Announcement::TurnStarted { turn, .. }) => {
                    self.turn_starts.insert(*turn, elapsed);
                }
                Effect::Fire(f) => {
                    let key = (f.team.clone(), f.inject.clone());
                    let count = self.fired.entry(key.clone()).or_default();
                    *count += 1;
                    assert_eq!(*count, 1, "{key:?} fired twice in run {}", self.run);
                    assert!(
                        !self.skipped_explicitly.contains(&key),
                        "{key:?} fired after being skipped"
                    );
                    if f.cause == FireCause::Schedule {
                        let (at_ms, turn) = self.at_of[&key];
                        let start = turn.map_or(0, |t| self.turn_starts[&t]);
                        assert_eq!(f.due_ms, start + at_ms, "{key:?} due at the wrong instant");
                        assert!(elapsed >= f.due_ms, "{key:?} fired before its instant");
                    }
                }
                Effect::Skip(s) => {
                    assert!(
                        explicit_skip,
                        "{:?} skipped without an explicit skip",
                        (&s.team, &s.inject)
                    );
                    let key = (s.team.clone(), s.inject.clone());
                    assert!(
                        !self.fired.contains_key(&key),
                        "{key:?} skipped after firing"
                    );
                    self.skipped_explicitly.insert(key);
                }
                Effect::Announce(_) => {}
            }
        }
    }
}

fn done_set(obs: &Observer) -> Vec<(TeamId, InjectId)> {
    obs.fired
        .keys()
        .chain(obs.skipped_explicitly.iter())
        .cloned()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_inject_fires_exactly_once_and_never_early(
        turns in prop_oneof![Just(None), (1u32..4).prop_map(Some)],
        timelines in prop::collection::vec(prop::collection::vec((0u64..60_000, 0u32..4), 0..12), 1..4),
        steps in prop::collection::vec(step(), 0..60),
    ) {
        let s = scenario(turns, timelines);
        let settings = EngineSettings { turn_grace_ms: 1_000 };
        let mut engine = Engine::new(Plan::from_scenario(&s), Runtime::deployed(Speed::NORMAL), settings, []);
        let mut obs = Observer::new(&s);
        let mut now: WallMs = 1_700_000_000_000;
        let entries: Vec<_> = engine.plan().entries().to_vec();
        for step in steps {
            let (command, explicit_skip) = match step {
                Step::Start => (Some(Command::Start), false),
                Step::Pause => (Some(Command::Pause), false),
                Step::Resume => (Some(Command::Resume), false),
                Step::NextTurn(skip) => (Some(Command::NextTurn(if skip { Passed::Skip } else { Passed::Fire })), skip),
                Step::Seek(d, skip) => (
                    Some(Command::Seek { to_ms: engine.elapsed(now) + d, passed: if skip { Passed::Skip } else { Passed::Fire } }),
                    skip,
                ),
                Step::Speed(m) => (Some(Command::SetSpeed(Speed::from_milli(m).unwrap())), false),
                Step::FireNow(i) if !entries.is_empty() => {
                    let e = &entries[i % entries.len()];
                    (Some(Command::FireNow { team: e.team.clone(), inject: e.inject.clone() }), false)
                }
                Step::FireNow(_) => (None, false),
                Step::Reset => (Some(Command::Reset), false),
                Step::Advance(dt) => {
                    // The driver wakes at its deadline or later, never earlier than now.
                    now += dt;
                    if let Some(deadline) = engine.next_deadline(now) {
                        prop_assert!(deadline >= now || deadline == now);
                    }
                    let only_fires = engine.only_fires_at(now);
                    let fx = engine.poll(now);
                    if only_fires {
                        prop_assert!(
                            fx.iter().all(|e| matches!(e, Effect::Fire(_))),
                            "only_fires_at promised firings only, poll gave {fx:?}"
                        );
                    }
                    obs.see(&engine, now, &fx, false);
                    (None, false)
                }
                Step::Restart => {
                    let runtime = *engine.runtime();
                    engine = Engine::new(Plan::from_scenario(&s), runtime, settings, done_set(&obs));
                    (None, false)
                }
            };
            if let Some(command) = command {
                match engine.apply(command, now) {
                    Ok(fx) => obs.see(&engine, now, &fx, explicit_skip),
                    Err(_) => obs.see(&engine, now, &[], false),
                }
            }
        }
        // Drive the exercise to its end: everything not skipped fires exactly once.
        for _ in 0..200 {
            let rt = *engine.runtime();
            let command = match rt.state {
                ExerciseState::Deployed => Some(Command::Start),
                ExerciseState::Paused if rt.completion.is_none() => Some(Command::Resume),
                ExerciseState::Paused if engine.allowed_actions().contains(&scip_core::engine::Action::NextTurn) => {
                    Some(Command::NextTurn(Passed::Fire))
                }
                ExerciseState::Paused => break,
                _ => None,
            };
            if let Some(c) = command {
                let fx = engine.apply(c, now).unwrap();
                obs.see(&engine, now, &fx, false);
            }
            now = engine.next_deadline(now).unwrap_or(now + 1_000).max(now);
            let fx = engine.poll(now);
            obs.see(&engine, now, &fx, false);
        }
        for e in &entries {
            let key = (e.team.clone(), e.inject.clone());
            prop_assert!(
                obs.fired.contains_key(&key) ^ obs.skipped_explicitly.contains(&key),
                "{key:?} neither fired nor skipped exactly once"
            );
        }
        prop_assert_eq!(engine.pending(), 0);
    }
}
