//! Rows shared by the portal mock pages: teams, event log, upcoming injects, options.

use scip_core::InjectType;
use scip_server::view::{Badge, SelectOption, TeamColour};

use crate::mock;

/// A team's line in the exercise tables.
pub struct TeamRow {
    pub name: &'static str,
    pub colour: TeamColour,
    pub url: String,
    pub code: &'static str,
    pub viewers: u32,
    pub delivered: u32,
    pub read: u32,
    pub total: u32,
}

impl TeamRow {
    pub fn delivered_pct(&self) -> u32 {
        percent(self.delivered, self.total)
    }
    pub fn read_pct(&self) -> u32 {
        percent(self.read, self.total)
    }
    pub fn online(&self) -> bool {
        self.viewers > 0
    }
}

pub fn percent(part: u32, whole: u32) -> u32 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

pub fn teams() -> Vec<TeamRow> {
    let figures = [
        ("K7P4-QX2M", 3, 14, 12),
        ("B2WN-8RTA", 2, 13, 13),
        ("H9CE-4LMV", 1, 12, 9),
        ("S3DQ-7YUK", 4, 14, 11),
        ("P6ZF-2HGX", 0, 11, 6),
        ("N4TB-9KRE", 6, 9, 9),
    ];
    mock::TEAMS
        .iter()
        .zip(figures)
        .enumerate()
        .map(
            |(i, ((name, hex), (code, viewers, delivered, read)))| TeamRow {
                name,
                colour: mock::colour(hex),
                url: format!("http://10.20.0.5:{}/", 3101 + i),
                code,
                viewers,
                delivered,
                read,
                total: 16,
            },
        )
        .collect()
}

/// One line of an event log.
pub struct LogEntry {
    pub time: &'static str,
    pub kind: &'static str,
    pub text: &'static str,
    pub meta: &'static str,
}

pub fn event_log() -> Vec<LogEntry> {
    let e = |time, kind, text, meta| LogEntry {
        time,
        kind,
        text,
        meta,
    };
    vec![
        e(
            "T+34:05",
            "delivery",
            "Delivered “Coordinated amplification of the chemical-leak rumour” to Strategic Comms",
            "14:38:05",
        ),
        e(
            "T+33:58",
            "delivery",
            "Maritime Operations read “MV Serra Nova reports loss of propulsion”",
            "14:37:58",
        ),
        e(
            "T+33:40",
            "live",
            "Live inject fired by Maya van der Berg to 3 teams",
            "14:37:40",
        ),
        e(
            "T+31:22",
            "warning",
            "Aldine Police dashboard offline for 40 s, reconnected",
            "14:35:22",
        ),
        e(
            "T+29:16",
            "error",
            "Delivery to Health Authority failed: broker unavailable; retrying in 8 s",
            "14:33:16",
        ),
        e(
            "T+29:24",
            "delivery",
            "Retry delivered “Lines to take” to Health Authority (late)",
            "14:33:24",
        ),
        e(
            "T+20:00",
            "control",
            "Clock resumed by Ade Okafor",
            "14:24:00",
        ),
        e(
            "T+18:30",
            "control",
            "Clock paused by Ade Okafor",
            "14:21:30",
        ),
        e(
            "T+00:00",
            "control",
            "Exercise started by Maya van der Berg",
            "14:03:48",
        ),
    ]
}

/// A due or overdue inject.
pub struct UpcomingRow {
    pub time: &'static str,
    pub badge: Badge,
    pub title: &'static str,
    pub teams: &'static str,
    pub late: bool,
}

pub fn upcoming() -> Vec<UpcomingRow> {
    let u = |time, kind, title, teams, late| UpcomingRow {
        time,
        badge: Badge::inject_type(kind),
        title,
        teams,
        late,
    };
    vec![
        u(
            "T+29:16",
            InjectType::Email,
            "Lines to take: shipping suspension",
            "Health Authority",
            true,
        ),
        u(
            "T+35:30",
            InjectType::News,
            "Residents report smell of solvent in north district",
            "All teams",
            false,
        ),
        u(
            "T+37:00",
            InjectType::Sms,
            "Tug master: line attached, towing to anchorage",
            "Maritime Ops",
            false,
        ),
        u(
            "T+39:45",
            InjectType::Social,
            "Video of tanker shared 20,000 times",
            "Strategic Comms, Public",
            false,
        ),
        u(
            "T+42:10",
            InjectType::Intel,
            "Attribution: VTS intrusion infrastructure",
            "Maritime Ops, Police",
            false,
        ),
    ]
}

/// A team as the matrix header and team pickers show it.
pub struct Chip {
    pub name: &'static str,
    pub short: &'static str,
    pub colour: TeamColour,
}

pub fn team_chips() -> Vec<Chip> {
    mock::TEAMS
        .iter()
        .map(|(name, hex)| Chip {
            name,
            short: name.split(' ').next().unwrap_or(name),
            colour: mock::colour(hex),
        })
        .collect()
}

pub fn type_options(selected: &str) -> Vec<SelectOption> {
    SelectOption::list(
        InjectType::ALL.iter().map(|t| (t.as_str(), t.label())),
        selected,
    )
}

pub fn priority_options(selected: &str) -> Vec<SelectOption> {
    SelectOption::list(
        [
            ("low", "Low"),
            ("medium", "Medium"),
            ("high", "High"),
            ("urgent", "Urgent"),
        ],
        selected,
    )
}
