//! SCIP v3 content fields to the canonical fields of each inject type.

use scip_core::InjectType;
use scip_core::Problem;
use serde_json::{Map, Value};

/// Renames synonym fields to the canonical ones of `kind`. A synonym whose canonical field is
/// already present stays as an extra field, so nothing is lost.
pub(crate) fn canonical_content(
    kind: InjectType,
    mut content: Map<String, Value>,
    message: Option<String>,
    report: &mut impl FnMut(Problem),
) -> Map<String, Value> {
    let renames: &[(&str, &str)] = match kind {
        InjectType::News => &[("text", "body"), ("message", "body"), ("title", "headline")],
        InjectType::Social => &[
            ("username", "handle"),
            ("source", "handle"),
            ("author", "handle"),
            ("text", "body"),
            ("message", "body"),
        ],
        InjectType::Email => &[
            ("headline", "subject"),
            ("text", "body"),
            ("message", "body"),
        ],
        InjectType::Sms => &[("text", "body"), ("message", "body")],
        InjectType::Intel => &[
            ("title", "headline"),
            ("text", "body"),
            ("message", "body"),
            ("summary", "body"),
        ],
        InjectType::Alert => &[
            ("headline", "title"),
            ("body", "message"),
            ("text", "message"),
        ],
        InjectType::Media => &[
            ("headline", "title"),
            ("caption_text", "caption"),
            ("description", "caption"),
            ("body", "caption"),
        ],
    };
    for (from, to) in renames {
        if !content.contains_key(*to)
            && let Some(v) = content.remove(*from)
        {
            content.insert((*to).to_owned(), v);
        }
    }
    match kind {
        InjectType::Social => {
            if let Some(Value::Object(engagement)) = content.get_mut("engagement") {
                for (from, to) in [
                    ("retweets", "shares"),
                    ("reposts", "shares"),
                    ("comments", "replies"),
                ] {
                    if !engagement.contains_key(to)
                        && let Some(v) = engagement.remove(from)
                    {
                        engagement.insert(to.to_owned(), v);
                    }
                }
            }
        }
        InjectType::Email => {
            for field in ["to", "cc"] {
                if let Some(Value::Array(list)) = content.get(field)
                    && list.iter().all(Value::is_string)
                {
                    let joined: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                    let joined = joined.join(", ");
                    content.insert(field.to_owned(), Value::String(joined));
                }
            }
        }
        InjectType::News => {
            if let Some(Value::String(flag)) = content.get("breaking") {
                match flag.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" => {
                        content.insert("breaking".into(), Value::Bool(true));
                    }
                    "false" | "no" | "" => {
                        content.insert("breaking".into(), Value::Bool(false));
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    if let Some(message) = message {
        let body_field = match kind {
            InjectType::Alert => "message",
            InjectType::Media => "caption",
            _ => "body",
        };
        match content.get(body_field) {
            None => {
                content.insert(body_field.to_owned(), Value::String(message));
            }
            Some(Value::String(existing)) if existing.trim().is_empty() => {
                content.insert(body_field.to_owned(), Value::String(message));
            }
            Some(Value::String(existing)) if *existing == message => {}
            Some(_) => {
                report(
                    Problem::warning(format!(
                        "message and content {body_field} differ; SCIP v3 dashboards showed the \
                         message, SCIP shows the content {body_field}; the message is kept as \
                         extra field legacy_message"
                    ))
                    .on_field("message"),
                );
                content.insert("legacy_message".to_owned(), Value::String(message));
            }
        }
    }
    content
}
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The canonical content of `kind` for SCIP v3 content `v` (and inject `message`).
    fn canon(kind: InjectType, v: Value, message: Option<&str>) -> (Value, Vec<Problem>) {
        let Value::Object(map) = v else {
            panic!("content is an object")
        };
        let mut problems = Vec::new();
        let out = canonical_content(kind, map, message.map(str::to_owned), &mut |p| {
            problems.push(p)
        });
        (Value::Object(out), problems)
    }

    fn same(kind: InjectType, given: Value, expected: Value) {
        let (got, problems) = canon(kind, given, None);
        assert_eq!(got, expected);
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn field_synonyms_become_canonical_fields() {
        use InjectType as T;
        same(
            T::Sms,
            json!({"from": "F", "text": "T"}),
            json!({"from": "F", "body": "T"}),
        );
        same(
            T::Email,
            json!({"from": "F", "headline": "H", "body": "B", "to": ["x", "y"]}),
            json!({"from": "F", "subject": "H", "body": "B", "to": "x, y"}),
        );
        same(
            T::Social,
            json!({"platform": "twitter", "username": "@u", "text": "T"}),
            json!({"platform": "twitter", "handle": "@u", "body": "T"}),
        );
        same(
            T::Social,
            json!({"source": "@Harbour", "body": "B", "headline": "H",
                   "engagement": {"likes": 3, "retweets": 4, "comments": 1}}),
            json!({"handle": "@Harbour", "body": "B", "headline": "H",
                   "engagement": {"likes": 3, "shares": 4, "replies": 1}}),
        );
        same(
            T::Alert,
            json!({"severity": "warning", "title": "T", "message": "M"}),
            json!({"severity": "warning", "title": "T", "message": "M"}),
        );
        same(
            T::Alert,
            json!({"headline": "T", "body": "M", "source": "S"}),
            json!({"title": "T", "message": "M", "source": "S"}),
        );
        same(
            T::Intel,
            json!({"classification": "SECRET", "source": "S", "title": "T", "body": "B"}),
            json!({"classification": "SECRET", "source": "S", "headline": "T", "body": "B"}),
        );
        same(
            T::News,
            json!({"title": "H", "text": "B", "source": "S", "breaking": "true"}),
            json!({"headline": "H", "body": "B", "source": "S", "breaking": true}),
        );
        same(
            T::Media,
            json!({"headline": "Map", "description": "The quay"}),
            json!({"title": "Map", "caption": "The quay"}),
        );
    }

    #[test]
    fn a_synonym_never_overwrites_the_canonical_field() {
        same(
            InjectType::Sms,
            json!({"from": "F", "body": "B", "text": "T"}),
            json!({"from": "F", "body": "B", "text": "T"}),
        );
    }

    #[test]
    fn the_legacy_message_fills_an_empty_body_or_is_kept() {
        let (got, problems) = canon(InjectType::News, json!({"headline": "H"}), Some("Plain"));
        assert_eq!(got, json!({"headline": "H", "body": "Plain"}));
        assert!(problems.is_empty());
        let (got, problems) = canon(InjectType::Alert, json!({"title": "T"}), Some("Plain"));
        assert_eq!(got, json!({"title": "T", "message": "Plain"}));
        assert!(problems.is_empty());
        let (got, problems) = canon(InjectType::Sms, json!({"body": "B"}), Some("Other"));
        assert_eq!(got, json!({"body": "B", "legacy_message": "Other"}));
        assert_eq!(problems[0].severity, scip_core::Severity::Warning);
    }
}
