//! MSEL columns: their headers, the synonyms planners use, and which content field each
//! column fills for each inject type.

use scip_core::InjectType;

/// A column of the injects sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// Inject id.
    Id,
    /// Team id or name.
    Team,
    /// Turn number.
    Turn,
    /// T+ time.
    Time,
    /// Inject type.
    Type,
    /// Priority.
    Priority,
    /// Sender, outlet, handle or source.
    From,
    /// Recipient (e-mail, SMS).
    To,
    /// Copy recipients (e-mail).
    Cc,
    /// Subject, headline or title.
    Subject,
    /// Body, post, message or caption.
    Body,
    /// Media file names, `;`-separated.
    Media,
    /// What the team is expected to do.
    ExpectedAction,
    /// Controller notes.
    Notes,
    /// Classification marking (e-mail, intel).
    Classification,
    /// Social platform.
    Platform,
    /// Social display name.
    DisplayName,
    /// News by-line.
    Author,
    /// News dateline place.
    Location,
    /// Alert severity.
    Severity,
    /// Intel report reference.
    ReportId,
    /// News "breaking" flag.
    Breaking,
    /// Social likes.
    Likes,
    /// Social shares.
    Shares,
    /// Social replies.
    Replies,
    /// Social views.
    Views,
    /// Other content fields as a JSON object.
    Extra,
}

impl Column {
    /// Every column, in export order.
    pub const ALL: [Column; 27] = [
        Self::Id,
        Self::Team,
        Self::Turn,
        Self::Time,
        Self::Type,
        Self::Priority,
        Self::From,
        Self::To,
        Self::Cc,
        Self::Subject,
        Self::Body,
        Self::Media,
        Self::ExpectedAction,
        Self::Notes,
        Self::Classification,
        Self::Platform,
        Self::DisplayName,
        Self::Author,
        Self::Location,
        Self::Severity,
        Self::ReportId,
        Self::Breaking,
        Self::Likes,
        Self::Shares,
        Self::Replies,
        Self::Views,
        Self::Extra,
    ];

    /// The header SCIP writes.
    pub fn header(self) -> &'static str {
        match self {
            Self::Id => "ID",
            Self::Team => "Team",
            Self::Turn => "Turn",
            Self::Time => "T+",
            Self::Type => "Type",
            Self::Priority => "Priority",
            Self::From => "From",
            Self::To => "To",
            Self::Cc => "Cc",
            Self::Subject => "Subject",
            Self::Body => "Body",
            Self::Media => "Media",
            Self::ExpectedAction => "Expected action",
            Self::Notes => "Notes",
            Self::Classification => "Classification",
            Self::Platform => "Platform",
            Self::DisplayName => "Display name",
            Self::Author => "Author",
            Self::Location => "Location",
            Self::Severity => "Severity",
            Self::ReportId => "Report ID",
            Self::Breaking => "Breaking",
            Self::Likes => "Likes",
            Self::Shares => "Shares",
            Self::Replies => "Replies",
            Self::Views => "Views",
            Self::Extra => "Extra (JSON)",
        }
    }

    /// Other headers read as this column (compared after [`normalize_header`]).
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Self::Id => &[
                "inject id",
                "inject",
                "inject no",
                "inject number",
                "ref",
                "reference",
                "serial",
                "no",
                "#",
            ],
            Self::Team => &[
                "team id",
                "recipient team",
                "to team",
                "audience",
                "player",
                "players",
            ],
            Self::Turn => &["move", "phase", "round"],
            Self::Time => &[
                "time",
                "t+ time",
                "time (t+)",
                "tplus",
                "at",
                "offset",
                "when",
                "inject time",
                "delivery time",
                "scheduled time",
                "exercise time",
            ],
            Self::Type => &[
                "inject type",
                "kind",
                "channel",
                "method",
                "delivery method",
                "medium",
            ],
            Self::Priority => &["urgency", "importance"],
            Self::From => &[
                "source",
                "sender",
                "handle",
                "author handle",
                "outlet",
                "originator",
            ],
            Self::To => &["recipient", "recipients"],
            Self::Cc => &["copy"],
            Self::Subject => &["headline", "title", "heading", "subject/headline"],
            Self::Body => &[
                "message",
                "text",
                "content",
                "details",
                "description",
                "inject text",
                "inject content",
                "post",
                "caption",
            ],
            Self::Media => &[
                "attachments",
                "attachment",
                "files",
                "images",
                "media files",
            ],
            Self::ExpectedAction => &[
                "expected player action",
                "expected response",
                "expected outcome",
                "action",
                "expected actions",
            ],
            Self::Notes => &[
                "controller notes",
                "facilitator notes",
                "comments",
                "remarks",
                "note",
                "controller note",
            ],
            Self::Classification => &["marking", "security classification"],
            Self::Platform => &["network", "social platform"],
            Self::DisplayName => &["author name", "screen name"],
            Self::Author => &["byline"],
            Self::Location => &["dateline", "place"],
            Self::Severity => &["alert level"],
            Self::ReportId => &[
                "report_id",
                "report ref",
                "report reference",
                "report number",
            ],
            Self::Breaking => &["breaking news"],
            Self::Likes => &["reactions"],
            Self::Shares => &["retweets", "reposts"],
            Self::Replies => &["reply count"],
            Self::Views => &["impressions"],
            Self::Extra => &["extra", "extra fields", "extra json", "json"],
        }
    }

    /// The column a header means, if any.
    pub fn from_header(header: &str) -> Option<Self> {
        let wanted = normalize_header(header);
        if wanted.is_empty() {
            return None;
        }
        Self::ALL.into_iter().find(|c| {
            normalize_header(c.header()) == wanted
                || c.synonyms().iter().any(|s| normalize_header(s) == wanted)
        })
    }

    /// The content field this column fills for `kind`, if it fills one.
    pub fn content_field(self, kind: InjectType) -> Option<&'static str> {
        use InjectType as T;
        match (self, kind) {
            (Self::From, T::News | T::Intel) => Some("source"),
            (Self::From, T::Social) => Some("handle"),
            (Self::From, T::Email | T::Sms) => Some("from"),
            (Self::To, T::Email | T::Sms) => Some("to"),
            (Self::Cc, T::Email) => Some("cc"),
            (Self::Subject, T::News | T::Social | T::Intel) => Some("headline"),
            (Self::Subject, T::Email) => Some("subject"),
            (Self::Subject, T::Alert | T::Media) => Some("title"),
            (Self::Body, T::Alert) => Some("message"),
            (Self::Body, T::Media) => Some("caption"),
            (Self::Body, _) => Some("body"),
            (Self::Classification, T::Email | T::Intel) => Some("classification"),
            (Self::Platform, T::Social) => Some("platform"),
            (Self::DisplayName, T::Social) => Some("display_name"),
            (Self::Author, T::News) => Some("author"),
            (Self::Location, T::News) => Some("location"),
            (Self::Severity, T::Alert) => Some("severity"),
            (Self::ReportId, T::Intel) => Some("report_id"),
            (Self::Breaking, T::News) => Some("breaking"),
            (Self::Likes, T::Social) => Some("likes"),
            (Self::Shares, T::Social) => Some("shares"),
            (Self::Replies, T::Social) => Some("replies"),
            (Self::Views, T::Social) => Some("views"),
            _ => None,
        }
    }

    /// The name a value of this column gets when its type has no such field (it is kept as
    /// an extra content field).
    pub fn extra_name(self) -> &'static str {
        match self {
            Self::From => "from",
            Self::To => "to",
            Self::Cc => "cc",
            Self::Subject => "subject",
            Self::Body => "body",
            Self::Classification => "classification",
            Self::Platform => "platform",
            Self::DisplayName => "display_name",
            Self::Author => "author",
            Self::Location => "location",
            Self::Severity => "severity",
            Self::ReportId => "report_id",
            Self::Breaking => "breaking",
            Self::Likes => "likes",
            Self::Shares => "shares",
            Self::Replies => "replies",
            Self::Views => "views",
            _ => "other",
        }
    }

    /// Whether the column holds content (rather than scheduling or notes).
    pub fn is_content(self) -> bool {
        !matches!(
            self,
            Self::Id
                | Self::Team
                | Self::Turn
                | Self::Time
                | Self::Type
                | Self::Priority
                | Self::Media
                | Self::ExpectedAction
                | Self::Notes
                | Self::Extra
        )
    }

    /// The column that holds a field of an inject of `kind` (`at`, `headline`, …), for
    /// locating problems.
    pub fn for_field(field: &str, kind: Option<InjectType>) -> Option<Self> {
        let direct = match field {
            "id" => Some(Self::Id),
            "at" | "time" => Some(Self::Time),
            "turn" => Some(Self::Turn),
            "type" => Some(Self::Type),
            "priority" => Some(Self::Priority),
            "media" => Some(Self::Media),
            "notes" => Some(Self::Notes),
            "expected_action" => Some(Self::ExpectedAction),
            "content" => Some(Self::Extra),
            _ => None,
        };
        direct.or_else(|| {
            let kind = kind?;
            Self::ALL
                .into_iter()
                .find(|c| c.content_field(kind) == Some(field))
        })
    }
}

/// A header reduced for comparison: lowercase letters, digits, `+` and `#` only, so that
/// `Expected action`, `expected_action` and `EXPECTED-ACTION` are the same.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '+' | '#'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_synonyms_are_matched_case_insensitively() {
        assert_eq!(Column::from_header("T+"), Some(Column::Time));
        assert_eq!(Column::from_header(" time "), Some(Column::Time));
        assert_eq!(Column::from_header("Time (T+)"), Some(Column::Time));
        assert_eq!(Column::from_header("SENDER"), Some(Column::From));
        assert_eq!(Column::from_header("Source"), Some(Column::From));
        assert_eq!(Column::from_header("Headline"), Some(Column::Subject));
        assert_eq!(
            Column::from_header("expected_action"),
            Some(Column::ExpectedAction)
        );
        assert_eq!(Column::from_header("Controller Notes"), Some(Column::Notes));
        assert_eq!(Column::from_header("Notes"), Some(Column::Notes));
        assert_eq!(Column::from_header("Report ID"), Some(Column::ReportId));
        assert_eq!(Column::from_header("Extra (JSON)"), Some(Column::Extra));
        assert_eq!(Column::from_header("Weather"), None);
        assert_eq!(Column::from_header(""), None);
    }

    #[test]
    fn no_two_columns_share_a_header() {
        let mut seen = std::collections::HashMap::new();
        for c in Column::ALL {
            for h in std::iter::once(c.header()).chain(c.synonyms().iter().copied()) {
                if let Some(other) = seen.insert(normalize_header(h), c)
                    && other != c
                {
                    panic!("{h:?} means both {other:?} and {c:?}");
                }
            }
        }
    }

    #[test]
    fn every_modelled_content_field_has_a_column() {
        for kind in InjectType::ALL {
            for spec in kind.fields() {
                assert!(
                    Column::for_field(spec.name, Some(kind)).is_some(),
                    "{kind} {}",
                    spec.name
                );
            }
        }
    }
}
