//! A SCIP v3 scenario file and its team timelines to a scenario.

use std::collections::{BTreeMap, BTreeSet};

use scip_core::model::describe_json;
use scip_core::model::document::{ScenarioDoc, TimeValue};
use scip_core::{Problem, ScenarioId};
use serde_json::{Map, Value};

use super::media::MediaFlattener;
use super::team::TeamReader;
use crate::detect::Format;
use crate::loaded::{Loaded, finish};
use crate::path::stem;
use crate::source::Lookup;

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
pub(crate) const TIMELINE_FIELDS: [&str; 14] = [
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
