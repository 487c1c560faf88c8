//! Exercises: a run of one scenario version, its engine runtime and its record.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::{ExerciseState, Runtime, Speed, WallMs};
use scip_core::ids::{ExerciseId, ScenarioId, TeamId};
use scip_core::model::{Team, TeamKind};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use crate::bulk::{Cell, insert_all};
use crate::error::{StoreError, StoreResult};
use crate::events::{EventRow, insert_events};
use crate::page::{Page, Paging};
use crate::row::{db_i64, get, get_parsed, get_u32, get_u64};
use crate::runtime::{RUNTIME_COLUMNS, RuntimeColumns, runtime_from_row};
use crate::store::Store;

/// Where team dashboards run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DashboardRuntime {
    /// Served by the engine's process, one listener per team.
    #[default]
    Embedded,
    /// One `scip dashboard` child process per team.
    Process,
    /// One container per team through the Docker Engine API.
    Docker,
}

impl DashboardRuntime {
    /// Every runtime.
    pub const ALL: [DashboardRuntime; 3] = [Self::Embedded, Self::Process, Self::Docker];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Embedded => "embedded",
            Self::Process => "process",
            Self::Docker => "docker",
        }
    }
}

impl fmt::Display for DashboardRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DashboardRuntime {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown dashboard runtime {s:?} (embedded, process, docker)"))
    }
}

/// A team of a new exercise, with the credentials the caller generated for it.
#[derive(Clone)]
pub struct NewExerciseTeam {
    /// Team slug from the scenario.
    pub team_id: TeamId,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Player team or public feed.
    pub kind: TeamKind,
    /// Code participants enter; unique over all exercises.
    pub access_code: String,
    /// The dashboard's MQTT login; unique over all exercises.
    pub mqtt_username: String,
    /// The dashboard's MQTT password.
    pub mqtt_password: String,
    /// A fixed dashboard port, if the scenario sets one.
    pub dashboard_port: Option<u16>,
}

impl NewExerciseTeam {
    /// The exercise team for a scenario team, with its credentials.
    pub fn from_team(
        team: &Team,
        access_code: impl Into<String>,
        mqtt_username: impl Into<String>,
        mqtt_password: impl Into<String>,
    ) -> Self {
        Self {
            team_id: team.id.clone(),
            name: team.name.clone(),
            color: team.color.clone(),
            kind: team.kind,
            access_code: access_code.into(),
            mqtt_username: mqtt_username.into(),
            mqtt_password: mqtt_password.into(),
            dashboard_port: team.dashboard_port,
        }
    }
}

impl fmt::Debug for NewExerciseTeam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewExerciseTeam")
            .field("team_id", &self.team_id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("mqtt_username", &self.mqtt_username)
            .field("dashboard_port", &self.dashboard_port)
            .finish_non_exhaustive()
    }
}

/// An exercise to create.
#[derive(Debug, Clone)]
pub struct NewExercise {
    /// Generated id (not the scenario's: one scenario may run twice at once).
    pub id: ExerciseId,
    /// Display name.
    pub name: String,
    /// The scenario.
    pub scenario_id: ScenarioId,
    /// The exact version launched.
    pub scenario_version: u32,
    /// Initial clock speed.
    pub speed: Speed,
    /// Pause after a turn's last inject before the turn is complete, exercise ms.
    pub turn_grace_ms: u64,
    /// Where dashboards run.
    pub dashboard_runtime: DashboardRuntime,
    /// Who launched it.
    pub created_by: Option<String>,
    /// Its teams, in display order.
    pub teams: Vec<NewExerciseTeam>,
}

/// A stored exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseRecord {
    /// Id.
    pub id: ExerciseId,
    /// Display name.
    pub name: String,
    /// The scenario.
    pub scenario_id: ScenarioId,
    /// The exact version it runs.
    pub scenario_version: u32,
    /// State, clock, run, turn and completion.
    pub runtime: Runtime,
    /// Turn grace, exercise ms.
    pub turn_grace_ms: u64,
    /// Where dashboards run.
    pub dashboard_runtime: DashboardRuntime,
    /// Optimistic-concurrency version, +1 on every engine step.
    pub version: u64,
    /// Last event number used.
    pub event_seq: u64,
    /// Who launched it.
    pub created_by: Option<String>,
    /// Wall ms.
    pub created_at: WallMs,
    /// When the clock first started in the current run.
    pub started_at: Option<WallMs>,
    /// When it was finished in the current run.
    pub finished_at: Option<WallMs>,
    /// When it was stopped.
    pub stopped_at: Option<WallMs>,
    /// Last change, wall ms.
    pub updated_at: WallMs,
}

impl ExerciseRecord {
    /// The lifecycle state.
    pub fn state(&self) -> ExerciseState {
        self.runtime.state
    }
}

pub(crate) const EXERCISE_COLUMNS: &str = "id, name, scenario_id, scenario_version, state, run, \
    base_elapsed_ms, running_since_ms, speed_milli, current_turn, turn_started_ms, completion, \
    completion_turn, turn_grace_ms, dashboard_runtime, version, event_seq, created_by, \
    created_at, started_at, finished_at, stopped_at, updated_at";

pub(crate) fn exercise_from_row(row: &AnyRow) -> StoreResult<ExerciseRecord> {
    Ok(ExerciseRecord {
        id: get_parsed(row, "id")?,
        name: get(row, "name")?,
        scenario_id: get_parsed(row, "scenario_id")?,
        scenario_version: get_u32(row, "scenario_version")?,
        runtime: runtime_from_row(row)?,
        turn_grace_ms: get_u64(row, "turn_grace_ms")?,
        dashboard_runtime: get_parsed(row, "dashboard_runtime")?,
        version: get_u64(row, "version")?,
        event_seq: get_u64(row, "event_seq")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
        started_at: get(row, "started_at")?,
        finished_at: get(row, "finished_at")?,
        stopped_at: get(row, "stopped_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

const TEAM_COLUMNS: [&str; 14] = [
    "exercise_id",
    "team_id",
    "position",
    "name",
    "color",
    "kind",
    "access_code",
    "code_version",
    "mqtt_username",
    "mqtt_password",
    "next_seq",
    "dashboard_port",
    "health",
    "viewers",
];

impl Store {
    /// Creates an exercise from a scenario version, with its teams and its `created` event, in
    /// one transaction. The exercise starts deployed at T+0 in run 1, version 1.
    ///
    /// [`StoreError::NotFound`] when the scenario version does not exist;
    /// [`StoreError::Conflict`] when the exercise id, an access code or an MQTT username is
    /// already taken.
    pub async fn create_exercise(
        &self,
        new: &NewExercise,
        now: WallMs,
    ) -> StoreResult<ExerciseRecord> {
        if new.teams.is_empty() {
            return Err(StoreError::Invalid(format!(
                "exercise {} has no teams; a scenario needs at least one team to run",
                new.id
            )));
        }
        let runtime = Runtime::deployed(new.speed);
        let mut tx = self.begin_write().await?;
        let versions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM scenario_versions WHERE scenario_id = $1 AND version = $2",
        )
        .bind(new.scenario_id.as_str())
        .bind(i64::from(new.scenario_version))
        .fetch_one(&mut *tx)
        .await?;
        if versions == 0 {
            return Err(StoreError::NotFound(format!(
                "scenario {} version {}",
                new.scenario_id, new.scenario_version
            )));
        }
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exercises WHERE id = $1")
            .bind(new.id.as_str())
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(StoreError::conflict(format!(
                "exercise id {} is taken",
                new.id
            )));
        }
        let sql = format!(
            "INSERT INTO exercises (id, name, scenario_id, scenario_version, {}, turn_grace_ms, \
             dashboard_runtime, version, event_seq, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, 1, \
             $16, $17, $17)",
            RUNTIME_COLUMNS.join(", ")
        );
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(new.id.as_str())
            .bind(&new.name)
            .bind(new.scenario_id.as_str())
            .bind(i64::from(new.scenario_version));
        RuntimeColumns::new(&runtime)?
            .bind(query)
            .bind(db_i64(new.turn_grace_ms, "turn grace")?)
            .bind(new.dashboard_runtime.as_str())
            .bind(new.created_by.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let positions: Vec<(i64, &NewExerciseTeam)> = (0_i64..).zip(new.teams.iter()).collect();
        insert_all(
            &mut tx,
            "exercise_teams",
            &TEAM_COLUMNS,
            &positions,
            |(position, team), cells| {
                cells.extend([
                    Cell::from(new.id.as_str()),
                    team.team_id.as_str().into(),
                    (*position).into(),
                    team.name.as_str().into(),
                    team.color.as_str().into(),
                    team.kind.as_str().into(),
                    team.access_code.as_str().into(),
                    1_i64.into(),
                    team.mqtt_username.as_str().into(),
                    team.mqtt_password.as_str().into(),
                    0_i64.into(),
                    team.dashboard_port.map(i64::from).into(),
                    "starting".into(),
                    0_i64.into(),
                ]);
                Ok(())
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict { .. } => StoreError::conflict(format!(
                "a team id, access code or MQTT username of exercise {} is already in use",
                new.id
            )),
            other => other,
        })?;
        let created = json!({
            "scenario_id": new.scenario_id,
            "scenario_version": new.scenario_version,
            "dashboard_runtime": new.dashboard_runtime,
            "teams": new.teams.iter().map(|t| &t.team_id).collect::<Vec<_>>(),
        });
        let actor = new.created_by.as_deref().unwrap_or("system");
        let event = EventRow {
            seq: 1,
            at: now,
            elapsed_ms: 0,
            run: i64::from(runtime.run),
            actor,
            kind: "created".into(),
            data: created.to_string(),
        };
        insert_events(&mut tx, &new.id, std::slice::from_ref(&event)).await?;
        tx.commit().await?;
        self.get_exercise(&new.id).await
    }

    /// An exercise by id.
    pub async fn get_exercise(&self, id: &ExerciseId) -> StoreResult<ExerciseRecord> {
        let sql = format!("SELECT {EXERCISE_COLUMNS} FROM exercises WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("exercise {id}")))?;
        exercise_from_row(&row)
    }

    /// The exercises launched from a scenario (any version), newest first.
    pub async fn exercises_of_scenario(
        &self,
        scenario: &ScenarioId,
    ) -> StoreResult<Vec<ExerciseRecord>> {
        let sql = format!(
            "SELECT {EXERCISE_COLUMNS} FROM exercises WHERE scenario_id = $1 \
             ORDER BY created_at DESC, id DESC"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(scenario.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(exercise_from_row)
            .collect()
    }

    /// Exercises, newest first, optionally only those in one state.
    pub async fn list_exercises(
        &self,
        state: Option<ExerciseState>,
        paging: Paging,
    ) -> StoreResult<Page<ExerciseRecord>> {
        let (limit, offset) = paging.bounds()?;
        let filter = if state.is_some() {
            "WHERE state = $3"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {EXERCISE_COLUMNS} FROM exercises {filter} \
             ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .bind(offset);
        if let Some(state) = state {
            query = query.bind(state.as_str());
        }
        let items = query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(exercise_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let count_sql = if state.is_some() {
            "SELECT COUNT(*) FROM exercises WHERE state = $1"
        } else {
            "SELECT COUNT(*) FROM exercises"
        };
        let mut count = sqlx::query_scalar::<_, i64>(count_sql);
        if let Some(state) = state {
            count = count.bind(state.as_str());
        }
        let total = count.fetch_one(self.pool()).await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }
}
