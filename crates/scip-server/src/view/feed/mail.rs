//! E-mail: the compact card of the All feed, the inbox row and the reading pane.

use askama::Template;

use super::text::{avatar_colour, initials, snippet};
use super::{FeedMeta, MediaRef};
use crate::view::badge::classification_class;

/// An e-mail: a compact card in the All feed; [`MailListItem`] and [`MailReader`] on the
/// E-mail page.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/email.html")]
pub struct EmailCard {
    /// Meta line.
    pub meta: FeedMeta,
    /// Sender, `Name <address>` or an address.
    pub from: String,
    /// Recipients.
    pub to: Option<String>,
    /// Copy recipients.
    pub cc: Option<String>,
    /// Subject.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// Classification marking.
    pub classification: Option<String>,
    /// Attachments.
    pub attachments: Vec<MediaRef>,
}

impl EmailCard {
    /// The sender's name (`Name` of `Name <address>`, else the address).
    pub fn from_name(&self) -> &str {
        match self.from.split_once('<') {
            Some((name, _)) if !name.trim().is_empty() => name.trim().trim_matches('"'),
            _ => self
                .from
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>'),
        }
    }

    /// The sender's address, when the name form is used.
    pub fn from_address(&self) -> Option<&str> {
        let (_, rest) = self.from.split_once('<')?;
        Some(rest.trim_end().trim_end_matches('>'))
    }

    /// Avatar initials of the sender.
    pub fn initials(&self) -> String {
        initials(self.from_name(), 2)
    }

    /// Avatar colour of the sender.
    pub fn avatar_colour(&self) -> &'static str {
        avatar_colour(&self.from)
    }

    /// The first line of the body, for list rows.
    pub fn snippet(&self) -> String {
        snippet(&self.body, 140)
    }

    /// The classification banner class (`classification--secret`).
    pub fn classification_class(&self) -> String {
        classification_class(
            self.classification.as_deref().unwrap_or(""),
            "classification--",
        )
    }
}

/// An e-mail row of the inbox list.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/mail_list_item.html")]
pub struct MailListItem<'a> {
    /// The e-mail.
    pub mail: &'a EmailCard,
    /// Where selecting it goes (the same page with this e-mail open).
    pub href: String,
    /// Currently open in the reading pane.
    pub selected: bool,
}

impl askama::filters::HtmlSafe for MailListItem<'_> {}

/// The reading pane of the E-mail page.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/mail_reader.html")]
pub struct MailReader<'a> {
    /// The e-mail shown.
    pub mail: &'a EmailCard,
}

impl askama::filters::HtmlSafe for MailReader<'_> {}

impl askama::filters::HtmlSafe for EmailCard {}

#[cfg(test)]
mod tests {
    use scip_core::{InjectType, Priority};

    use super::*;

    fn mail(from: &str) -> EmailCard {
        EmailCard {
            meta: FeedMeta {
                dom_id: "d-1".into(),
                time: "T+01:00".into(),
                kind: InjectType::Email,
                priority: Priority::Medium,
                unread: true,
            },
            from: from.into(),
            to: None,
            cc: None,
            subject: "Berth 4 closure".into(),
            body: "Line one.\n\nLine two.".into(),
            classification: Some("secret".into()),
            attachments: vec![],
        }
    }

    #[test]
    fn senders_split_into_name_and_address() {
        let named = mail("\"Harbour Master\" <hm@port-aldine.example>");
        assert_eq!(named.from_name(), "Harbour Master");
        assert_eq!(named.from_address(), Some("hm@port-aldine.example"));
        assert_eq!(named.initials(), "HM");
        let bare = mail("ops@calder.example");
        assert_eq!(bare.from_name(), "ops@calder.example");
        assert_eq!(bare.from_address(), None);
    }

    #[test]
    fn list_rows_and_reader_show_the_same_mail() {
        let m = mail("Harbour Master <hm@port-aldine.example>");
        let row = MailListItem {
            mail: &m,
            href: "?open=d-1".into(),
            selected: true,
        }
        .to_string();
        assert!(row.contains("is-unread is-selected"), "{row}");
        assert!(row.contains("aria-current=\"true\""), "{row}");
        assert!(row.contains("badge--cls-secret"), "{row}");
        let reader = MailReader { mail: &m }.to_string();
        assert!(reader.contains("classification--secret"), "{reader}");
        assert!(reader.contains("Berth 4 closure"), "{reader}");
        assert!(
            reader.contains("&#60;hm@port-aldine.example&#62;")
                || reader.contains("&lt;hm@port-aldine.example&gt;"),
            "{reader}"
        );
    }
}
