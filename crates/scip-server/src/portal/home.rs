//! The portal's home page: live exercises with their clocks and team progress, recent
//! exercises, and scenarios to launch from.

use askama::Template;
use axum::extract::State;
use scip_core::engine::ExerciseState;
use scip_store::{ExerciseRecord, Paging};

use super::flash::FlashCookie;
use super::page::{
    PageResult, PortalUser, page_response, percent, portal_shell, share_text, timer_view, wall_time,
};
use crate::api::v2::exercises::{ExerciseTeamView, team_views};
use crate::view::{Badge, PortalSection, PortalShell, TeamColour, TimerView};

/// A live exercise on the home page.
pub struct LiveCard {
    /// Exercise id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// State badge.
    pub state: Badge,
    /// Its clock.
    pub timer: TimerView,
    /// Scenario and launch details.
    pub subtitle: String,
    /// Teams with progress.
    pub teams: Vec<TeamProgress>,
}

/// A team's delivered / read progress.
pub struct TeamProgress {
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: TeamColour,
    /// Deliveries so far.
    pub delivered: u64,
    /// Of which read.
    pub read: u64,
    /// Injects in the team's timeline.
    pub total: u64,
    /// Browsers showing the dashboard.
    pub viewers: u32,
}

impl TeamProgress {
    /// Delivered as a percentage of the timeline.
    pub fn delivered_pct(&self) -> u64 {
        percent(self.delivered, self.total)
    }
    /// Read as a percentage of the timeline.
    pub fn read_pct(&self) -> u64 {
        percent(self.read, self.total)
    }
}

/// A finished, stopped or older exercise row.
pub struct RecentRow {
    /// Exercise id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Scenario id and version.
    pub scenario: String,
    /// State badge.
    pub state: Badge,
    /// Clock reached.
    pub clock: String,
    /// Launched at.
    pub created: String,
    /// Who launched it.
    pub created_by: String,
    /// True when it is still live (link to control rather than report).
    pub live: bool,
}

/// A scenario to launch from.
pub struct QuickStart {
    /// Scenario id.
    pub id: String,
    /// Name.
    pub name: String,
    /// "6 teams · 141 injects · turns".
    pub summary: String,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    shell: PortalShell,
    greeting: String,
    can_edit: bool,
    live: Vec<LiveCard>,
    recent: Vec<RecentRow>,
    scenarios: Vec<QuickStart>,
    scenario_total: u64,
    viewers: u32,
    delivered: u64,
    read: u64,
}

impl HomePage {
    fn read_share(&self) -> String {
        share_text(self.read, self.delivered)
    }
}

/// `GET /`.
pub async fn home(
    axum::extract::State(state): State<crate::state::AppState>,
    user: PortalUser,
    flash: FlashCookie,
) -> PageResult {
    let shell = portal_shell(&state, &user, PortalSection::Home, flash).await?;
    let now = state.engine.clock.now();
    let all = state.store.list_exercises(None, Paging::first(30)).await?;
    let mut live = Vec::new();
    let mut recent = Vec::new();
    let (mut viewers, mut delivered, mut read) = (0, 0, 0);
    for record in &all.items {
        let is_live = matches!(
            record.runtime.state,
            ExerciseState::Running | ExerciseState::Paused | ExerciseState::Deployed
        );
        if is_live && live.len() < 4 {
            let card = live_card(&state, &user, record, now).await?;
            for t in &card.teams {
                viewers += t.viewers;
                delivered += t.delivered;
                read += t.read;
            }
            live.push(card);
        } else if recent.len() < 8 {
            recent.push(RecentRow {
                id: record.id.to_string(),
                name: record.name.clone(),
                scenario: format!("{} v{}", record.scenario_id, record.scenario_version),
                state: Badge::exercise_state(record.runtime.state),
                clock: scip_core::format_tplus(record.runtime.clock.elapsed(now)),
                created: wall_time(record.created_at, now),
                created_by: record.created_by.clone().unwrap_or_default(),
                live: is_live,
            });
        }
    }
    let scenario_list = state.store.list_scenarios(None).await?;
    let scenario_total = scenario_list.len() as u64;
    let scenarios = scenario_list
        .into_iter()
        .take(6)
        .map(|s| QuickStart {
            summary: format!(
                "{} teams · {} injects · {}",
                s.team_count,
                s.inject_count,
                match s.total_turns {
                    Some(n) => format!("{n} turns"),
                    None => "clock".to_owned(),
                }
            ),
            id: s.id.to_string(),
            name: s.name,
        })
        .collect();
    let greeting = format!("{}, {}", part_of_day(now), shell.user.name);
    page_response(&HomePage {
        shell,
        greeting,
        can_edit: user.can_edit(),
        live,
        recent,
        scenarios,
        scenario_total,
        viewers,
        delivered,
        read,
    })
}

async fn live_card(
    state: &crate::state::AppState,
    user: &PortalUser,
    record: &ExerciseRecord,
    now: i64,
) -> Result<LiveCard, super::PageError> {
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await?;
    let teams: Vec<ExerciseTeamView> = team_views(state, record, user).await?;
    let progress = teams
        .into_iter()
        .map(|t| {
            let total = scenario
                .teams
                .iter()
                .find(|s| s.id.as_str() == t.id)
                .map_or(0, |s| s.timeline.len() as u64);
            TeamProgress {
                colour: TeamColour::parse(&t.color).unwrap_or_default(),
                name: t.name,
                delivered: t.delivered,
                read: t.read,
                total,
                viewers: t.viewers,
            }
        })
        .collect();
    Ok(LiveCard {
        id: record.id.to_string(),
        name: record.name.clone(),
        state: Badge::exercise_state(record.runtime.state),
        timer: timer_view(record, scenario.mode.total_turns(), now),
        subtitle: format!(
            "{} · {} teams · launched {}",
            scenario.name,
            scenario.teams.len(),
            wall_time(record.created_at, now)
        ),
        teams: progress,
    })
}

fn part_of_day(now_ms: i64) -> &'static str {
    let hour = (now_ms.div_euclid(3_600_000)).rem_euclid(24);
    match hour {
        5..=11 => "Good morning",
        12..=17 => "Good afternoon",
        _ => "Good evening",
    }
}
