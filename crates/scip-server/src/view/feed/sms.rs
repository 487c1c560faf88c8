//! Text messages: a phone-notification card for the All feed and conversation bubbles for the
//! SMS page.

use askama::Template;

use super::FeedMeta;

/// A text message shown as a phone notification in the All feed.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/sms.html")]
pub struct SmsCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Sender name or number.
    pub from: String,
    /// Sender number, when `from` is a name.
    pub number: Option<String>,
    /// Recipient.
    pub to: Option<String>,
    /// Message text.
    pub body: String,
}

/// One bubble of an SMS conversation on the SMS page.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/bubble.html")]
pub struct SmsBubble {
    /// Unique per delivery.
    pub dom_id: String,
    /// Message text.
    pub body: String,
    /// Delivery time, `T+MM:SS`.
    pub time: String,
    /// Sent by the conversation's other side (`false`, left) or by the number the team
    /// watches (`true`, right).
    pub outgoing: bool,
    /// Not yet read.
    pub unread: bool,
}

impl askama::filters::HtmlSafe for SmsBubble {}

impl askama::filters::HtmlSafe for SmsCard {}
