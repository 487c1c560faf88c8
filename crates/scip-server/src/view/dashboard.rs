//! A team dashboard's shell: team identity and colour, the live clock, the feed sections with
//! unread counts, and the event stream the page listens to.

use super::{Document, NavLink, TeamColour, TimerView};

/// Data `dashboard/layout.html` and `dashboard/wall.html` need; every dashboard page struct has
/// it as `shell`.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardShell {
    /// Assets and flash messages.
    pub doc: Document,
    /// Team name in the header.
    pub team_name: String,
    /// The team's accent colour.
    pub team_colour: TeamColour,
    /// Exercise (scenario) name in the header.
    pub exercise_name: String,
    /// The clock at render time.
    pub timer: TimerView,
    /// Feed sections (see [`DashboardSection::nav`]); empty on the news wall.
    pub nav: Vec<NavLink>,
    /// The Server-Sent Events stream `live.js` connects to; empty for a static page (no live
    /// connection, as in previews).
    pub events_url: String,
}

impl DashboardShell {
    /// One or two letters for the team mark (`Maritime Ops` → `MO`).
    pub fn team_initials(&self) -> String {
        self.team_name
            .split_whitespace()
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .take(2)
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// Unread items per feed section.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnreadCounts {
    /// News articles.
    pub news: u32,
    /// Social posts.
    pub social: u32,
    /// E-mails.
    pub email: u32,
    /// Text messages.
    pub sms: u32,
    /// Intelligence reports.
    pub intel: u32,
    /// Alerts.
    pub alerts: u32,
    /// Media items (only counted under All).
    pub media: u32,
}

impl UnreadCounts {
    /// Unread items in one section; `All` is the sum of every type.
    pub fn of(&self, section: DashboardSection) -> u32 {
        match section {
            DashboardSection::All => {
                self.news
                    + self.social
                    + self.email
                    + self.sms
                    + self.intel
                    + self.alerts
                    + self.media
            }
            DashboardSection::News => self.news,
            DashboardSection::Social => self.social,
            DashboardSection::Email => self.email,
            DashboardSection::Sms => self.sms,
            DashboardSection::Intel => self.intel,
            DashboardSection::Alerts => self.alerts,
        }
    }
}

/// The pages of a player team's dashboard, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardSection {
    /// Every inject, newest first.
    All,
    /// News articles.
    News,
    /// Social posts.
    Social,
    /// Inbox with reading pane.
    Email,
    /// Text-message conversations.
    Sms,
    /// Intelligence reports.
    Intel,
    /// Alerts.
    Alerts,
}

impl DashboardSection {
    /// Every section, in navigation order.
    pub const ALL: [DashboardSection; 7] = [
        Self::All,
        Self::News,
        Self::Social,
        Self::Email,
        Self::Sms,
        Self::Intel,
        Self::Alerts,
    ];

    /// Navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::News => "News",
            Self::Social => "Social",
            Self::Email => "E-mail",
            Self::Sms => "SMS",
            Self::Intel => "Intel",
            Self::Alerts => "Alerts",
        }
    }

    /// Icon name in the sprite.
    pub fn icon(self) -> &'static str {
        match self {
            Self::All => "inbox",
            Self::News => "newspaper",
            Self::Social => "message",
            Self::Email => "mail",
            Self::Sms => "smartphone",
            Self::Intel => "shield",
            Self::Alerts => "alert-triangle",
        }
    }

    /// Keyboard shortcut: the section's position, `1` to `7`.
    pub fn shortcut(self) -> &'static str {
        match self {
            Self::All => "1",
            Self::News => "2",
            Self::Social => "3",
            Self::Email => "4",
            Self::Sms => "5",
            Self::Intel => "6",
            Self::Alerts => "7",
        }
    }

    /// Lowercase key (`all`, `news`, …), used in `data-unread-count`.
    pub fn key(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::News => "news",
            Self::Social => "social",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Intel => "intel",
            Self::Alerts => "alerts",
        }
    }

    /// Path segment of the section's page (`""` for All).
    pub fn slug(self) -> &'static str {
        match self {
            Self::All => "",
            Self::News => "news",
            Self::Social => "social",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Intel => "intel",
            Self::Alerts => "alerts",
        }
    }

    /// The navigation list with unread counts and `current` marked; `href` maps each section
    /// to its URL (normally `/` + [`DashboardSection::slug`]).
    pub fn nav(
        current: DashboardSection,
        unread: &UnreadCounts,
        href: impl Fn(DashboardSection) -> String,
    ) -> Vec<NavLink> {
        Self::ALL
            .into_iter()
            .map(|section| NavLink {
                count: Some(unread.of(section)),
                current: section == current,
                shortcut: Some(section.shortcut()),
                key: section.key(),
                ..NavLink::new(section.label(), href(section), section.icon())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_counts_every_type() {
        let unread = UnreadCounts {
            news: 2,
            email: 1,
            media: 1,
            ..UnreadCounts::default()
        };
        assert_eq!(unread.of(DashboardSection::All), 4);
        assert_eq!(unread.of(DashboardSection::Sms), 0);
    }

    #[test]
    fn nav_carries_counts_and_hides_zero() {
        let unread = UnreadCounts {
            sms: 3,
            ..UnreadCounts::default()
        };
        let nav =
            DashboardSection::nav(DashboardSection::Sms, &unread, |s| format!("/{}", s.slug()));
        let sms = nav.iter().find(|l| l.label == "SMS").unwrap();
        assert!(sms.current);
        assert_eq!(sms.shown_count(), Some(3));
        let news = nav.iter().find(|l| l.label == "News").unwrap();
        assert_eq!(news.shown_count(), None);
        assert_eq!(nav[0].href, "/");
    }
}
