//! Creating an empty scenario (`/scenarios/new`): name, id, description, mode, turns and
//! duration; it starts with one team and opens in the editor.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use scip_core::model::{TEAM_PALETTE, TeamResources};
use scip_core::{Scenario, ScenarioId, Team, TeamId, TeamKind};
use scip_store::{Role, StoreError};
use serde::Deserialize;

use super::editor_actions::{optional_time, read_mode};
use super::flash::{FlashCookie, flash_redirect};
use super::page::{PageResult, PortalUser, page_response, portal_shell};
use crate::api::v2::scenarios::note;
use crate::state::AppState;
use crate::view::{FlashKind, PortalSection, PortalShell, SelectOption};

/// The new-scenario form (also its state when shown again with problems).
#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    total_turns: String,
    #[serde(default)]
    duration: String,
    #[serde(default)]
    team: String,
}

#[derive(Template)]
#[template(path = "portal/scenario_new.html")]
struct NewPage {
    shell: PortalShell,
    form: NewForm,
    modes: Vec<SelectOption>,
    errors: std::collections::BTreeMap<&'static str, String>,
}

impl NewPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn show(
    state: &AppState,
    user: &PortalUser,
    form: NewForm,
    errors: std::collections::BTreeMap<&'static str, String>,
) -> PageResult {
    let shell = portal_shell(
        state,
        user,
        PortalSection::Scenarios,
        FlashCookie::default(),
    )
    .await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let modes = SelectOption::list(
        [
            ("clock", "Clock: one continuous clock"),
            ("turns", "Turns: played one after another"),
        ],
        if form.mode == "turns" {
            "turns"
        } else {
            "clock"
        },
    );
    let mut response = page_response(&NewPage {
        shell,
        form,
        modes,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// `GET /scenarios/new`.
pub async fn new_form(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
) -> PageResult {
    user.require(Role::Controller)?;
    let shell = portal_shell(&state, &user, PortalSection::Scenarios, flash).await?;
    let form = NewForm {
        total_turns: "3".into(),
        team: "Crisis Management Team".into(),
        ..NewForm::default()
    };
    let modes = SelectOption::list(
        [
            ("clock", "Clock: one continuous clock"),
            ("turns", "Turns: played one after another"),
        ],
        "clock",
    );
    page_response(&NewPage {
        shell,
        form,
        modes,
        errors: Default::default(),
    })
}

/// `POST /scenarios/new`.
pub async fn create(
    State(state): State<AppState>,
    user: PortalUser,
    Form(form): Form<NewForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Controller)?;
    let mut errors = std::collections::BTreeMap::new();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        errors.insert("name", "Give a name of 1 to 200 characters.".to_owned());
    }
    let raw_id = if form.id.trim().is_empty() {
        name.clone()
    } else {
        form.id.trim().to_owned()
    };
    let id = if form.id.trim().is_empty() {
        ScenarioId::slugify(&raw_id)
            .ok_or_else(|| "Give an id: lowercase letters, digits and dashes.".to_owned())
    } else {
        ScenarioId::new(&raw_id).map_err(|e| format!("The id {e}."))
    };
    let id = match id {
        Ok(id) => Some(id),
        Err(message) => {
            errors.insert("id", message);
            None
        }
    };
    let mode = read_mode(&form.mode, &form.total_turns, "")
        .map_err(|m| errors.insert("total_turns", m))
        .ok();
    let duration = optional_time(&form.duration, "duration")
        .map_err(|m| errors.insert("duration", m))
        .ok();
    let team_name = if form.team.trim().is_empty() {
        "Team 1".to_owned()
    } else {
        form.team.trim().chars().take(100).collect()
    };
    let team_id = ScenarioId::slugify(&team_name)
        .and_then(|s| {
            TeamId::new(
                s.as_str()
                    .chars()
                    .take(TeamId::MAX_LEN)
                    .collect::<String>()
                    .trim_end_matches('-'),
            )
            .ok()
        })
        .unwrap_or_else(|| {
            TeamId::new("team-1").unwrap_or_else(|_| unreachable!("a literal slug"))
        });
    let (Some(id), Some(mode), Some(duration)) = (id, mode, duration) else {
        return show(&state, &user, form, errors).await;
    };
    if !errors.is_empty() {
        return show(&state, &user, form, errors).await;
    }
    let scenario = Scenario {
        id: id.clone(),
        name: name.clone(),
        description: form.description.trim().to_owned(),
        duration_ms: duration,
        mode,
        teams: vec![Team {
            id: team_id,
            name: team_name,
            color: TEAM_PALETTE[0].to_owned(),
            kind: TeamKind::Player,
            dashboard_port: None,
            resources: TeamResources::default(),
            description: None,
            timeline: Vec::new(),
        }],
    };
    match state
        .store
        .create_scenario(
            &scenario,
            &note(user.actor(), Some("created in the portal".into())),
            state.engine.clock.now(),
        )
        .await
    {
        Ok(_) => {
            tracing::info!(scenario.id = %id, by = user.actor(), "scenario created");
            Ok(flash_redirect(
                &format!("/scenarios/{id}"),
                FlashKind::Success,
                format!("Created {name}. Add injects to its timeline."),
            ))
        }
        Err(StoreError::Conflict { .. }) => {
            let mut errors = std::collections::BTreeMap::new();
            errors.insert(
                "id",
                format!("There already is a scenario {id}; choose another id."),
            );
            show(&state, &user, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
