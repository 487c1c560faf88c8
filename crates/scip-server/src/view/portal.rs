//! The control portal's shell: top bar, left navigation, signed-in user, live exercises.

use scip_core::engine::ExerciseState;

use super::{Document, NavLink};

/// Data `portal/layout.html` needs; every portal page struct has it as `shell`.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalShell {
    /// Assets and flash messages.
    pub doc: Document,
    /// The signed-in user, shown in the user menu.
    pub user: UserView,
    /// Main navigation (see [`PortalSection::nav`]).
    pub nav: Vec<NavLink>,
    /// Exercises that are deployed, running or paused, listed under the navigation.
    pub live_exercises: Vec<LiveExerciseLink>,
    /// A label for this installation in the top bar (`TRAINING`, `REHEARSAL`); hidden if `None`.
    pub environment: Option<String>,
    /// Where the SCIP mark in the top bar goes.
    pub home_href: String,
    /// Where the user menu's sign-out form posts.
    pub sign_out_href: String,
    /// The session's CSRF value: the `_csrf` field of every form, and `data-csrf` for
    /// scripts that call the API (`X-CSRF-Token`).
    pub csrf: String,
}

/// The signed-in user as the portal shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserView {
    /// Display name.
    pub name: String,
    /// Role, shown as a badge.
    pub role: UserRole,
}

impl UserView {
    /// The role as a badge.
    pub fn role_badge(&self) -> super::Badge {
        super::Badge::role(self.role)
    }

    /// One or two capital letters for the avatar.
    pub fn initials(&self) -> String {
        let mut words = self.name.split_whitespace();
        let first = words.next().and_then(|w| w.chars().next());
        let last = words.last().and_then(|w| w.chars().next());
        first
            .into_iter()
            .chain(last)
            .flat_map(char::to_uppercase)
            .collect()
    }
}

/// What a portal user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserRole {
    /// Everything, including users and settings.
    Admin,
    /// Authors scenarios and runs exercises.
    Controller,
    /// Reads everything, changes nothing.
    Observer,
}

impl UserRole {
    /// Lowercase name (`admin`, `controller`, `observer`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Controller => "controller",
            Self::Observer => "observer",
        }
    }

    /// Capitalised label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Controller => "Controller",
            Self::Observer => "Observer",
        }
    }
}

/// An exercise listed under the navigation while it is live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveExerciseLink {
    /// Exercise name.
    pub name: String,
    /// Its control page.
    pub href: String,
    /// Its state (drawn as a coloured dot).
    pub state: ExerciseState,
    /// Clock at render time, `T+MM:SS`.
    pub clock: String,
}

/// The portal's top-level sections, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalSection {
    /// Running exercises and recent activity.
    Home,
    /// Scenario list, import, editor.
    Scenarios,
    /// Media library.
    Media,
    /// Exercises: control pages and reports.
    Exercises,
    /// Users and settings.
    Settings,
}

impl PortalSection {
    /// Every section, in navigation order.
    pub const ALL: [PortalSection; 5] = [
        Self::Home,
        Self::Scenarios,
        Self::Media,
        Self::Exercises,
        Self::Settings,
    ];

    /// Navigation label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Home => "Home",
            Self::Scenarios => "Scenarios",
            Self::Media => "Media",
            Self::Exercises => "Exercises",
            Self::Settings => "Settings",
        }
    }

    /// Icon name in the sprite.
    pub fn icon(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Scenarios => "layers",
            Self::Media => "image",
            Self::Exercises => "activity",
            Self::Settings => "settings",
        }
    }

    /// Keyboard shortcut: `g` then the section's letter.
    pub fn shortcut(self) -> &'static str {
        match self {
            Self::Home => "g h",
            Self::Scenarios => "g s",
            Self::Media => "g m",
            Self::Exercises => "g e",
            Self::Settings => "g ,",
        }
    }

    /// Lowercase key.
    pub fn key(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Scenarios => "scenarios",
            Self::Media => "media",
            Self::Exercises => "exercises",
            Self::Settings => "settings",
        }
    }

    /// The section's URL on the portal.
    pub fn href(self) -> &'static str {
        match self {
            Self::Home => "/",
            Self::Scenarios => "/scenarios",
            Self::Media => "/media",
            Self::Exercises => "/exercises",
            Self::Settings => "/settings",
        }
    }

    /// The navigation list with `current` marked; `href` maps each section to its URL
    /// (normally [`PortalSection::href`]).
    pub fn nav(current: PortalSection, href: impl Fn(PortalSection) -> String) -> Vec<NavLink> {
        Self::ALL
            .into_iter()
            .map(|section| NavLink {
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
    fn initials_take_first_and_last_names() {
        let user = |name: &str| UserView {
            name: name.into(),
            role: UserRole::Controller,
        };
        assert_eq!(user("Maya van der Berg").initials(), "MB");
        assert_eq!(user("ops").initials(), "O");
        assert_eq!(user("  ").initials(), "");
    }

    #[test]
    fn nav_marks_exactly_the_current_section() {
        let nav = PortalSection::nav(PortalSection::Media, |s| s.href().to_owned());
        let current: Vec<_> = nav.iter().filter(|l| l.current).map(|l| &l.label).collect();
        assert_eq!(current, ["Media"]);
        assert_eq!(nav[0].href, "/");
        assert_eq!(nav.len(), 5);
    }
}
