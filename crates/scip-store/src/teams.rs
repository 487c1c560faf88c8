//! The teams of an exercise: access codes, MQTT credentials, dashboards and presence.

use std::fmt;
use std::str::FromStr;

use scip_core::engine::WallMs;
use scip_core::ids::{ExerciseId, TeamId};
use scip_core::model::TeamKind;
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::events::{NewEvent, reserve_event, write_event};
use crate::row::{get, get_opt_u32, get_parsed, get_u32, get_u64};
use crate::store::Store;

/// How a team's dashboard is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DashboardHealth {
    /// Being started.
    Starting,
    /// Up and answering.
    Healthy,
    /// Up but failing its checks.
    Unhealthy,
    /// Torn down.
    Stopped,
}

impl DashboardHealth {
    /// Every health.
    pub const ALL: [DashboardHealth; 4] = [
        Self::Starting,
        Self::Healthy,
        Self::Unhealthy,
        Self::Stopped,
    ];

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
            Self::Stopped => "stopped",
        }
    }
}

impl FromStr for DashboardHealth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|h| h.as_str() == s)
            .ok_or_else(|| format!("unknown dashboard health {s:?}"))
    }
}

fn parse_team_kind(s: &str) -> Result<TeamKind, String> {
    match s {
        "player" => Ok(TeamKind::Player),
        "public" => Ok(TeamKind::Public),
        other => Err(format!("unknown team kind {other:?}")),
    }
}

/// A team of an exercise.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct ExerciseTeam {
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// Team slug.
    pub team_id: TeamId,
    /// Display order.
    pub position: u32,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Player team or public feed.
    pub kind: TeamKind,
    /// The code participants enter.
    pub access_code: String,
    /// Incremented by every rotation; sessions from an older code end.
    pub code_version: u32,
    /// The dashboard's MQTT login.
    pub mqtt_username: String,
    /// The dashboard's MQTT password.
    #[serde(skip)]
    pub mqtt_password: String,
    /// Last delivery seq used in the current run.
    pub next_seq: u64,
    /// Dashboard port, once known.
    pub dashboard_port: Option<u16>,
    /// Dashboard URL, once known.
    pub dashboard_url: Option<String>,
    /// Container or process id.
    pub runtime_ref: Option<String>,
    /// Dashboard health.
    pub health: DashboardHealth,
    /// Why it is unhealthy, if it is.
    pub health_detail: Option<String>,
    /// Browsers showing the dashboard now.
    pub viewers: u32,
    /// When presence was last reported (wall ms).
    pub presence_at: Option<WallMs>,
}

impl fmt::Debug for ExerciseTeam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExerciseTeam")
            .field("exercise_id", &self.exercise_id)
            .field("team_id", &self.team_id)
            .field("code_version", &self.code_version)
            .field("mqtt_username", &self.mqtt_username)
            .field("next_seq", &self.next_seq)
            .field("dashboard_port", &self.dashboard_port)
            .field("health", &self.health)
            .field("viewers", &self.viewers)
            .finish_non_exhaustive()
    }
}

/// Where a team's dashboard runs and how it is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardInfo {
    /// Port.
    pub port: Option<u16>,
    /// URL participants open.
    pub url: Option<String>,
    /// Container or process id.
    pub runtime_ref: Option<String>,
    /// Health.
    pub health: DashboardHealth,
    /// Why, when unhealthy.
    pub detail: Option<String>,
}

const TEAM_COLUMNS: &str = "t.exercise_id, t.team_id, t.position, t.name, t.color, t.kind, \
    t.access_code, t.code_version, t.mqtt_username, t.mqtt_password, t.next_seq, \
    t.dashboard_port, t.dashboard_url, t.runtime_ref, t.health, t.health_detail, t.viewers, \
    t.presence_at";

fn team_from_row(row: &AnyRow) -> StoreResult<ExerciseTeam> {
    let kind: String = get(row, "kind")?;
    let port = get_opt_u32(row, "dashboard_port")?
        .map(|p| {
            u16::try_from(p)
                .map_err(|_| StoreError::Corrupt(format!("dashboard port {p} is out of range")))
        })
        .transpose()?;
    Ok(ExerciseTeam {
        exercise_id: get_parsed(row, "exercise_id")?,
        team_id: get_parsed(row, "team_id")?,
        position: get_u32(row, "position")?,
        name: get(row, "name")?,
        color: get(row, "color")?,
        kind: parse_team_kind(&kind).map_err(StoreError::Corrupt)?,
        access_code: get(row, "access_code")?,
        code_version: get_u32(row, "code_version")?,
        mqtt_username: get(row, "mqtt_username")?,
        mqtt_password: get(row, "mqtt_password")?,
        next_seq: get_u64(row, "next_seq")?,
        dashboard_port: port,
        dashboard_url: get(row, "dashboard_url")?,
        runtime_ref: get(row, "runtime_ref")?,
        health: get_parsed(row, "health")?,
        health_detail: get(row, "health_detail")?,
        viewers: get_u32(row, "viewers")?,
        presence_at: get(row, "presence_at")?,
    })
}

fn team_missing(exercise: &ExerciseId, team: &TeamId) -> StoreError {
    StoreError::NotFound(format!("team {team} of exercise {exercise}"))
}

impl Store {
    /// The teams of an exercise in display order.
    pub async fn exercise_teams(&self, exercise: &ExerciseId) -> StoreResult<Vec<ExerciseTeam>> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM exercise_teams t WHERE t.exercise_id = $1 \
             ORDER BY t.position"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(team_from_row)
            .collect()
    }

    /// One team of an exercise.
    pub async fn exercise_team(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
    ) -> StoreResult<ExerciseTeam> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM exercise_teams t \
             WHERE t.exercise_id = $1 AND t.team_id = $2"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(exercise.as_str())
            .bind(team.as_str())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| team_missing(exercise, team))?;
        team_from_row(&row)
    }

    /// The team whose access code this is. Codes of stopped exercises have expired and find
    /// nothing.
    pub async fn find_team_by_access_code(&self, code: &str) -> StoreResult<Option<ExerciseTeam>> {
        self.find_live_team("t.access_code", code).await
    }

    /// The team whose dashboard logs in to MQTT as `username`. Stopped exercises find
    /// nothing.
    pub async fn find_team_by_mqtt_username(
        &self,
        username: &str,
    ) -> StoreResult<Option<ExerciseTeam>> {
        self.find_live_team("t.mqtt_username", username).await
    }

    async fn find_live_team(
        &self,
        column: &'static str,
        value: &str,
    ) -> StoreResult<Option<ExerciseTeam>> {
        let sql = format!(
            "SELECT {TEAM_COLUMNS} FROM exercise_teams t \
             JOIN exercises e ON e.id = t.exercise_id \
             WHERE {column} = $1 AND e.state <> 'stopped'"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(team_from_row).transpose()
    }

    /// Gives a team a new access code: `code_version` + 1 (older sessions end) and an
    /// `access_code_rotated` event (which never contains the code). Returns the new code
    /// version. [`StoreError::Conflict`] when the code is in use elsewhere.
    pub async fn rotate_access_code(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
        new_code: &str,
        actor: &str,
        now: WallMs,
    ) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let slot = reserve_event(&mut tx, exercise, now).await?;
        let row = sqlx::query(
            "UPDATE exercise_teams SET access_code = $1, code_version = code_version + 1 \
             WHERE exercise_id = $2 AND team_id = $3 RETURNING code_version",
        )
        .bind(new_code)
        .bind(exercise.as_str())
        .bind(team.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict { .. } => {
                StoreError::conflict("that access code is already in use; generate another")
            }
            other => other,
        })?
        .ok_or_else(|| team_missing(exercise, team))?;
        let code_version = get_u32(&row, "code_version")?;
        let event = NewEvent::new(
            "access_code_rotated",
            json!({ "team": team, "code_version": code_version }),
        );
        write_event(&mut tx, exercise, slot, actor, &event).await?;
        tx.commit().await?;
        Ok(code_version)
    }

    /// Records where a team's dashboard runs and how it is doing.
    pub async fn update_team_dashboard(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
        info: &DashboardInfo,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE exercise_teams SET dashboard_port = $1, dashboard_url = $2, runtime_ref = $3, \
             health = $4, health_detail = $5 WHERE exercise_id = $6 AND team_id = $7",
        )
        .bind(info.port.map(i64::from))
        .bind(info.url.as_deref())
        .bind(info.runtime_ref.as_deref())
        .bind(info.health.as_str())
        .bind(info.detail.as_deref())
        .bind(exercise.as_str())
        .bind(team.as_str())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(team_missing(exercise, team));
        }
        Ok(())
    }

    /// Records how many browsers show a team's dashboard, as reported at `at`.
    pub async fn update_presence(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
        viewers: u32,
        at: WallMs,
    ) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE exercise_teams SET viewers = $1, presence_at = $2 \
             WHERE exercise_id = $3 AND team_id = $4",
        )
        .bind(i64::from(viewers))
        .bind(at)
        .bind(exercise.as_str())
        .bind(team.as_str())
        .execute(self.pool())
        .await?;
        if done.rows_affected() == 0 {
            return Err(team_missing(exercise, team));
        }
        Ok(())
    }
}
