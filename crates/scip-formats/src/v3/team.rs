//! One SCIP v3 team of the scenario file and its timeline file.

use scip_core::Problem;
use scip_core::model::describe_json;
use scip_core::model::document::{InjectDoc, TeamDoc};
use serde_json::{Map, Value};

use super::inject::{InjectContext, map_inject};
use super::media::MediaFlattener;
use super::scenario::{TIMELINE_FIELDS, parse_json};
use crate::source::Lookup;

/// Reads one team and its timeline file.
pub(crate) struct TeamReader<'r, 'a> {
    pub(crate) sources_timelines: &'r Lookup<'a>,
    pub(crate) media: &'r mut MediaFlattener<'a>,
    pub(crate) turn_based: bool,
    pub(crate) problems: &'r mut Vec<Problem>,
    pub(crate) scenario_file: &'r str,
}

impl TeamReader<'_, '_> {
    /// The team document (injects inline), its timeline file and its highest turn.
    pub(crate) fn read(
        &mut self,
        index: usize,
        value: &Value,
    ) -> Option<(TeamDoc, Option<String>, u32)> {
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
                        "timeline file {file:?} is missing (looked in {})",
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
