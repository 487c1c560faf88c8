//! A delivery as the dashboard pages show it: the design system's feed components built from
//! the delivery payload, with media links pointing at this dashboard's `/media/…`.

use scip_bus::payload::DeliveryPayload;
use scip_core::{Content, InjectType, Priority, format_tplus};

use super::feed::FragmentKind;
use crate::view::feed::{
    AlertCard, AlertSeverity, BreakingBanner, EmailCard, IntelCard, MailListItem, MailReader,
    MediaCard, NewsCard, SmsBubble, SmsCard, SocialCard, WallItem,
};
use crate::view::{FeedCard, FeedMeta, MediaKind, MediaRef};

/// The element id of a delivery's card, row or bubble: `d-{seq}`.
pub fn dom_id(delivery: &DeliveryPayload) -> String {
    format!("d-{}", delivery.seq)
}

/// When the delivery fired, `T+MM:SS`.
pub fn fired_at(delivery: &DeliveryPayload) -> String {
    format_tplus(delivery.delivered_at.saturating_mul(1000))
}

/// The file name in a published media URL (`/api/v2/media/port.png` → `port.png`).
pub fn media_name(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

/// The media files of a delivery, served by this dashboard.
pub fn media_refs(delivery: &DeliveryPayload, alt: &str) -> Vec<MediaRef> {
    delivery
        .media
        .iter()
        .map(|url| {
            let name = media_name(url).to_owned();
            MediaRef {
                url: format!("/media/{}", percent_encode(&name)),
                kind: media_kind(&name),
                alt: alt.to_owned(),
                name,
                size: None,
            }
        })
        .collect()
}

fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn media_kind(name: &str) -> MediaKind {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "avif" | "bmp" | "svg" => MediaKind::Image,
        "mp4" | "webm" | "mov" | "m4v" | "ogv" => MediaKind::Video,
        _ => MediaKind::Document,
    }
}

fn first_image(refs: &[MediaRef]) -> Option<MediaRef> {
    refs.iter().find(|m| m.is_image()).cloned()
}

fn meta(delivery: &DeliveryPayload) -> FeedMeta {
    FeedMeta {
        dom_id: dom_id(delivery),
        time: fired_at(delivery),
        kind: delivery.content.inject_type(),
        priority: delivery.priority,
        unread: true,
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|v| !v.trim().is_empty()).cloned()
}

/// The headline or title a delivery is known by (banners, wall, receipts pages).
pub fn title(delivery: &DeliveryPayload) -> String {
    match &delivery.content {
        Content::News(n) => n.headline.clone(),
        Content::Social(s) => s.headline.clone().unwrap_or_else(|| s.body.clone()),
        Content::Email(e) => e.subject.clone(),
        Content::Sms(s) => s.body.clone(),
        Content::Intel(i) => i.headline.clone(),
        Content::Alert(a) => a.title.clone(),
        Content::Media(m) => m.title.clone(),
    }
}

fn email_card(delivery: &DeliveryPayload) -> Option<EmailCard> {
    match &delivery.content {
        Content::Email(e) => Some(email_from(delivery, e)),
        _ => None,
    }
}

fn email_from(delivery: &DeliveryPayload, e: &scip_core::model::Email) -> EmailCard {
    EmailCard {
        meta: meta(delivery),
        from: e.from.clone(),
        to: non_empty(&e.to),
        cc: non_empty(&e.cc),
        subject: e.subject.clone(),
        body: e.body.clone(),
        classification: non_empty(&e.classification),
        attachments: media_refs(delivery, &e.subject),
    }
}

/// The feed card of a delivery (All and the per-type pages).
pub fn card(delivery: &DeliveryPayload) -> FeedCard {
    let meta = meta(delivery);
    match &delivery.content {
        Content::News(n) => FeedCard::News(NewsCard {
            meta,
            headline: n.headline.clone(),
            body: n.body.clone(),
            source: n.source.clone(),
            author: non_empty(&n.author),
            location: non_empty(&n.location),
            image: first_image(&media_refs(delivery, &n.headline)),
            breaking: n.breaking,
            feature: false,
        }),
        Content::Social(s) => FeedCard::Social(SocialCard {
            meta,
            platform: non_empty(&s.platform),
            handle: s.handle.clone(),
            display_name: non_empty(&s.display_name),
            body: s.body.clone(),
            image: first_image(&media_refs(delivery, &s.body)),
            replies: s.engagement.replies,
            shares: s.engagement.shares,
            likes: s.engagement.likes,
            views: s.engagement.views,
        }),
        Content::Email(e) => FeedCard::Email(email_from(delivery, e)),
        Content::Sms(s) => FeedCard::Sms(SmsCard {
            meta,
            from: s.from.clone(),
            number: None,
            to: non_empty(&s.to),
            body: s.body.clone(),
        }),
        Content::Intel(i) => FeedCard::Intel(IntelCard {
            meta,
            headline: i.headline.clone(),
            body: i.body.clone(),
            source: non_empty(&i.source),
            classification: non_empty(&i.classification),
            report_id: non_empty(&i.report_id),
        }),
        Content::Alert(a) => FeedCard::Alert(AlertCard {
            meta,
            severity: AlertSeverity::parse(a.severity.as_deref().unwrap_or("info")),
            title: a.title.clone(),
            message: a.message.clone(),
        }),
        Content::Media(m) => {
            let file = media_refs(delivery, &m.title).into_iter().next();
            match file {
                Some(media) => FeedCard::Media(MediaCard {
                    meta,
                    title: m.title.clone(),
                    caption: non_empty(&m.caption),
                    media,
                }),
                // A media inject without a file still says what it is about.
                None => FeedCard::Alert(AlertCard {
                    meta,
                    severity: AlertSeverity::Info,
                    title: m.title.clone(),
                    message: m.caption.clone().unwrap_or_default(),
                }),
            }
        }
    }
}

/// The inbox row of an e-mail (`None` for other types).
pub fn mail_row(delivery: &DeliveryPayload) -> Option<String> {
    let mail = email_card(delivery)?;
    let row = MailListItem {
        href: format!("#{}", mail.meta.dom_id),
        mail: &mail,
        selected: false,
    };
    askama::Template::render(&row).ok()
}

/// The reading pane of an e-mail (`None` for other types).
pub fn mail_reader(delivery: &DeliveryPayload) -> Option<String> {
    let mail = email_card(delivery)?;
    askama::Template::render(&MailReader { mail: &mail }).ok()
}

/// The conversation bubble of a text message (`None` for other types).
pub fn bubble(delivery: &DeliveryPayload) -> Option<String> {
    let Content::Sms(s) = &delivery.content else {
        return None;
    };
    let bubble = SmsBubble {
        dom_id: dom_id(delivery),
        body: s.body.clone(),
        time: fired_at(delivery),
        outgoing: false,
        unread: true,
    };
    askama::Template::render(&bubble).ok()
}

/// The news-wall story of a delivery: articles and posts as stories, anything else by its
/// title.
pub fn wall_item(delivery: &DeliveryPayload) -> Option<String> {
    let refs = media_refs(delivery, &title(delivery));
    let (source, headline, body, social) = match &delivery.content {
        Content::News(n) => (
            n.source.clone(),
            n.headline.clone(),
            Some(n.body.clone()),
            false,
        ),
        Content::Social(s) => (
            s.display_name
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| format!("@{}", s.handle.trim_start_matches('@'))),
            s.body.clone(),
            None,
            true,
        ),
        Content::Alert(a) => (
            "Alert".to_owned(),
            a.title.clone(),
            Some(a.message.clone()),
            false,
        ),
        Content::Media(m) => (
            "Media".to_owned(),
            m.title.clone(),
            m.caption.clone(),
            false,
        ),
        Content::Intel(i) => (
            i.source.clone().unwrap_or_else(|| "Report".into()),
            i.headline.clone(),
            Some(i.body.clone()),
            false,
        ),
        Content::Email(e) => (
            e.from.clone(),
            e.subject.clone(),
            Some(e.body.clone()),
            false,
        ),
        Content::Sms(s) => (s.from.clone(), s.body.clone(), None, true),
    };
    let item = WallItem {
        dom_id: dom_id(delivery),
        time: fired_at(delivery),
        source,
        headline,
        body,
        image: first_image(&refs),
        lead: false,
        older: false,
        social,
    };
    askama::Template::render(&item).ok()
}

/// The pop-up for urgent deliveries and breaking news (`None` for the others).
pub fn banner(delivery: &DeliveryPayload) -> Option<String> {
    let breaking_news = matches!(&delivery.content, Content::News(n) if n.breaking);
    if delivery.priority != Priority::Urgent && !breaking_news {
        return None;
    }
    let kind = delivery.content.inject_type();
    let (label, alert) = match kind {
        InjectType::News if breaking_news => ("BREAKING", false),
        InjectType::Alert => ("ALERT", true),
        _ => ("URGENT", false),
    };
    let source = match &delivery.content {
        Content::News(n) => n.source.clone(),
        Content::Email(e) => e.from.clone(),
        Content::Sms(s) => s.from.clone(),
        Content::Social(s) => format!("@{}", s.handle.trim_start_matches('@')),
        Content::Intel(i) => i.source.clone().unwrap_or_else(|| "Intel".into()),
        Content::Alert(_) | Content::Media(_) => kind.label().to_owned(),
    };
    let banner = BreakingBanner {
        dom_id: format!("breaking-{}", dom_id(delivery)),
        label: label.into(),
        title: title(delivery),
        meta: format!("{source} · {}", fired_at(delivery)),
        href: Some(format!("{}#{}", page_of(kind), dom_id(delivery))),
        alert,
    };
    askama::Template::render(&banner).ok()
}

/// The page a delivery type is read on.
pub fn page_of(kind: InjectType) -> &'static str {
    match kind {
        InjectType::News => "/news",
        InjectType::Social => "/social",
        InjectType::Email => "/email",
        InjectType::Sms => "/sms",
        InjectType::Intel => "/intel",
        InjectType::Alert => "/alerts",
        InjectType::Media => "/",
    }
}

/// Renders one fragment kind of a delivery.
pub fn render(kind: FragmentKind, delivery: &DeliveryPayload) -> Option<String> {
    match kind {
        FragmentKind::Card => card(delivery).render().ok(),
        FragmentKind::MailRow => mail_row(delivery),
        FragmentKind::MailReader => mail_reader(delivery),
        FragmentKind::Bubble => bubble(delivery),
        FragmentKind::Wall => wall_item(delivery),
        FragmentKind::Banner => banner(delivery),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboard::feed::tests::entry;

    #[test]
    fn media_links_point_at_this_dashboard() {
        let mut d = entry(1, 3).delivery.clone();
        d.media = vec![
            "/api/v2/media/port view.png".into(),
            "/api/v2/media/brief.pdf".into(),
        ];
        let refs = media_refs(&d, "alt");
        assert_eq!(refs[0].url, "/media/port%20view.png");
        assert!(refs[0].is_image());
        assert_eq!(refs[1].kind, MediaKind::Document);
    }

    #[test]
    fn an_sms_has_a_card_and_a_bubble_but_no_mail_row() {
        let d = entry(1, 4).delivery.clone();
        let card = card(&d).render().unwrap();
        assert!(card.contains("id=\"d-4\""), "{card}");
        assert!(bubble(&d).unwrap().contains("message 4"));
        assert!(mail_row(&d).is_none() && mail_reader(&d).is_none());
        assert!(banner(&d).is_none(), "medium priority: no pop-up");
    }

    #[test]
    fn urgent_items_get_a_banner_that_links_to_their_page() {
        let mut d = entry(1, 9).delivery.clone();
        d.priority = Priority::Urgent;
        let html = banner(&d).unwrap();
        assert!(
            html.contains("URGENT") && html.contains("/sms#d-9"),
            "{html}"
        );
    }
}
