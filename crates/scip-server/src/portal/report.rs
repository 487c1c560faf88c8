//! The after-action report page (`GET /exercises/{id}/report`): totals, time to read per team,
//! key moments, the team table, every delivery and the event log, with CSV and JSON downloads
//! from the API.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use scip_store::{EventOrder, EventQuery};

use super::control::load;
use super::control_view::{LogRow, log_row};
use super::flash::FlashCookie;
use super::page::{PageResult, PortalUser, page_response, portal_shell, wall_time};
use crate::api::v2::reports::{Report, TeamSummary, build_report};
use crate::state::AppState;
use crate::view::{Badge, PortalSection, PortalShell, TeamColour};

/// Events shown on the report.
const LOG_LIMIT: u32 = 1000;

/// A team's bar in "time to read".
pub struct LatencyBar {
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: TeamColour,
    /// Bar length, % of the slowest team.
    pub pct: u64,
    /// False when the team has read nothing yet: no bar is drawn.
    pub measured: bool,
    /// `46 s`.
    pub text: String,
}

/// A key moment.
pub struct Moment {
    /// `T+MM:SS · HH:MM`.
    pub time: String,
    /// What.
    pub title: String,
    /// Colour variable.
    pub colour: &'static str,
}

/// A delivery row on the page.
pub struct DeliveryLine {
    /// Run.
    pub run: u32,
    /// Team.
    pub team: String,
    /// Colour.
    pub colour: TeamColour,
    /// Title.
    pub title: String,
    /// Type badge.
    pub kind: Badge,
    /// Scheduled T+.
    pub scheduled: String,
    /// Fired T+.
    pub fired: String,
    /// Source.
    pub source: String,
    /// Late.
    pub late: bool,
    /// Time to read.
    pub to_read: String,
    /// Resent.
    pub resent: u32,
}

#[derive(Template)]
#[template(path = "portal/report.html")]
struct ReportPage {
    shell: PortalShell,
    id: String,
    name: String,
    meta: String,
    state: Badge,
    report: Report,
    teams: Vec<(TeamSummary, TeamColour, String)>,
    read_share: String,
    delivered_meta: String,
    read_meta: String,
    median: String,
    p90: String,
    latencies: Vec<LatencyBar>,
    moments: Vec<Moment>,
    deliveries: Vec<DeliveryLine>,
    several_runs: bool,
    log: Vec<LogRow>,
    ended: bool,
}

/// `12 s`, `3 min 10 s`, `1 h 02 min`; `–` when unknown.
pub fn duration_text(seconds: Option<f64>) -> String {
    let Some(s) = seconds else {
        return "–".into();
    };
    let s = s.round() as u64;
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

/// `GET /exercises/{id}/report`.
pub async fn page(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Path(id): Path<String>,
) -> PageResult {
    let record = load(&state, &id).await?;
    let shell = portal_shell(&state, &user, PortalSection::Exercises, flash).await?;
    let report = build_report(&state, &record).await?;
    let now = state.engine.clock.now();
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await?;
    let colours: HashMap<String, TeamColour> = report
        .teams
        .iter()
        .map(|t| {
            (
                t.team_id.clone(),
                TeamColour::parse(&t.color).unwrap_or_default(),
            )
        })
        .collect();
    let names: HashMap<String, String> = report
        .teams
        .iter()
        .map(|t| (t.team_id.clone(), t.team_name.clone()))
        .collect();
    let slowest = report
        .teams
        .iter()
        .filter_map(|t| t.median_seconds_to_read)
        .fold(0.0_f64, f64::max);
    let latencies = report
        .teams
        .iter()
        .map(|t| LatencyBar {
            name: t.team_name.clone(),
            colour: colours.get(&t.team_id).copied().unwrap_or_default(),
            pct: match t.median_seconds_to_read {
                Some(s) if slowest > 0.0 => ((s / slowest) * 100.0).round() as u64,
                _ => 0,
            },
            measured: t.median_seconds_to_read.is_some(),
            text: duration_text(t.median_seconds_to_read),
        })
        .collect();
    let events = state
        .store
        .events(
            &record.id,
            EventQuery {
                after_seq: None,
                before_seq: None,
                limit: LOG_LIMIT,
                order: EventOrder::NewestFirst,
            },
        )
        .await?;
    let mut moments: Vec<Moment> = events
        .iter()
        .rev()
        .filter_map(|e| {
            let (title, colour) = match e.kind.as_str() {
                "started" => ("Exercise started".to_owned(), "var(--c-success)"),
                "paused" => ("Clock paused".to_owned(), "var(--c-warning)"),
                "resumed" => ("Clock resumed".to_owned(), "var(--c-success)"),
                "turn_started" => (
                    format!(
                        "Turn {} started",
                        e.data
                            .get("turn")
                            .map(|v| v.to_string())
                            .unwrap_or_default()
                    ),
                    "var(--c-primary)",
                ),
                "reset" => ("Reset to T+00:00".to_owned(), "var(--c-danger)"),
                "finished" => ("Exercise finished".to_owned(), "var(--c-primary)"),
                "stopped" => ("Exercise stopped".to_owned(), "var(--c-danger)"),
                _ => return None,
            };
            Some(Moment {
                time: format!(
                    "{} · {}",
                    scip_core::format_tplus(e.elapsed_ms),
                    wall_time(e.at, now)
                ),
                title: if e.actor != "engine" && !e.actor.is_empty() {
                    format!("{title} by {}", e.actor)
                } else {
                    title
                },
                colour,
            })
        })
        .collect();
    if moments.len() > 30 {
        moments.drain(..moments.len() - 30);
    }
    let log = events.iter().map(|e| log_row(e, &names, now)).collect();
    let deliveries = record_lines(&report, &colours);
    let s = &report.summary;
    let read_share = super::page::share_text(s.read, s.delivered);
    let meta = format!(
        "{} · v{} · {} teams · {} · reached {}",
        scenario.name,
        record.scenario_version,
        report.teams.len(),
        match (record.started_at, s.wall_seconds) {
            (Some(at), Some(secs)) => format!(
                "started {} · ran {}",
                wall_time(at, now),
                duration_text(Some(secs as f64))
            ),
            _ => "not started".to_owned(),
        },
        s.clock
    );
    let teams = report
        .teams
        .iter()
        .map(|t| {
            (
                t.clone(),
                colours.get(&t.team_id).copied().unwrap_or_default(),
                duration_text(t.median_seconds_to_read),
            )
        })
        .collect();
    page_response(&ReportPage {
        shell,
        id: record.id.to_string(),
        name: record.name.clone(),
        meta,
        state: Badge::exercise_state(record.runtime.state),
        median: duration_text(s.median_seconds_to_read),
        p90: format!("p90 {}", duration_text(s.p90_seconds_to_read)),
        delivered_meta: format!("{} live · {} resent", s.live, s.resent),
        read_meta: format!("{} of {} delivered", s.read, s.delivered),
        read_share,
        teams,
        latencies,
        moments,
        several_runs: record.runtime.run > 1,
        deliveries,
        log,
        ended: !record.runtime.state.is_live(),
        report,
    })
}

fn record_lines(report: &Report, colours: &HashMap<String, TeamColour>) -> Vec<DeliveryLine> {
    report
        .deliveries
        .iter()
        .map(|r| DeliveryLine {
            run: r.run,
            team: r.team_name.clone(),
            colour: colours.get(&r.team_id).copied().unwrap_or_default(),
            title: r.title.clone(),
            kind: scip_core::model::InjectType::parse(&r.inject_type)
                .map(Badge::inject_type)
                .unwrap_or_else(|| Badge::new(r.inject_type.clone(), "")),
            scheduled: r.scheduled_tplus.clone().unwrap_or_else(|| "–".into()),
            fired: r.fired_tplus.clone(),
            source: r.source.clone(),
            late: r.late,
            to_read: duration_text(r.seconds_to_read),
            resent: r.resend_count,
        })
        .collect()
}
