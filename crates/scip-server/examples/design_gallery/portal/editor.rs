//! The scenario editor with its timeline grid.

use askama::Template;
use scip_core::{InjectType, Priority};
use scip_server::view::{Badge, PortalSection, PortalShell, SelectOption};

use super::rows::*;
use crate::mock;

/// A row of the timeline grid.
pub struct EditorRow {
    pub group: Option<&'static str>,
    pub id: &'static str,
    pub time: &'static str,
    pub kind: InjectType,
    pub priority: Priority,
    pub title: &'static str,
    pub media: usize,
    pub dirty: bool,
    pub error: Option<&'static str>,
    pub selected: bool,
}

impl EditorRow {
    pub fn badge(&self) -> Badge {
        Badge::inject_type(self.kind)
    }
    pub fn priority_badge(&self) -> Badge {
        Badge::priority(self.priority)
    }
}

/// Scenario editor.
#[derive(Template)]
#[template(path = "gallery/scenario_editor.html")]
pub struct EditorPage {
    pub shell: PortalShell,
    pub rows: Vec<EditorRow>,
    pub chips: Vec<Chip>,
    pub type_options: Vec<SelectOption>,
    pub priority_options: Vec<SelectOption>,
    pub preview: scip_server::view::feed::NewsCard,
}

pub fn scenario_editor() -> EditorPage {
    let r = |group, id, time, kind, priority, title, media| EditorRow {
        group,
        id,
        time,
        kind,
        priority,
        title,
        media,
        dirty: false,
        error: None,
        selected: false,
    };
    let mut rows = vec![
        r(
            Some("Turn 1 · Storm arrives"),
            "start",
            "00:00",
            InjectType::Alert,
            Priority::Medium,
            "Exercise HARBOUR LIGHT 26 has started",
            0,
        ),
        r(
            None,
            "storm-warning",
            "02:00",
            InjectType::News,
            Priority::Medium,
            "Red warning issued as Storm Halvard nears the coast",
            1,
        ),
        r(
            None,
            "berth-closure",
            "05:30",
            InjectType::Email,
            Priority::High,
            "Berths 4–7 closed, all departures on hold",
            2,
        ),
        r(
            None,
            "pier-wind",
            "09:40",
            InjectType::Sms,
            Priority::Medium,
            "Wind at the pier head gusting 58 knots",
            0,
        ),
        r(
            None,
            "surge-forecast",
            "14:05",
            InjectType::Email,
            Priority::Medium,
            "Storm Halvard: updated surge forecast",
            0,
        ),
        r(
            None,
            "waves-post",
            "18:10",
            InjectType::Social,
            Priority::Medium,
            "Huge waves over the north breakwater",
            1,
        ),
        r(
            Some("Turn 2 · Harbour goes dark"),
            "vts-frozen",
            "21:45",
            InjectType::Sms,
            Priority::High,
            "VTS screens frozen at harbour control",
            0,
        ),
        r(
            None,
            "vts-intrusion",
            "24:20",
            InjectType::Intel,
            Priority::High,
            "Indicators of intrusion in the VTS",
            0,
        ),
        r(
            None,
            "drone-footage",
            "26:00",
            InjectType::Media,
            Priority::Low,
            "Drone footage: north breakwater",
            1,
        ),
        r(
            None,
            "shipping-suspended",
            "31:05",
            InjectType::News,
            Priority::Urgent,
            "Port Aldine suspends all shipping as Storm Halvard makes landfall",
            1,
        ),
        r(
            None,
            "tanker-adrift",
            "33:40",
            InjectType::Alert,
            Priority::Urgent,
            "MV Serra Nova reports loss of propulsion",
            0,
        ),
        r(
            None,
            "solvent-smell",
            "35:3O",
            InjectType::News,
            Priority::Medium,
            "Residents report smell of solvent in north district",
            0,
        ),
    ];
    rows[9].dirty = true;
    rows[9].selected = true;
    rows[11].error = Some("“35:3O” is not a time; write T+MM:SS, MM:SS or whole seconds");
    EditorPage {
        shell: mock::portal_shell_with_flash(PortalSection::Scenarios, mock::saved_flash()),
        rows,
        chips: team_chips(),
        type_options: type_options("news"),
        priority_options: priority_options("urgent"),
        preview: mock::shipping_news(false),
    }
}
