//! Scenario validation: every problem found, each with where it is and why.
//!
//! Readers of files (bundle, SCIP v3, spreadsheets) report what they cannot read at all
//! (unknown type, a time that is not a number, an unknown team in a row); this module checks
//! what a readable scenario may still get wrong. Both produce [`Problem`]s.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Content, FieldKind, Inject, InjectType, Mode, Scenario, Team, media_kind};
use crate::tplus::format_tplus;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; the scenario can still run.
    Warning,
    /// The scenario cannot be imported or saved until it is fixed.
    Error,
}

/// Where a problem is. Every part is optional; more is better.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Location {
    /// The file, relative to what was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Spreadsheet row (1-based, the header is row 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// Team id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Inject id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    /// Field or column name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// Where.
    #[serde(flatten)]
    pub location: Location,
    /// Why, in words.
    pub message: String,
}

impl Problem {
    /// An error with no location yet.
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            location: Location::default(),
            message: message.into(),
        }
    }

    /// A warning with no location yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location: Location::default(),
            message: message.into(),
        }
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.location.file = Some(file.into());
        self
    }

    /// Sets the spreadsheet row.
    pub fn at_row(mut self, row: usize) -> Self {
        self.location.row = Some(row);
        self
    }

    /// Sets the team.
    pub fn for_team(mut self, team: impl Into<String>) -> Self {
        self.location.team = Some(team.into());
        self
    }

    /// Sets the inject.
    pub fn for_inject(mut self, inject: impl Into<String>) -> Self {
        self.location.inject = Some(inject.into());
        self
    }

    /// Sets the field.
    pub fn on_field(mut self, field: impl Into<String>) -> Self {
        self.location.field = Some(field.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// One line: `file:row: team/inject field: severity: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.location;
        let mut wrote = false;
        if let Some(file) = &l.file {
            write!(f, "{file}")?;
            if let Some(row) = l.row {
                write!(f, ":{row}")?;
            }
            wrote = true;
        } else if let Some(row) = l.row {
            write!(f, "row {row}")?;
            wrote = true;
        }
        let mut subject = String::new();
        if let Some(team) = &l.team {
            subject.push_str("team ");
            subject.push_str(team);
        }
        if let Some(inject) = &l.inject {
            if !subject.is_empty() {
                subject.push(' ');
            }
            subject.push_str("inject ");
            subject.push_str(inject);
        }
        if let Some(field) = &l.field {
            if !subject.is_empty() {
                subject.push(' ');
            }
            // In a spreadsheet the field is a column.
            subject.push_str(if l.row.is_some() { "column " } else { "field " });
            subject.push_str(field);
        }
        if !subject.is_empty() {
            if wrote {
                f.write_str(": ")?;
            }
            f.write_str(&subject)?;
            wrote = true;
        }
        if wrote {
            f.write_str(": ")?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.message)
    }
}

/// The outcome of checking a scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Every problem, in the order found.
    pub problems: Vec<Problem>,
}

impl Report {
    /// True when there is at least one error (warnings do not count).
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.problems.len() - self.error_count()
    }

    /// Adds problems.
    pub fn extend(&mut self, more: impl IntoIterator<Item = Problem>) {
        self.problems.extend(more);
    }

    /// Adds one problem.
    pub fn push(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

/// Checks a scenario. `has_media` answers whether a media file of that name exists (in the
/// bundle, the media folder or the library).
pub fn validate_scenario(scenario: &Scenario, has_media: &dyn Fn(&str) -> bool) -> Report {
    let mut report = Report::default();
    if scenario.name.trim().is_empty() {
        report.push(Problem::error("the scenario has no name").on_field("name"));
    }
    if let Mode::Turns { total_turns, .. } = scenario.mode
        && total_turns == 0
    {
        report.push(
            Problem::error("turn mode needs total_turns of at least 1").on_field("total_turns"),
        );
    }
    if scenario.teams.is_empty() {
        report.push(Problem::error("the scenario has no teams").on_field("teams"));
    }
    let mut seen_teams = HashSet::new();
    let mut ports: HashMap<u16, &str> = HashMap::new();
    for team in &scenario.teams {
        if !seen_teams.insert(&team.id) {
            report.push(
                Problem::error(format!("team id {} is used twice", team.id))
                    .for_team(team.id.as_str()),
            );
        }
        if let Some(port) = team.dashboard_port {
            if port < 1024 {
                report.push(
                    Problem::error(format!("dashboard port {port} is below 1024"))
                        .for_team(team.id.as_str())
                        .on_field("port"),
                );
            }
            if let Some(other) = ports.insert(port, team.id.as_str()) {
                report.push(
                    Problem::error(format!(
                        "dashboard port {port} is also used by team {other}"
                    ))
                    .for_team(team.id.as_str())
                    .on_field("port"),
                );
            }
        }
        check_team(scenario, team, has_media, &mut report);
    }
    report
}

fn check_team(
    scenario: &Scenario,
    team: &Team,
    has_media: &dyn Fn(&str) -> bool,
    report: &mut Report,
) {
    let tid = team.id.as_str();
    if team.name.trim().is_empty() {
        report.push(
            Problem::error("the team has no name")
                .for_team(tid)
                .on_field("name"),
        );
    }
    if !crate::model::is_hex_color(&team.color) {
        report.push(
            Problem::error(format!("colour {:?} is not #rrggbb", team.color))
                .for_team(tid)
                .on_field("color"),
        );
    }
    let mut ids = HashSet::new();
    let mut instants: BTreeMap<(Option<u32>, u64), &str> = BTreeMap::new();
    for inject in &team.timeline {
        let iid = inject.id.as_str();
        if !ids.insert(&inject.id) {
            report.push(
                Problem::error(format!("inject id {iid} is used twice in this team"))
                    .for_team(tid)
                    .for_inject(iid)
                    .on_field("id"),
            );
        }
        for p in check_inject(scenario, inject, has_media) {
            report.push(p.for_team(tid).for_inject(iid));
        }
        if let Some(first) = instants.insert((inject.turn, inject.at_ms), iid)
            && first != iid
        {
            let when = match inject.turn {
                Some(turn) => format!("turn {turn} {}", format_tplus(inject.at_ms)),
                None => format_tplus(inject.at_ms),
            };
            report.push(
                Problem::warning(format!(
                    "fires at the same instant ({when}) as inject {first}"
                ))
                .for_team(tid)
                .for_inject(iid)
                .on_field("at"),
            );
        }
    }
}

/// Checks one inject against the scenario's mode and durations and its type's field rules.
/// The problems carry the field but not the team or inject.
pub fn check_inject(
    scenario: &Scenario,
    inject: &Inject,
    has_media: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    match (scenario.mode, inject.turn) {
        (Mode::Clock, Some(turn)) => out.push(
            Problem::error(format!(
                "has turn {turn} but the scenario is not turn-based"
            ))
            .on_field("turn"),
        ),
        (Mode::Turns { .. }, None) => out.push(
            Problem::error("has no turn; in a turn-based scenario every inject needs one")
                .on_field("turn"),
        ),
        (Mode::Turns { total_turns, .. }, Some(turn)) if turn == 0 || turn > total_turns => out
            .push(
                Problem::error(format!("turn {turn} is outside 1..={total_turns}"))
                    .on_field("turn"),
            ),
        _ => {}
    }
    let limit = match scenario.mode {
        Mode::Clock => scenario.duration_ms.map(|d| (d, "the scenario's duration")),
        Mode::Turns { turn_length_ms, .. } => turn_length_ms.map(|d| (d, "the turn length")),
    };
    if let Some((limit_ms, what)) = limit
        && inject.at_ms > limit_ms
    {
        out.push(
            Problem::error(format!(
                "{} is after the end of {what} ({})",
                format_tplus(inject.at_ms),
                format_tplus(limit_ms)
            ))
            .on_field("at"),
        );
    }
    out.extend(check_content(&inject.content));
    for name in &inject.media {
        if media_kind(name).is_none() {
            out.push(
                Problem::error(format!(
                    "media {name:?} is not an accepted type (png, jpg, gif, webp, svg, mp4, webm, pdf)"
                ))
                .on_field("media"),
            );
        } else if !has_media(name) {
            out.push(Problem::error(format!("media file {name:?} is missing")).on_field("media"));
        }
    }
    if inject.inject_type() == InjectType::Media && inject.media.is_empty() {
        out.push(Problem::error("a media inject needs at least one media file").on_field("media"));
    }
    out
}

/// Checks the content fields of one inject: required fields present, lengths, choices.
pub fn check_content(content: &Content) -> Vec<Problem> {
    let kind = content.inject_type();
    let fields = content.to_fields();
    let mut out = Vec::new();
    for spec in kind.fields() {
        let value = fields.get(spec.name).or_else(|| {
            // Engagement counts live in a nested object.
            fields.get("engagement").and_then(|e| e.get(spec.name))
        });
        let text = match value {
            Some(serde_json::Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let empty = match value {
            None | Some(serde_json::Value::Null) => true,
            Some(serde_json::Value::String(s)) => s.trim().is_empty(),
            _ => false,
        };
        if spec.required && empty {
            out.push(
                Problem::error(format!(
                    "{} is required for {} injects",
                    spec.label,
                    kind.label()
                ))
                .on_field(spec.name),
            );
            continue;
        }
        if let Some(s) = text {
            let len = s.chars().count();
            if matches!(spec.kind, FieldKind::Line | FieldKind::Text) && len > spec.max_len {
                out.push(
                    Problem::error(format!(
                        "{} is {len} characters long; at most {} are allowed",
                        spec.label, spec.max_len
                    ))
                    .on_field(spec.name),
                );
            }
            if matches!(spec.kind, FieldKind::Line) && s.contains('\n') {
                out.push(
                    Problem::warning(format!("{} holds a line break", spec.label))
                        .on_field(spec.name),
                );
            }
            if let FieldKind::Choice(options) = spec.kind
                && !s.is_empty()
                && !options.iter().any(|o| o.eq_ignore_ascii_case(s))
            {
                out.push(
                    Problem::warning(format!(
                        "{} {s:?} is not one of {}",
                        spec.label,
                        options.join(", ")
                    ))
                    .on_field(spec.name),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{InjectId, ScenarioId, TeamId};
    use crate::model::{News, Priority, Sms, TeamKind, TeamResources};

    fn sms(id: &str, at_s: u64, turn: Option<u32>) -> Inject {
        Inject {
            id: InjectId::new(id).unwrap(),
            at_ms: at_s * 1000,
            turn,
            priority: Priority::Medium,
            content: Content::Sms(Sms {
                from: "Ops".into(),
                body: "Go".into(),
                ..Sms::default()
            }),
            media: vec![],
            notes: None,
            expected_action: None,
        }
    }

    fn scenario(mode: Mode, timeline: Vec<Inject>) -> Scenario {
        Scenario {
            id: ScenarioId::new("s").unwrap(),
            name: "S".into(),
            description: String::new(),
            duration_ms: Some(600_000),
            mode,
            teams: vec![Team {
                id: TeamId::new("blue").unwrap(),
                name: "Blue".into(),
                color: "#2563eb".into(),
                kind: TeamKind::Player,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline,
            }],
        }
    }

    #[test]
    fn a_clean_scenario_has_no_problems() {
        let s = scenario(Mode::Clock, vec![sms("a", 10, None), sms("b", 20, None)]);
        assert_eq!(validate_scenario(&s, &|_| true), Report::default());
    }

    #[test]
    fn duplicate_ids_and_same_instant_are_reported() {
        let s = scenario(
            Mode::Clock,
            vec![sms("a", 10, None), sms("a", 10, None), sms("b", 10, None)],
        );
        let report = validate_scenario(&s, &|_| true);
        assert_eq!(report.error_count(), 1, "{report:?}");
        assert_eq!(report.warning_count(), 1, "{report:?}");
        let line = report.problems[0].to_string();
        assert_eq!(
            line,
            "team blue inject a field id: error: inject id a is used twice in this team"
        );
    }

    #[test]
    fn turns_are_checked_against_the_mode() {
        let clock = scenario(Mode::Clock, vec![sms("a", 10, Some(1))]);
        assert!(
            validate_scenario(&clock, &|_| true).problems[0]
                .message
                .contains("not turn-based")
        );
        let turns = Mode::Turns {
            total_turns: 2,
            turn_length_ms: Some(60_000),
        };
        let s = scenario(
            turns,
            vec![
                sms("a", 10, None),
                sms("b", 10, Some(3)),
                sms("c", 90, Some(1)),
            ],
        );
        let messages: Vec<_> = validate_scenario(&s, &|_| true)
            .problems
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("has no turn"));
        assert!(messages[1].contains("outside 1..=2"));
        assert!(messages[2].contains("after the end of the turn length"));
    }

    #[test]
    fn missing_fields_and_media_are_reported() {
        let mut inject = sms("a", 10, None);
        inject.content = Content::News(News {
            headline: "H".into(),
            ..News::default()
        });
        inject.media = vec!["gone.png".into(), "virus.exe".into()];
        let s = scenario(Mode::Clock, vec![inject]);
        let report = validate_scenario(&s, &|_| false);
        let fields: Vec<_> = report
            .problems
            .iter()
            .map(|p| p.location.field.clone().unwrap())
            .collect();
        assert_eq!(fields, ["body", "source", "media", "media"]);
    }

    #[test]
    fn a_spreadsheet_problem_names_its_row_and_column() {
        let p = Problem::error("type \"tweet\" is unknown")
            .in_file("plan.csv")
            .at_row(7)
            .on_field("Type");
        assert_eq!(
            p.to_string(),
            "plan.csv:7: column Type: error: type \"tweet\" is unknown"
        );
        let p = Problem::warning("w").for_team("red").on_field("port");
        assert_eq!(p.to_string(), "team red field port: warning: w");
    }

    #[test]
    fn over_long_fields_are_errors() {
        let mut inject = sms("a", 10, None);
        inject.content = Content::Sms(Sms {
            from: "x".into(),
            body: "y".repeat(1_001),
            ..Sms::default()
        });
        let s = scenario(Mode::Clock, vec![inject]);
        let report = validate_scenario(&s, &|_| true);
        assert!(
            report.problems[0].message.contains("1001 characters"),
            "{report:?}"
        );
    }
}
