//! The public-feed news wall and the breaking-news pop-up.

use askama::Template;

use super::MediaRef;

/// One story on the news wall: large type, readable across a room.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "feed/wall_item.html")]
pub struct WallItem {
    /// Unique per delivery.
    pub dom_id: String,
    /// Delivery time, `T+MM:SS`.
    pub time: String,
    /// Outlet or author shown above the headline.
    pub source: String,
    /// Headline (or the post text for social items).
    pub headline: String,
    /// Standfirst, clamped to four lines.
    pub body: Option<String>,
    /// Picture beside the text.
    pub image: Option<MediaRef>,
    /// The newest story: largest type, coloured rule.
    pub lead: bool,
    /// Past the first few stories: smaller and quieter.
    pub older: bool,
    /// A social post rather than an article (sans-serif headline).
    pub social: bool,
}

impl askama::filters::HtmlSafe for WallItem {}

/// The pop-up shown over a dashboard when an urgent inject or breaking news arrives.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/breaking.html")]
pub struct BreakingBanner {
    /// Element id; one banner per delivery.
    pub dom_id: String,
    /// `BREAKING`, `URGENT`, `ALERT`.
    pub label: String,
    /// The headline or title.
    pub title: String,
    /// Source and time (`Calder News Network · T+41:10`).
    pub meta: String,
    /// Where "Read now" goes; no button when `None`.
    pub href: Option<String>,
    /// Amber alert styling instead of breaking-news red.
    pub alert: bool,
}

impl askama::filters::HtmlSafe for BreakingBanner {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_is_announced_and_dismissable() {
        let html = BreakingBanner {
            dom_id: "b-9".into(),
            label: "BREAKING".into(),
            title: "Port closed".into(),
            meta: "CNN · T+41:10".into(),
            href: Some("#d-9".into()),
            alert: false,
        }
        .to_string();
        assert!(html.contains("role=\"alert\""), "{html}");
        assert!(html.contains("data-dismiss=\".breaking\""), "{html}");
        assert!(html.contains("href=\"#d-9\""), "{html}");
    }
}
