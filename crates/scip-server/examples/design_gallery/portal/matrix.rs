//! The delivery matrix of the exercise control page.

use scip_core::InjectType;
use scip_server::view::{DeliveryCell, DeliveryStage, inject_icon, type_class};

use crate::mock;

/// A row of the delivery matrix.
pub struct MatrixRow {
    pub group: Option<&'static str>,
    pub time: &'static str,
    pub kind: InjectType,
    pub title: &'static str,
    pub cells: Vec<DeliveryCell>,
    pub due: bool,
}

impl MatrixRow {
    pub fn type_class(&self) -> &'static str {
        type_class(self.kind)
    }
    pub fn icon(&self) -> &'static str {
        inject_icon(self.kind)
    }
}

/// Turn heading, time, type, title and one stage code per team (0 = not sent to that team).
pub type MatrixSpec = (
    Option<&'static str>,
    &'static str,
    InjectType,
    &'static str,
    [u8; 6],
);

pub fn matrix() -> Vec<MatrixRow> {
    use DeliveryStage::*;
    let rows: [MatrixSpec; 14] = [
        (
            Some("Turn 1 · Storm arrives"),
            "T+00:00",
            InjectType::Alert,
            "Exercise HARBOUR LIGHT 26 has started",
            [6, 6, 6, 6, 6, 6],
        ),
        (
            None,
            "T+02:00",
            InjectType::News,
            "Red warning issued as Storm Halvard nears the coast",
            [6, 6, 6, 6, 6, 6],
        ),
        (
            None,
            "T+05:30",
            InjectType::Email,
            "Berths 4–7 closed, all departures on hold",
            [6, 0, 0, 5, 0, 0],
        ),
        (
            None,
            "T+09:40",
            InjectType::Sms,
            "Wind at the pier head gusting 58 knots",
            [6, 0, 0, 0, 0, 0],
        ),
        (
            None,
            "T+14:05",
            InjectType::Email,
            "Storm Halvard: updated surge forecast",
            [6, 6, 6, 0, 5, 0],
        ),
        (
            None,
            "T+18:10",
            InjectType::Social,
            "Huge waves over the north breakwater",
            [6, 6, 0, 6, 6, 6],
        ),
        (
            Some("Turn 2 · Harbour goes dark"),
            "T+21:45",
            InjectType::Sms,
            "VTS screens frozen at harbour control",
            [5, 0, 0, 0, 0, 0],
        ),
        (
            None,
            "T+24:20",
            InjectType::Intel,
            "Indicators of intrusion in the VTS",
            [6, 0, 0, 0, 6, 0],
        ),
        (
            None,
            "T+26:00",
            InjectType::Media,
            "Drone footage: north breakwater",
            [6, 6, 4, 6, 6, 6],
        ),
        (
            None,
            "T+29:15",
            InjectType::Email,
            "Lines to take: shipping suspension",
            [5, 6, 9, 6, 0, 0],
        ),
        (
            None,
            "T+31:05",
            InjectType::News,
            "Port Aldine suspends all shipping",
            [4, 6, 3, 6, 8, 6],
        ),
        (
            None,
            "T+32:50",
            InjectType::Social,
            "“They are hiding a CHEMICAL LEAK”",
            [3, 4, 3, 6, 2, 5],
        ),
        (
            None,
            "T+33:40",
            InjectType::Alert,
            "MV Serra Nova reports loss of propulsion",
            [6, 4, 3, 3, 2, 0],
        ),
        (
            None,
            "T+35:30",
            InjectType::News,
            "Residents report smell of solvent",
            [1, 1, 1, 1, 1, 1],
        ),
    ];
    let team_names: Vec<&str> = mock::TEAMS.iter().map(|(n, _)| *n).collect();
    rows.into_iter()
        .enumerate()
        .map(|(r, (group, time, kind, title, codes))| MatrixRow {
            group,
            time,
            kind,
            title,
            due: r == 13,
            cells: codes
                .iter()
                .enumerate()
                .map(|(t, code)| {
                    let (stage, late) = match code {
                        0 => return DeliveryCell::none(),
                        1 => (Scheduled, false),
                        2 => (Fired, false),
                        3 => (Published, false),
                        4 => (Received, false),
                        5 => (Displayed, false),
                        6 => (Read, false),
                        8 => (Failed, false),
                        _ => (Read, true),
                    };
                    let detail = match stage {
                        Scheduled => format!("{}\nDue {time}", team_names[t]),
                        Failed => format!("{}\nFailed after 5 attempts: broker unavailable\nResend from the row menu", team_names[t]),
                        _ => format!(
                            "{}\n{} · fired {time}{}\nReceived +0.4 s · Read +1 min 12 s",
                            team_names[t],
                            stage.label(),
                            if late { " · late by 8 s" } else { "" }
                        ),
                    };
                    DeliveryCell {
                        stage: Some(stage),
                        late,
                        detail,
                        delivery_id: Some(format!("d-{r}-{t}")),
                    }
                })
                .collect(),
        })
        .collect()
}
