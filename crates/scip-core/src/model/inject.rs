//! Injects: one scheduled message to one team, with typed content per inject type.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::InjectId;

/// Extra content fields this version does not model; kept so that nothing imported is lost.
pub type ExtraFields = BTreeMap<String, serde_json::Value>;

/// How pressing an inject is. Urgent injects pop up as a banner on team dashboards.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Background information.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Needs attention soon.
    High,
    /// Needs attention now.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Self::Low, Self::Medium, Self::High, Self::Urgent];

    /// The lowercase name used in files and payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// Reads a priority name (case-insensitive; `none` and `normal` read as medium).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "low" => Some(Self::Low),
            "medium" | "normal" | "none" | "" => Some(Self::Medium),
            "high" => Some(Self::High),
            "urgent" | "critical" => Some(Self::Urgent),
            _ => None,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The canonical inject types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InjectType {
    /// A news article.
    News,
    /// A social-media post.
    Social,
    /// An e-mail.
    Email,
    /// A text message.
    Sms,
    /// An intelligence report.
    Intel,
    /// A system or situation alert.
    Alert,
    /// A media item: image, video or document.
    Media,
}

impl InjectType {
    /// Every type, in the order pages list them.
    pub const ALL: [InjectType; 7] = [
        Self::News,
        Self::Social,
        Self::Email,
        Self::Sms,
        Self::Intel,
        Self::Alert,
        Self::Media,
    ];

    /// The canonical lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::News => "news",
            Self::Social => "social",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Intel => "intel",
            Self::Alert => "alert",
            Self::Media => "media",
        }
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::News => "News",
            Self::Social => "Social",
            Self::Email => "E-mail",
            Self::Sms => "SMS",
            Self::Intel => "Intel",
            Self::Alert => "Alert",
            Self::Media => "Media",
        }
    }

    /// Reads a type name, mapping the synonyms found in older data
    /// (`intelligence`, `intel_report` → intel; `social_media` → social; `e-mail` → email;
    /// `text` → sms; `video`, `document`, `image` → media).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "news" => Some(Self::News),
            "social" | "social_media" | "social-media" => Some(Self::Social),
            "email" | "e-mail" | "mail" => Some(Self::Email),
            "sms" | "text" => Some(Self::Sms),
            "intel" | "intelligence" | "intel_report" | "intel-report" => Some(Self::Intel),
            "alert" => Some(Self::Alert),
            "media" | "video" | "document" | "image" => Some(Self::Media),
            _ => None,
        }
    }

    /// The content fields of this type, with whether each is required and its length limit.
    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Self::News => NEWS_FIELDS,
            Self::Social => SOCIAL_FIELDS,
            Self::Email => EMAIL_FIELDS,
            Self::Sms => SMS_FIELDS,
            Self::Intel => INTEL_FIELDS,
            Self::Alert => ALERT_FIELDS,
            Self::Media => MEDIA_FIELDS,
        }
    }
}

impl fmt::Display for InjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of value a content field holds, for forms and validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Line,
    /// Several paragraphs.
    Text,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
    /// Yes or no.
    Flag,
    /// A whole number.
    Count,
}

/// One content field of an inject type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Field name in files and payloads.
    pub name: &'static str,
    /// Label for people.
    pub label: &'static str,
    /// Must be present and non-empty.
    pub required: bool,
    /// Longest accepted value, in characters (text fields).
    pub max_len: usize,
    /// The kind of value.
    pub kind: FieldKind,
}

const fn line(
    name: &'static str,
    label: &'static str,
    required: bool,
    max_len: usize,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        required,
        max_len,
        kind: FieldKind::Line,
    }
}
const fn text(
    name: &'static str,
    label: &'static str,
    required: bool,
    max_len: usize,
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        required,
        max_len,
        kind: FieldKind::Text,
    }
}
const fn choice(
    name: &'static str,
    label: &'static str,
    options: &'static [&'static str],
) -> FieldSpec {
    FieldSpec {
        name,
        label,
        required: false,
        max_len: 32,
        kind: FieldKind::Choice(options),
    }
}

/// Classification markings, lowest first.
pub const CLASSIFICATIONS: &[&str] = &[
    "UNCLASSIFIED",
    "OFFICIAL",
    "CONFIDENTIAL",
    "SECRET",
    "TOP SECRET",
];
/// Social platforms the dashboards style.
pub const PLATFORMS: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "telegram",
    "forum",
    "other",
];
/// Alert severities.
pub const SEVERITIES: &[&str] = &["info", "warning", "critical"];

/// Longest headline, subject or title.
pub const HEADLINE_MAX: usize = 200;
/// Longest article, e-mail or report body.
pub const BODY_MAX: usize = 10_000;

const NEWS_FIELDS: &[FieldSpec] = &[
    line("headline", "Headline", true, HEADLINE_MAX),
    text("body", "Body", true, BODY_MAX),
    line("source", "Source (outlet)", true, 100),
    line("author", "Author", false, 100),
    line("location", "Location", false, 100),
    FieldSpec {
        name: "breaking",
        label: "Breaking",
        required: false,
        max_len: 5,
        kind: FieldKind::Flag,
    },
];
const SOCIAL_FIELDS: &[FieldSpec] = &[
    choice("platform", "Platform", PLATFORMS),
    line("handle", "Author handle", true, 100),
    line("display_name", "Display name", false, 100),
    text("body", "Post", true, 2_000),
    line("headline", "Headline", false, HEADLINE_MAX),
    FieldSpec {
        name: "likes",
        label: "Likes",
        required: false,
        max_len: 12,
        kind: FieldKind::Count,
    },
    FieldSpec {
        name: "shares",
        label: "Shares",
        required: false,
        max_len: 12,
        kind: FieldKind::Count,
    },
    FieldSpec {
        name: "replies",
        label: "Replies",
        required: false,
        max_len: 12,
        kind: FieldKind::Count,
    },
    FieldSpec {
        name: "views",
        label: "Views",
        required: false,
        max_len: 12,
        kind: FieldKind::Count,
    },
];
const EMAIL_FIELDS: &[FieldSpec] = &[
    line("from", "From", true, 200),
    line("to", "To", false, 500),
    line("cc", "Cc", false, 500),
    line("subject", "Subject", true, HEADLINE_MAX),
    text("body", "Body", true, BODY_MAX),
    choice("classification", "Classification", CLASSIFICATIONS),
];
const SMS_FIELDS: &[FieldSpec] = &[
    line("from", "From", true, 100),
    line("to", "To", false, 100),
    text("body", "Message", true, 1_000),
];
const INTEL_FIELDS: &[FieldSpec] = &[
    line("headline", "Headline", true, HEADLINE_MAX),
    text("body", "Report", true, BODY_MAX),
    line("source", "Source", false, 100),
    choice("classification", "Classification", CLASSIFICATIONS),
    line("report_id", "Report id", false, 64),
];
const ALERT_FIELDS: &[FieldSpec] = &[
    choice("severity", "Severity", SEVERITIES),
    line("title", "Title", true, HEADLINE_MAX),
    text("message", "Message", true, 2_000),
];
const MEDIA_FIELDS: &[FieldSpec] = &[
    line("title", "Title", true, HEADLINE_MAX),
    text("caption", "Caption", false, 2_000),
];

/// A news article.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct News {
    /// Headline (required).
    pub headline: String,
    /// Article text (required).
    pub body: String,
    /// The outlet (required).
    pub source: String,
    /// By-line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Dateline place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Shown with a "breaking" label.
    #[serde(default, skip_serializing_if = "is_false")]
    pub breaking: bool,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Likes, shares and the like on a social post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Engagement {
    /// Likes or reactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes: Option<u64>,
    /// Shares, reposts or retweets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares: Option<u64>,
    /// Replies or comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies: Option<u64>,
    /// Views.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<u64>,
}

impl Engagement {
    /// True when no count is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A social-media post.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Social {
    /// `twitter`, `facebook`, … (see [`PLATFORMS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The author's handle or page name (required).
    pub handle: String,
    /// The author's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Post text (required).
    pub body: String,
    /// A short headline some feeds show above the post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Engagement counts.
    #[serde(default, skip_serializing_if = "Engagement::is_empty")]
    pub engagement: Engagement,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// An e-mail.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Email {
    /// Sender (required).
    pub from: String,
    /// Recipients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Copy recipients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<String>,
    /// Subject (required).
    pub subject: String,
    /// Message (required).
    pub body: String,
    /// Classification marking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A text message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sms {
    /// Sender (required).
    pub from: String,
    /// Recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Message (required).
    pub body: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// An intelligence report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Intel {
    /// Headline (required).
    pub headline: String,
    /// Report text (required).
    pub body: String,
    /// Originating source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Classification marking (see [`CLASSIFICATIONS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// Report reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A system or situation alert.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Alert {
    /// `info`, `warning` or `critical`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Title (required).
    pub title: String,
    /// Message (required).
    pub message: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// A media item; the files themselves are in the inject's `media` list.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MediaItem {
    /// Title (required).
    pub title: String,
    /// Caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Typed inject content; the variant is the inject's type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "content", rename_all = "lowercase")]
pub enum Content {
    /// A news article.
    News(News),
    /// A social-media post.
    Social(Social),
    /// An e-mail.
    Email(Email),
    /// A text message.
    Sms(Sms),
    /// An intelligence report.
    Intel(Intel),
    /// An alert.
    Alert(Alert),
    /// A media item.
    Media(MediaItem),
}

impl Content {
    /// The inject type of this content.
    pub fn inject_type(&self) -> InjectType {
        match self {
            Self::News(_) => InjectType::News,
            Self::Social(_) => InjectType::Social,
            Self::Email(_) => InjectType::Email,
            Self::Sms(_) => InjectType::Sms,
            Self::Intel(_) => InjectType::Intel,
            Self::Alert(_) => InjectType::Alert,
            Self::Media(_) => InjectType::Media,
        }
    }

    /// Empty content of a type, for forms.
    pub fn empty(kind: InjectType) -> Self {
        match kind {
            InjectType::News => Self::News(News::default()),
            InjectType::Social => Self::Social(Social::default()),
            InjectType::Email => Self::Email(Email::default()),
            InjectType::Sms => Self::Sms(Sms::default()),
            InjectType::Intel => Self::Intel(Intel::default()),
            InjectType::Alert => Self::Alert(Alert::default()),
            InjectType::Media => Self::Media(MediaItem::default()),
        }
    }

    /// The line that best names this inject in lists (headline, subject, title, or the body's
    /// start).
    pub fn title(&self) -> &str {
        match self {
            Self::News(c) => &c.headline,
            Self::Social(c) => c.headline.as_deref().unwrap_or(&c.body),
            Self::Email(c) => &c.subject,
            Self::Sms(c) => &c.body,
            Self::Intel(c) => &c.headline,
            Self::Alert(c) => &c.title,
            Self::Media(c) => &c.title,
        }
    }

    /// Who it comes from: outlet, handle, sender or source.
    pub fn sender(&self) -> Option<&str> {
        match self {
            Self::News(c) => Some(&c.source),
            Self::Social(c) => Some(&c.handle),
            Self::Email(c) => Some(&c.from),
            Self::Sms(c) => Some(&c.from),
            Self::Intel(c) => c.source.as_deref(),
            Self::Alert(_) | Self::Media(_) => None,
        }
    }

    /// The main text.
    pub fn body(&self) -> &str {
        match self {
            Self::News(c) => &c.body,
            Self::Social(c) => &c.body,
            Self::Email(c) => &c.body,
            Self::Sms(c) => &c.body,
            Self::Intel(c) => &c.body,
            Self::Alert(c) => &c.message,
            Self::Media(c) => c.caption.as_deref().unwrap_or(""),
        }
    }

    /// The content as a JSON object of its fields (the `content` of payloads and files).
    pub fn to_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        let value = match self {
            Self::News(c) => serde_json::to_value(c),
            Self::Social(c) => serde_json::to_value(c),
            Self::Email(c) => serde_json::to_value(c),
            Self::Sms(c) => serde_json::to_value(c),
            Self::Intel(c) => serde_json::to_value(c),
            Self::Alert(c) => serde_json::to_value(c),
            Self::Media(c) => serde_json::to_value(c),
        };
        match value {
            Ok(serde_json::Value::Object(map)) => map,
            // Every content struct serialises to an object; nothing else can come out.
            _ => serde_json::Map::new(),
        }
    }

    /// Builds content of `kind` from a JSON object of fields, as found in files. Missing
    /// required fields become empty strings (validation reports them); a field of the wrong
    /// JSON type is an error naming the field.
    pub fn from_fields(
        kind: InjectType,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Self, ContentError> {
        let mut fields = fields;
        for spec in kind.fields() {
            if spec.required && !fields.contains_key(spec.name) {
                fields.insert(
                    spec.name.to_owned(),
                    serde_json::Value::String(String::new()),
                );
            }
        }
        if kind == InjectType::Social {
            let mut engagement = serde_json::Map::new();
            for key in ["likes", "shares", "replies", "views"] {
                if let Some(v) = fields.remove(key) {
                    engagement.insert(key.to_owned(), v);
                }
            }
            if !engagement.is_empty() && !fields.contains_key("engagement") {
                fields.insert("engagement".into(), serde_json::Value::Object(engagement));
            }
        }
        check_field_types(kind, &fields)?;
        let value = serde_json::Value::Object(fields);
        let parsed = match kind {
            InjectType::News => serde_json::from_value(value).map(Self::News),
            InjectType::Social => serde_json::from_value(value).map(Self::Social),
            InjectType::Email => serde_json::from_value(value).map(Self::Email),
            InjectType::Sms => serde_json::from_value(value).map(Self::Sms),
            InjectType::Intel => serde_json::from_value(value).map(Self::Intel),
            InjectType::Alert => serde_json::from_value(value).map(Self::Alert),
            InjectType::Media => serde_json::from_value(value).map(Self::Media),
        };
        parsed.map_err(|e| ContentError {
            kind,
            reason: e.to_string(),
        })
    }
}

/// Checks the JSON type of every modelled field so that a wrong one is reported by name
/// (serde's own message does not say which field it was reading).
fn check_field_types(
    kind: InjectType,
    fields: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ContentError> {
    use serde_json::Value;
    let wrong = |name: &str, expected: &str, found: &Value| ContentError {
        kind,
        reason: format!(
            "field {name} must be {expected}, not {}",
            describe_json(found)
        ),
    };
    for spec in kind.fields() {
        let value = match spec.kind {
            FieldKind::Count => fields.get("engagement").and_then(|e| e.get(spec.name)),
            _ => fields.get(spec.name),
        };
        let Some(value) = value else { continue };
        match (spec.kind, value) {
            (_, Value::Null) if !spec.required => {}
            (FieldKind::Line | FieldKind::Text | FieldKind::Choice(_), Value::String(_)) => {}
            (FieldKind::Line | FieldKind::Text | FieldKind::Choice(_), other) => {
                return Err(wrong(spec.name, "text", other));
            }
            (FieldKind::Flag, Value::Bool(_)) => {}
            (FieldKind::Flag, other) => return Err(wrong(spec.name, "true or false", other)),
            (FieldKind::Count, Value::Number(n)) if n.is_u64() => {}
            (FieldKind::Count, other) => {
                return Err(wrong(spec.name, "a whole number of at least 0", other));
            }
        }
    }
    if kind == InjectType::Social
        && let Some(other) = fields.get("engagement").filter(|e| !e.is_object())
    {
        return Err(wrong("engagement", "an object of counts", other));
    }
    Ok(())
}

/// A JSON value described for people: `the number 5`, `a list`, …
pub fn describe_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => {
            let short: String = s.chars().take(40).collect();
            format!("the text {short:?}…")
        }
        Value::String(s) => format!("the text {s:?}"),
        Value::Array(_) => "a list".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Content fields that could not be read for a type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} content: {reason}")]
pub struct ContentError {
    /// The inject type being read.
    pub kind: InjectType,
    /// What was wrong, naming the field.
    pub reason: String,
}

/// One inject of a team's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    /// Unique within the team.
    pub id: InjectId,
    /// Offset from T+0 (clock mode) or from the start of its turn (turn mode), in ms.
    pub at_ms: u64,
    /// The turn it belongs to (turn mode).
    pub turn: Option<u32>,
    /// How pressing it is.
    pub priority: Priority,
    /// Typed content; gives the inject's type.
    pub content: Content,
    /// Media file names from the scenario's media library.
    pub media: Vec<String>,
    /// Notes for facilitators; never shown to players.
    pub notes: Option<String>,
    /// What the team is expected to do; never shown to players.
    pub expected_action: Option<String>,
}

impl Inject {
    /// The inject's type.
    pub fn inject_type(&self) -> InjectType {
        self.content.inject_type()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn type_synonyms_map_to_canonical_types() {
        assert_eq!(InjectType::parse("intelligence"), Some(InjectType::Intel));
        assert_eq!(InjectType::parse("intel_report"), Some(InjectType::Intel));
        assert_eq!(InjectType::parse("social_media"), Some(InjectType::Social));
        assert_eq!(InjectType::parse("Video"), Some(InjectType::Media));
        assert_eq!(InjectType::parse("trigger"), None);
    }

    #[test]
    fn content_keeps_unknown_fields() {
        let fields = json!({"headline": "H", "body": "B", "source": "S", "dalle_prompt": "x"});
        let serde_json::Value::Object(map) = fields.clone() else {
            unreachable!()
        };
        let content = Content::from_fields(InjectType::News, map).unwrap();
        assert_eq!(serde_json::Value::Object(content.to_fields()), fields);
    }

    #[test]
    fn missing_required_fields_become_empty_for_validation_to_report() {
        let content = Content::from_fields(InjectType::Sms, serde_json::Map::new()).unwrap();
        assert_eq!(content, Content::Sms(Sms::default()));
    }

    #[test]
    fn wrong_field_type_is_an_error_naming_the_type() {
        let serde_json::Value::Object(map) = json!({"from": 5, "body": "x"}) else {
            unreachable!()
        };
        let err = Content::from_fields(InjectType::Sms, map).unwrap_err();
        assert!(err.to_string().starts_with("sms content:"), "{err}");
    }

    #[test]
    fn wrong_field_type_names_the_field() {
        let serde_json::Value::Object(map) = json!({"headline": 5, "body": "b", "source": "s"})
        else {
            unreachable!()
        };
        let err = Content::from_fields(InjectType::News, map).unwrap_err();
        assert_eq!(
            err.to_string(),
            "news content: field headline must be text, not the number 5"
        );
        let serde_json::Value::Object(map) =
            json!({"handle": "@a", "body": "b", "engagement": {"likes": -1}})
        else {
            unreachable!()
        };
        let err = Content::from_fields(InjectType::Social, map).unwrap_err();
        assert!(
            err.to_string()
                .contains("field likes must be a whole number"),
            "{err}"
        );
    }

    #[test]
    fn flat_engagement_counts_are_gathered() {
        let serde_json::Value::Object(map) =
            json!({"handle": "@a", "body": "b", "likes": 12, "views": 900})
        else {
            unreachable!()
        };
        let Content::Social(s) = Content::from_fields(InjectType::Social, map).unwrap() else {
            panic!("not social")
        };
        assert_eq!(s.engagement.likes, Some(12));
        assert_eq!(s.engagement.views, Some(900));
    }
}
