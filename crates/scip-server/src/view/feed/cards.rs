//! The news, social, intelligence, alert and media cards.

use askama::Template;

use super::text::{avatar_colour, capitalise, compact_count, initials};
use super::{FeedMeta, MediaRef};
use crate::view::badge::classification_class;

/// A news article.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/news.html")]
pub struct NewsCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Headline.
    pub headline: String,
    /// Article text; blank lines separate paragraphs.
    pub body: String,
    /// Outlet.
    pub source: String,
    /// Byline.
    pub author: Option<String>,
    /// Dateline.
    pub location: Option<String>,
    /// Lead image.
    pub image: Option<MediaRef>,
    /// Marked as breaking news.
    pub breaking: bool,
    /// Large layout with the image across the top.
    pub feature: bool,
}

/// A social-media post.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/social.html")]
pub struct SocialCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// `twitter`, `facebook`, `instagram`, `telegram`, `forum`, `other`.
    pub platform: Option<String>,
    /// Author handle, without or with `@`.
    pub handle: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Post text.
    pub body: String,
    /// Attached image.
    pub image: Option<MediaRef>,
    /// Reply count.
    pub replies: Option<u64>,
    /// Share/repost count.
    pub shares: Option<u64>,
    /// Like count.
    pub likes: Option<u64>,
    /// View count.
    pub views: Option<u64>,
}

impl SocialCard {
    /// `@handle`.
    pub fn at_handle(&self) -> String {
        if self.handle.starts_with('@') {
            self.handle.clone()
        } else {
            format!("@{}", self.handle)
        }
    }

    /// Display name, or the handle when there is none.
    pub fn name(&self) -> &str {
        self.display_name
            .as_deref()
            .unwrap_or_else(|| self.handle.trim_start_matches('@'))
    }

    /// The avatar letter.
    pub fn initial(&self) -> String {
        initials(self.name(), 1)
    }

    /// A calm avatar colour chosen from the handle, stable across renders.
    pub fn avatar_colour(&self) -> &'static str {
        avatar_colour(&self.handle)
    }

    /// `post__platform--twitter` and so on (`--other` for unknown platforms).
    pub fn platform_class(&self) -> &'static str {
        match self
            .platform
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("twitter") | Some("x") => "post__platform--twitter",
            Some("facebook") => "post__platform--facebook",
            Some("instagram") => "post__platform--instagram",
            Some("telegram") => "post__platform--telegram",
            Some("forum") => "post__platform--forum",
            _ => "post__platform--other",
        }
    }

    /// Platform name for people.
    pub fn platform_label(&self) -> String {
        match self
            .platform
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("twitter") | Some("x") => "X / Twitter".into(),
            Some("facebook") => "Facebook".into(),
            Some("instagram") => "Instagram".into(),
            Some("telegram") => "Telegram".into(),
            Some("forum") => "Forum".into(),
            Some(other) if !other.is_empty() && other != "other" => capitalise(other),
            _ => "Social".into(),
        }
    }

    /// True when at least one engagement count is known.
    pub fn has_stats(&self) -> bool {
        !self.stats().is_empty()
    }

    /// The known engagement counts as `(icon, label, value)`, in the order platforms show them.
    pub fn stats(&self) -> Vec<(&'static str, &'static str, String)> {
        [
            ("reply", "Replies", self.replies),
            ("repost", "Shares", self.shares),
            ("heart", "Likes", self.likes),
            ("eye", "Views", self.views),
        ]
        .into_iter()
        .filter_map(|(icon, label, n)| n.map(|n| (icon, label, compact_count(n))))
        .collect()
    }
}

/// An intelligence report with classification banners.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/intel.html")]
pub struct IntelCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Title.
    pub headline: String,
    /// Report text.
    pub body: String,
    /// Source description.
    pub source: Option<String>,
    /// Classification marking.
    pub classification: Option<String>,
    /// Report reference.
    pub report_id: Option<String>,
}

impl IntelCard {
    /// The marking shown in the banners (`UNCLASSIFIED` when none is given).
    pub fn marking(&self) -> String {
        self.classification
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "UNCLASSIFIED".into())
    }

    /// The banner class (`classification--secret`).
    pub fn classification_class(&self) -> String {
        classification_class(&self.marking(), "classification--")
    }
}

/// Alert severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertSeverity {
    /// For information.
    Info,
    /// Needs attention.
    Warning,
    /// Needs action now.
    Critical,
}

impl AlertSeverity {
    /// Reads `info`, `warning`, `critical` (anything else is `info`).
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "warning" => Self::Warning,
            "critical" => Self::Critical,
            _ => Self::Info,
        }
    }

    /// Lowercase name, the CSS modifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }

    /// Sprite icon.
    pub fn icon(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "alert-triangle",
            Self::Critical => "alert-circle",
        }
    }
}

/// A system or situation alert.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/alert.html")]
pub struct AlertCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Severity.
    pub severity: AlertSeverity,
    /// Title.
    pub title: String,
    /// Message text.
    pub message: String,
}

/// A media item: image, video or document with a title and caption.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/media.html")]
pub struct MediaCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Title.
    pub title: String,
    /// Caption.
    pub caption: Option<String>,
    /// The file.
    pub media: MediaRef,
}

impl askama::filters::HtmlSafe for NewsCard {}
impl askama::filters::HtmlSafe for SocialCard {}
impl askama::filters::HtmlSafe for IntelCard {}
impl askama::filters::HtmlSafe for AlertCard {}
impl askama::filters::HtmlSafe for MediaCard {}

#[cfg(test)]
mod tests {
    use scip_core::{InjectType, Priority};

    use super::*;

    fn meta(kind: InjectType) -> FeedMeta {
        FeedMeta {
            dom_id: "d-1".into(),
            time: "T+01:00".into(),
            kind,
            priority: Priority::Urgent,
            unread: false,
        }
    }

    #[test]
    fn social_cards_fill_in_names_platforms_and_counts() {
        let post = SocialCard {
            meta: meta(InjectType::Social),
            platform: Some("telegram".into()),
            handle: "harbourwatch".into(),
            display_name: None,
            body: "b".into(),
            image: None,
            replies: None,
            shares: Some(1_250),
            likes: Some(3),
            views: None,
        };
        assert_eq!(post.at_handle(), "@harbourwatch");
        assert_eq!(post.name(), "harbourwatch");
        assert_eq!(post.initial(), "H");
        assert_eq!(post.platform_class(), "post__platform--telegram");
        assert_eq!(post.platform_label(), "Telegram");
        let stats = post.stats();
        assert_eq!(stats.len(), 2);
        assert_eq!(stats[0], ("repost", "Shares", "1.3K".to_string()));
        let html = post.to_string();
        assert!(html.contains("feed-item--urgent"), "{html}");
        assert!(html.contains("badge--prio-urgent"), "{html}");
    }

    #[test]
    fn intel_without_marking_reads_unclassified() {
        let report = IntelCard {
            meta: meta(InjectType::Intel),
            headline: "h".into(),
            body: "b".into(),
            source: None,
            classification: None,
            report_id: None,
        };
        assert_eq!(report.marking(), "UNCLASSIFIED");
        assert_eq!(
            report.classification_class(),
            "classification--unclassified"
        );
        let html = report.to_string();
        assert_eq!(
            html.matches("classification--unclassified").count(),
            2,
            "{html}"
        );
    }

    #[test]
    fn alerts_read_their_severity() {
        assert_eq!(AlertSeverity::parse("CRITICAL"), AlertSeverity::Critical);
        assert_eq!(AlertSeverity::parse("whatever"), AlertSeverity::Info);
    }
}
