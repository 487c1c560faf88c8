//! The scenario editor page (`GET /scenarios/{id}`): the latest version editable, or an older
//! one (`?version=N`) read-only; tabs for the timeline of each team with the inject form,
//! the teams, the settings and the validator's problems.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use scip_core::{InjectType, Mode, Report, Scenario, format_tplus};
use scip_store::{Paging, ScenarioVersionInfo};
use serde::Deserialize;

use super::editor_form::InjectForm;
use super::flash::FlashCookie;
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell, wall_time};
use super::scenarios::parse_id;
use crate::api::v2::scenarios::load_version;
use crate::api::validation::validate_against_library;
use crate::state::AppState;
use crate::view::{Badge, PortalSection, PortalShell, SelectOption, TeamColour};

/// What the editor shows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EditorQuery {
    /// An older version, read-only.
    pub version: Option<u32>,
    /// `timeline` (default), `teams`, `settings` or `problems`.
    #[serde(default)]
    pub tab: String,
    /// The team whose timeline is shown.
    #[serde(default)]
    pub team: String,
    /// The inject open in the form.
    #[serde(default)]
    pub inject: String,
    /// A new inject of this type in the form.
    #[serde(default)]
    pub new: String,
    /// Show the open inject as this type.
    #[serde(default, rename = "type")]
    pub kind: String,
}

/// A team tab of the timeline.
pub struct TeamTab {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: TeamColour,
    /// Injects.
    pub count: usize,
    /// Shown now.
    pub current: bool,
}

/// A row of the timeline table.
pub struct InjectRow {
    /// Id.
    pub id: String,
    /// `T+MM:SS`.
    pub time: String,
    /// Turn.
    pub turn: Option<u32>,
    /// Type badge.
    pub kind: Badge,
    /// Title line.
    pub title: String,
    /// Sender, if any.
    pub sender: String,
    /// Priority badge.
    pub priority: Badge,
    /// Media count.
    pub media: usize,
    /// Open in the form.
    pub selected: bool,
    /// Problems of this inject.
    pub problems: Vec<String>,
    /// True when a problem is an error.
    pub has_error: bool,
}

/// A row of the teams tab.
pub struct TeamRow {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    /// `player` or `public`.
    pub kind: String,
    /// Fixed port or "".
    pub port: String,
    /// Injects.
    pub injects: usize,
    /// Problems of the team itself.
    pub problems: Vec<String>,
}

/// A validator problem with a link to what it concerns.
pub struct ProblemRow {
    /// Error or warning.
    pub error: bool,
    /// Where.
    pub place: String,
    /// Message.
    pub message: String,
    /// Link to the inject or tab.
    pub href: String,
}

/// A media file offered by the picker.
pub struct PickerItem {
    /// Name.
    pub name: String,
    /// URL.
    pub url: String,
    /// Image (thumbnail shown).
    pub image: bool,
}

#[derive(Template)]
#[template(path = "portal/editor.html")]
struct EditorPage {
    shell: PortalShell,
    id: String,
    name: String,
    description: String,
    version: u32,
    latest: u32,
    read_only: bool,
    can_edit: bool,
    tab: String,
    meta_mode: String,
    meta_duration: String,
    team_count: usize,
    inject_count: usize,
    saved_line: String,
    versions: Vec<ScenarioVersionInfo>,
    teams: Vec<TeamTab>,
    team: Option<TeamTab>,
    rows: Vec<InjectRow>,
    turns: Option<u32>,
    form: Option<InjectForm>,
    picker: Vec<PickerItem>,
    team_rows: Vec<TeamRow>,
    problems: Vec<ProblemRow>,
    error_count: usize,
    mode_options: Vec<SelectOption>,
    duration: String,
    turn_length: String,
    new_types: Vec<(&'static str, &'static str)>,
    preview_at: String,
    team_id: String,
    turns_text: String,
    type_options: Vec<SelectOption>,
    priority_options: Vec<SelectOption>,
    scenario_name: String,
}

impl EditorPage {
    fn time_help(&self) -> &'static str {
        if self.turns.is_some() {
            "From the start of the turn"
        } else {
            "From T+0, MM:SS or H:MM:SS"
        }
    }

    fn turn_help(&self, n: &u32) -> String {
        format!("1 to {n}")
    }

    fn in_picker(&self, name: &str) -> bool {
        self.picker.iter().any(|p| p.name == name)
    }

    fn href(&self, extra: &str) -> String {
        let mut href = format!("/scenarios/{}?", self.id);
        if self.read_only {
            href.push_str(&format!("version={}&", self.version));
        }
        href.push_str(extra);
        href
    }
}

/// `GET /scenarios/{id}`.
pub async fn page(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Path(id): Path<String>,
    Query(query): Query<EditorQuery>,
) -> PageResult {
    render(&state, &user, flash, &id, query, None, StatusCode::OK).await
}

/// Renders the editor; `form` replaces the inject form (a post with problems).
pub async fn render(
    state: &AppState,
    user: &PortalUser,
    flash: FlashCookie,
    id: &str,
    query: EditorQuery,
    form: Option<InjectForm>,
    status: StatusCode,
) -> PageResult {
    let id = parse_id(id)?;
    let (scenario, version, latest) = match load_version(state, &id, query.version).await {
        Ok(v) => v,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            return Err(PageError::NotFound(match query.version {
                Some(v) => format!("Scenario {id} has no version {v}."),
                None => format!("There is no scenario {id}."),
            }));
        }
        Err(e) => return Err(e.into()),
    };
    let shell = portal_shell(state, user, PortalSection::Scenarios, flash).await?;
    let read_only = version != latest || !user.can_edit();
    let report = validate_against_library(state, &scenario).await?;
    let versions = state.store.scenario_versions(&id).await?;
    let tab = match query.tab.as_str() {
        "teams" | "settings" | "problems" => query.tab.clone(),
        _ => "timeline".to_owned(),
    };
    let current_team = scenario
        .teams
        .iter()
        .find(|t| t.id.as_str() == query.team)
        .or_else(|| scenario.teams.first());
    let teams: Vec<TeamTab> = scenario
        .teams
        .iter()
        .map(|t| TeamTab {
            id: t.id.to_string(),
            name: t.name.clone(),
            colour: TeamColour::parse(&t.color).unwrap_or_default(),
            count: t.timeline.len(),
            current: current_team.is_some_and(|c| c.id == t.id),
        })
        .collect();
    let by_inject = problems_by_inject(&report);
    let mut rows = Vec::new();
    let mut form = form;
    if let Some(team) = current_team {
        let mut order: Vec<&scip_core::Inject> = team.timeline.iter().collect();
        order.sort_by_key(|i| (i.turn.unwrap_or(0), i.at_ms));
        for inject in order {
            let key = (team.id.to_string(), inject.id.to_string());
            let problems = by_inject.get(&key).cloned().unwrap_or_default();
            rows.push(InjectRow {
                id: inject.id.to_string(),
                time: format_tplus(inject.at_ms),
                turn: inject.turn,
                kind: Badge::inject_type(inject.inject_type()),
                title: one_line(inject.content.title()),
                sender: inject.content.sender().unwrap_or_default().to_owned(),
                priority: Badge::priority(inject.priority),
                media: inject.media.len(),
                selected: inject.id.as_str() == query.inject,
                has_error: problems.iter().any(|(e, _)| *e),
                problems: problems.into_iter().map(|(_, m)| m).collect(),
            });
        }
        if form.is_none() && !read_only {
            let kind = InjectType::parse(&query.kind);
            if let Some(inject) = team.timeline.iter().find(|i| i.id.as_str() == query.inject) {
                form = Some(InjectForm::of_inject(inject, kind));
            } else if let Some(kind) = InjectType::parse(&query.new) {
                form = Some(InjectForm::blank(team, kind, &scenario.mode));
            }
        } else if form.is_none()
            && let Some(inject) = team.timeline.iter().find(|i| i.id.as_str() == query.inject)
        {
            form = Some(InjectForm::of_inject(inject, None));
        }
    }
    let picker = if form.is_some() && !read_only {
        picker_items(state).await?
    } else {
        Vec::new()
    };
    let preview_at = form
        .as_ref()
        .map(|f| format!("T+{}", f.at))
        .unwrap_or_else(|| "T+99:59:59".to_owned());
    let team_rows = scenario
        .teams
        .iter()
        .map(|t| TeamRow {
            problems: report
                .problems
                .iter()
                .filter(|p| {
                    p.location.team.as_deref() == Some(t.id.as_str()) && p.location.inject.is_none()
                })
                .map(|p| p.message.clone())
                .collect(),
            id: t.id.to_string(),
            name: t.name.clone(),
            color: t.color.clone(),
            kind: t.kind.as_str().to_owned(),
            port: t.dashboard_port.map(|p| p.to_string()).unwrap_or_default(),
            injects: t.timeline.len(),
        })
        .collect();
    let problems = problem_rows(id.as_str(), version, read_only, &report);
    let saved = versions.iter().find(|v| v.version == version);
    let now = state.engine.clock.now();
    let saved_line = saved
        .map(|v| {
            format!(
                "Saved {}{}",
                wall_time(v.created_at, now),
                v.created_by
                    .as_ref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    let (turns, turn_length) = match scenario.mode {
        Mode::Clock => (None, String::new()),
        Mode::Turns {
            total_turns,
            turn_length_ms,
        } => (
            Some(total_turns),
            turn_length_ms
                .map(scip_core::format_precise)
                .unwrap_or_default(),
        ),
    };
    let type_options = form
        .as_ref()
        .map(InjectForm::type_options)
        .unwrap_or_default();
    let priority_options = form
        .as_ref()
        .map(InjectForm::priority_options)
        .unwrap_or_default();
    let page = EditorPage {
        shell,
        id: id.to_string(),
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        version,
        latest,
        read_only,
        can_edit: user.can_edit(),
        tab,
        meta_mode: match turns {
            Some(n) => format!("{n} turns"),
            None => "Clock".to_owned(),
        },
        meta_duration: scenario
            .duration_ms
            .map(|d| format_tplus(d)[2..].to_owned())
            .unwrap_or_default(),
        team_count: scenario.teams.len(),
        inject_count: scenario.inject_count(),
        saved_line,
        versions,
        team: current_team.map(|t| TeamTab {
            id: t.id.to_string(),
            name: t.name.clone(),
            colour: TeamColour::parse(&t.color).unwrap_or_default(),
            count: t.timeline.len(),
            current: true,
        }),
        teams,
        rows,
        turns,
        form,
        picker,
        team_rows,
        error_count: report.error_count(),
        problems,
        mode_options: SelectOption::list(
            [
                ("clock", "Clock: one continuous clock"),
                ("turns", "Turns: played one after another"),
            ],
            scenario.mode.as_str(),
        ),
        duration: scenario
            .duration_ms
            .map(scip_core::format_precise)
            .unwrap_or_default(),
        turn_length,
        new_types: InjectType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label()))
            .collect(),
        preview_at,
        type_options,
        priority_options,
        scenario_name: scenario.name.clone(),
        team_id: current_team.map(|t| t.id.to_string()).unwrap_or_default(),
        turns_text: turns.map(|n| n.to_string()).unwrap_or_default(),
    };
    let mut response = page_response(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > 100 {
        format!("{}…", line.chars().take(100).collect::<String>())
    } else {
        line.to_owned()
    }
}

type InjectProblems = HashMap<(String, String), Vec<(bool, String)>>;

fn problems_by_inject(report: &Report) -> InjectProblems {
    let mut map: InjectProblems = HashMap::new();
    for p in &report.problems {
        if let (Some(team), Some(inject)) = (&p.location.team, &p.location.inject) {
            let text = match &p.location.field {
                Some(f) => format!("{f}: {}", p.message),
                None => p.message.clone(),
            };
            map.entry((team.clone(), inject.clone()))
                .or_default()
                .push((p.is_error(), text));
        }
    }
    map
}

fn problem_rows(id: &str, version: u32, read_only: bool, report: &Report) -> Vec<ProblemRow> {
    let v = if read_only {
        format!("version={version}&")
    } else {
        String::new()
    };
    report
        .problems
        .iter()
        .map(|p| {
            let l = &p.location;
            let href = match (&l.team, &l.inject) {
                (Some(team), Some(inject)) => {
                    format!("/scenarios/{id}?{v}team={team}&inject={inject}")
                }
                (Some(_), None) => format!("/scenarios/{id}?{v}tab=teams"),
                _ => format!("/scenarios/{id}?{v}tab=settings"),
            };
            let mut place = Vec::new();
            if let Some(t) = &l.team {
                place.push(format!("team {t}"));
            }
            if let Some(i) = &l.inject {
                place.push(format!("inject {i}"));
            }
            if let Some(f) = &l.field {
                place.push(format!("field {f}"));
            }
            ProblemRow {
                error: p.is_error(),
                place: place.join(" · "),
                message: p.message.clone(),
                href,
            }
        })
        .collect()
}

async fn picker_items(state: &AppState) -> Result<Vec<PickerItem>, PageError> {
    let page = state.store.list_media(None, Paging::first(500)).await?;
    Ok(page
        .items
        .into_iter()
        .map(|m| PickerItem {
            url: scip_engine::step::media_path(&m.name),
            image: m.content_type.starts_with("image/"),
            name: m.name,
        })
        .collect())
}

/// The scenario a form edits: the latest version (forms never edit older ones).
pub async fn latest(state: &AppState, id: &str) -> Result<(Scenario, u32), PageError> {
    let id = parse_id(id)?;
    match state.store.latest_scenario(&id).await {
        Ok(v) => Ok(v),
        Err(scip_store::StoreError::NotFound(_)) => {
            Err(PageError::NotFound(format!("There is no scenario {id}.")))
        }
        Err(e) => Err(e.into()),
    }
}
