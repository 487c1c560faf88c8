//! What the exercise control page shows, read from the store: clock and allowed actions, teams
//! with access and progress, the delivery matrix, upcoming injects, deliveries that need
//! attention, and the event log. The page and its live panels render from one [`ControlView`].

use std::collections::{BTreeMap, HashMap};

use scip_core::engine::ExerciseState;
use scip_core::model::{FieldKind, InjectType, Mode, Priority, Scenario};
use scip_core::{ExerciseId, format_tplus};
use scip_store::{
    DeliveryFilter, DeliveryRecord, DeliverySort, DeliveryState, EventOrder, EventQuery,
    EventRecord, ExerciseRecord, Paging,
};

use super::page::{PageError, PortalUser, percent, timer_view, wall_time};
use crate::api::v2::exercises::detail;
use crate::auth::session::unix_now;
use crate::auth::team::issue_team_link;
use crate::state::AppState;
use crate::view::{
    Badge, DeliveryCell, DeliveryStage, QrSvg, SelectOption, TeamColour, TimerView, inject_icon,
    qr_svg, type_class,
};

/// Event log entries per page.
pub const LOG_PAGE: u32 = 40;
/// How far ahead "up next" looks, in exercise ms.
const UPCOMING_WINDOW_MS: u64 = 10 * 60 * 1000;
/// Most rows in "up next".
const UPCOMING_MAX: usize = 10;
/// A published delivery no dashboard confirmed after this long (wall ms) needs attention.
const UNACKNOWLEDGED_AFTER_MS: i64 = 30_000;

/// A lifecycle button.
pub struct ActionButton {
    /// `start`, `pause`, … (the form's URL).
    pub action: &'static str,
    /// Label.
    pub label: &'static str,
    /// Icon.
    pub icon: &'static str,
    /// Drawn as the primary or danger button.
    pub style: &'static str,
    /// Confirmation: title, message, button label, danger.
    pub confirm: Option<(&'static str, &'static str, &'static str, bool)>,
}

/// A speed choice.
pub struct SpeedChoice {
    /// Factor as submitted.
    pub value: &'static str,
    /// `×2`.
    pub label: &'static str,
    /// The current speed.
    pub current: bool,
}

/// A team row.
pub struct TeamRow {
    /// Slug.
    pub id: String,
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: TeamColour,
    /// Dashboard address, once up.
    pub url: Option<String>,
    /// Access code (controllers only).
    pub code: Option<String>,
    /// A link that signs into the team (controllers, once the dashboard is up).
    pub join_link: Option<String>,
    /// QR code of the join link (or the dashboard address).
    pub qr: Option<QrSvg>,
    /// `starting`, `healthy`, `unhealthy`, `stopped`.
    pub health: String,
    /// Browsers showing the dashboard.
    pub viewers: u32,
    /// Delivered so far.
    pub delivered: u64,
    /// Read so far.
    pub read: u64,
    /// Injects in the team's timeline.
    pub total: u64,
}

impl TeamRow {
    /// Delivered as a share of the timeline.
    pub fn delivered_pct(&self) -> u64 {
        percent(self.delivered, self.total.max(self.delivered))
    }
    /// Read as a share of the timeline.
    pub fn read_pct(&self) -> u64 {
        percent(self.read, self.total.max(self.delivered))
    }
    /// The health as a badge class.
    pub fn health_class(&self) -> &'static str {
        match self.health.as_str() {
            "healthy" => "badge--dlv-read",
            "unhealthy" => "badge--dlv-failed",
            "stopped" => "badge--state-stopped",
            _ => "badge--state-paused",
        }
    }
}

/// A team column of the matrix.
pub struct Chip {
    /// Name.
    pub name: String,
    /// Short name for the column head.
    pub short: String,
    /// Colour.
    pub colour: TeamColour,
    /// Slug.
    pub id: String,
}

/// A matrix row: one inject.
pub struct MatrixRow {
    /// Turn heading before this row.
    pub group: Option<String>,
    /// `T+MM:SS`.
    pub time: String,
    /// Type.
    pub kind: InjectType,
    /// Title.
    pub title: String,
    /// Inject id.
    pub inject: String,
    /// One cell per team.
    pub cells: Vec<DeliveryCell>,
    /// Due but not fired everywhere.
    pub due: bool,
    /// A live inject.
    pub live: bool,
}

impl MatrixRow {
    /// Type colour class.
    pub fn type_class(&self) -> &'static str {
        type_class(self.kind)
    }
    /// Type icon.
    pub fn icon(&self) -> &'static str {
        inject_icon(self.kind)
    }
}

/// An inject due soon.
pub struct UpcomingRow {
    /// `T+MM:SS`.
    pub time: String,
    /// Inject id.
    pub inject: String,
    /// Title.
    pub title: String,
    /// Type badge.
    pub badge: Badge,
    /// Team names.
    pub teams: String,
    /// Team slugs it goes to.
    pub team_ids: Vec<String>,
}

/// A delivery that needs a look.
pub struct AttentionRow {
    /// Delivery id.
    pub delivery: String,
    /// Badge (late, failed, unconfirmed).
    pub badge: Badge,
    /// Title.
    pub title: String,
    /// Team, time and state.
    pub meta: String,
}

/// An event log line.
pub struct LogRow {
    /// `T+MM:SS`.
    pub time: String,
    /// Style: control, delivery, live, warning, error.
    pub kind: &'static str,
    /// What happened.
    pub text: String,
    /// Who and when (wall).
    pub meta: String,
}

/// The fields of one inject type in the live-inject composer.
pub struct TypeFields {
    /// Type name.
    pub kind: &'static str,
    /// Fields.
    pub fields: Vec<ComposerField>,
}

/// One composer field.
pub struct ComposerField {
    /// Form name (`c.news.headline`).
    pub name: String,
    /// Element id.
    pub id: String,
    /// Label.
    pub label: &'static str,
    /// Required.
    pub required: bool,
    /// `line`, `text`, `choice`, `flag`, `count`.
    pub input: &'static str,
    /// Choices.
    pub choices: Vec<&'static str>,
    /// Longest value.
    pub max: usize,
}

/// Everything the control page shows.
pub struct ControlView {
    /// Exercise id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Scenario name and version.
    pub scenario: String,
    /// State badge.
    pub state_badge: Badge,
    /// Clock.
    pub timer: TimerView,
    /// Controllers see buttons.
    pub can_edit: bool,
    /// The session's CSRF value.
    pub csrf: String,
    /// Lifecycle buttons allowed now.
    pub buttons: Vec<ActionButton>,
    /// Speed choices.
    pub speeds: Vec<SpeedChoice>,
    /// Speed, seek, live injects, fire-now, resend allowed now.
    pub can_speed: bool,
    /// Live injects can be sent now.
    pub can_live: bool,
    /// Scheduled injects can be fired now.
    pub can_fire: bool,
    /// Deliveries can be resent now.
    pub can_resend: bool,
    /// Scheduled injects delivered in this run.
    pub fired: u64,
    /// Every delivery of this run (live ones too).
    pub deliveries: u64,
    /// Injects × teams in the scenario.
    pub planned: u64,
    /// Late deliveries.
    pub late: u64,
    /// Viewers on every dashboard.
    pub viewers: u32,
    /// When the clock first started.
    pub started: String,
    /// The next scheduled inject, `T+MM:SS`.
    pub next_due: Option<String>,
    /// Why the clock is held (turn complete).
    pub completion: Option<String>,
    /// Teams.
    pub teams: Vec<TeamRow>,
    /// Matrix columns.
    pub chips: Vec<Chip>,
    /// Matrix rows.
    pub matrix: Vec<MatrixRow>,
    /// Legend of the matrix.
    pub legend: Vec<(DeliveryStage, DeliveryCell)>,
    /// Due soon.
    pub upcoming: Vec<UpcomingRow>,
    /// Needs attention.
    pub attention: Vec<AttentionRow>,
    /// Event log, newest first.
    pub log: Vec<LogRow>,
    /// `log_before` of the next (older) page.
    pub log_older: Option<u64>,
    /// True when showing an older page of the log.
    pub log_paged: bool,
    /// Composer: types.
    pub type_options: Vec<SelectOption>,
    /// Composer: priorities.
    pub priority_options: Vec<SelectOption>,
    /// Composer: fields per type.
    pub type_fields: Vec<TypeFields>,
    /// Media library names, for the composer's list.
    pub media_names: Vec<String>,
}

fn button(action: &str) -> Option<ActionButton> {
    let b = |action, label, icon, style, confirm| ActionButton {
        action,
        label,
        icon,
        style,
        confirm,
    };
    Some(match action {
        "start" => b("start", "Start", "play", "btn--primary", None),
        "pause" => b("pause", "Pause", "pause", "", None),
        "resume" => b("resume", "Resume", "play", "btn--primary", None),
        "next-turn" => b("next-turn", "Next turn", "skip", "", None),
        "finish" => b(
            "finish",
            "Finish",
            "flag",
            "",
            Some((
                "Finish the exercise?",
                "The clock stops; dashboards stay readable and the report becomes final.",
                "Finish",
                false,
            )),
        ),
        "reset" => b(
            "reset",
            "Reset",
            "reset",
            "btn--ghost",
            Some((
                "Reset to T+0?",
                "A new run begins at T+00:00: dashboards clear their feeds. Earlier deliveries stay in the log and the report.",
                "Reset",
                true,
            )),
        ),
        "stop" => b(
            "stop",
            "Stop",
            "stop",
            "btn--danger",
            Some((
                "Stop the exercise?",
                "Dashboards close and access codes stop working. The record and its report are kept.",
                "Stop exercise",
                true,
            )),
        ),
        _ => return None,
    })
}

const SPEEDS: [(&str, &str); 7] = [
    ("0.5", "×0.5"),
    ("1", "×1"),
    ("2", "×2"),
    ("5", "×5"),
    ("10", "×10"),
    ("30", "×30"),
    ("60", "×60"),
];

/// The stage a delivery has reached, as the matrix draws it.
pub fn stage_of(d: &DeliveryRecord) -> DeliveryStage {
    match d.state() {
        DeliveryState::Read => DeliveryStage::Read,
        DeliveryState::Displayed => DeliveryStage::Displayed,
        DeliveryState::Received => DeliveryStage::Received,
        DeliveryState::Published => DeliveryStage::Published,
        DeliveryState::Pending if d.last_error.is_some() => DeliveryStage::Failed,
        DeliveryState::Pending => DeliveryStage::Fired,
    }
}

fn clock_time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second()))
        .unwrap_or_default()
}

/// The tooltip of a delivered cell.
pub fn delivery_detail(d: &DeliveryRecord, team: &str) -> String {
    let mut lines = vec![format!("{team} · {}", d.title)];
    if let Some(s) = d.scheduled_ms {
        lines.push(format!("Scheduled {}", format_tplus(s)));
    }
    lines.push(format!(
        "Fired {} ({})",
        format_tplus(d.fired_elapsed_ms),
        clock_time(d.fired_at)
    ));
    for (label, at) in [
        ("Published", d.published_at),
        ("Received", d.received_at),
        ("Displayed", d.displayed_at),
        ("Read", d.read_at),
    ] {
        lines.push(match at {
            Some(at) => format!("{label} {}", clock_time(at)),
            None => format!("{label} —"),
        });
    }
    if d.late {
        lines.push(format!("Late by {} s", d.lateness_ms / 1000));
    }
    if d.resent_count > 0 {
        lines.push(format!("Resent {}×", d.resent_count));
    }
    if let Some(e) = &d.last_error {
        lines.push(format!("Error: {e}"));
    }
    lines.join("\n")
}

/// Every delivery of the exercise's current run, oldest first.
pub async fn current_deliveries(
    state: &AppState,
    id: &ExerciseId,
    run: Option<u32>,
) -> Result<Vec<DeliveryRecord>, PageError> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .store
            .list_deliveries(
                id,
                &DeliveryFilter {
                    run,
                    team: None,
                    state: None,
                    late_only: false,
                    sort: DeliverySort::FiredAt,
                    paging: Paging::new(Paging::MAX_LIMIT, offset),
                },
            )
            .await?;
        let n = page.items.len() as u64;
        all.extend(page.items);
        offset += n;
        if n == 0 || offset >= page.total {
            return Ok(all);
        }
    }
}

/// When an inject of a team is due in exercise time, given the current turn.
fn due_ms(
    scenario: &Scenario,
    record: &ExerciseRecord,
    turn: Option<u32>,
    at_ms: u64,
) -> Option<u64> {
    match scenario.mode {
        Mode::Clock => Some(at_ms),
        Mode::Turns { .. } => {
            let current = record.runtime.turn?;
            (turn == Some(current.current)).then_some(current.started_at_ms + at_ms)
        }
    }
}

/// Reads everything the control page shows. `log_before`: show the log before this event.
pub async fn control_view(
    state: &AppState,
    user: &PortalUser,
    record: &ExerciseRecord,
    log_before: Option<u64>,
) -> Result<ControlView, PageError> {
    let now = state.engine.clock.now();
    let scenario = state
        .store
        .scenario_version(&record.scenario_id, record.scenario_version)
        .await?;
    let detail = detail(state, record, user).await?;
    let allowed: Vec<String> = detail.exercise.allowed_actions.clone().unwrap_or_default();
    let allows = |a: &str| user.can_edit() && allowed.iter().any(|x| x == a);
    let deliveries = current_deliveries(state, &record.id, None).await?;
    let timer = timer_view(record, scenario.mode.total_turns(), now);
    let elapsed = timer.elapsed_ms;

    // Teams.
    let members = state.store.exercise_teams(&record.id).await?;
    let stopped = record.runtime.state == ExerciseState::Stopped;
    let mut teams = Vec::new();
    let mut chips = Vec::new();
    let mut names = HashMap::new();
    for t in &detail.teams {
        let colour = TeamColour::parse(&t.color).unwrap_or_default();
        names.insert(t.id.clone(), t.name.clone());
        let total = scenario
            .teams
            .iter()
            .find(|s| s.id.as_str() == t.id)
            .map_or(0, |s| s.timeline.len() as u64);
        let member = members.iter().find(|m| m.team_id.as_str() == t.id);
        let join_link = match (member, &t.dashboard_url) {
            (Some(m), Some(base)) if user.can_edit() && !stopped => {
                let (token, _) = issue_team_link(&state.tokens, m, unix_now());
                Some(format!("{}/join?link={token}", base.trim_end_matches('/')))
            }
            _ => None,
        };
        let qr = join_link
            .as_deref()
            .or(t.dashboard_url.as_deref())
            .and_then(|text| qr_svg(text).ok());
        chips.push(Chip {
            short: short_name(&t.name),
            name: t.name.clone(),
            colour,
            id: t.id.clone(),
        });
        teams.push(TeamRow {
            id: t.id.clone(),
            name: t.name.clone(),
            colour,
            url: t.dashboard_url.clone(),
            code: t.access_code.clone(),
            join_link,
            qr,
            health: t.dashboard_health.clone(),
            viewers: t.viewers,
            delivered: t.delivered,
            read: t.read,
            total,
        });
    }

    // Matrix: scheduled injects (by due time) and live injects (by firing time).
    let by_key: HashMap<(&str, &str), &DeliveryRecord> = deliveries
        .iter()
        .map(|d| ((d.team_id.as_str(), d.inject_id.as_str()), d))
        .collect();
    struct Pending<'a> {
        kind: InjectType,
        title: String,
        turn: Option<u32>,
        at_ms: u64,
        live: bool,
        teams: Vec<&'a str>,
    }
    let mut rows: BTreeMap<(u32, u64, String), Pending<'_>> = BTreeMap::new();
    for team in &scenario.teams {
        for inject in &team.timeline {
            let key = (
                inject.turn.unwrap_or(0),
                inject.at_ms,
                inject.id.to_string(),
            );
            rows.entry(key)
                .or_insert_with(|| Pending {
                    kind: inject.inject_type(),
                    title: inject.content.title().to_owned(),
                    turn: inject.turn,
                    at_ms: inject.at_ms,
                    live: false,
                    teams: Vec::new(),
                })
                .teams
                .push(team.id.as_str());
        }
    }
    for d in deliveries.iter().filter(|d| d.scheduled_ms.is_none()) {
        let key = (
            d.turn.unwrap_or(0),
            d.fired_elapsed_ms,
            d.inject_id.to_string(),
        );
        rows.entry(key)
            .or_insert_with(|| Pending {
                kind: d.inject_type,
                title: d.title.clone(),
                turn: d.turn,
                at_ms: d.fired_elapsed_ms,
                live: true,
                teams: Vec::new(),
            })
            .teams
            .push(d.team_id.as_str());
    }
    let turn_mode = matches!(scenario.mode, Mode::Turns { .. });
    let mut matrix = Vec::new();
    let mut last_turn = None;
    let mut next_due: Option<u64> = None;
    let mut upcoming = Vec::new();
    for ((_, _, inject), row) in &rows {
        let group = if turn_mode && row.turn != last_turn {
            last_turn = row.turn;
            row.turn.map(|t| format!("Turn {t}"))
        } else {
            None
        };
        let mut waiting = Vec::new();
        let cells = chips
            .iter()
            .map(|chip| {
                if !row.teams.contains(&chip.id.as_str()) {
                    return DeliveryCell::none();
                }
                match by_key.get(&(chip.id.as_str(), inject.as_str())) {
                    Some(d) => DeliveryCell {
                        stage: Some(stage_of(d)),
                        late: d.late,
                        detail: delivery_detail(d, &chip.name),
                        delivery_id: Some(d.id.to_string()),
                    },
                    None => {
                        waiting.push(chip);
                        DeliveryCell {
                            stage: Some(DeliveryStage::Scheduled),
                            late: false,
                            detail: format!(
                                "{} · {}\nScheduled {}",
                                chip.name,
                                row.title,
                                if row.live {
                                    "live".to_owned()
                                } else {
                                    format_tplus(row.at_ms)
                                }
                            ),
                            delivery_id: None,
                        }
                    }
                }
            })
            .collect();
        let due = if row.live {
            None
        } else {
            due_ms(&scenario, record, row.turn, row.at_ms)
        };
        if !waiting.is_empty()
            && record.runtime.state.is_live()
            && let Some(due) = due
            && due >= elapsed
        {
            next_due = Some(next_due.map_or(due, |n| n.min(due)));
            if due <= elapsed + UPCOMING_WINDOW_MS && upcoming.len() < UPCOMING_MAX {
                upcoming.push(UpcomingRow {
                    time: format_tplus(due),
                    inject: inject.clone(),
                    title: row.title.clone(),
                    badge: Badge::inject_type(row.kind),
                    teams: waiting
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    team_ids: waiting.iter().map(|c| c.id.clone()).collect(),
                });
            }
        }
        matrix.push(MatrixRow {
            group,
            time: if row.live {
                format_tplus(row.at_ms)
            } else if turn_mode {
                format!("+{}", format_tplus(row.at_ms).trim_start_matches("T+"))
            } else {
                format_tplus(row.at_ms)
            },
            kind: row.kind,
            title: row.title.clone(),
            inject: inject.clone(),
            cells,
            due: !waiting.is_empty() && due.is_some_and(|d| d < elapsed),
            live: row.live,
        });
    }
    upcoming.sort_by(|a, b| a.time.cmp(&b.time));

    // Needs attention: failed, late, or published without any dashboard confirming it.
    let mut attention = Vec::new();
    for d in deliveries.iter().rev() {
        let stage = stage_of(d);
        let team = names
            .get(d.team_id.as_str())
            .cloned()
            .unwrap_or_else(|| d.team_id.to_string());
        let badge = if stage == DeliveryStage::Failed {
            Badge::delivery(DeliveryStage::Failed)
        } else if stage == DeliveryStage::Fired && now - d.fired_at > 5_000 {
            Badge::new("Not published", "badge--dlv-failed")
        } else if stage == DeliveryStage::Published
            && d.published_at
                .is_some_and(|p| now - p > UNACKNOWLEDGED_AFTER_MS)
        {
            Badge::new("Unconfirmed", "badge--dlv-published")
        } else if d.late {
            Badge::late()
        } else {
            continue;
        };
        attention.push(AttentionRow {
            delivery: d.id.to_string(),
            badge,
            title: d.title.clone(),
            meta: format!(
                "{team} · {} · {}{}",
                format_tplus(d.fired_elapsed_ms),
                stage.label(),
                if d.resent_count > 0 {
                    format!(" · resent {}×", d.resent_count)
                } else {
                    String::new()
                }
            ),
        });
        if attention.len() >= 20 {
            break;
        }
    }

    // Event log.
    let events = state
        .store
        .events(
            &record.id,
            EventQuery {
                after_seq: None,
                before_seq: log_before,
                limit: LOG_PAGE,
                order: EventOrder::NewestFirst,
            },
        )
        .await?;
    let log_older = (events.len() == LOG_PAGE as usize)
        .then(|| events.last().map(|e| e.seq))
        .flatten();
    let log = events.iter().map(|e| log_row(e, &names, now)).collect();

    let planned = scenario.teams.iter().map(|t| t.timeline.len() as u64).sum();
    let can_act = |a: &str| allows(a);
    Ok(ControlView {
        id: record.id.to_string(),
        name: record.name.clone(),
        scenario: format!("{} · v{}", scenario.name, record.scenario_version),
        state_badge: Badge::exercise_state(record.runtime.state),
        timer,
        can_edit: user.can_edit(),
        csrf: user.csrf().to_owned(),
        buttons: [
            "start",
            "resume",
            "pause",
            "next-turn",
            "finish",
            "reset",
            "stop",
        ]
        .into_iter()
        .filter(|a| allows(a))
        .filter_map(button)
        .collect(),
        speeds: SPEEDS
            .into_iter()
            .map(|(value, label)| SpeedChoice {
                value,
                label,
                current: value.parse::<f64>().ok() == Some(timer.speed_factor()),
            })
            .collect(),
        can_speed: can_act("speed"),
        can_live: can_act("live-inject"),
        can_fire: can_act("fire-now"),
        can_resend: can_act("resend"),
        fired: deliveries
            .iter()
            .filter(|d| d.scheduled_ms.is_some())
            .count() as u64,
        planned,
        deliveries: deliveries.len() as u64,
        late: deliveries.iter().filter(|d| d.late).count() as u64,
        viewers: teams.iter().map(|t| t.viewers).sum(),
        started: record
            .started_at
            .map(|at| wall_time(at, now))
            .unwrap_or_default(),
        next_due: next_due.map(format_tplus),
        completion: detail.exercise.completion.as_deref().map(|c| match c {
            "turn_complete" => "This turn is complete: the clock waits for Next turn.".to_owned(),
            _ => "Every inject has been delivered: finish the exercise when the teams are done."
                .to_owned(),
        }),
        teams,
        chips,
        matrix,
        legend: DeliveryStage::ALL
            .into_iter()
            .map(|stage| {
                (
                    stage,
                    DeliveryCell {
                        stage: Some(stage),
                        late: false,
                        detail: stage.label().to_owned(),
                        delivery_id: None,
                    },
                )
            })
            .collect(),
        upcoming,
        attention,
        log,
        log_older,
        log_paged: log_before.is_some(),
        type_options: InjectType::ALL
            .into_iter()
            .map(|t| SelectOption {
                value: t.as_str().to_owned(),
                label: t.label().to_owned(),
                selected: t == InjectType::News,
            })
            .collect(),
        priority_options: Priority::ALL
            .into_iter()
            .map(|p| SelectOption {
                value: p.as_str().to_owned(),
                label: capitalise(p.as_str()),
                selected: p == Priority::Medium,
            })
            .collect(),
        type_fields: composer_fields(),
        media_names: state
            .store
            .list_media(None, Paging::first(500))
            .await
            .map(|m| m.items.into_iter().map(|m| m.name).collect())
            .unwrap_or_default(),
    })
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A column head: the first word, at most 12 characters.
fn short_name(name: &str) -> String {
    let word = name.split_whitespace().next().unwrap_or(name);
    word.chars().take(12).collect()
}

/// The composer's fields for every inject type.
pub fn composer_fields() -> Vec<TypeFields> {
    InjectType::ALL
        .into_iter()
        .map(|kind| TypeFields {
            kind: kind.as_str(),
            fields: kind
                .fields()
                .iter()
                .map(|f| ComposerField {
                    name: format!("c.{}.{}", kind.as_str(), f.name),
                    id: format!("li-{}-{}", kind.as_str(), f.name),
                    label: f.label,
                    required: f.required,
                    input: match f.kind {
                        FieldKind::Line => "line",
                        FieldKind::Text => "text",
                        FieldKind::Choice(_) => "choice",
                        FieldKind::Flag => "flag",
                        FieldKind::Count => "count",
                    },
                    choices: match f.kind {
                        FieldKind::Choice(list) => list.to_vec(),
                        _ => Vec::new(),
                    },
                    max: f.max_len,
                })
                .collect(),
        })
        .collect()
}

/// One event as a log line.
pub fn log_row(e: &EventRecord, teams: &HashMap<String, String>, now: i64) -> LogRow {
    let data = &e.data;
    let text_of = |key: &str| data.get(key).and_then(|v| v.as_str()).unwrap_or_default();
    let team = || {
        let id = text_of("team");
        teams.get(id).cloned().unwrap_or_else(|| id.to_owned())
    };
    let by = if e.actor == "engine" || e.actor.is_empty() {
        String::new()
    } else {
        format!(" by {}", e.actor)
    };
    let (kind, text) = match e.kind.as_str() {
        "created" => ("control", format!("Exercise launched{by}")),
        "started" => ("control", format!("Exercise started{by}")),
        "paused" => (
            "control",
            if data.get("auto").and_then(|v| v.as_bool()) == Some(true) {
                "Clock paused automatically".to_owned()
            } else {
                format!("Clock paused{by}")
            },
        ),
        "resumed" => ("control", format!("Clock resumed{by}")),
        "finished" => ("control", format!("Exercise finished{by}")),
        "stopped" => ("control", format!("Exercise stopped{by}")),
        "reset" => ("control", format!("Reset to T+00:00{by}: a new run began")),
        "seeked" => ("control", format!("Clock moved forward{by}")),
        "speed_changed" => (
            "control",
            format!(
                "Speed set to ×{}{by}",
                data.get("speed")
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
        ),
        "turn_started" => (
            "control",
            format!(
                "Turn {} started",
                data.get("turn").map(|v| v.to_string()).unwrap_or_default()
            ),
        ),
        "turn_complete" => ("control", "Turn complete: waiting for Next turn".to_owned()),
        "exercise_complete" => ("control", "Every inject has been delivered".to_owned()),
        "inject_fired" => {
            let late = data.get("late").and_then(|v| v.as_bool()) == Some(true);
            let manual = data.get("manual").and_then(|v| v.as_bool()) == Some(true);
            (
                if late { "warning" } else { "delivery" },
                format!(
                    "Fired {} to {}{}{}",
                    text_of("inject"),
                    team(),
                    if manual { " (fired now)" } else { "" },
                    if late { " — late" } else { "" }
                ),
            )
        }
        "inject_skipped" => (
            "warning",
            format!("Skipped {} for {}", text_of("inject"), team()),
        ),
        "live_inject" => (
            "live",
            format!("Live inject “{}” sent to {}{by}", text_of("title"), team()),
        ),
        "delivery_resent" => (
            "delivery",
            format!("Resent {} to {}{by}", text_of("inject"), team()),
        ),
        "access_code_rotated" => ("control", format!("New access code for {}{by}", team())),
        other => (
            "control",
            format!("{}{by}", capitalise(&other.replace('_', " "))),
        ),
    };
    LogRow {
        time: format_tplus(e.elapsed_ms),
        kind,
        text,
        meta: format!(
            "{}{}",
            wall_time(e.at, now),
            if e.run > 1 {
                format!(" · run {}", e.run)
            } else {
                String::new()
            }
        ),
    }
}
