//! One SCIP v3 inject to the canonical inject document, mapping every type and field synonym
//! SCIP v3 data, its editor and its documentation used.

use scip_core::Problem;
use scip_core::model::document::{InjectDoc, TimeValue};
use scip_core::model::{InjectType, describe_json};
use serde_json::{Map, Value};

use super::content::canonical_content;
use super::media::{Mapped, MediaFlattener};

/// Inject fields SCIP v3 added when publishing; found in timelines saved from messages.
const PUBLISH_FIELDS: [&str; 4] = ["delivered_at", "team_id", "exercise_id", "manual"];

/// What the inject reader needs to know about its scenario.
pub(crate) struct InjectContext<'m, 'a> {
    /// Whether the scenario is turn-based (turns are ignored otherwise, as SCIP v3 did).
    pub turn_based: bool,
    /// Where media references go.
    pub media: &'m mut MediaFlattener<'a>,
}

/// Maps the inject at `index` of a timeline. Problems name the inject (by id, or `#n` when it
/// has none) and the field; the caller adds team and file. Returns `None` when the inject
/// cannot be kept.
pub(crate) fn map_inject(
    index: usize,
    value: &Value,
    ctx: &mut InjectContext<'_, '_>,
    problems: &mut Vec<Problem>,
) -> Option<InjectDoc> {
    let label = value
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map_or_else(|| format!("#{}", index + 1), str::to_owned);
    let mut report = |p: Problem| problems.push(p.for_inject(&label));
    let Value::Object(fields) = value else {
        report(Problem::error(format!(
            "an inject must be an object, not {}",
            describe_json(value)
        )));
        return None;
    };
    let mut ok = true;
    let id = match fields.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        None => {
            report(Problem::error("the inject has no id").on_field("id"));
            ok = false;
            String::new()
        }
        Some(other) => {
            report(
                Problem::error(format!("id must be text, not {}", describe_json(other)))
                    .on_field("id"),
            );
            ok = false;
            String::new()
        }
    };
    let at = match read_time(fields.get("time")) {
        Ok(seconds) => Some(TimeValue::Seconds(seconds)),
        Err(message) => {
            report(Problem::error(message).on_field("time"));
            None
        }
    };
    let turn = match fields.get("turn") {
        None | Some(Value::Null) => None,
        Some(v) => match v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n >= 1)
        {
            Some(n) if ctx.turn_based => Some(n),
            Some(_) => None,
            None => {
                report(
                    Problem::error(format!(
                        "turn must be a whole number from 1, not {}",
                        describe_json(v)
                    ))
                    .on_field("turn"),
                );
                ok = false;
                None
            }
        },
    };
    let kind = match fields.get("type") {
        Some(Value::String(t)) => match InjectType::parse(t) {
            Some(kind) => Some(kind),
            None => {
                report(unknown_type(t));
                None
            }
        },
        None => {
            report(Problem::error("the inject has no type").on_field("type"));
            None
        }
        Some(other) => {
            report(
                Problem::error(format!("type must be text, not {}", describe_json(other)))
                    .on_field("type"),
            );
            None
        }
    };
    let priority = match fields.get("priority") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(p.clone()),
        Some(other) => {
            report(
                Problem::error(format!(
                    "priority must be text, not {}",
                    describe_json(other)
                ))
                .on_field("priority"),
            );
            ok = false;
            None
        }
    };
    let content = match fields.get("content") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => {
            report(
                Problem::error(format!(
                    "content must be an object, not {}",
                    describe_json(other)
                ))
                .on_field("content"),
            );
            ok = false;
            Map::new()
        }
    };
    let message = match fields.get("message") {
        None | Some(Value::Null) => None,
        Some(Value::String(m)) => Some(m.clone()),
        Some(other) => {
            report(
                Problem::error(format!(
                    "message must be text, not {}",
                    describe_json(other)
                ))
                .on_field("message"),
            );
            ok = false;
            None
        }
    };
    let media = map_media(fields.get("media"), ctx.media, &mut report, &mut ok);
    if fields.contains_key("action") {
        report(
            Problem::warning("action is not used by SCIP (SCIP v3 dashboards ignored it); dropped")
                .on_field("action"),
        );
    }
    for key in fields.keys() {
        if PUBLISH_FIELDS.contains(&key.as_str()) {
            report(
                Problem::warning(format!("{key} is added at delivery time; dropped")).on_field(key),
            );
        } else if !matches!(
            key.as_str(),
            "id" | "time"
                | "turn"
                | "type"
                | "priority"
                | "content"
                | "message"
                | "media"
                | "action"
        ) {
            report(
                Problem::warning(format!("{key} is not an inject field; dropped")).on_field(key),
            );
        }
    }
    let (Some(kind), Some(at), true) = (kind, at, ok) else {
        return None;
    };
    let content = canonical_content(kind, content, message, &mut report);
    Some(InjectDoc {
        id,
        turn,
        at,
        kind: kind.as_str().to_owned(),
        priority,
        content,
        media,
        notes: None,
        expected_action: None,
    })
}

/// `time`: whole seconds, as SCIP v3 compared them with the clock.
fn read_time(value: Option<&Value>) -> Result<u64, String> {
    let value = value.ok_or("the inject has no time (whole seconds)")?;
    match value {
        Value::Number(n) => {
            if let Some(s) = n.as_u64() {
                Ok(s)
            } else if n.as_i64().is_some() {
                Err(format!("time {n} is negative; times start at T+0"))
            } else {
                match n.as_f64() {
                    Some(f) if f >= 0.0 && f.fract() == 0.0 && f < 1e12 => Ok(f as u64),
                    Some(f) if f < 0.0 => Err(format!("time {n} is negative; times start at T+0")),
                    _ => Err(format!("time {n} is not a whole number of seconds")),
                }
            }
        }
        other => Err(format!(
            "time must be whole seconds (a number such as 90), not {}",
            describe_json(other)
        )),
    }
}

fn unknown_type(t: &str) -> Problem {
    let message = match t.trim().to_ascii_lowercase().as_str() {
        "trigger" | "system" => format!(
            "type {t:?} is a SCIP v3 device or system command; SCIP has no such inject: \
             remove it or give it another type"
        ),
        _ => format!(
            "type {t:?} is unknown; SCIP v3 types are news, social, social_media, email, sms, \
             intel, intelligence, intel_report, alert, video and document"
        ),
    };
    Problem::error(message).on_field("type")
}

fn map_media(
    value: Option<&Value>,
    media: &mut MediaFlattener<'_>,
    report: &mut impl FnMut(Problem),
    ok: &mut bool,
) -> Vec<String> {
    let list = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(list)) => list,
        Some(other) => {
            report(
                Problem::error(format!(
                    "media must be a list of paths, not {}",
                    describe_json(other)
                ))
                .on_field("media"),
            );
            *ok = false;
            return Vec::new();
        }
    };
    let mut names = Vec::new();
    for item in list {
        let Value::String(reference) = item else {
            report(
                Problem::error(format!(
                    "a media entry must be a path, not {}",
                    describe_json(item)
                ))
                .on_field("media"),
            );
            *ok = false;
            continue;
        };
        match media.map(reference) {
            Mapped::Found(name) => names.push(name),
            Mapped::Missing(name, message) => {
                report(Problem::error(message).on_field("media"));
                names.push(name);
            }
            Mapped::Refused(message) => {
                report(Problem::error(message).on_field("media"));
                *ok = false;
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fileset::FileSet;
    use crate::source::Lookup;
    use serde_json::json;

    fn map(value: Value, turn_based: bool) -> (Option<InjectDoc>, Vec<Problem>) {
        let set = FileSet::new();
        let mut media = MediaFlattener::new(Lookup::new().with(&set, ""));
        let mut ctx = InjectContext {
            turn_based,
            media: &mut media,
        };
        let mut problems = Vec::new();
        let doc = map_inject(0, &value, &mut ctx, &mut problems);
        (doc, problems)
    }

    fn content_of(value: Value) -> Value {
        let (doc, problems) = map(value, false);
        assert!(problems.iter().all(|p| !p.is_error()), "{problems:?}");
        Value::Object(doc.unwrap().content)
    }

    #[test]
    fn a_whole_inject_gets_canonical_content() {
        assert_eq!(
            content_of(json!({"id": "a", "time": 1, "type": "social_media",
                              "content": {"username": "@u", "text": "T"}})),
            json!({"handle": "@u", "body": "T"})
        );
        assert_eq!(
            content_of(
                json!({"id": "a", "time": 1, "type": "news", "message": "Plain text",
                              "content": {"headline": "H", "source": "S"}})
            ),
            json!({"headline": "H", "source": "S", "body": "Plain text"})
        );
    }

    #[test]
    fn type_synonyms_become_canonical_types() {
        for (given, canonical) in [
            ("intelligence", "intel"),
            ("intel_report", "intel"),
            ("intel", "intel"),
            ("social_media", "social"),
            ("video", "media"),
            ("document", "media"),
        ] {
            let (doc, _) = map(
                json!({"id": "a", "time": 1, "type": given, "content": {}}),
                false,
            );
            assert_eq!(doc.unwrap().kind, canonical, "{given}");
        }
    }

    #[test]
    fn a_wrong_time_is_named_precisely() {
        for (time, expected) in [
            (
                json!("01:30"),
                "time must be whole seconds (a number such as 90), not the text \"01:30\"",
            ),
            (json!(12.5), "time 12.5 is not a whole number of seconds"),
            (json!(-3), "time -3 is negative"),
            (json!(true), "not true"),
        ] {
            let (doc, problems) = map(json!({"id": "x-1", "time": time, "type": "sms"}), false);
            assert!(doc.is_none());
            let line = problems[0].to_string();
            assert!(line.starts_with("inject x-1 field time: error: "), "{line}");
            assert!(line.contains(expected), "{line}");
        }
        let (doc, _) = map(json!({"id": "x", "time": 30.0, "type": "sms"}), false);
        assert_eq!(doc.unwrap().at, TimeValue::Seconds(30));
    }

    #[test]
    fn device_commands_are_errors_naming_the_inject() {
        let (doc, problems) = map(
            json!({"id": "sat-1", "time": 5, "type": "trigger", "content": {"command": "jam"}}),
            false,
        );
        assert!(doc.is_none());
        assert!(
            problems[0]
                .to_string()
                .starts_with("inject sat-1 field type: error: type \"trigger\"")
        );
    }

    #[test]
    fn dropped_fields_are_warnings() {
        let (doc, problems) = map(
            json!({"id": "a", "time": 1, "type": "sms", "content": {"from": "F", "body": "B"},
                   "action": {"type": "alert"}, "delivered_at": 4}),
            false,
        );
        assert!(doc.is_some());
        let fields: Vec<_> = problems
            .iter()
            .map(|p| (p.severity, p.location.field.clone().unwrap()))
            .collect();
        assert_eq!(
            fields,
            [
                (scip_core::Severity::Warning, "action".to_owned()),
                (scip_core::Severity::Warning, "delivered_at".to_owned())
            ]
        );
    }

    #[test]
    fn turns_are_kept_only_in_turn_based_scenarios() {
        let inject = json!({"id": "a", "time": 1, "turn": 2, "type": "sms"});
        assert_eq!(map(inject.clone(), true).0.unwrap().turn, Some(2));
        assert_eq!(map(inject, false).0.unwrap().turn, None);
    }
}
