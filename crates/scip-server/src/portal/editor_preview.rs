//! The feed preview (`GET /scenarios/{id}/preview?team=T&at=T+MM:SS`): what a team's
//! dashboard feed holds at a moment of the exercise, drawn with the dashboards' own cards.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use scip_bus::payload::{DeliveryPayload, V1};
use scip_core::{ExerciseId, Inject, Mode, format_tplus, parse_time};
use serde::Deserialize;

use super::flash::FlashCookie;
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell};
use super::scenarios::parse_id;
use crate::api::v2::scenarios::load_version;
use crate::state::AppState;
use crate::view::{FeedCard, PortalSection, PortalShell, TeamColour};

/// Which team, when, and which version.
#[derive(Debug, Default, Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    team: String,
    #[serde(default)]
    at: String,
    turn: Option<u32>,
    version: Option<u32>,
}

/// A team to preview.
pub struct TeamLink {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: TeamColour,
    /// Shown now.
    pub current: bool,
}

#[derive(Template)]
#[template(path = "portal/editor_preview.html")]
struct PreviewPage {
    shell: PortalShell,
    id: String,
    name: String,
    version: u32,
    latest: u32,
    team_id: String,
    team_name: String,
    colour: TeamColour,
    at: String,
    at_error: String,
    turn: Option<u32>,
    total_turns: Option<u32>,
    teams: Vec<TeamLink>,
    cards: Vec<FeedCard>,
    upcoming: usize,
}

fn due(inject: &Inject, at_ms: u64, turn: Option<u32>) -> bool {
    match (turn, inject.turn) {
        (Some(now), Some(t)) => t < now || (t == now && inject.at_ms <= at_ms),
        _ => inject.at_ms <= at_ms,
    }
}

/// `GET /scenarios/{id}/preview`.
pub async fn preview(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Path(id): Path<String>,
    Query(query): Query<PreviewQuery>,
) -> PageResult {
    let id = parse_id(&id)?;
    let (scenario, version, latest) =
        load_version(&state, &id, query.version)
            .await
            .map_err(|e| {
                if e.status == axum::http::StatusCode::NOT_FOUND {
                    PageError::NotFound(format!("There is no scenario {id} (or no such version)."))
                } else {
                    e.into()
                }
            })?;
    let Some(team) = scenario
        .teams
        .iter()
        .find(|t| t.id.as_str() == query.team)
        .or_else(|| scenario.teams.first())
    else {
        return Err(PageError::NotFound(format!(
            "Scenario {id} has no teams to preview."
        )));
    };
    let (at_ms, at_error) = if query.at.trim().is_empty() {
        (u64::MAX / 4, String::new())
    } else {
        match parse_time(&query.at) {
            Ok(ms) => (ms, String::new()),
            Err(e) => (0, format!("The time {e}.")),
        }
    };
    let total_turns = match scenario.mode {
        Mode::Turns { total_turns, .. } => Some(total_turns),
        Mode::Clock => None,
    };
    let turn = total_turns.map(|total| query.turn.unwrap_or(1).clamp(1, total));
    let mut fired: Vec<&Inject> = team
        .timeline
        .iter()
        .filter(|i| due(i, at_ms, turn))
        .collect();
    fired.sort_by_key(|i| (i.turn.unwrap_or(0), i.at_ms));
    let upcoming = team.timeline.len() - fired.len();
    let exercise = ExerciseId::new("preview").map_err(crate::error::ApiError::internal)?;
    let now = time::OffsetDateTime::now_utc();
    let cards = fired
        .iter()
        .enumerate()
        .rev()
        .map(|(n, inject)| {
            let payload = DeliveryPayload {
                v: V1,
                id: inject.id.clone(),
                content: inject.content.clone(),
                priority: inject.priority,
                media: inject
                    .media
                    .iter()
                    .map(|m| scip_engine::step::media_path(m))
                    .collect(),
                team_id: team.id.clone(),
                exercise_id: exercise.clone(),
                delivered_at: inject.at_ms / 1000,
                turn: inject.turn,
                manual: false,
                action: None,
                time: inject.at_ms / 1000,
                seq: n as u64 + 1,
                delivery_id: format!("preview-{n}"),
                scheduled_ms: Some(inject.at_ms),
                fired_at: now,
                late: false,
                run: 1,
            };
            crate::dashboard::cards::card(&payload)
        })
        .collect();
    let shell = portal_shell(&state, &user, PortalSection::Scenarios, flash).await?;
    page_response(&PreviewPage {
        shell,
        id: id.to_string(),
        name: scenario.name.clone(),
        version,
        latest,
        team_id: team.id.to_string(),
        team_name: team.name.clone(),
        colour: TeamColour::parse(&team.color).unwrap_or_default(),
        at: if query.at.trim().is_empty() {
            "end".to_owned()
        } else if at_error.is_empty() {
            format_tplus(at_ms)
        } else {
            query.at.clone()
        },
        at_error,
        turn,
        total_turns,
        teams: scenario
            .teams
            .iter()
            .map(|t| TeamLink {
                id: t.id.to_string(),
                name: t.name.clone(),
                colour: TeamColour::parse(&t.color).unwrap_or_default(),
                current: t.id == team.id,
            })
            .collect(),
        cards,
        upcoming,
    })
}

/// `GET /media/{name}`: a library file, for previews drawn with dashboard cards (which link
/// media as `/media/…`).
pub async fn media_file(Path(name): Path<String>) -> Response {
    Redirect::temporary(&scip_engine::step::media_path(&name)).into_response()
}
