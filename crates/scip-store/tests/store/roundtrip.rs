//! Property: any runtime the engine can produce is stored and read back unchanged, and any
//! payload keeps its fields next to the `seq` and `delivery_id` the store adds.

use proptest::prelude::*;
use scip_core::engine::{Clock, Completion, ExerciseState, Runtime, Speed, TurnProgress, WallMs};
use scip_store::{DeliveryCause, VersionNote};
use serde_json::{Map, Value};

use crate::support::*;

const T0: WallMs = 1_767_225_600_000;

fn runtime_strategy() -> impl Strategy<Value = Runtime> {
    (
        prop::sample::select(ExerciseState::ALL.to_vec()),
        0_u64..10_000_000_000,
        prop::option::of(0_i64..4_000_000_000_000),
        Speed::MIN_MILLI..=Speed::MAX_MILLI,
        0_u32..3,
        prop::option::of((1_u32..100, 0_u64..10_000_000_000)),
        prop::option::of(prop::option::of(1_u32..100)),
    )
        .prop_map(
            |(state, base, since, speed, run_step, turn, completion)| Runtime {
                state,
                clock: Clock {
                    base_elapsed_ms: base,
                    running_since: since,
                    speed: Speed::from_milli(speed).unwrap(),
                },
                run: 1 + run_step,
                turn: turn.map(|(current, started_at_ms)| TurnProgress {
                    current,
                    started_at_ms,
                }),
                completion: completion.map(|c| match c {
                    Some(turn) => Completion::TurnComplete { turn },
                    None => Completion::ExerciseComplete,
                }),
            },
        )
}

fn payload_strategy() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        "[a-z_]{1,12}",
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::from),
            ".{0,40}".prop_map(Value::from),
        ],
        0..8,
    )
    .prop_map(|m| m.into_iter().collect())
}

#[test]
fn runtimes_and_payloads_survive_the_database() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDb::sqlite());
    let store = rt.block_on(db.store());
    let s = scenario("drill", "Drill", &[("red", 1)], &[]);
    let ex_id = rt.block_on(async {
        store
            .create_scenario(&s, &VersionNote::default(), T0)
            .await
            .unwrap();
        launch(&store, &s, 1, "ex-drill", T0).await.id
    });
    let counter = std::sync::atomic::AtomicU32::new(0);
    proptest!(ProptestConfig::with_cases(48), |(mut runtime in runtime_strategy(), fields in payload_strategy())| {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        rt.block_on(async {
            let record = store.get_exercise(&ex_id).await.unwrap();
            // Runs only move forward.
            runtime.run = runtime.run.max(record.runtime.run);
            let mut d = delivery("red", &format!("live-{n}"), DeliveryCause::Live);
            d.payload = fields.clone();
            let mut step = step_with(&record, vec![d], T0 + i64::from(n));
            step.runtime = runtime;
            let outcome = store.apply_step(step).await.unwrap();
            let back = store.get_exercise(&ex_id).await.unwrap();
            prop_assert_eq!(back.runtime, runtime);
            let stored: Map<String, Value> =
                serde_json::from_str(&outcome.deliveries[0].payload).unwrap();
            for (k, v) in &fields {
                if k != "seq" && k != "delivery_id" {
                    prop_assert_eq!(stored.get(k), Some(v));
                }
            }
            prop_assert_eq!(stored.get("seq"), Some(&Value::from(outcome.deliveries[0].seq)));
            Ok(())
        })?;
    });
}
