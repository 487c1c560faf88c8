//! Editor form posts for a scenario as a whole: settings, teams (add, change, remove) and
//! undo. Each saves a new version based on the version the form was opened on.

use axum::Form;
use axum::extract::{Path, State};
use scip_core::model::{TEAM_PALETTE, Team, TeamKind, TeamResources, is_hex_color};
use scip_core::{Mode, Scenario, TeamId, parse_time};
use scip_store::Role;
use serde::Deserialize;

use super::editor::latest;
use super::editor_save::{SaveFailure, problems_sentence, save};
use super::flash::flash_redirect;
use super::page::{PageResult, PortalUser};
use crate::state::AppState;
use crate::view::FlashKind;

/// A form carrying the version it was opened on.
#[derive(Debug, Deserialize)]
pub struct BaseForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    base_version: u32,
}

impl BaseForm {
    /// The CSRF value posted.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The version the form was opened on.
    pub fn base(&self) -> u32 {
        self.base_version
    }
}

/// Saves `scenario` and redirects back to `to` with the outcome.
pub async fn save_and_return(
    state: &AppState,
    user: &PortalUser,
    base: u32,
    scenario: &Scenario,
    comment: String,
    to: &str,
    done: &str,
) -> PageResult {
    match save(state, user, base, scenario, comment).await {
        Ok(version) => Ok(flash_redirect(
            to,
            FlashKind::Success,
            format!("{done} Saved as version {version}."),
        )),
        Err(SaveFailure::Conflict(message)) => Ok(flash_redirect(to, FlashKind::Error, message)),
        Err(SaveFailure::Invalid(report)) => Ok(flash_redirect(
            to,
            FlashKind::Error,
            problems_sentence(&report),
        )),
        Err(SaveFailure::Page(e)) => Err(e),
    }
}

fn check(user: &PortalUser, csrf: &str) -> Result<(), super::PageError> {
    user.check_csrf(csrf)?;
    user.require(Role::Controller)
}

/// The settings form.
#[derive(Debug, Deserialize)]
pub struct SettingsForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    base_version: u32,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    total_turns: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    turn_length: String,
}

/// Reads mode, turns and times of a settings or new-scenario form.
pub fn read_mode(mode: &str, turns: &str, turn_length: &str) -> Result<Mode, String> {
    if mode != "turns" {
        return Ok(Mode::Clock);
    }
    let total_turns = match turns.trim().parse::<u32>() {
        Ok(n) if (1..=1000).contains(&n) => n,
        _ => return Err("Turn mode needs a number of turns from 1 to 1000.".into()),
    };
    let turn_length_ms = optional_time(turn_length, "turn length")?;
    Ok(Mode::Turns {
        total_turns,
        turn_length_ms,
    })
}

/// An optional time field.
pub fn optional_time(text: &str, what: &str) -> Result<Option<u64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_time(text)
        .map(Some)
        .map_err(|e| format!("The {what} {e}."))
}

/// `POST /scenarios/{id}/settings`.
pub async fn settings(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    check(&user, &form.csrf)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}?tab=settings", scenario.id);
    let mode = match read_mode(&form.mode, &form.total_turns, &form.turn_length) {
        Ok(m) => m,
        Err(message) => {
            return Ok(flash_redirect(
                &to,
                FlashKind::Error,
                format!("Not saved: {message}"),
            ));
        }
    };
    let duration = match optional_time(&form.duration, "duration") {
        Ok(d) => d,
        Err(message) => {
            return Ok(flash_redirect(
                &to,
                FlashKind::Error,
                format!("Not saved: {message}"),
            ));
        }
    };
    if form.name.trim().is_empty() || form.name.chars().count() > 200 {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "Not saved: the name must have 1 to 200 characters.",
        ));
    }
    if let (Mode::Clock, Mode::Turns { .. }) = (&mode, &scenario.mode) {
        for team in &mut scenario.teams {
            for inject in &mut team.timeline {
                inject.turn = None;
            }
        }
    } else if let (Mode::Turns { .. }, Mode::Clock) = (&mode, &scenario.mode) {
        for team in &mut scenario.teams {
            for inject in &mut team.timeline {
                inject.turn = Some(1);
            }
        }
    }
    scenario.name = form.name.trim().to_owned();
    scenario.description = form.description.trim().to_owned();
    scenario.mode = mode;
    scenario.duration_ms = duration;
    save_and_return(
        &state,
        &user,
        form.base_version,
        &scenario,
        "settings changed".into(),
        &to,
        "Settings changed.",
    )
    .await
}

/// A team form.
#[derive(Debug, Deserialize)]
pub struct TeamForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    base_version: u32,
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    color: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    port: String,
}

fn read_port(text: &str) -> Result<Option<u16>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u16>() {
        Ok(p) if p >= 1024 => Ok(Some(p)),
        _ => Err(format!(
            "the port {text:?} must be a number from 1024 to 65535, or empty"
        )),
    }
}

/// `POST /scenarios/{id}/teams`: adds a team.
pub async fn add_team(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> PageResult {
    check(&user, &form.csrf)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}?tab=teams", scenario.id);
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "Not added: a team needs a name of 1 to 100 characters.",
        ));
    }
    let raw_id = if form.id.trim().is_empty() {
        name.clone()
    } else {
        form.id.trim().to_owned()
    };
    let Some(slug) = scip_core::ScenarioId::slugify(&raw_id) else {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "Not added: the team id needs letters or digits.",
        ));
    };
    let team_id: String = slug.as_str().chars().take(TeamId::MAX_LEN).collect();
    let Ok(team_id) = TeamId::new(team_id.trim_end_matches('-')) else {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "Not added: the team id is not valid.",
        ));
    };
    if scenario.teams.iter().any(|t| t.id == team_id) {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            format!("Not added: there already is a team {team_id}; choose another id."),
        ));
    }
    let color = TEAM_PALETTE[scenario.teams.len() % TEAM_PALETTE.len()].to_owned();
    scenario.teams.push(Team {
        id: team_id.clone(),
        name: name.clone(),
        color,
        kind: if form.kind == "public" {
            TeamKind::Public
        } else {
            TeamKind::Player
        },
        dashboard_port: None,
        resources: TeamResources::default(),
        description: None,
        timeline: Vec::new(),
    });
    save_and_return(
        &state,
        &user,
        form.base_version,
        &scenario,
        format!("team {team_id} added"),
        &to,
        &format!("Added {name}."),
    )
    .await
}

/// `POST /scenarios/{id}/teams/{team}`: renames, recolours, changes kind or port.
pub async fn save_team(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, team)): Path<(String, String)>,
    Form(form): Form<TeamForm>,
) -> PageResult {
    check(&user, &form.csrf)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}?tab=teams", scenario.id);
    let port = match read_port(&form.port) {
        Ok(p) => p,
        Err(message) => {
            return Ok(flash_redirect(
                &to,
                FlashKind::Error,
                format!("Not saved: {message}."),
            ));
        }
    };
    let Some(t) = scenario.teams.iter_mut().find(|t| t.id.as_str() == team) else {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            format!("There is no team {team} any more; someone removed it."),
        ));
    };
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "Not saved: a team needs a name of 1 to 100 characters.",
        ));
    }
    if !form.color.is_empty() {
        if !is_hex_color(&form.color) {
            return Ok(flash_redirect(
                &to,
                FlashKind::Error,
                "Not saved: the colour must be #rrggbb.",
            ));
        }
        t.color = form.color.to_ascii_lowercase();
    }
    t.name = name.to_owned();
    t.kind = if form.kind == "public" {
        TeamKind::Public
    } else {
        TeamKind::Player
    };
    t.dashboard_port = port;
    let done = format!("{} changed.", t.name);
    save_and_return(
        &state,
        &user,
        form.base_version,
        &scenario,
        format!("team {team} changed"),
        &to,
        &done,
    )
    .await
}

/// `POST /scenarios/{id}/teams/{team}/delete`.
pub async fn remove_team(
    State(state): State<AppState>,
    user: PortalUser,
    Path((id, team)): Path<(String, String)>,
    Form(form): Form<BaseForm>,
) -> PageResult {
    check(&user, &form.csrf)?;
    let (mut scenario, _) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}?tab=teams", scenario.id);
    let Some(index) = scenario.teams.iter().position(|t| t.id.as_str() == team) else {
        return Ok(flash_redirect(
            &to,
            FlashKind::Warning,
            format!("There is no team {team}; nothing was removed."),
        ));
    };
    if scenario.teams.len() == 1 {
        return Ok(flash_redirect(
            &to,
            FlashKind::Error,
            "A scenario needs at least one team; add another before removing this one.",
        ));
    }
    let removed = scenario.teams.remove(index);
    save_and_return(
        &state,
        &user,
        form.base_version,
        &scenario,
        format!("team {team} removed"),
        &to,
        &format!("Removed {}.", removed.name),
    )
    .await
}

/// `POST /scenarios/{id}/undo`: restores the version before the latest as a new version.
pub async fn undo(
    State(state): State<AppState>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<BaseForm>,
) -> PageResult {
    check(&user, &form.csrf)?;
    let (current, latest_version) = latest(&state, &id).await?;
    let to = format!("/scenarios/{}", current.id);
    if latest_version <= 1 {
        return Ok(flash_redirect(
            &to,
            FlashKind::Info,
            "There is nothing to undo: this is the first version.",
        ));
    }
    let previous = latest_version - 1;
    let mut restored = state.store.scenario_version(&current.id, previous).await?;
    restored.id = current.id.clone();
    save_and_return(
        &state,
        &user,
        form.base_version,
        &restored,
        format!("undo: restored version {previous}"),
        &to,
        &format!("Restored version {previous}."),
    )
    .await
}
