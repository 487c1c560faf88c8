//! The scenario list (`/scenarios`): search, per-row export, duplicate and delete, and the
//! ways to add a scenario (new, import).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use scip_core::{ScenarioId, format_tplus};
use scip_store::StoreError;
use serde::Deserialize;

use super::flash::{FlashCookie, flash_redirect};
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell, wall_time};
use crate::api::v2::scenario_versions::{DuplicateBody, duplicate_scenario};
use crate::state::AppState;
use crate::view::{FlashKind, PortalSection, PortalShell};

/// One row of the scenario table.
pub struct ScenarioRow {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// "Clock" or "4 turns".
    pub mode: String,
    /// Teams.
    pub teams: u32,
    /// Injects.
    pub injects: u32,
    /// "1:30:00" or "–".
    pub duration: String,
    /// When an exercise of it was last launched, or "Never".
    pub last_run: String,
    /// Exercises launched from it.
    pub exercises: u64,
    /// Latest version.
    pub version: u32,
    /// When the latest version was saved.
    pub updated: String,
}

#[derive(Template)]
#[template(path = "portal/scenarios.html")]
struct ScenariosPage {
    shell: PortalShell,
    can_edit: bool,
    q: String,
    total: usize,
    rows: Vec<ScenarioRow>,
}

/// `?q=` of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
}

/// `GET /scenarios`.
pub async fn list(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let shell = portal_shell(&state, &user, PortalSection::Scenarios, flash).await?;
    let now = state.engine.clock.now();
    let total = state.store.list_scenarios(None).await?.len();
    let q = query.q.trim().to_owned();
    let found = state
        .store
        .list_scenarios((!q.is_empty()).then_some(q.as_str()))
        .await?;
    let rows = found
        .into_iter()
        .map(|s| ScenarioRow {
            mode: match s.total_turns {
                Some(n) if s.mode == "turns" => {
                    format!("{n} turn{}", if n == 1 { "" } else { "s" })
                }
                _ => "Clock".to_owned(),
            },
            teams: s.team_count,
            injects: s.inject_count,
            duration: s
                .duration_ms
                .map_or_else(|| "–".to_owned(), |ms| format_tplus(ms)[2..].to_owned()),
            last_run: s
                .last_exercise_at
                .map_or_else(|| "Never".to_owned(), |at| wall_time(at, now)),
            exercises: s.exercise_count,
            version: s.latest_version,
            updated: wall_time(s.updated_at, now),
            id: s.id.to_string(),
            name: s.name,
        })
        .collect();
    page_response(&ScenariosPage {
        shell,
        can_edit: user.can_edit(),
        q,
        total,
        rows,
    })
}

/// The duplicate form: optional id and name of the copy.
#[derive(Debug, Deserialize)]
pub struct DuplicateForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
}

/// `POST /scenarios/{id}/duplicate`: copies the latest version and opens the copy.
pub async fn duplicate(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<DuplicateForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(scip_store::Role::Controller)?;
    let id = parse_id(&id)?;
    let body = DuplicateBody {
        id: Some(form.id.trim().to_owned()).filter(|s| !s.is_empty()),
        name: Some(form.name.trim().to_owned()).filter(|s| !s.is_empty()),
    };
    match duplicate_scenario(&state, user.actor(), &id, body).await {
        Ok(saved) => Ok(flash_redirect(
            &format!("/scenarios/{}", saved.id),
            FlashKind::Success,
            format!("Copied {id} to {}.", saved.id),
        )),
        Err(e) if e.status.is_client_error() => Ok(flash_redirect(
            "/scenarios",
            FlashKind::Error,
            format!("The copy was not made: {}", e.message),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /scenarios/{id}/delete`: deletes a scenario no exercise uses.
pub async fn delete(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<super::CsrfForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(scip_store::Role::Controller)?;
    let id = parse_id(&id)?;
    let summary = state
        .store
        .list_scenarios(Some(id.as_str()))
        .await?
        .into_iter()
        .find(|s| s.id == id);
    if let Some(s) = &summary
        && s.exercise_count > 0
    {
        return Ok(refused_delete(&s.name, s.exercise_count));
    }
    match state.store.delete_scenario(&id).await {
        Ok(()) => {
            tracing::info!(scenario.id = %id, by = user.actor(), "scenario deleted");
            Ok(flash_redirect(
                "/scenarios",
                FlashKind::Success,
                format!(
                    "Deleted {} and all its versions.",
                    summary.map_or_else(|| id.to_string(), |s| s.name)
                ),
            ))
        }
        Err(StoreError::InUse(message) | StoreError::Conflict { what: message, .. }) => {
            Ok(flash_redirect(
                "/scenarios",
                FlashKind::Error,
                format!("{id} was not deleted: {message}"),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn refused_delete(name: &str, exercises: u64) -> Response {
    flash_redirect(
        "/scenarios",
        FlashKind::Error,
        format!(
            "{name} was not deleted: {exercises} exercise{} {} launched from it and {} its reports. Duplicate it if you want a fresh start.",
            if exercises == 1 { "" } else { "s" },
            if exercises == 1 { "was" } else { "were" },
            if exercises == 1 { "keeps" } else { "keep" },
        ),
    )
}

/// A scenario id from a path, or a 404 page.
pub fn parse_id(id: &str) -> Result<ScenarioId, PageError> {
    ScenarioId::new(id).map_err(|_| PageError::NotFound(format!("There is no scenario {id:?}.")))
}
