//! Mock control portal pages: component gallery, home, exercise control, scenario editor,
//! media library, after-action report and sign-in.

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_core::{InjectType, Priority};
use scip_server::view::{
    Badge, BareShell, DeliveryCell, DeliveryStage, Flash, FlashKind, PortalSection, PortalShell,
    QrSvg, SelectOption, TeamColour, TimerView, inject_icon, qr_svg, type_class,
};

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

fn percent(part: u32, whole: u32) -> u32 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

fn teams() -> Vec<TeamRow> {
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

fn event_log() -> Vec<LogEntry> {
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

fn upcoming() -> Vec<UpcomingRow> {
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
type MatrixSpec = (
    Option<&'static str>,
    &'static str,
    InjectType,
    &'static str,
    [u8; 6],
);

fn matrix() -> Vec<MatrixRow> {
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

/// A team as the matrix header and team pickers show it.
pub struct Chip {
    pub name: &'static str,
    pub short: &'static str,
    pub colour: TeamColour,
}

fn team_chips() -> Vec<Chip> {
    mock::TEAMS
        .iter()
        .map(|(name, hex)| Chip {
            name,
            short: name.split(' ').next().unwrap_or(name),
            colour: mock::colour(hex),
        })
        .collect()
}

/// The component gallery.
#[derive(Template)]
#[template(path = "gallery/components.html")]
pub struct ComponentsPage {
    pub shell: PortalShell,
    pub timer: TimerView,
    pub paused: TimerView,
    pub badges: Vec<(&'static str, Vec<Badge>)>,
    pub legend: Vec<(DeliveryStage, DeliveryCell)>,
    pub late_cell: DeliveryCell,
    pub qr: QrSvg,
    pub type_options: Vec<SelectOption>,
    pub teams: Vec<TeamRow>,
    pub log: Vec<LogEntry>,
    pub colours: Vec<(&'static str, Vec<(&'static str, &'static str)>)>,
    pub colour_a: TeamColour,
    pub colour_b: TeamColour,
    pub colour_c: TeamColour,
    pub pct_a: u32,
    pub pct_b: u32,
}

pub fn components() -> ComponentsPage {
    let legend = DeliveryStage::ALL
        .into_iter()
        .map(|stage| {
            (
                stage,
                DeliveryCell {
                    stage: Some(stage),
                    late: false,
                    detail: stage.label().into(),
                    delivery_id: None,
                },
            )
        })
        .collect();
    let mut paused = mock::running_clock();
    paused.state = ExerciseState::Paused;
    paused.turn = None;
    paused.speed =
        scip_core::engine::Speed::from_factor(2.0).unwrap_or(scip_core::engine::Speed::NORMAL);
    ComponentsPage {
        shell: mock::portal_shell_with_flash(
            PortalSection::Settings,
            Flash::new(
                FlashKind::Info,
                "This page shows every component of the SCIP design system.",
            ),
        ),
        timer: mock::running_clock(),
        paused,
        badges: vec![
            (
                "Inject types",
                InjectType::ALL
                    .into_iter()
                    .map(Badge::inject_type)
                    .collect(),
            ),
            (
                "Priorities",
                Priority::ALL.into_iter().map(Badge::priority).collect(),
            ),
            (
                "Exercise states",
                ExerciseState::ALL
                    .into_iter()
                    .map(Badge::exercise_state)
                    .collect(),
            ),
            (
                "Delivery stages",
                DeliveryStage::ALL
                    .into_iter()
                    .map(Badge::delivery)
                    .chain([Badge::late()])
                    .collect(),
            ),
            (
                "Classifications",
                scip_core::model::inject::CLASSIFICATIONS
                    .iter()
                    .map(|c| Badge::classification(c))
                    .collect(),
            ),
            (
                "Roles",
                [
                    scip_server::view::UserRole::Admin,
                    scip_server::view::UserRole::Controller,
                    scip_server::view::UserRole::Observer,
                ]
                .into_iter()
                .map(Badge::role)
                .collect(),
            ),
        ],
        legend,
        late_cell: DeliveryCell {
            stage: Some(DeliveryStage::Read),
            late: true,
            detail: "Read, late by 8 s".into(),
            delivery_id: None,
        },
        qr: qr_svg("http://10.20.0.5:3101/?code=K7P4-QX2M").unwrap_or_else(|_| qr_fallback()),
        type_options: type_options("news"),
        colour_a: mock::colour(mock::TEAMS[0].1),
        colour_b: mock::colour(mock::TEAMS[1].1),
        colour_c: mock::colour(mock::TEAMS[4].1),
        pct_a: 87,
        pct_b: 68,
        teams: teams(),
        log: event_log(),
        colours: vec![
            (
                "Surfaces and text",
                vec![
                    ("--c-bg", "bg"),
                    ("--c-surface", "surface"),
                    ("--c-surface-2", "surface-2"),
                    ("--c-surface-3", "surface-3"),
                    ("--c-border", "border"),
                    ("--c-text-3", "text-3"),
                    ("--c-text-2", "text-2"),
                    ("--c-text", "text"),
                ],
            ),
            (
                "Meaning",
                vec![
                    ("--c-primary", "primary"),
                    ("--c-info", "info"),
                    ("--c-success", "success"),
                    ("--c-warning", "warning"),
                    ("--c-danger", "danger"),
                    ("--c-violet", "violet"),
                    ("--c-topbar", "top bar"),
                ],
            ),
            (
                "Inject types",
                vec![
                    ("--t-news", "news"),
                    ("--t-social", "social"),
                    ("--t-email", "email"),
                    ("--t-sms", "sms"),
                    ("--t-intel", "intel"),
                    ("--t-alert", "alert"),
                    ("--t-media", "media"),
                ],
            ),
            (
                "Delivery stages",
                vec![
                    ("--d-fired", "fired"),
                    ("--d-published", "published"),
                    ("--d-received", "received"),
                    ("--d-displayed", "displayed"),
                    ("--d-read", "read"),
                    ("--d-late", "late"),
                    ("--d-failed", "failed"),
                ],
            ),
            (
                "Classifications",
                vec![
                    ("--cls-unclassified", "unclassified"),
                    ("--cls-official", "official"),
                    ("--cls-confidential", "confidential"),
                    ("--cls-secret", "secret"),
                    ("--cls-top-secret", "top secret"),
                ],
            ),
        ],
    }
}

fn qr_fallback() -> QrSvg {
    // The fixed gallery URL always fits; this keeps the example free of unwrap.
    qr_svg("SCIP").unwrap_or_else(|_| std::process::exit(1))
}

/// Portal home.
#[derive(Template)]
#[template(path = "gallery/portal_home.html")]
pub struct HomePage {
    pub shell: PortalShell,
    pub timer: TimerView,
    pub teams: Vec<TeamRow>,
    pub log: Vec<LogEntry>,
    pub upcoming: Vec<UpcomingRow>,
    pub running: Badge,
    pub paused: Badge,
    pub finished: Badge,
}

pub fn home() -> HomePage {
    HomePage {
        shell: mock::portal_shell(PortalSection::Home),
        timer: mock::running_clock(),
        teams: teams(),
        log: event_log(),
        upcoming: upcoming(),
        running: Badge::exercise_state(ExerciseState::Running),
        paused: Badge::exercise_state(ExerciseState::Paused),
        finished: Badge::exercise_state(ExerciseState::Finished),
    }
}

/// Exercise control.
#[derive(Template)]
#[template(path = "gallery/exercise_control.html")]
pub struct ControlPage {
    pub shell: PortalShell,
    pub timer: TimerView,
    pub state: Badge,
    pub teams: Vec<TeamRow>,
    pub chips: Vec<Chip>,
    pub matrix: Vec<MatrixRow>,
    pub legend: Vec<(DeliveryStage, DeliveryCell)>,
    pub upcoming: Vec<UpcomingRow>,
    pub log: Vec<LogEntry>,
    pub qr: QrSvg,
    pub type_options: Vec<SelectOption>,
    pub priority_options: Vec<SelectOption>,
}

fn type_options(selected: &str) -> Vec<SelectOption> {
    SelectOption::list(
        InjectType::ALL.iter().map(|t| (t.as_str(), t.label())),
        selected,
    )
}

fn priority_options(selected: &str) -> Vec<SelectOption> {
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

pub fn exercise_control() -> ControlPage {
    let gallery = components();
    ControlPage {
        shell: mock::portal_shell(PortalSection::Exercises),
        timer: mock::running_clock(),
        state: Badge::exercise_state(ExerciseState::Running),
        teams: teams(),
        chips: team_chips(),
        matrix: matrix(),
        legend: gallery.legend,
        upcoming: upcoming(),
        log: event_log(),
        qr: gallery.qr,
        type_options: type_options("news"),
        priority_options: priority_options("high"),
    }
}

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

/// A file in the media library.
pub struct MediaItem {
    pub name: &'static str,
    pub picture: Option<&'static str>,
    pub kind: &'static str,
    pub meta: &'static str,
    pub used: u32,
    pub selected: bool,
    pub tag: Option<&'static str>,
}

/// Media library.
#[derive(Template)]
#[template(path = "gallery/media_library.html")]
pub struct MediaPage {
    pub shell: PortalShell,
    pub items: Vec<MediaItem>,
}

pub fn media_library() -> MediaPage {
    let m = |name, picture, kind, meta, used, tag| MediaItem {
        name,
        picture,
        kind,
        meta,
        used,
        selected: false,
        tag,
    };
    let mut items = vec![
        m(
            "harbour-dusk.jpg",
            Some("harbour.svg"),
            "image",
            "2400×1500 · 1.8 MB",
            3,
            None,
        ),
        m(
            "halvard-sat-0340z.jpg",
            Some("storm.svg"),
            "image",
            "1600×1000 · 940 KB",
            2,
            None,
        ),
        m(
            "breakwater-waves.jpg",
            Some("breakwater.svg"),
            "image",
            "2048×1280 · 1.2 MB",
            1,
            None,
        ),
        m(
            "drone-north-quay.mp4",
            Some("flood.svg"),
            "video",
            "1920×1080 · 48 MB",
            1,
            Some("0:42"),
        ),
        m(
            "serra-nova.jpg",
            Some("tanker.svg"),
            "image",
            "1800×1125 · 1.1 MB",
            2,
            None,
        ),
        m(
            "north-channel-chart.png",
            Some("map.svg"),
            "image",
            "1600×1000 · 310 KB",
            4,
            None,
        ),
        m(
            "press-briefing.mp4",
            Some("briefing.svg"),
            "video",
            "1280×720 · 22 MB",
            0,
            Some("2:15"),
        ),
        m(
            "aldine-night.jpg",
            Some("city.svg"),
            "image",
            "2400×1500 · 2.0 MB",
            0,
            None,
        ),
        m(
            "berth-closure-notice.pdf",
            None,
            "document",
            "3 pages · 212 KB",
            1,
            None,
        ),
        m("lines-to-take-v2.docx", None, "document", "18 KB", 0, None),
    ];
    items[4].selected = true;
    items[5].selected = true;
    MediaPage {
        shell: mock::portal_shell(PortalSection::Media),
        items,
    }
}

/// After-action report.
#[derive(Template)]
#[template(path = "gallery/report.html")]
pub struct ReportPage {
    pub shell: PortalShell,
    pub teams: Vec<TeamRow>,
    pub latencies: Vec<(&'static str, TeamColour, u32, &'static str)>,
    pub log: Vec<LogEntry>,
    pub finished: Badge,
}

pub fn report() -> ReportPage {
    let lat = [
        (38, "46 s"),
        (22, "27 s"),
        (71, "1 min 25 s"),
        (30, "36 s"),
        (100, "2 min 00 s"),
        (16, "19 s"),
    ];
    ReportPage {
        shell: mock::portal_shell(PortalSection::Exercises),
        teams: teams(),
        latencies: mock::TEAMS
            .iter()
            .zip(lat)
            .map(|((n, c), (pct, text))| (*n, mock::colour(c), pct, text))
            .collect(),
        log: event_log(),
        finished: Badge::exercise_state(ExerciseState::Finished),
    }
}

/// Sign-in.
#[derive(Template)]
#[template(path = "gallery/sign_in.html")]
pub struct SignInPage {
    pub shell: BareShell,
}

pub fn sign_in() -> SignInPage {
    SignInPage {
        shell: BareShell { doc: mock::doc() },
    }
}
