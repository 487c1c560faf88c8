//! The inject form of the scenario editor: its fields for each inject type (from the core's
//! field specs: required, length limits, choices), filled from an inject or from a post, and
//! read back into an inject with a message beside every field that is wrong.

use std::collections::BTreeMap;

use scip_core::model::{FieldKind, FieldSpec};
use scip_core::{
    Content, Inject, InjectId, InjectType, Mode, Priority, Team, format_precise, parse_time,
};
use serde_json::{Map, Value};

use crate::view::SelectOption;

/// One content field of the form.
#[derive(Debug, Clone)]
pub struct ContentField {
    /// Form name (`c_headline`).
    pub name: String,
    /// Label.
    pub label: &'static str,
    /// Required.
    pub required: bool,
    /// Longest value (0: none shown).
    pub max: usize,
    /// `line`, `text`, `choice`, `flag` or `count`.
    pub kind: &'static str,
    /// Current value.
    pub value: String,
    /// For choices.
    pub options: Vec<SelectOption>,
    /// The problem with it, or "".
    pub error: String,
}

/// The inject form's state.
#[derive(Debug, Clone)]
pub struct InjectForm {
    /// The id of the inject being edited (empty for a new one).
    pub original: String,
    /// Id.
    pub id: String,
    /// Type.
    pub kind: InjectType,
    /// Time, `MM:SS`.
    pub at: String,
    /// Turn (turn mode).
    pub turn: String,
    /// Priority.
    pub priority: String,
    /// Content fields.
    pub fields: Vec<ContentField>,
    /// Media names attached.
    pub media: Vec<String>,
    /// Facilitator notes.
    pub notes: String,
    /// Expected action.
    pub expected_action: String,
    /// Problems by form field (`at`, `id`, `turn`, `media`, `c_body`, …).
    pub errors: BTreeMap<String, String>,
    /// Problems not tied to one field.
    pub general: Vec<String>,
}

impl InjectForm {
    /// The problem with form field `name`, or "".
    pub fn error(&self, name: &str) -> String {
        self.errors.get(name).cloned().unwrap_or_default()
    }

    /// True for a new inject.
    pub fn is_new(&self) -> bool {
        self.original.is_empty()
    }

    /// Type options.
    pub fn type_options(&self) -> Vec<SelectOption> {
        InjectType::ALL
            .iter()
            .map(|t| SelectOption {
                value: t.as_str().to_owned(),
                label: t.label().to_owned(),
                selected: *t == self.kind,
            })
            .collect()
    }

    /// Priority options.
    pub fn priority_options(&self) -> Vec<SelectOption> {
        Priority::ALL
            .iter()
            .map(|p| SelectOption {
                value: p.as_str().to_owned(),
                label: capitalise(p.as_str()),
                selected: p.as_str() == self.priority,
            })
            .collect()
    }

    /// True when `name` is attached.
    pub fn has_media(&self, name: &str) -> bool {
        self.media.iter().any(|m| m == name)
    }

    /// A form for a new inject of `kind` in `team`.
    pub fn blank(team: &Team, kind: InjectType, mode: &Mode) -> Self {
        let last = team.timeline.iter().map(|i| i.at_ms).max().unwrap_or(0);
        let mut form = Self::from_content(&Content::empty(kind));
        form.id = free_inject_id(team, team.id.as_str());
        form.at = format_precise(if team.timeline.is_empty() {
            0
        } else {
            last + 60_000
        });
        if mode.total_turns().is_some() {
            form.turn = "1".into();
        }
        form
    }

    /// The form of an existing inject (shown as type `kind` when the author switches type).
    pub fn of_inject(inject: &Inject, kind: Option<InjectType>) -> Self {
        let mut form = match kind.filter(|k| *k != inject.inject_type()) {
            Some(other) => {
                let mut f = Self::from_content(&Content::empty(other));
                let old = flat_fields(&inject.content);
                for field in &mut f.fields {
                    if let Some(v) = old.get(&field.name) {
                        field.value.clone_from(v);
                    }
                }
                f
            }
            None => Self::from_content(&inject.content),
        };
        form.original = inject.id.to_string();
        form.id = inject.id.to_string();
        form.at = format_precise(inject.at_ms);
        form.turn = inject.turn.map(|t| t.to_string()).unwrap_or_default();
        form.priority = inject.priority.as_str().to_owned();
        form.media = inject.media.clone();
        form.notes = inject.notes.clone().unwrap_or_default();
        form.expected_action = inject.expected_action.clone().unwrap_or_default();
        form
    }

    fn from_content(content: &Content) -> Self {
        let kind = content.inject_type();
        let values = flat_fields(content);
        Self {
            original: String::new(),
            id: String::new(),
            kind,
            at: String::new(),
            turn: String::new(),
            priority: Priority::Medium.as_str().to_owned(),
            fields: kind
                .fields()
                .iter()
                .map(|spec| {
                    field_of(
                        spec,
                        values
                            .get(&format!("c_{}", spec.name))
                            .cloned()
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            media: Vec::new(),
            notes: String::new(),
            expected_action: String::new(),
            errors: BTreeMap::new(),
            general: Vec::new(),
        }
    }

    /// The form as posted (`pairs` from the urlencoded body). Browsers send line breaks as
    /// CR LF; they are read back as the LF they were rendered from.
    pub fn from_post(pairs: &[(String, String)]) -> Self {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.clone(), unify_line_breaks(v)))
            .collect();
        let pairs = pairs.as_slice();
        let one = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let kind = InjectType::parse(&one("type")).unwrap_or(InjectType::News);
        let mut form = Self::from_content(&Content::empty(kind));
        form.original = one("original");
        form.id = one("id").trim().to_owned();
        form.at = one("at").trim().to_owned();
        form.turn = one("turn").trim().to_owned();
        form.priority = one("priority");
        form.notes = one("notes");
        form.expected_action = one("expected_action");
        form.media = pairs
            .iter()
            .filter(|(k, v)| k == "media" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect();
        for field in &mut form.fields {
            field.value = match field.kind {
                "flag" => {
                    if pairs.iter().any(|(k, v)| *k == field.name && v == "true") {
                        "true".into()
                    } else {
                        String::new()
                    }
                }
                _ => one(&field.name),
            };
        }
        form
    }

    /// Reads the form into an inject for `team` (of a scenario in `mode`), keeping content
    /// fields SCIP does not model from `previous`. Records every problem found on the form.
    pub fn read_inject(
        &mut self,
        team: &Team,
        mode: &Mode,
        previous: Option<&Inject>,
    ) -> Option<Inject> {
        let id = match InjectId::new(self.id.clone()) {
            Ok(id) => Some(id),
            Err(e) => {
                self.errors.insert("id".into(), format!("The id {e}."));
                None
            }
        };
        if let Some(id) = &id
            && id.as_str() != self.original
            && team.timeline.iter().any(|i| &i.id == id)
        {
            self.errors.insert(
                "id".into(),
                format!("{id} is already an inject of this team; choose another id."),
            );
        }
        let at_ms = match parse_time(&self.at) {
            Ok(ms) => Some(ms),
            Err(e) => {
                self.errors.insert("at".into(), format!("The time {e}."));
                None
            }
        };
        let turn = match mode.total_turns() {
            None => Some(None),
            Some(total) => match self.turn.parse::<u32>() {
                Ok(t) if (1..=total).contains(&t) => Some(Some(t)),
                _ => {
                    self.errors
                        .insert("turn".into(), format!("Give a turn from 1 to {total}."));
                    None
                }
            },
        };
        let priority = Priority::parse(&self.priority).unwrap_or_default();
        let content = self.content(previous);
        let (Some(id), Some(at_ms), Some(turn), Some(content)) = (id, at_ms, turn, content) else {
            return None;
        };
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Some(Inject {
            id,
            at_ms,
            turn,
            priority,
            content,
            media: keep_media_order(&self.media, previous),
            notes: text(&self.notes),
            expected_action: text(&self.expected_action),
        })
    }

    fn content(&mut self, previous: Option<&Inject>) -> Option<Content> {
        let mut map = match previous {
            Some(p) if p.inject_type() == self.kind => p.content.to_fields(),
            _ => Map::new(),
        };
        for spec in self.kind.fields() {
            map.remove(spec.name);
        }
        map.remove("engagement");
        let mut ok = true;
        for (spec, field) in self.kind.fields().iter().zip(self.fields.iter_mut()) {
            let value = field.value.trim();
            match spec.kind {
                FieldKind::Flag => {
                    map.insert(spec.name.into(), Value::Bool(field.value == "true"));
                }
                FieldKind::Count => {
                    if value.is_empty() {
                        continue;
                    }
                    match value.replace([',', '_', ' '], "").parse::<u64>() {
                        Ok(n) => {
                            map.insert(spec.name.into(), Value::from(n));
                        }
                        Err(_) => {
                            field.error = "Give a whole number of at least 0.".into();
                            ok = false;
                        }
                    }
                }
                _ => {
                    if spec.required && value.is_empty() {
                        field.error = format!("{} is required.", spec.label);
                        ok = false;
                    } else if field.value.chars().count() > spec.max_len {
                        field.error = format!(
                            "{} is {} characters long; the limit is {}.",
                            spec.label,
                            field.value.chars().count(),
                            spec.max_len
                        );
                        ok = false;
                    }
                    if spec.required || !value.is_empty() {
                        map.insert(
                            spec.name.into(),
                            Value::String(field.value.trim_end().to_owned()),
                        );
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        match Content::from_fields(self.kind, map) {
            Ok(c) => Some(c),
            Err(e) => {
                self.general.push(e.to_string());
                None
            }
        }
    }

    /// True when a field or the form has a problem.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
            || !self.general.is_empty()
            || self.fields.iter().any(|f| !f.error.is_empty())
    }

    /// Puts a validator problem beside the field it concerns.
    pub fn place_problem(&mut self, field: Option<&str>, message: String) {
        let key = match field {
            Some(f @ ("at" | "id" | "turn" | "media")) => f.to_owned(),
            Some(f) => format!("c_{f}"),
            None => String::new(),
        };
        if let Some(slot) = self.fields.iter_mut().find(|c| c.name == key) {
            slot.error = message;
        } else if matches!(key.as_str(), "at" | "id" | "turn" | "media") {
            self.errors.insert(key, message);
        } else {
            self.general.push(message);
        }
    }
}

/// Line breaks as LF (`\r\n` and lone `\r` become `\n`).
fn unify_line_breaks(value: &str) -> String {
    if value.contains('\r') {
        value.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        value.to_owned()
    }
}

/// The attached media in the order the inject had them (the picker lists the library's
/// order), newly attached ones after, in the order posted.
fn keep_media_order(posted: &[String], previous: Option<&Inject>) -> Vec<String> {
    let mut media: Vec<String> = previous
        .map(|p| {
            p.media
                .iter()
                .filter(|m| posted.contains(m))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for name in posted {
        if !media.contains(name) {
            media.push(name.clone());
        }
    }
    media
}

fn field_of(spec: &FieldSpec, value: String) -> ContentField {
    let (kind, options) = match spec.kind {
        FieldKind::Line => ("line", Vec::new()),
        FieldKind::Text => ("text", Vec::new()),
        FieldKind::Flag => ("flag", Vec::new()),
        FieldKind::Count => ("count", Vec::new()),
        FieldKind::Choice(choices) => {
            let mut options = vec![SelectOption {
                value: String::new(),
                label: "—".into(),
                selected: value.is_empty(),
            }];
            options.extend(choices.iter().map(|c| SelectOption {
                value: (*c).to_owned(),
                label: (*c).to_owned(),
                selected: *c == value,
            }));
            ("choice", options)
        }
    };
    ContentField {
        name: format!("c_{}", spec.name),
        label: spec.label,
        required: spec.required,
        max: match spec.kind {
            FieldKind::Line | FieldKind::Text => spec.max_len,
            _ => 0,
        },
        kind,
        value,
        options,
        error: String::new(),
    }
}

/// Content values as form strings keyed `c_{field}` (engagement counts flattened).
fn flat_fields(content: &Content) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut put = |k: &str, v: &Value| {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Bool(true) => "true".into(),
            Value::Number(n) => n.to_string(),
            _ => return,
        };
        out.insert(format!("c_{k}"), text);
    };
    for (k, v) in content.to_fields() {
        if k == "engagement" {
            if let Value::Object(counts) = &v {
                for (ck, cv) in counts {
                    put(ck, cv);
                }
            }
        } else {
            put(&k, &v);
        }
    }
    out
}

/// The first free `{prefix}-NNN` id in a team.
pub fn free_inject_id(team: &Team, prefix: &str) -> String {
    let prefix: String = prefix.chars().take(80).collect();
    (team.timeline.len() + 1..)
        .map(|n| format!("{prefix}-{n:03}"))
        .find(|id| !team.timeline.iter().any(|i| i.id.as_str() == id))
        .unwrap_or_else(|| format!("{prefix}-new"))
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
