//! Badges: the small coloured labels for inject types, priorities, exercise states, delivery
//! stages, classifications and roles. Each domain value maps to one look, here, so every page
//! shows it the same way. A badge renders itself: `{{ badge }}` in any template.

use std::borrow::Cow;

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_core::{InjectType, Priority};

use super::UserRole;

/// A rendered badge: CSS modifier classes, label and optional icon.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/badge.html")]
pub struct Badge {
    /// Modifier classes after `badge` (`badge--type-news`, `badge--state-running badge--dot`).
    pub class: Cow<'static, str>,
    /// Text shown (escaped).
    pub label: Cow<'static, str>,
    /// Icon name in the sprite, drawn before the label.
    pub icon: Option<&'static str>,
    /// Tooltip text.
    pub title: Option<String>,
}

impl askama::filters::HtmlSafe for Badge {}

impl Badge {
    /// A neutral badge with the given modifier classes.
    pub fn new(label: impl Into<Cow<'static, str>>, class: impl Into<Cow<'static, str>>) -> Self {
        Self {
            class: class.into(),
            label: label.into(),
            icon: None,
            title: None,
        }
    }

    /// Adds a tooltip.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The inject type, in its colour, with its icon.
    pub fn inject_type(kind: InjectType) -> Self {
        Self {
            icon: Some(inject_icon(kind)),
            ..Self::new(kind.label(), type_class(kind))
        }
    }

    /// The priority: grey, blue, amber, solid red for urgent.
    pub fn priority(priority: Priority) -> Self {
        let (label, class) = match priority {
            Priority::Low => ("Low", "badge--prio-low"),
            Priority::Medium => ("Medium", "badge--prio-medium"),
            Priority::High => ("High", "badge--prio-high"),
            Priority::Urgent => ("Urgent", "badge--prio-urgent badge--upper"),
        };
        Self::new(label, class)
    }

    /// The exercise state with a status dot (pulsing while running).
    pub fn exercise_state(state: ExerciseState) -> Self {
        let (label, class) = match state {
            ExerciseState::Deployed => ("Deployed", "badge--state-deployed badge--dot"),
            ExerciseState::Running => ("Running", "badge--state-running badge--dot"),
            ExerciseState::Paused => ("Paused", "badge--state-paused badge--dot"),
            ExerciseState::Finished => ("Finished", "badge--state-finished badge--dot"),
            ExerciseState::Stopped => ("Stopped", "badge--state-stopped badge--dot"),
        };
        Self::new(label, class)
    }

    /// How far a delivery has come.
    pub fn delivery(stage: DeliveryStage) -> Self {
        Self {
            icon: stage.icon(),
            ..Self::new(stage.label(), stage.badge_class())
        }
    }

    /// The `late` flag of a delivery.
    pub fn late() -> Self {
        Self {
            icon: Some("clock"),
            ..Self::new("Late", "badge--dlv-late")
        }
    }

    /// A classification marking (`UNCLASSIFIED` … `TOP SECRET`), solid in its standard colour.
    /// Unknown markings are shown as written, in the neutral `OFFICIAL` grey.
    pub fn classification(marking: &str) -> Self {
        let class = format!(
            "badge--cls {}",
            classification_class(marking, "badge--cls-")
        );
        Self::new(marking.trim().to_uppercase(), class)
    }

    /// A portal user's role.
    pub fn role(role: UserRole) -> Self {
        let class = match role {
            UserRole::Admin => "badge--role-admin",
            UserRole::Controller => "badge--role-controller",
            UserRole::Observer => "badge--role-observer",
        };
        Self::new(role.label(), class)
    }
}

/// The sprite icon of an inject type.
pub fn inject_icon(kind: InjectType) -> &'static str {
    match kind {
        InjectType::News => "newspaper",
        InjectType::Social => "message",
        InjectType::Email => "mail",
        InjectType::Sms => "smartphone",
        InjectType::Intel => "shield",
        InjectType::Alert => "alert-triangle",
        InjectType::Media => "image",
    }
}

/// `badge--type-news` and so on.
pub fn type_class(kind: InjectType) -> &'static str {
    match kind {
        InjectType::News => "badge--type-news",
        InjectType::Social => "badge--type-social",
        InjectType::Email => "badge--type-email",
        InjectType::Sms => "badge--type-sms",
        InjectType::Intel => "badge--type-intel",
        InjectType::Alert => "badge--type-alert",
        InjectType::Media => "badge--type-media",
    }
}

/// The CSS class for a classification marking with the given prefix
/// (`badge--cls-` or `classification--`): `top-secret`, `secret`, … or `official` when unknown.
pub fn classification_class(marking: &str, prefix: &str) -> String {
    let key = match marking.trim().to_ascii_uppercase().as_str() {
        "UNCLASSIFIED" => "unclassified",
        "CONFIDENTIAL" => "confidential",
        "SECRET" => "secret",
        "TOP SECRET" => "top-secret",
        _ => "official",
    };
    format!("{prefix}{key}")
}

/// Where one delivery stands, from scheduled to read (or failed). `late` is a separate flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeliveryStage {
    /// Due later.
    Scheduled,
    /// Written to the outbox.
    Fired,
    /// Acknowledged by the broker.
    Published,
    /// The team dashboard has it.
    Received,
    /// Shown on a participant's screen.
    Displayed,
    /// Opened by a participant.
    Read,
    /// Publishing gave up, or the dashboard rejected it.
    Failed,
}

impl DeliveryStage {
    /// Every stage, in order.
    pub const ALL: [DeliveryStage; 7] = [
        Self::Scheduled,
        Self::Fired,
        Self::Published,
        Self::Received,
        Self::Displayed,
        Self::Read,
        Self::Failed,
    ];

    /// Lowercase name, as in CSS classes (`cell--read`, `badge--dlv-read`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Fired => "fired",
            Self::Published => "published",
            Self::Received => "received",
            Self::Displayed => "displayed",
            Self::Read => "read",
            Self::Failed => "failed",
        }
    }

    /// Capitalised label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::Fired => "Fired",
            Self::Published => "Published",
            Self::Received => "Received",
            Self::Displayed => "Displayed",
            Self::Read => "Read",
            Self::Failed => "Failed",
        }
    }

    fn badge_class(self) -> &'static str {
        match self {
            Self::Scheduled => "badge--dlv-scheduled",
            Self::Fired => "badge--dlv-fired",
            Self::Published => "badge--dlv-published",
            Self::Received => "badge--dlv-received",
            Self::Displayed => "badge--dlv-displayed",
            Self::Read => "badge--dlv-read",
            Self::Failed => "badge--dlv-failed",
        }
    }

    fn icon(self) -> Option<&'static str> {
        match self {
            Self::Scheduled => Some("clock"),
            Self::Read => Some("check-double"),
            Self::Failed => Some("alert-circle"),
            _ => None,
        }
    }
}

/// One cell of the delivery matrix (inject × team): a small pie that fills as the delivery
/// moves from fired to read, with an amber ring when late and the details as a tooltip.
#[derive(Debug, Clone, PartialEq, Eq, Template)]
#[template(path = "components/cell.html")]
pub struct DeliveryCell {
    /// The stage; `None` when this inject is not part of this team's timeline.
    pub stage: Option<DeliveryStage>,
    /// Fired after its instant (engine was down, or resent late).
    pub late: bool,
    /// Tooltip and accessible label, several lines (`Received T+12:03\nRead —`).
    pub detail: String,
    /// The delivery's id, for the page's resend/inspect actions (`data-delivery`).
    pub delivery_id: Option<String>,
}

impl askama::filters::HtmlSafe for DeliveryCell {}

impl DeliveryCell {
    /// An empty cell: the inject does not go to this team.
    pub fn none() -> Self {
        Self {
            stage: None,
            late: false,
            detail: String::new(),
            delivery_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_badge_escapes_its_label() {
        let html = Badge::new("<b>x</b>", "badge--prio-low").to_string();
        assert!(
            html.contains("&#60;b&#62;x") || html.contains("&lt;b&gt;x"),
            "{html}"
        );
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn inject_type_badges_carry_colour_class_and_icon() {
        let html = Badge::inject_type(InjectType::Intel).to_string();
        assert!(html.contains("badge badge--type-intel"), "{html}");
        assert!(html.contains("#i-shield"), "{html}");
        assert!(html.contains(">Intel</span>"), "{html}");
    }

    #[test]
    fn classification_markings_map_to_their_colours() {
        assert_eq!(
            Badge::classification("top secret").class,
            "badge--cls badge--cls-top-secret"
        );
        assert_eq!(Badge::classification("top secret").label, "TOP SECRET");
        assert_eq!(
            classification_class("NATO RESTRICTED", "classification--"),
            "classification--official"
        );
    }

    #[test]
    fn every_state_and_stage_has_a_distinct_class() {
        let mut classes: Vec<_> = ExerciseState::ALL
            .into_iter()
            .map(|s| Badge::exercise_state(s).class)
            .chain(
                DeliveryStage::ALL
                    .into_iter()
                    .map(|s| Badge::delivery(s).class),
            )
            .chain(
                InjectType::ALL
                    .into_iter()
                    .map(|t| Badge::inject_type(t).class),
            )
            .chain(Priority::ALL.into_iter().map(|p| Badge::priority(p).class))
            .collect();
        let n = classes.len();
        classes.sort();
        classes.dedup();
        assert_eq!(classes.len(), n);
    }

    #[test]
    fn cells_show_stage_lateness_and_details() {
        let cell = DeliveryCell {
            stage: Some(DeliveryStage::Received),
            late: true,
            detail: "Received T+12:03".into(),
            delivery_id: Some("d-17".into()),
        };
        let html = cell.to_string();
        assert!(html.contains("cell--received is-late"), "{html}");
        assert!(html.contains("data-tip=\"Received T+12:03\""), "{html}");
        assert!(html.contains("data-delivery=\"d-17\""), "{html}");
        let none = DeliveryCell::none().to_string();
        assert!(none.contains("cell--none"), "{none}");
    }
}
