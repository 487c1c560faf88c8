//! The "Scenario" sheet (settings as name/value rows) and the "Teams" sheet (one row per
//! team) of an MSEL workbook.

use scip_core::model::document::{ScenarioDoc, TeamDoc, TimeValue};
use scip_core::{Problem, Scenario, TeamId};

use super::cell::{Cell, format_hms};
use super::columns::normalize_header;
use super::table::Table;

/// Name of the settings sheet.
pub const SCENARIO_SHEET: &str = "Scenario";
/// Name of the teams sheet.
pub const TEAMS_SHEET: &str = "Teams";

/// Scenario settings read from a sheet; `None` for a setting the sheet does not give.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Settings {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration: Option<TimeValue>,
    pub mode: Option<String>,
    pub total_turns: Option<u32>,
    pub turn_length: Option<TimeValue>,
}

#[derive(Clone, Copy)]
enum Setting {
    Id,
    Name,
    Description,
    Duration,
    Mode,
    TotalTurns,
    TurnLength,
}

const SETTINGS: [(Setting, &str, &[&str]); 7] = [
    (Setting::Id, "ID", &["scenario id", "slug"]),
    (
        Setting::Name,
        "Name",
        &["scenario name", "title", "scenario"],
    ),
    (Setting::Description, "Description", &["summary"]),
    (
        Setting::Duration,
        "Duration",
        &["nominal duration", "length"],
    ),
    (Setting::Mode, "Mode", &["clock mode"]),
    (
        Setting::TotalTurns,
        "Total turns",
        &["turns", "number of turns"],
    ),
    (Setting::TurnLength, "Turn length", &["turn duration"]),
];

fn setting_of(key: &str) -> Option<Setting> {
    let wanted = normalize_header(key);
    SETTINGS.iter().find_map(|(s, name, synonyms)| {
        (normalize_header(name) == wanted || synonyms.iter().any(|x| normalize_header(x) == wanted))
            .then_some(*s)
    })
}

/// Reads name/value rows. The first column names the setting, the second holds its value;
/// a header row `Setting | Value` is skipped.
pub(crate) fn read_settings(file: &str, table: &Table, problems: &mut Vec<Problem>) -> Settings {
    let mut settings = Settings::default();
    for row in &table.rows {
        let Some(key) = row.cell(0).trimmed() else {
            continue;
        };
        let value = row.cell(1);
        let field = format!("{SCENARIO_SHEET} {key}");
        let number = row.number;
        let place = |p: Problem| p.in_file(file).at_row(number).on_field(field.clone());
        let Some(setting) = setting_of(&key) else {
            if normalize_header(&key) != "setting" {
                problems.push(place(Problem::warning(format!(
                    "setting {key:?} is unknown; ignored"
                ))));
            }
            continue;
        };
        let time = |problems: &mut Vec<Problem>| match value.time_ms() {
            Ok(ms) => ms.map(TimeValue::from_ms),
            Err(e) => {
                problems.push(place(Problem::error(e)));
                None
            }
        };
        match setting {
            Setting::Id => settings.id = value.trimmed(),
            Setting::Name => settings.name = Some(value.text().unwrap_or_default()),
            Setting::Description => settings.description = Some(value.text().unwrap_or_default()),
            Setting::Duration => settings.duration = time(problems),
            Setting::TurnLength => settings.turn_length = time(problems),
            Setting::Mode => settings.mode = value.trimmed().map(|m| m.to_ascii_lowercase()),
            Setting::TotalTurns => match value.turn() {
                Ok(n) => settings.total_turns = n,
                Err(_) => problems.push(place(Problem::error(format!(
                    "total turns {:?} is not a whole number from 1",
                    value.text().unwrap_or_default()
                )))),
            },
        }
    }
    settings
}

/// The settings rows SCIP writes for a scenario.
pub(crate) fn settings_rows(scenario: &Scenario) -> Vec<Vec<Cell>> {
    let doc = ScenarioDoc::header(scenario);
    let text = |s: &str| Cell::Text(s.to_owned());
    let time = |t: &Option<TimeValue>| match t.as_ref().map(TimeValue::to_ms) {
        Some(Ok(ms)) => Cell::Text(format_hms(ms)),
        _ => Cell::Empty,
    };
    vec![
        vec![text("Setting"), text("Value")],
        vec![text("ID"), text(&doc.id)],
        vec![text("Name"), text(&doc.name)],
        vec![text("Description"), text(&doc.description)],
        vec![text("Duration"), time(&doc.duration)],
        vec![text("Mode"), text(scenario.mode.as_str())],
        vec![
            text("Total turns"),
            doc.total_turns
                .map_or(Cell::Empty, |n| Cell::Int(i64::from(n))),
        ],
        vec![text("Turn length"), time(&doc.turn_length)],
    ]
}

/// Columns of the teams sheet.
const TEAM_COLUMNS: [(&str, &[&str]); 8] = [
    ("ID", &["team id", "team", "slug"]),
    ("Name", &["team name"]),
    ("Colour", &["color"]),
    ("Kind", &["type", "layout"]),
    ("Port", &["dashboard port"]),
    ("Description", &["notes"]),
    ("Memory limit", &["memory"]),
    ("CPU quota", &["cpu"]),
];

/// Reads the teams sheet: one team per row under a header. Rows with an unusable id are
/// reported and left out.
pub(crate) fn read_teams(file: &str, table: &Table, problems: &mut Vec<Problem>) -> Vec<TeamDoc> {
    let Some((header, rows)) = table.split_header() else {
        return Vec::new();
    };
    let mut index = [None; TEAM_COLUMNS.len()];
    for (col, cell) in header.cells.iter().enumerate() {
        let Some(text) = cell.trimmed() else { continue };
        let wanted = normalize_header(&text);
        match TEAM_COLUMNS.iter().position(|(name, syn)| {
            normalize_header(name) == wanted || syn.iter().any(|s| normalize_header(s) == wanted)
        }) {
            Some(i) if index[i].is_none() => index[i] = Some(col),
            _ => problems.push(
                Problem::warning(format!(
                    "column {text:?} of the {TEAMS_SHEET} sheet is unknown or repeated; ignored"
                ))
                .in_file(file)
                .at_row(header.number)
                .on_field(text.clone()),
            ),
        }
    }
    let mut teams: Vec<TeamDoc> = Vec::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let get = |i: usize| index[i].map_or(&Cell::Empty, |c| row.cell(c));
        let place = |p: Problem, col: usize| {
            p.in_file(file)
                .at_row(row.number)
                .on_field(format!("{TEAMS_SHEET} {}", TEAM_COLUMNS[col].0))
        };
        let Some(id) = get(0).trimmed() else {
            problems.push(place(Problem::error("the team has no ID"), 0));
            continue;
        };
        if let Err(e) = TeamId::new(id.clone()) {
            problems.push(place(Problem::error(format!("team id {id:?} {e}")), 0));
            continue;
        }
        if teams.iter().any(|t| t.id == id) {
            problems.push(place(
                Problem::error(format!("team {id} is listed twice")),
                0,
            ));
            continue;
        }
        let port = match get(4).count() {
            Ok(None) => None,
            Ok(Some(p)) => match u16::try_from(p) {
                Ok(p) => Some(p),
                Err(_) => {
                    problems.push(place(
                        Problem::error(format!("port {p} is not a port number")),
                        4,
                    ));
                    None
                }
            },
            Err(e) => {
                problems.push(place(Problem::error(format!("port {e}")), 4));
                None
            }
        };
        let cpu_quota = match get(7).trimmed().map(|t| t.parse::<i64>()) {
            None => None,
            Some(Ok(q)) => Some(q),
            Some(Err(_)) => {
                problems.push(place(
                    Problem::error("CPU quota must be a whole number of microseconds"),
                    7,
                ));
                None
            }
        };
        teams.push(TeamDoc {
            id,
            name: get(1).text().unwrap_or_default(),
            color: get(2).trimmed(),
            kind: get(3).trimmed().map(|k| k.to_ascii_lowercase()),
            port,
            description: get(5).text(),
            memory_limit: get(6).trimmed(),
            cpu_quota,
            timeline: None,
            injects: None,
        });
    }
    teams
}

/// The teams sheet SCIP writes: a header and one row per team.
pub(crate) fn teams_rows(scenario: &Scenario) -> Vec<Vec<Cell>> {
    let mut rows = vec![
        TEAM_COLUMNS
            .iter()
            .map(|(h, _)| Cell::Text((*h).to_owned()))
            .collect(),
    ];
    let text = |s: Option<&str>| s.map_or(Cell::Empty, |s| Cell::Text(s.to_owned()));
    for team in &scenario.teams {
        rows.push(vec![
            Cell::Text(team.id.to_string()),
            Cell::Text(team.name.clone()),
            Cell::Text(team.color.clone()),
            Cell::Text(team.kind.as_str().to_owned()),
            team.dashboard_port
                .map_or(Cell::Empty, |p| Cell::Int(i64::from(p))),
            text(team.description.as_deref()),
            text(team.resources.memory_limit.as_deref()),
            team.resources
                .cpu_quota
                .map_or(Cell::Empty, |q| Cell::Text(q.to_string())),
        ]);
    }
    rows
}
