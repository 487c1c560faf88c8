//! Times the heaviest engine step: a burst of deliveries due at the same instant, written in
//! one transaction (seq allocation, payloads, one event per delivery).
//!
//! ```text
//! cargo run -p scip-store --example step_burst -- [sqlite|postgres] [DELIVERIES] [TEAMS] [ROUNDS]
//! ```
//!
//! `sqlite` (default) uses a file in a temporary folder; `postgres` creates a scratch database
//! on `SCIP_TEST_DATABASE_URL`. Defaults: 5,000 deliveries over 10 teams, 7 rounds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use scip_core::engine::{ExerciseState, Speed};
use scip_core::ids::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_core::model::InjectType;
use scip_core::model::document::scenario_from_json;
use scip_store::{
    DashboardRuntime, DeliveryCause, EngineStep, NewDelivery, NewExercise, NewExerciseTeam, Store,
    VersionNote,
};
use serde_json::{Value, json};

fn arg<T: std::str::FromStr>(n: usize, default: T) -> T {
    std::env::args()
        .nth(n)
        .map(|a| a.parse().ok().expect("numeric argument"))
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let kind = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let deliveries: usize = arg(2, 5_000);
    let teams: usize = arg(3, 10);
    let rounds: usize = arg(4, 7);

    let dir = tempfile::tempdir().unwrap();
    let pg;
    let url = match kind.as_str() {
        "sqlite" => format!("sqlite://{}", dir.path().join("burst.db").display()),
        "postgres" => {
            pg = scip_testkit::PgDatabase::create().await;
            pg.url.clone()
        }
        other => panic!("unknown database {other:?}: use sqlite or postgres"),
    };
    let store = Store::connect(&url).await.unwrap();

    let team_docs: Vec<Value> = (0..teams)
        .map(|t| json!({"id": format!("team-{t}"), "name": format!("Team {t}"), "injects": []}))
        .collect();
    let doc = json!({"id": "burst", "name": "Burst", "teams": team_docs});
    let scenario = scenario_from_json(&doc.to_string()).unwrap();
    store
        .create_scenario(&scenario, &VersionNote::default(), 0)
        .await
        .unwrap();
    let id = ExerciseId::new("ex-burst").unwrap();
    store
        .create_exercise(
            &NewExercise {
                id: id.clone(),
                name: "Burst".into(),
                scenario_id: ScenarioId::new("burst").unwrap(),
                scenario_version: 1,
                speed: Speed::NORMAL,
                turn_grace_ms: 0,
                dashboard_runtime: DashboardRuntime::Embedded,
                created_by: None,
                teams: scenario
                    .teams
                    .iter()
                    .map(|t| {
                        NewExerciseTeam::from_team(t, format!("c-{}", t.id), t.id.as_str(), "p")
                    })
                    .collect(),
            },
            0,
        )
        .await
        .unwrap();

    let mut times_ms = Vec::new();
    for round in 0..rounds {
        let record = store.get_exercise(&id).await.unwrap();
        let mut runtime = record.runtime;
        runtime.state = ExerciseState::Running;
        let batch: Vec<NewDelivery> = (0..deliveries)
            .map(|i| {
                let team = format!("team-{}", i % teams);
                let inject = format!("burst-{round}-{i:05}");
                let Value::Object(payload) = json!({
                    "v": 1, "id": inject, "type": "news", "priority": "high",
                    "team_id": team, "exercise_id": "ex-burst", "delivered_at": 600,
                    "content": {
                        "headline": "Storm surge breaches the north quay",
                        "body": "Water is over the quay wall at berths 4 to 7; crews are moving \
                                 containers to high ground and the harbour master has closed \
                                 the inner basin to traffic.",
                        "source": "Harbour Radio"
                    },
                    "media": [], "turn": null, "manual": false, "scheduled_ms": 600_000,
                    "late": false
                }) else {
                    unreachable!()
                };
                NewDelivery {
                    team: TeamId::new(team).unwrap(),
                    inject: InjectId::new(inject).unwrap(),
                    cause: DeliveryCause::Schedule,
                    inject_type: InjectType::News,
                    title: "Storm surge breaches the north quay".into(),
                    turn: None,
                    scheduled_ms: Some(600_000),
                    fired_elapsed_ms: 600_001,
                    lateness_ms: 1,
                    late: false,
                    manual: false,
                    payload,
                }
            })
            .collect();
        let step = EngineStep {
            exercise: id.clone(),
            expected_version: record.version,
            runtime,
            now: 1_000 + round as i64,
            elapsed_ms: 600_001,
            actor: "engine".into(),
            events: vec![],
            deliveries: batch,
            skips: vec![],
        };
        let started = Instant::now();
        let outcome = store.apply_step(step).await.unwrap();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(outcome.deliveries.len(), deliveries);
        println!("round {round}: {deliveries} deliveries in {ms:.1} ms");
        times_ms.push(ms);
    }
    times_ms.sort_by(f64::total_cmp);
    println!(
        "{kind}: {deliveries} deliveries over {teams} teams in one step: median {:.1} ms, \
         best {:.1} ms, worst {:.1} ms ({rounds} rounds)",
        times_ms[times_ms.len() / 2],
        times_ms[0],
        times_ms[times_ms.len() - 1]
    );
    store.close().await;
}
