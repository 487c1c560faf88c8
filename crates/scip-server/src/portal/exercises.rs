//! The exercise list (`GET /exercises`, live ones first) and the launch form
//! (`GET/POST /exercises/new`).

use askama::Template;
use axum::extract::{Query, State};
use scip_core::engine::ExerciseState;
use scip_store::{Paging, Role};
use serde::Deserialize;

use super::flash::FlashCookie;
use super::page::{
    PageError, PageResult, PortalUser, page_response, portal_shell, timer_view, wall_time,
};
use crate::api::v2::exercises::{CreateExerciseBody, launch};
use crate::state::AppState;
use crate::view::{Badge, Flash, FlashKind, PortalSection, PortalShell, SelectOption, TimerView};

/// Exercises shown on the list page.
const LIST_LIMIT: u32 = 200;

/// One exercise on the list page.
pub struct ExerciseRow {
    /// Exercise id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// State badge.
    pub state: Badge,
    /// Its clock (runs on the page while live).
    pub timer: TimerView,
    /// Scenario name and version.
    pub scenario: String,
    /// Number of teams.
    pub teams: usize,
    /// Who launched it.
    pub created_by: String,
    /// When.
    pub created: String,
    /// Deployed, running or paused.
    pub live: bool,
}

#[derive(Template)]
#[template(path = "portal/exercise_list.html")]
struct ListPage {
    shell: PortalShell,
    can_edit: bool,
    live: Vec<ExerciseRow>,
    past: Vec<ExerciseRow>,
}

/// True while an exercise is deployed, running or paused.
pub fn is_live(state: ExerciseState) -> bool {
    matches!(
        state,
        ExerciseState::Running | ExerciseState::Paused | ExerciseState::Deployed
    )
}

/// `GET /exercises`.
pub async fn list(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
) -> PageResult {
    let shell = portal_shell(&state, &user, PortalSection::Exercises, flash).await?;
    let now = state.engine.clock.now();
    let page = state
        .store
        .list_exercises(None, Paging::first(LIST_LIMIT))
        .await?;
    let mut names = std::collections::HashMap::new();
    for s in state.store.list_scenarios(None).await? {
        names.insert(s.id.to_string(), s.name);
    }
    let (mut live, mut past) = (Vec::new(), Vec::new());
    for record in &page.items {
        let teams = state.store.exercise_teams(&record.id).await?.len();
        let scenario_name = names
            .get(record.scenario_id.as_str())
            .cloned()
            .unwrap_or_else(|| record.scenario_id.to_string());
        let row = ExerciseRow {
            id: record.id.to_string(),
            name: record.name.clone(),
            state: Badge::exercise_state(record.runtime.state),
            timer: timer_view(record, None, now),
            scenario: format!("{scenario_name} · v{}", record.scenario_version),
            teams,
            created_by: record.created_by.clone().unwrap_or_default(),
            created: wall_time(record.created_at, now),
            live: is_live(record.runtime.state),
        };
        if row.live {
            live.push(row);
        } else {
            past.push(row);
        }
    }
    page_response(&ListPage {
        shell,
        can_edit: user.can_edit(),
        live,
        past,
    })
}

/// `?scenario=ID` preselects a scenario on the launch form.
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    scenario: Option<String>,
}

/// The launch form's fields.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct LaunchForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    scenario: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    speed: String,
}

/// The speeds offered on the launch form.
const SPEEDS: [(&str, &str); 8] = [
    ("0.5", "×0.5 (half speed)"),
    ("1", "×1 (real time)"),
    ("2", "×2"),
    ("5", "×5"),
    ("10", "×10"),
    ("20", "×20"),
    ("30", "×30"),
    ("60", "×60 (a minute per second)"),
];

#[derive(Template)]
#[template(path = "portal/exercise_new.html")]
struct NewPage {
    shell: PortalShell,
    scenarios: Vec<SelectOption>,
    versions: Vec<SelectOption>,
    speeds: Vec<SelectOption>,
    exercise_name: String,
    has_scenarios: bool,
    scenario_error: String,
    name_error: String,
    speed_error: String,
}

async fn new_page(
    state: &AppState,
    user: &PortalUser,
    flash: FlashCookie,
    form: &LaunchForm,
    error: Option<(&'static str, String)>,
) -> PageResult {
    let mut shell = portal_shell(state, user, PortalSection::Exercises, flash).await?;
    let scenarios = state.store.list_scenarios(None).await?;
    let selected = if form.scenario.is_empty() {
        scenarios
            .first()
            .map(|s| s.id.to_string())
            .unwrap_or_default()
    } else {
        form.scenario.clone()
    };
    let mut versions = vec![SelectOption {
        value: String::new(),
        label: "Latest".into(),
        selected: form.version.is_empty(),
    }];
    if let Ok(id) = scip_core::ScenarioId::new(selected.as_str())
        && let Ok(list) = state.store.scenario_versions(&id).await
    {
        versions.extend(list.iter().rev().map(|v| SelectOption {
            value: v.version.to_string(),
            label: format!(
                "v{} · {}",
                v.version,
                wall_time(v.created_at, state.engine.clock.now())
            ),
            selected: form.version == v.version.to_string(),
        }));
    }
    let options = scenarios
        .iter()
        .map(|s| SelectOption {
            value: s.id.to_string(),
            label: format!("{} (v{}, {} teams)", s.name, s.latest_version, s.team_count),
            selected: s.id.as_str() == selected,
        })
        .collect();
    let speed = if form.speed.is_empty() {
        "1"
    } else {
        form.speed.as_str()
    };
    let (mut scenario_error, mut name_error, mut speed_error) =
        (String::new(), String::new(), String::new());
    if let Some((field, message)) = error {
        match field {
            "name" => name_error = message.clone(),
            "speed" => speed_error = message.clone(),
            _ => scenario_error = message.clone(),
        }
        shell = super::page::with_flash(shell, Flash::new(FlashKind::Error, message));
    }
    page_response(&NewPage {
        shell,
        has_scenarios: !scenarios.is_empty(),
        scenarios: options,
        versions,
        speeds: SelectOption::list(SPEEDS, speed),
        exercise_name: form.name.clone(),
        scenario_error,
        name_error,
        speed_error,
    })
}

/// `GET /exercises/new`.
pub async fn new_form(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Query(query): Query<NewQuery>,
) -> PageResult {
    user.require(Role::Controller)?;
    let form = LaunchForm {
        scenario: query.scenario.unwrap_or_default(),
        ..LaunchForm::default()
    };
    new_page(&state, &user, flash, &form, None).await
}

/// `POST /exercises/new`: launches and goes to the control page.
pub async fn create(
    State(state): State<AppState>,
    user: PortalUser,
    axum::Form(form): axum::Form<LaunchForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Controller)?;
    let speed = match form.speed.trim() {
        "" => None,
        text => match text.parse::<f64>() {
            Ok(f) => Some(f),
            Err(_) => {
                let msg = format!("Speed {text:?} is not a number.");
                return new_page(
                    &state,
                    &user,
                    FlashCookie::default(),
                    &form,
                    Some(("speed", msg)),
                )
                .await;
            }
        },
    };
    let version = match form.version.trim() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(v) => Some(v),
            Err(_) => {
                let msg = format!("Version {text:?} is not a number.");
                return new_page(
                    &state,
                    &user,
                    FlashCookie::default(),
                    &form,
                    Some(("scenario", msg)),
                )
                .await;
            }
        },
    };
    let name = form.name.trim();
    let body = CreateExerciseBody {
        scenario_id: form.scenario.trim().to_owned(),
        version,
        name: (!name.is_empty()).then(|| name.to_owned()),
        speed,
    };
    match launch(&state, user.actor(), body).await {
        Ok(record) => Ok(super::flash_redirect(
            &format!("/exercises/{}", record.id),
            FlashKind::Success,
            format!(
                "{} is launched. Team dashboards are starting; start the clock when the teams are ready.",
                record.name
            ),
        )),
        Err(e) if e.status.is_client_error() => {
            let field = if e.message.contains("name") {
                "name"
            } else if e.message.contains("speed") {
                "speed"
            } else {
                "scenario"
            };
            new_page(
                &state,
                &user,
                FlashCookie::default(),
                &form,
                Some((field, e.message)),
            )
            .await
        }
        Err(e) => Err(PageError::from(e)),
    }
}
