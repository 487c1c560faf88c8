//! Scenarios and their versions. Every save is a new version; a save based on an older
//! version than the latest is refused, never applied over someone else's work.

use scip_core::engine::WallMs;
use scip_core::ids::ScenarioId;
use scip_core::model::Scenario;
use scip_core::model::document::{scenario_from_json, scenario_to_json};
use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::row::{contains_pattern, db_opt_i64, get, get_opt_u32, get_opt_u64, get_u32, get_u64};
use crate::store::Store;

/// Who saved a version and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionNote {
    /// Username of the author.
    pub created_by: Option<String>,
    /// What changed, in the author's words.
    pub comment: Option<String>,
}

impl VersionNote {
    /// A version saved by `user` with no comment.
    pub fn by(user: impl Into<String>) -> Self {
        Self {
            created_by: Some(user.into()),
            comment: None,
        }
    }
}

/// One line of the scenario list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioSummary {
    /// Slug.
    pub id: ScenarioId,
    /// Name of the latest version.
    pub name: String,
    /// Latest version number.
    pub latest_version: u32,
    /// `clock` or `turns`.
    pub mode: String,
    /// Number of turns (turn mode).
    pub total_turns: Option<u32>,
    /// Teams in the latest version.
    pub team_count: u32,
    /// Injects in the latest version.
    pub inject_count: u32,
    /// Nominal duration, ms.
    pub duration_ms: Option<u64>,
    /// When the latest version was saved (wall ms).
    pub updated_at: WallMs,
    /// When the newest exercise of this scenario was created (wall ms).
    pub last_exercise_at: Option<WallMs>,
    /// How many exercises were launched from it.
    pub exercise_count: u64,
}

/// One saved version of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioVersionInfo {
    /// Version number, from 1.
    pub version: u32,
    /// Scenario name in this version.
    pub name: String,
    /// Wall ms.
    pub created_at: WallMs,
    /// Author.
    pub created_by: Option<String>,
    /// Author's comment.
    pub comment: Option<String>,
    /// Teams.
    pub team_count: u32,
    /// Injects.
    pub inject_count: u32,
}

fn count(n: usize, what: &str) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(format!("too many {what}")))
}

/// Writes one version row and its media references.
async fn insert_version(
    conn: &mut AnyConnection,
    scenario: &Scenario,
    version: u32,
    note: &VersionNote,
    now: WallMs,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO scenario_versions (scenario_id, version, name, mode, total_turns, \
         team_count, inject_count, duration_ms, body, comment, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(scenario.id.as_str())
    .bind(i64::from(version))
    .bind(&scenario.name)
    .bind(scenario.mode.as_str())
    .bind(scenario.mode.total_turns().map(i64::from))
    .bind(count(scenario.teams.len(), "teams")?)
    .bind(count(scenario.inject_count(), "injects")?)
    .bind(db_opt_i64(scenario.duration_ms, "duration")?)
    .bind(scenario_to_json(scenario))
    .bind(note.comment.as_deref())
    .bind(note.created_by.as_deref())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    for name in scenario.media_refs() {
        sqlx::query(
            "INSERT INTO scenario_media (scenario_id, version, media_name) VALUES ($1, $2, $3)",
        )
        .bind(scenario.id.as_str())
        .bind(i64::from(version))
        .bind(name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Reads a stored scenario body, checking it is the scenario the row says it is.
fn decode_body(id: &ScenarioId, version: u32, body: &str) -> StoreResult<Scenario> {
    let scenario = scenario_from_json(body).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        StoreError::Corrupt(format!(
            "scenario {id} version {version} cannot be read: {}",
            lines.join("; ")
        ))
    })?;
    if &scenario.id != id {
        return Err(StoreError::Corrupt(format!(
            "scenario {id} version {version} holds scenario {}",
            scenario.id
        )));
    }
    Ok(scenario)
}

async fn latest_version_of(conn: &mut AnyConnection, id: &ScenarioId) -> StoreResult<Option<u32>> {
    let row = sqlx::query("SELECT latest_version FROM scenarios WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| get_u32(&r, "latest_version")).transpose()
}

fn summary_from_row(row: &AnyRow) -> StoreResult<ScenarioSummary> {
    let id: String = get(row, "id")?;
    Ok(ScenarioSummary {
        id: crate::row::parse_stored(&id, "scenarios.id")?,
        name: get(row, "name")?,
        latest_version: get_u32(row, "latest_version")?,
        mode: get(row, "mode")?,
        total_turns: get_opt_u32(row, "total_turns")?,
        team_count: get_u32(row, "team_count")?,
        inject_count: get_u32(row, "inject_count")?,
        duration_ms: get_opt_u64(row, "duration_ms")?,
        updated_at: get(row, "updated_at")?,
        last_exercise_at: get(row, "last_exercise_at")?,
        exercise_count: get_u64(row, "exercise_count")?,
    })
}

impl Store {
    /// Stores a new scenario as version 1. [`StoreError::Conflict`] (with the current version)
    /// when a scenario with this id exists.
    pub async fn create_scenario(
        &self,
        scenario: &Scenario,
        note: &VersionNote,
        now: WallMs,
    ) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        if let Some(current) = latest_version_of(&mut tx, &scenario.id).await? {
            return Err(StoreError::stale_version(
                format!("a scenario with id {} already exists", scenario.id),
                u64::from(current),
            ));
        }
        sqlx::query(
            "INSERT INTO scenarios (id, name, latest_version, created_by, created_at, updated_at) \
             VALUES ($1, $2, 1, $3, $4, $4)",
        )
        .bind(scenario.id.as_str())
        .bind(&scenario.name)
        .bind(note.created_by.as_deref())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            // Someone created it between the check above and this insert.
            StoreError::Conflict { .. } => StoreError::stale_version(
                format!("a scenario with id {} already exists", scenario.id),
                1,
            ),
            other => other,
        })?;
        insert_version(&mut tx, scenario, 1, note, now).await?;
        tx.commit().await?;
        Ok(1)
    }

    /// Saves `scenario` as a new version. `based_on` is the version the editor started from;
    /// when someone saved in between, nothing is written and [`StoreError::Conflict`] carries
    /// the current version. Returns the new version number.
    pub async fn save_scenario(
        &self,
        scenario: &Scenario,
        based_on: u32,
        note: &VersionNote,
        now: WallMs,
    ) -> StoreResult<u32> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE scenarios SET latest_version = latest_version + 1, name = $1, updated_at = $2 \
             WHERE id = $3 AND latest_version = $4",
        )
        .bind(&scenario.name)
        .bind(now)
        .bind(scenario.id.as_str())
        .bind(i64::from(based_on))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(match latest_version_of(&mut tx, &scenario.id).await? {
                None => StoreError::NotFound(format!("scenario {}", scenario.id)),
                Some(current) => StoreError::stale_version(
                    format!(
                        "scenario {} was saved by someone else: it is at version {current}, \
                         this edit started from version {based_on}",
                        scenario.id
                    ),
                    u64::from(current),
                ),
            });
        }
        let version = based_on + 1;
        insert_version(&mut tx, scenario, version, note, now).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The latest version of a scenario and its number.
    pub async fn latest_scenario(&self, id: &ScenarioId) -> StoreResult<(Scenario, u32)> {
        let row = sqlx::query(
            "SELECT v.version, v.body FROM scenarios s JOIN scenario_versions v \
             ON v.scenario_id = s.id AND v.version = s.latest_version WHERE s.id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("scenario {id}")))?;
        let version = get_u32(&row, "version")?;
        let body: String = get(&row, "body")?;
        Ok((decode_body(id, version, &body)?, version))
    }

    /// One version of a scenario.
    pub async fn scenario_version(&self, id: &ScenarioId, version: u32) -> StoreResult<Scenario> {
        let row = sqlx::query(
            "SELECT body FROM scenario_versions WHERE scenario_id = $1 AND version = $2",
        )
        .bind(id.as_str())
        .bind(i64::from(version))
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("scenario {id} version {version}")))?;
        let body: String = get(&row, "body")?;
        decode_body(id, version, &body)
    }

    /// Every scenario, by name; with `search`, only those whose name or id contains it
    /// (ignoring case).
    pub async fn list_scenarios(&self, search: Option<&str>) -> StoreResult<Vec<ScenarioSummary>> {
        let mut sql = String::from(
            "SELECT s.id, s.name, s.latest_version, v.mode, v.total_turns, v.team_count, \
             v.inject_count, v.duration_ms, s.updated_at, \
             (SELECT MAX(e.created_at) FROM exercises e WHERE e.scenario_id = s.id) \
                AS last_exercise_at, \
             (SELECT COUNT(*) FROM exercises e WHERE e.scenario_id = s.id) AS exercise_count \
             FROM scenarios s JOIN scenario_versions v \
             ON v.scenario_id = s.id AND v.version = s.latest_version",
        );
        let pattern = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(contains_pattern);
        if pattern.is_some() {
            sql.push_str(
                " WHERE LOWER(s.name) LIKE $1 ESCAPE '\\' OR LOWER(s.id) LIKE $1 ESCAPE '\\'",
            );
        }
        sql.push_str(" ORDER BY LOWER(s.name), s.id");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        if let Some(p) = pattern {
            query = query.bind(p);
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(summary_from_row)
            .collect()
    }

    /// Every version of a scenario, newest first.
    pub async fn scenario_versions(
        &self,
        id: &ScenarioId,
    ) -> StoreResult<Vec<ScenarioVersionInfo>> {
        let rows = sqlx::query(
            "SELECT version, name, created_at, created_by, comment, team_count, inject_count \
             FROM scenario_versions WHERE scenario_id = $1 ORDER BY version DESC",
        )
        .bind(id.as_str())
        .fetch_all(self.pool())
        .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound(format!("scenario {id}")));
        }
        rows.iter()
            .map(|row| {
                Ok(ScenarioVersionInfo {
                    version: get_u32(row, "version")?,
                    name: get(row, "name")?,
                    created_at: get(row, "created_at")?,
                    created_by: get(row, "created_by")?,
                    comment: get(row, "comment")?,
                    team_count: get_u32(row, "team_count")?,
                    inject_count: get_u32(row, "inject_count")?,
                })
            })
            .collect()
    }

    /// Deletes a scenario and all its versions. [`StoreError::InUse`] while any exercise
    /// refers to it.
    pub async fn delete_scenario(&self, id: &ScenarioId) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let exercises: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM exercises WHERE scenario_id = $1")
                .bind(id.as_str())
                .fetch_one(&mut *tx)
                .await?;
        if exercises > 0 {
            return Err(StoreError::InUse(format!(
                "scenario {id} is used by {exercises} exercise(s); delete those first"
            )));
        }
        let done = sqlx::query("DELETE FROM scenarios WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("scenario {id}")));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Copies the latest version of `source` into a new scenario `new_id` named `new_name`
    /// (version 1). [`StoreError::Conflict`] when `new_id` is taken.
    pub async fn duplicate_scenario(
        &self,
        source: &ScenarioId,
        new_id: &ScenarioId,
        new_name: &str,
        note: &VersionNote,
        now: WallMs,
    ) -> StoreResult<Scenario> {
        let (mut copy, version) = self.latest_scenario(source).await?;
        copy.id = new_id.clone();
        copy.name = new_name.to_owned();
        let note = VersionNote {
            created_by: note.created_by.clone(),
            comment: note
                .comment
                .clone()
                .or_else(|| Some(format!("copy of {source} version {version}"))),
        };
        self.create_scenario(&copy, &note, now).await?;
        Ok(copy)
    }
}
