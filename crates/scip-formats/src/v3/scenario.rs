//! A SCIP v3 scenario file and its team timelines to a scenario.

use std::collections::{BTreeMap, BTreeSet};

use scip_core::model::describe_json;
use scip_core::model::document::{InjectDoc, ScenarioDoc, TeamDoc, TimeValue};
use scip_core::{Problem, ScenarioId};
use serde_json::{Map, Value};

use super::inject::{InjectContext, map_inject};
use super::media::MediaFlattener;
use crate::detect::Format;
use crate::fileset::Lookup;
use crate::loaded::{Loaded, finish};
use crate::path::stem;

/// Scenario fields SCIP v3 used that SCIP drops, with why.
const DROPPED_SCENARIO_FIELDS: [(&str, &str); 4] = [
    ("thumbnail", "scenario thumbnails are not imported"),
    ("hidden", "SCIP lists every scenario"),
    ("dashboard_image", "SCIP serves team dashboards itself"),
    ("iq_file", "SCIP has no SDR service"),
];
/// Scenario fields that are read or purely informational.
const KNOWN_SCENARIO_FIELDS: [&str; 8] = [
    "id",
    "name",
    "description",
    "duration_minutes",
    "turn_based",
    "total_turns",
    "version",
    "teams",
];
/// Top-level fields of the three timeline shapes (A: turn-based team file, B: standalone
/// timeline, C: the documented format); all informational except `injects`.
const TIMELINE_FIELDS: [&str; 14] = [
    "injects",
    "scenario_id",
    "scenario",
    "team",
    "id",
    "name",
    "description",
    "version",
    "duration_minutes",
    "total_injects",
    "created_at",
    "updated_at",
    "tags",
    "difficulty",
];

/// Where the SCIP v3 reader finds the files a scenario refers to.
pub struct V3Sources<'a> {
    /// Places `teams[].timeline_file` paths are looked up, in order (the scenario file's
    /// folder, then the scenarios root).
    pub timelines: Lookup<'a>,
    /// Places `/api/media/<path>` files are looked up, in order (the media folder).
    pub media: Lookup<'a>,
}

/// Reads a SCIP v3 scenario file (`file_name` is its path as shown in messages; its stem is
/// the scenario id, as in SCIP v3) and the timelines and media it refers to.
pub fn read_v3(file_name: &str, bytes: &[u8], sources: V3Sources<'_>) -> Loaded {
    let mut problems = Vec::new();
    let mut media = MediaFlattener::new(sources.media);
    let root = match parse_json(bytes) {
        Ok(Value::Object(map)) => map,
        Ok(other) => {
            problems.push(
                Problem::error(format!(
                    "a SCIP v3 scenario is a JSON object, not {}",
                    describe_json(&other)
                ))
                .in_file(file_name),
            );
            return finish(
                Format::ScipV3,
                None,
                Default::default(),
                problems,
                &BTreeSet::new(),
                &|_| {},
            );
        }
        Err(message) => {
            problems.push(Problem::error(message).in_file(file_name));
            return finish(
                Format::ScipV3,
                None,
                Default::default(),
                problems,
                &BTreeSet::new(),
                &|_| {},
            );
        }
    };
    let mut at_scenario = |p: Problem| problems.push(p.in_file(file_name));

    let file_stem = stem(file_name);
    let id = ScenarioId::new(file_stem)
        .ok()
        .or_else(|| ScenarioId::slugify(file_stem));
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            at_scenario(Problem::error(format!(
                "the file name {file_stem:?} gives no scenario id (SCIP v3 used the file name); rename the file"
            )));
            String::new()
        }
    };
    if let Some(Value::String(inner)) = root.get("id")
        && *inner != id
    {
        at_scenario(
            Problem::warning(format!(
                "the scenario id is {id}, from the file name as in SCIP v3, not {inner:?}"
            ))
            .on_field("id"),
        );
    }
    for (field, why) in DROPPED_SCENARIO_FIELDS {
        if root.contains_key(field) {
            at_scenario(Problem::warning(format!("{field} dropped: {why}")).on_field(field));
        }
    }
    for key in root.keys() {
        let dropped = DROPPED_SCENARIO_FIELDS.iter().any(|(f, _)| f == key);
        if !dropped && !KNOWN_SCENARIO_FIELDS.contains(&key.as_str()) {
            at_scenario(
                Problem::warning(format!("{key} is not a SCIP v3 scenario field; ignored"))
                    .on_field(key),
            );
        }
    }
    let name = match root.get("name") {
        Some(Value::String(n)) if !n.trim().is_empty() => n.clone(),
        _ => {
            at_scenario(
                Problem::warning(format!("the scenario has no name; using {file_stem:?}"))
                    .on_field("name"),
            );
            file_stem.to_owned()
        }
    };
    let description = text_field(&root, "description", &mut at_scenario).unwrap_or_default();
    let duration = match root.get("duration_minutes") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_f64().is_some_and(|m| (0.0..=527_040.0).contains(&m)) => {
            let ms = (n.as_f64().unwrap_or_default() * 60_000.0).round() as u64;
            Some(TimeValue::from_ms(ms))
        }
        Some(other) => {
            at_scenario(
                Problem::error(format!(
                    "duration_minutes must be a number of minutes, not {}",
                    describe_json(other)
                ))
                .on_field("duration_minutes"),
            );
            None
        }
    };
    let turn_based = match root.get("turn_based") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            at_scenario(
                Problem::error(format!(
                    "turn_based must be true or false, not {}",
                    describe_json(other)
                ))
                .on_field("turn_based"),
            );
            false
        }
    };
    let mut total_turns = match root.get("total_turns") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                at_scenario(
                    Problem::error(format!(
                        "total_turns must be a whole number, not {}",
                        describe_json(v)
                    ))
                    .on_field("total_turns"),
                );
                None
            }
        },
    };
    let team_values = match root.get("teams") {
        Some(Value::Array(list)) => list.clone(),
        None => {
            at_scenario(Problem::error("the scenario has no teams").on_field("teams"));
            Vec::new()
        }
        Some(other) => {
            at_scenario(
                Problem::error(format!(
                    "teams must be a list, not {}",
                    describe_json(other)
                ))
                .on_field("teams"),
            );
            Vec::new()
        }
    };

    let mut team_files: BTreeMap<String, String> = BTreeMap::new();
    let mut teams = Vec::new();
    let mut highest_turn = 0;
    for (index, value) in team_values.iter().enumerate() {
        let mut reader = TeamReader {
            sources_timelines: &sources.timelines,
            media: &mut media,
            turn_based,
            problems: &mut problems,
            scenario_file: file_name,
        };
        if let Some((team, file, top_turn)) = reader.read(index, value) {
            highest_turn = highest_turn.max(top_turn);
            if let Some(file) = file {
                team_files.insert(team.id.clone(), file);
            }
            teams.push(team);
        }
    }
    if turn_based && total_turns.is_none() {
        if highest_turn > 0 {
            problems.push(
                Problem::warning(format!(
                    "turn_based is true but total_turns is missing; using {highest_turn}, the highest turn of any inject"
                ))
                .in_file(file_name)
                .on_field("total_turns"),
            );
            total_turns = Some(highest_turn);
        } else {
            problems.push(
                Problem::error("turn_based is true but total_turns is missing")
                    .in_file(file_name)
                    .on_field("total_turns"),
            );
        }
    }
    if !turn_based && total_turns.is_some() {
        // SCIP v3 read total_turns only in turn mode.
        total_turns = None;
    }
    let doc = ScenarioDoc {
        format: None,
        id,
        name,
        description,
        duration,
        mode: turn_based.then(|| "turns".to_owned()),
        total_turns,
        turn_length: None,
        teams,
    };
    let (scenario, doc_problems) = doc.into_scenario(|_| None);
    problems.extend(doc_problems);
    let (files, missing) = media.into_files();
    let locate = |p: &mut Problem| {
        let team_file = p.location.team.as_ref().and_then(|t| team_files.get(t));
        p.location.file = Some(team_file.cloned().unwrap_or_else(|| file_name.to_owned()));
    };
    finish(Format::ScipV3, scenario, files, problems, &missing, &locate)
}

/// Reads one team and its timeline file.
struct TeamReader<'r, 'a> {
    sources_timelines: &'r Lookup<'a>,
    media: &'r mut MediaFlattener<'a>,
    turn_based: bool,
    problems: &'r mut Vec<Problem>,
    scenario_file: &'r str,
}

impl TeamReader<'_, '_> {
    /// The team document (injects inline), its timeline file and its highest turn.
    fn read(&mut self, index: usize, value: &Value) -> Option<(TeamDoc, Option<String>, u32)> {
        let scenario_file = self.scenario_file;
        let Value::Object(team) = value else {
            self.problems.push(
                Problem::error(format!(
                    "team #{} must be an object, not {}",
                    index + 1,
                    describe_json(value)
                ))
                .in_file(scenario_file),
            );
            return None;
        };
        let Some(id) = team.get("id").and_then(Value::as_str).map(str::to_owned) else {
            self.problems.push(
                Problem::error(format!("team #{} has no id", index + 1))
                    .in_file(scenario_file)
                    .on_field("id"),
            );
            return None;
        };
        let mut at_team = |p: Problem| self.problems.push(p.in_file(scenario_file).for_team(&id));
        let name = match team.get("name") {
            Some(Value::String(n)) => n.clone(),
            _ => String::new(),
        };
        let port = match team.get("dashboard_port") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().and_then(|p| u16::try_from(p).ok()) {
                Some(p) => Some(p),
                None => {
                    at_team(
                        Problem::error(format!(
                            "dashboard_port must be a port number, not {}",
                            describe_json(v)
                        ))
                        .on_field("dashboard_port"),
                    );
                    None
                }
            },
        };
        if team.contains_key("dashboard_image") {
            at_team(
                Problem::warning("dashboard_image dropped: SCIP serves team dashboards itself")
                    .on_field("dashboard_image"),
            );
        }
        let description = match team.get("description") {
            Some(Value::String(d)) if !d.trim().is_empty() => Some(d.clone()),
            _ => None,
        };
        let color = match team.get("color").or_else(|| team.get("colour")) {
            Some(Value::String(c)) => named_color(c),
            _ => None,
        };
        let kind = (id.contains("-public") || id == "public-feed").then(|| "public".to_owned());
        let mut doc = TeamDoc {
            id: id.clone(),
            name,
            color,
            kind,
            port,
            description,
            memory_limit: None,
            cpu_quota: None,
            timeline: None,
            injects: Some(Vec::new()),
        };
        let file = match team.get("timeline_file") {
            Some(Value::String(f)) => f.clone(),
            _ => {
                at_team(
                    Problem::error("the team has no timeline_file (SCIP v3 docs' timeline_id is not supported)")
                        .on_field("timeline_file"),
                );
                return Some((doc, None, 0));
            }
        };
        let (injects, top_turn) = self.read_timeline(&id, &file);
        doc.injects = Some(injects);
        Some((doc, Some(file), top_turn))
    }

    /// The injects of one timeline file, with its problems, and the highest turn in it.
    fn read_timeline(&mut self, team: &str, file: &str) -> (Vec<InjectDoc>, u32) {
        let at_file =
            |problems: &mut Vec<Problem>, p: Problem| problems.push(p.in_file(file).for_team(team));
        let bytes = match self.sources_timelines.find(file) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                self.problems.push(
                    Problem::error(format!(
                        "timeline file {file:?} is missing (looked in {:?})",
                        self.sources_timelines
                    ))
                    .in_file(self.scenario_file)
                    .for_team(team)
                    .on_field("timeline_file"),
                );
                return (Vec::new(), 0);
            }
            Err(e) => {
                self.problems.push(
                    Problem::error(format!("timeline file {file:?}: {e}"))
                        .in_file(self.scenario_file)
                        .for_team(team)
                        .on_field("timeline_file"),
                );
                return (Vec::new(), 0);
            }
        };
        let values = match parse_json(&bytes) {
            Ok(Value::Object(map)) => {
                self.check_timeline_fields(&map, team, file);
                match map.get("injects") {
                    Some(Value::Array(list)) => list.clone(),
                    None => {
                        at_file(
                            self.problems,
                            Problem::error("the timeline has no injects list").on_field("injects"),
                        );
                        Vec::new()
                    }
                    Some(other) => {
                        at_file(
                            self.problems,
                            Problem::error(format!(
                                "injects must be a list, not {}",
                                describe_json(other)
                            ))
                            .on_field("injects"),
                        );
                        Vec::new()
                    }
                }
            }
            Ok(Value::Array(list)) => list,
            Ok(other) => {
                at_file(
                    self.problems,
                    Problem::error(format!(
                        "a timeline is a JSON object, not {}",
                        describe_json(&other)
                    )),
                );
                Vec::new()
            }
            Err(message) => {
                at_file(self.problems, Problem::error(message));
                Vec::new()
            }
        };
        let mut injects = Vec::new();
        let mut top_turn = 0;
        let mut ignored_turns = 0;
        let mut inject_problems = Vec::new();
        for (index, value) in values.iter().enumerate() {
            if let Some(turn) = value.get("turn").and_then(Value::as_u64) {
                top_turn = top_turn.max(u32::try_from(turn).unwrap_or(u32::MAX));
                if !self.turn_based {
                    ignored_turns += 1;
                }
            }
            let mut ctx = InjectContext {
                turn_based: self.turn_based,
                media: self.media,
            };
            if let Some(doc) = map_inject(index, value, &mut ctx, &mut inject_problems) {
                injects.push(doc);
            }
        }
        for p in inject_problems {
            at_file(self.problems, p);
        }
        if ignored_turns > 0 {
            at_file(
                self.problems,
                Problem::warning(format!(
                    "{ignored_turns} injects have a turn but the scenario is not turn_based; their turns are ignored, as in SCIP v3"
                ))
                .on_field("turn"),
            );
        }
        (injects, top_turn)
    }

    fn check_timeline_fields(&mut self, map: &Map<String, Value>, team: &str, file: &str) {
        if let Some(Value::String(named)) = map.get("team")
            && named != team
        {
            self.problems.push(
                Problem::warning(format!(
                    "the timeline says team {named:?}; it is used for team {team}"
                ))
                .in_file(file)
                .for_team(team)
                .on_field("team"),
            );
        }
        for key in map
            .keys()
            .filter(|k| !TIMELINE_FIELDS.contains(&k.as_str()))
        {
            self.problems.push(
                Problem::warning(format!("{key} is not a timeline field; ignored"))
                    .in_file(file)
                    .for_team(team)
                    .on_field(key),
            );
        }
    }
}

/// A text field of the scenario, reporting a wrong type.
fn text_field(
    map: &Map<String, Value>,
    field: &str,
    report: &mut impl FnMut(Problem),
) -> Option<String> {
    match map.get(field) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            report(
                Problem::error(format!(
                    "{field} must be text, not {}",
                    describe_json(other)
                ))
                .on_field(field),
            );
            None
        }
    }
}

/// A `#rrggbb` colour, or the palette colour a SCIP v3 colour word stood for.
fn named_color(given: &str) -> Option<String> {
    let c = given.trim().to_ascii_lowercase();
    if scip_core::model::is_hex_color(&c) {
        return Some(c);
    }
    let hex = match c.as_str() {
        "blue" => "#2563eb",
        "red" => "#dc2626",
        "green" => "#059669",
        "orange" | "amber" => "#d97706",
        "purple" | "violet" => "#7c3aed",
        "cyan" | "teal" => "#0891b2",
        "pink" => "#db2777",
        "grey" | "gray" => "#475569",
        _ => return None,
    };
    Some(hex.to_owned())
}

/// Parses JSON, explaining a syntax error with its line and column and saying when the file
/// ends too early.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(bytes).map_err(|e| {
        let hint = if e.is_eof() {
            " (the file ends too early: is it truncated?)"
        } else {
            ""
        };
        format!("is not valid JSON: {e}{hint}")
    })
}
