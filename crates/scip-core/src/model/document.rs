//! The scenario as a document: the serde shape shared by bundle files (`scenario.yaml`,
//! `teams/<id>.yaml`) and by the database (one JSON document per scenario version).
//!
//! Reading a document never stops at the first problem: [`ScenarioDoc::into_scenario`] returns
//! the scenario it could build together with every problem it met, each naming the team,
//! inject and field.

use serde::{Deserialize, Serialize};

use super::inject::{Content, Inject, InjectType, Priority};
use super::scenario::{Mode, Scenario, TEAM_PALETTE, Team, TeamKind, TeamResources};
use crate::ids::{InjectId, ScenarioId, TeamId};
use crate::tplus::{format_precise, parse_time};
use crate::validate::Problem;

/// The value of `format` in bundle files.
pub const BUNDLE_FORMAT: &str = "scip-bundle/1";

/// A time as written in a file: notation text or whole seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TimeValue {
    /// Whole seconds.
    Seconds(u64),
    /// A number that is not a whole non-negative count of seconds (refused with a message).
    Number(f64),
    /// `T+MM:SS`, `MM:SS`, `H:MM:SS`, …
    Text(String),
}

impl TimeValue {
    /// The lossless text form of `ms`.
    pub fn from_ms(ms: u64) -> Self {
        Self::Text(format_precise(ms))
    }

    /// Milliseconds, or why not.
    pub fn to_ms(&self) -> Result<u64, String> {
        match self {
            Self::Seconds(s) => s
                .checked_mul(1000)
                .filter(|ms| *ms <= crate::tplus::MAX_MS)
                .ok_or_else(|| format!("{s} seconds is longer than a year")),
            Self::Number(n) if *n < 0.0 => Err(format!("{n} is negative; times start at T+0")),
            Self::Number(n) => Err(format!("{n} is not a whole number of seconds")),
            Self::Text(t) => parse_time(t).map_err(|e| e.to_string()),
        }
    }
}

/// A scenario document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDoc {
    /// `scip-bundle/1` in bundle files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Slug.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Nominal length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<TimeValue>,
    /// `clock` (default) or `turns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Number of turns (turn mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_turns: Option<u32>,
    /// Nominal length of a turn (turn mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_length: Option<TimeValue>,
    /// Teams.
    #[serde(default)]
    pub teams: Vec<TeamDoc>,
}

/// A team in a scenario document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamDoc {
    /// Slug.
    pub id: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// `player` or `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Fixed dashboard port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Notes for controllers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Docker memory limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// Docker CPU quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_quota: Option<i64>,
    /// Timeline file in a bundle (default `teams/<id>.yaml`); absent in stored documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<String>,
    /// Injects inline (stored documents; bundles keep them in the timeline file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injects: Option<Vec<InjectDoc>>,
}

/// A team timeline file of a bundle.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineDoc {
    /// The team id; must match.
    pub team: String,
    /// Injects.
    #[serde(default)]
    pub injects: Vec<InjectDoc>,
}

/// An inject in a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InjectDoc {
    /// Unique in its team.
    pub id: String,
    /// Turn (turn mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn: Option<u32>,
    /// Offset.
    pub at: TimeValue,
    /// Type name.
    #[serde(rename = "type")]
    pub kind: String,
    /// Priority name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Content fields.
    #[serde(default)]
    pub content: serde_json::Map<String, serde_json::Value>,
    /// Media file names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media: Vec<String>,
    /// Facilitator notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Expected action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_action: Option<String>,
}

impl InjectDoc {
    /// The document form of an inject.
    pub fn from_inject(inject: &Inject) -> Self {
        Self {
            id: inject.id.to_string(),
            turn: inject.turn,
            at: TimeValue::from_ms(inject.at_ms),
            kind: inject.inject_type().as_str().to_owned(),
            priority: (inject.priority != Priority::Medium)
                .then(|| inject.priority.as_str().to_owned()),
            content: inject.content.to_fields(),
            media: inject.media.clone(),
            notes: inject.notes.clone(),
            expected_action: inject.expected_action.clone(),
        }
    }

    /// Builds the inject, or the problems that prevent it (each with its field).
    pub fn into_inject(self) -> Result<Inject, Vec<Problem>> {
        let mut problems = Vec::new();
        let id = InjectId::new(self.id.clone())
            .map_err(|e| {
                problems.push(Problem::error(format!("inject id {:?} {e}", self.id)).on_field("id"))
            })
            .ok();
        let at_ms = self
            .at
            .to_ms()
            .map_err(|e| problems.push(Problem::error(format!("time {e}")).on_field("at")))
            .ok();
        let priority = match self.priority.as_deref() {
            None => Some(Priority::Medium),
            Some(p) => Priority::parse(p).or_else(|| {
                problems.push(
                    Problem::error(format!(
                        "priority {p:?} is not one of low, medium, high, urgent"
                    ))
                    .on_field("priority"),
                );
                None
            }),
        };
        let content = match InjectType::parse(&self.kind) {
            None => {
                problems.push(
                    Problem::error(format!(
                        "type {:?} is unknown; use news, social, email, sms, intel, alert or media",
                        self.kind
                    ))
                    .on_field("type"),
                );
                None
            }
            Some(kind) => Content::from_fields(kind, self.content)
                .map_err(|e| problems.push(Problem::error(e.to_string()).on_field("content")))
                .ok(),
        };
        match (id, at_ms, priority, content) {
            (Some(id), Some(at_ms), Some(priority), Some(content)) if problems.is_empty() => {
                Ok(Inject {
                    id,
                    at_ms,
                    turn: self.turn,
                    priority,
                    content,
                    media: self.media,
                    notes: self.notes.filter(|s| !s.trim().is_empty()),
                    expected_action: self.expected_action.filter(|s| !s.trim().is_empty()),
                })
            }
            _ => Err(problems),
        }
    }
}

impl ScenarioDoc {
    /// The document of a scenario with every timeline inline (the stored form).
    pub fn from_scenario(scenario: &Scenario) -> Self {
        let mut doc = Self::header(scenario);
        for (team_doc, team) in doc.teams.iter_mut().zip(&scenario.teams) {
            team_doc.injects = Some(team.timeline.iter().map(InjectDoc::from_inject).collect());
        }
        doc
    }

    /// The document of a scenario without timelines (the bundle's `scenario.yaml`).
    pub fn header(scenario: &Scenario) -> Self {
        let (mode, total_turns, turn_length) = match scenario.mode {
            Mode::Clock => (None, None, None),
            Mode::Turns {
                total_turns,
                turn_length_ms,
            } => (
                Some("turns".to_owned()),
                Some(total_turns),
                turn_length_ms.map(TimeValue::from_ms),
            ),
        };
        Self {
            format: None,
            id: scenario.id.to_string(),
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            duration: scenario.duration_ms.map(TimeValue::from_ms),
            mode,
            total_turns,
            turn_length,
            teams: scenario
                .teams
                .iter()
                .map(|t| TeamDoc {
                    id: t.id.to_string(),
                    name: t.name.clone(),
                    color: Some(t.color.clone()),
                    kind: (t.kind != TeamKind::Player).then(|| t.kind.as_str().to_owned()),
                    port: t.dashboard_port,
                    description: t.description.clone(),
                    memory_limit: t.resources.memory_limit.clone(),
                    cpu_quota: t.resources.cpu_quota,
                    timeline: None,
                    injects: None,
                })
                .collect(),
        }
    }

    /// Builds the scenario. Teams take their injects from `injects` when present, otherwise
    /// from `timelines(team_doc)` (bundle files), which returns the injects or `None` if the
    /// timeline could not be read (its reader reports why). Problems carry team, inject and
    /// field; the caller adds the file.
    pub fn into_scenario(
        self,
        mut timelines: impl FnMut(&TeamDoc) -> Option<Vec<InjectDoc>>,
    ) -> (Option<Scenario>, Vec<Problem>) {
        let mut problems = Vec::new();
        let id = ScenarioId::new(self.id.clone())
            .map_err(|e| {
                problems
                    .push(Problem::error(format!("scenario id {:?} {e}", self.id)).on_field("id"))
            })
            .ok();
        let mut time = |v: Option<TimeValue>, field: &str| -> Option<u64> {
            v.and_then(|v| {
                v.to_ms()
                    .map_err(|e| {
                        problems.push(Problem::error(format!("{field} {e}")).on_field(field))
                    })
                    .ok()
            })
        };
        let duration_ms = time(self.duration, "duration");
        let turn_length_ms = time(self.turn_length, "turn_length");
        let mode = match self.mode.as_deref().map(str::trim) {
            None | Some("clock") | Some("") => {
                if let Some(n) = self.total_turns {
                    problems.push(
                        Problem::error(format!("total_turns is {n} but mode is not turns"))
                            .on_field("total_turns"),
                    );
                }
                Some(Mode::Clock)
            }
            Some("turns") | Some("turn") => match self.total_turns {
                Some(total_turns) => Some(Mode::Turns {
                    total_turns,
                    turn_length_ms,
                }),
                None => {
                    problems.push(
                        Problem::error("mode turns needs total_turns").on_field("total_turns"),
                    );
                    None
                }
            },
            Some(other) => {
                problems.push(
                    Problem::error(format!("mode {other:?} is neither clock nor turns"))
                        .on_field("mode"),
                );
                None
            }
        };
        let mut teams = Vec::new();
        for (pos, team_doc) in self.teams.into_iter().enumerate() {
            let team_label = team_doc.id.clone();
            let tid = match TeamId::new(team_doc.id.clone()) {
                Ok(t) => Some(t),
                Err(e) => {
                    problems.push(
                        Problem::error(format!("team id {:?} {e}", team_doc.id))
                            .for_team(&team_label)
                            .on_field("id"),
                    );
                    None
                }
            };
            let kind = match team_doc.kind.as_deref() {
                None | Some("player") => TeamKind::Player,
                Some("public") => TeamKind::Public,
                Some(other) => {
                    problems.push(
                        Problem::error(format!("kind {other:?} is neither player nor public"))
                            .for_team(&team_label)
                            .on_field("kind"),
                    );
                    TeamKind::Player
                }
            };
            let docs = match team_doc.injects.clone() {
                Some(list) => Some(list),
                None => timelines(&team_doc),
            };
            let mut timeline = Vec::new();
            for inject_doc in docs.unwrap_or_default() {
                let iid = inject_doc.id.clone();
                match inject_doc.into_inject() {
                    Ok(inject) => timeline.push(inject),
                    Err(list) => problems.extend(
                        list.into_iter()
                            .map(|p| p.for_team(&team_label).for_inject(&iid)),
                    ),
                }
            }
            if let Some(id) = tid {
                let name = if team_doc.name.trim().is_empty() {
                    id.to_string()
                } else {
                    team_doc.name
                };
                teams.push(Team {
                    id,
                    name,
                    color: team_doc
                        .color
                        .unwrap_or_else(|| TEAM_PALETTE[pos % TEAM_PALETTE.len()].to_owned()),
                    kind,
                    dashboard_port: team_doc.port,
                    resources: TeamResources {
                        memory_limit: team_doc.memory_limit,
                        cpu_quota: team_doc.cpu_quota,
                    },
                    description: team_doc.description,
                    timeline,
                });
            }
        }
        let scenario = match (id, mode) {
            (Some(id), Some(mode)) => Some(Scenario {
                id,
                name: self.name,
                description: self.description,
                duration_ms,
                mode,
                teams,
            }),
            _ => None,
        };
        (scenario, problems)
    }
}

/// The stored JSON of a scenario.
pub fn scenario_to_json(scenario: &Scenario) -> String {
    // Serialising plain data to a string cannot fail.
    serde_json::to_string(&ScenarioDoc::from_scenario(scenario)).unwrap_or_default()
}

/// Reads stored JSON back; problems mean the stored document is damaged.
pub fn scenario_from_json(json: &str) -> Result<Scenario, Vec<Problem>> {
    let doc: ScenarioDoc = serde_json::from_str(json).map_err(|e| {
        vec![Problem::error(format!(
            "stored scenario is unreadable: {e}"
        ))]
    })?;
    match doc.into_scenario(|_| None) {
        (Some(s), problems) if problems.is_empty() => Ok(s),
        (_, problems) => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> serde_json::Value {
        json!({
            "id": "harbour-storm", "name": "Harbour Storm", "mode": "turns", "total_turns": 2,
            "teams": [{"id": "port-ops", "name": "Port Ops", "injects": [
                {"id": "po-t1-001", "turn": 1, "at": 30, "type": "sms",
                 "content": {"from": "Duty Pilot", "body": "Tug 4 lost steering."}},
                {"id": "po-t1-002", "turn": 1, "at": "01:35", "type": "intelligence", "priority": "urgent",
                 "content": {"headline": "H", "body": "B", "grade": "A1"}, "media": ["a.png"]}
            ]}]
        })
    }

    #[test]
    fn a_document_becomes_a_scenario_and_back_losslessly() {
        let parsed: ScenarioDoc = serde_json::from_value(doc()).unwrap();
        let (scenario, problems) = parsed.into_scenario(|_| None);
        assert!(problems.is_empty(), "{problems:?}");
        let scenario = scenario.unwrap();
        assert_eq!(scenario.teams[0].timeline[1].at_ms, 95_000);
        assert_eq!(
            scenario.teams[0].timeline[1].inject_type(),
            InjectType::Intel
        );
        let json = scenario_to_json(&scenario);
        assert_eq!(scenario_from_json(&json).unwrap(), scenario);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let mut v = doc();
        v["teams"][0]["injects"][0]["at"] = json!(1.5);
        v["teams"][0]["injects"][1]["type"] = json!("trigger");
        v["teams"][0]["injects"][1]["priority"] = json!("asap");
        let parsed: ScenarioDoc = serde_json::from_value(v).unwrap();
        let (_, problems) = parsed.into_scenario(|_| None);
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].contains("inject po-t1-001 field at")
                && lines[0].contains("1.5 is not a whole")
        );
        assert!(lines[1].contains("field priority"));
        assert!(lines[2].contains("type \"trigger\" is unknown"));
    }

    #[test]
    fn negative_and_text_times_are_read_or_refused() {
        assert_eq!(TimeValue::Text("T+01:00".into()).to_ms(), Ok(60_000));
        assert!(
            TimeValue::Number(-3.0)
                .to_ms()
                .unwrap_err()
                .contains("negative")
        );
        let v: TimeValue = serde_json::from_str("-3").unwrap();
        assert!(v.to_ms().is_err());
    }
}
