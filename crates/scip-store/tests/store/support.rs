//! Databases and fixtures shared by the store tests.

use scip_core::engine::{Effect, Engine, EngineSettings, Plan, Runtime, Speed, WallMs};
use scip_core::ids::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_core::model::document::scenario_from_json;
use scip_core::model::{InjectType, Scenario};
use scip_store::{
    DashboardRuntime, DeliveryCause, EngineStep, ExerciseRecord, NewDelivery, NewEvent,
    NewExercise, NewExerciseTeam, Store,
};
use serde_json::{Map, Value, json};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

/// A fresh, empty database of one kind, removed when dropped.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<scip_testkit::PgDatabase>,
}

impl TestDb {
    /// An SQLite file in a new temporary folder (inside a sub-folder that does not exist
    /// yet, so connecting must create it).
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("scip.db");
        Self {
            url: format!("sqlite://{}", path.display()),
            _dir: Some(dir),
            _pg: None,
        }
    }

    /// A new database on the test PostgreSQL server.
    pub async fn postgres() -> Self {
        let pg = scip_testkit::PgDatabase::create().await;
        Self {
            url: pg.url.clone(),
            _dir: None,
            _pg: Some(pg),
        }
    }

    /// A connected, migrated store.
    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.unwrap()
    }

    /// A raw pool on the same database, for sabotage that the store's API refuses to do.
    pub async fn raw(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        let url = if self.url.starts_with("sqlite") {
            format!("{}?mode=rwc", self.url)
        } else {
            self.url.clone()
        };
        AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .unwrap()
    }

    /// Runs one statement on the raw pool.
    pub async fn execute(&self, sql: &str) {
        let pool = self.raw().await;
        pool.execute(sqlx::AssertSqlSafe(sql.to_owned()))
            .await
            .unwrap();
        pool.close().await;
    }
}

/// Runs each named `async fn(TestDb)` of the calling module once on SQLite and once on
/// PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestDb::sqlite().await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::support::TestDb::postgres().await).await
                }
            )*
        }
    };
}

pub fn sid(s: &str) -> ScenarioId {
    ScenarioId::new(s).unwrap()
}
pub fn tid(s: &str) -> TeamId {
    TeamId::new(s).unwrap()
}
pub fn iid(s: &str) -> InjectId {
    InjectId::new(s).unwrap()
}
pub fn eid(s: &str) -> ExerciseId {
    ExerciseId::new(s).unwrap()
}

/// A clock-mode scenario: each `(team, n)` gets `n` SMS injects at T+10 s, T+20 s, …; the
/// first inject of the first team shows `media`.
pub fn scenario(id: &str, name: &str, teams: &[(&str, usize)], media: &[&str]) -> Scenario {
    let teams: Vec<Value> = teams
        .iter()
        .enumerate()
        .map(|(t, (team, n))| {
            let injects: Vec<Value> = (1..=*n)
                .map(|i| {
                    let mut inject = json!({
                        "id": format!("{team}-{i:03}"),
                        "at": i * 10,
                        "type": "sms",
                        "content": {"from": "Duty officer", "body": format!("Message {i} for {team}")},
                    });
                    if t == 0 && i == 1 && !media.is_empty() {
                        inject["media"] = json!(media);
                    }
                    inject
                })
                .collect();
            json!({"id": team, "name": team.to_uppercase(), "injects": injects})
        })
        .collect();
    let doc = json!({"id": id, "name": name, "duration": "30:00", "teams": teams});
    scenario_from_json(&doc.to_string()).unwrap()
}

/// Launches an exercise of a stored scenario version with generated credentials.
pub async fn launch(
    store: &Store,
    scenario: &Scenario,
    version: u32,
    exercise: &str,
    now: WallMs,
) -> ExerciseRecord {
    let teams = scenario
        .teams
        .iter()
        .map(|t| {
            NewExerciseTeam::from_team(
                t,
                format!("code-{exercise}-{}", t.id),
                format!("{exercise}-{}", t.id),
                "secret",
            )
        })
        .collect();
    let new = NewExercise {
        id: eid(exercise),
        name: format!("{} rehearsal", scenario.name),
        scenario_id: scenario.id.clone(),
        scenario_version: version,
        speed: Speed::NORMAL,
        turn_grace_ms: 5_000,
        dashboard_runtime: DashboardRuntime::Embedded,
        created_by: Some("alice".into()),
        teams,
    };
    store.create_exercise(&new, now).await.unwrap()
}

/// A payload like the engine's: the v3 inject message fields.
pub fn payload(team: &str, inject: &str) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "v": 1, "id": inject, "type": "sms", "team_id": team,
        "content": {"from": "Duty officer", "body": "Check the pumps"},
    }) else {
        unreachable!()
    };
    map
}

/// A scheduled delivery of `inject` to `team`.
pub fn delivery(team: &str, inject: &str, cause: DeliveryCause) -> NewDelivery {
    NewDelivery {
        team: tid(team),
        inject: iid(inject),
        cause,
        inject_type: InjectType::Sms,
        title: format!("SMS {inject}"),
        turn: None,
        scheduled_ms: (cause != DeliveryCause::Live).then_some(10_000),
        fired_elapsed_ms: 10_000,
        lateness_ms: 0,
        late: false,
        manual: cause == DeliveryCause::Live,
        payload: payload(team, inject),
    }
}

/// A step keeping the exercise's runtime, writing `deliveries`.
pub fn step_with(record: &ExerciseRecord, deliveries: Vec<NewDelivery>, now: WallMs) -> EngineStep {
    EngineStep {
        exercise: record.id.clone(),
        expected_version: record.version,
        runtime: record.runtime,
        now,
        elapsed_ms: 10_000,
        actor: "engine".into(),
        events: vec![],
        deliveries,
        skips: vec![],
    }
}

/// An engine resumed from what the store holds.
pub async fn engine_for(store: &Store, record: &ExerciseRecord) -> Engine {
    let scenario = store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await
        .unwrap();
    let done = store.done_set(&record.id).await.unwrap();
    Engine::new(
        Plan::from_scenario(&scenario),
        record.runtime,
        EngineSettings::default(),
        done,
    )
}

/// The step that persists an engine's effects, as the engine driver will build it.
pub fn step_from_effects(
    record: &ExerciseRecord,
    runtime: Runtime,
    effects: Vec<Effect>,
    actor: &str,
    now: WallMs,
    elapsed_ms: u64,
) -> EngineStep {
    let mut step = EngineStep {
        exercise: record.id.clone(),
        expected_version: record.version,
        runtime,
        now,
        elapsed_ms,
        actor: actor.into(),
        events: vec![],
        deliveries: vec![],
        skips: vec![],
    };
    for effect in effects {
        match effect {
            Effect::Fire(firing) => {
                let payload = payload(firing.team.as_str(), firing.inject.as_str());
                step.deliveries.push(NewDelivery::from_firing(
                    &firing,
                    InjectType::Sms,
                    format!("SMS {}", firing.inject),
                    payload,
                ));
            }
            Effect::Skip(skip) => step.skips.push(skip),
            Effect::Announce(a) => step.events.push(NewEvent::new(
                "announcement",
                serde_json::to_value(a).unwrap(),
            )),
        }
    }
    step
}
