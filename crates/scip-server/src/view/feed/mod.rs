//! Team dashboard feed cards, one per inject type, each looking like its medium: a news
//! article, a social post, an e-mail, a text message, an intelligence report, an alert, a
//! media item. Every card is a component: build it from a delivery's content and write
//! `{{ card }}` in a template, or `card.render()` for an SSE fragment.
//!
//! - [`cards`]: news, social, intelligence, alert and media cards.
//! - [`mail`]: the e-mail card, inbox row and reading pane.
//! - [`sms`]: the text-message card and conversation bubbles.
//! - [`wall`]: news-wall items and the breaking-news pop-up.
//! - [`text`]: small text helpers (engagement counts, initials, snippets, avatar colours).

use std::fmt;

use askama::Template;
use scip_core::{InjectType, Priority};

use super::badge::Badge;

mod cards;
mod mail;
mod sms;
mod text;
mod wall;

pub use cards::{AlertCard, AlertSeverity, IntelCard, MediaCard, NewsCard, SocialCard};
pub use mail::{EmailCard, MailListItem, MailReader};
pub use sms::{SmsBubble, SmsCard};
pub use text::compact_count;
pub use wall::{BreakingBanner, WallItem};

/// The line above every card: type, T+ time, priority, unread mark. Also the card's DOM id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedMeta {
    /// Unique per delivery (`d-42`), so a live update replaces rather than duplicates a card.
    pub dom_id: String,
    /// Delivery time, `T+MM:SS`.
    pub time: String,
    /// Inject type.
    pub kind: InjectType,
    /// Priority; high and urgent are shown.
    pub priority: Priority,
    /// Not yet read by this team.
    pub unread: bool,
}

impl FeedMeta {
    /// The type badge.
    pub fn type_badge(&self) -> Badge {
        Badge::inject_type(self.kind)
    }

    /// A priority badge for high and urgent items; nothing for the others.
    pub fn priority_badge(&self) -> Option<Badge> {
        matches!(self.priority, Priority::High | Priority::Urgent)
            .then(|| Badge::priority(self.priority))
    }

    /// True for urgent items, which get a red frame.
    pub fn is_urgent(&self) -> bool {
        self.priority == Priority::Urgent
    }
}

/// What kind of file a media reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// Shown inline, opens full size.
    Image,
    /// Played inline with controls.
    Video,
    /// Offered as an attachment.
    Document,
}

/// A media file attached to an inject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRef {
    /// Where the file is served.
    pub url: String,
    /// Image, video or document.
    pub kind: MediaKind,
    /// File name.
    pub name: String,
    /// Alternative text (images) or title.
    pub alt: String,
    /// Human-readable size (`2.4 MB`).
    pub size: Option<String>,
}

impl MediaRef {
    /// True for images.
    pub fn is_image(&self) -> bool {
        self.kind == MediaKind::Image
    }

    /// True for videos.
    pub fn is_video(&self) -> bool {
        self.kind == MediaKind::Video
    }
}

/// Any feed card; renders as the card of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCard {
    /// News article.
    News(NewsCard),
    /// Social post.
    Social(SocialCard),
    /// E-mail.
    Email(EmailCard),
    /// Text message.
    Sms(SmsCard),
    /// Intelligence report.
    Intel(IntelCard),
    /// Alert.
    Alert(AlertCard),
    /// Media item.
    Media(MediaCard),
}

impl FeedCard {
    /// The card's meta line.
    pub fn meta(&self) -> &FeedMeta {
        match self {
            Self::News(c) => &c.meta,
            Self::Social(c) => &c.meta,
            Self::Email(c) => &c.meta,
            Self::Sms(c) => &c.meta,
            Self::Intel(c) => &c.meta,
            Self::Alert(c) => &c.meta,
            Self::Media(c) => &c.meta,
        }
    }

    /// The card as an HTML fragment (for SSE updates).
    pub fn render(&self) -> askama::Result<String> {
        match self {
            Self::News(c) => c.render(),
            Self::Social(c) => c.render(),
            Self::Email(c) => c.render(),
            Self::Sms(c) => c.render(),
            Self::Intel(c) => c.render(),
            Self::Alert(c) => c.render(),
            Self::Media(c) => c.render(),
        }
    }
}

impl fmt::Display for FeedCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::News(c) => c.fmt(f),
            Self::Social(c) => c.fmt(f),
            Self::Email(c) => c.fmt(f),
            Self::Sms(c) => c.fmt(f),
            Self::Intel(c) => c.fmt(f),
            Self::Alert(c) => c.fmt(f),
            Self::Media(c) => c.fmt(f),
        }
    }
}

impl askama::filters::HtmlSafe for FeedCard {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_escape_everything_they_are_given() {
        let card = FeedCard::News(NewsCard {
            meta: FeedMeta {
                dom_id: "d-1".into(),
                time: "T+01:00".into(),
                kind: InjectType::News,
                priority: Priority::Medium,
                unread: true,
            },
            headline: "<script>alert(1)</script>".into(),
            body: "<img src=x onerror=alert(1)>".into(),
            source: "\"><b>".into(),
            author: None,
            location: None,
            image: None,
            breaking: false,
            feature: false,
        });
        let html = card.render().unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("\"><b>"), "{html}");
        assert!(html.contains("id=\"d-1\""), "{html}");
        assert!(html.contains("is-unread"), "{html}");
        assert_eq!(card.to_string(), html);
    }
}
