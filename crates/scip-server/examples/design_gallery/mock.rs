//! Invented data for the gallery: the HARBOUR LIGHT 26 exercise. Storm Halvard reaches the
//! coastal city of Port Aldine while the port's vessel traffic system goes dark and rumours of
//! a chemical leak spread. Every name, number and outlet is fictional.

use scip_core::engine::{ExerciseState, Speed};
use scip_core::{InjectType, Priority};
use scip_server::view::feed::{
    AlertCard, AlertSeverity, EmailCard, IntelCard, MediaCard, NewsCard, SmsCard, SocialCard,
};
use scip_server::view::{
    DashboardSection, DashboardShell, Document, FeedCard, FeedMeta, Flash, FlashKind,
    LiveExerciseLink, MediaKind, MediaRef, PortalSection, PortalShell, TeamColour, TimerView,
    UnreadCounts, UserRole, UserView,
};

pub const EXERCISE: &str = "HARBOUR LIGHT 26";

/// The gallery's pages sit next to `assets/`.
pub fn doc() -> Document {
    Document::new("assets")
}

pub fn colour(hex: &str) -> TeamColour {
    TeamColour::parse(hex).unwrap_or_default()
}

/// Teams: name, colour, viewers online.
pub const TEAMS: [(&str, &str); 6] = [
    ("Maritime Operations", "#1f5fbf"),
    ("Civil Protection", "#d9822b"),
    ("Health Authority", "#2f9e6e"),
    ("Strategic Comms", "#8a4fcf"),
    ("Aldine Police", "#3d5a80"),
    ("Public Feed", "#c8102e"),
];

pub fn running_clock() -> TimerView {
    TimerView {
        elapsed_ms: 2_052_000,
        speed: Speed::NORMAL,
        state: ExerciseState::Running,
        turn: Some(2),
        total_turns: Some(4),
    }
}

pub fn portal_shell(current: PortalSection) -> PortalShell {
    PortalShell {
        doc: doc(),
        user: UserView {
            name: "Maya van der Berg".into(),
            role: UserRole::Controller,
        },
        nav: PortalSection::nav(current, |s| portal_href(s).to_owned()),
        live_exercises: vec![
            LiveExerciseLink {
                name: EXERCISE.into(),
                href: "exercise-control.html".into(),
                state: ExerciseState::Running,
                clock: "T+34:12".into(),
            },
            LiveExerciseLink {
                name: "Night Shift rehearsal".into(),
                href: "exercise-control.html".into(),
                state: ExerciseState::Paused,
                clock: "T+08:40".into(),
            },
        ],
        environment: Some("TRAINING".into()),
        home_href: "portal-home.html".into(),
        sign_out_href: "sign-in.html".into(),
        csrf: String::new(),
    }
}

pub fn portal_shell_with_flash(current: PortalSection, flash: Flash) -> PortalShell {
    let mut shell = portal_shell(current);
    shell.doc = shell.doc.with_flash(flash);
    shell
}

pub fn saved_flash() -> Flash {
    Flash::new(
        FlashKind::Success,
        "Timeline saved: 14 injects, 2 teams changed.",
    )
}

fn portal_href(section: PortalSection) -> &'static str {
    match section {
        PortalSection::Home => "portal-home.html",
        PortalSection::Scenarios => "scenario-editor.html",
        PortalSection::Media => "media-library.html",
        PortalSection::Exercises => "exercise-control.html",
        PortalSection::Settings => "components.html",
    }
}

pub fn dashboard_shell(current: DashboardSection, timer: TimerView) -> DashboardShell {
    let unread = UnreadCounts {
        news: 2,
        social: 3,
        email: 1,
        sms: 1,
        intel: 1,
        alerts: 1,
        media: 0,
    };
    DashboardShell {
        doc: doc(),
        team_name: "Maritime Operations".into(),
        team_colour: colour("#1f5fbf"),
        exercise_name: EXERCISE.into(),
        timer,
        nav: DashboardSection::nav(current, &unread, |s| dashboard_href(s).to_owned()),
        events_url: String::new(),
    }
}

fn dashboard_href(section: DashboardSection) -> &'static str {
    match section {
        DashboardSection::Email => "dashboard-email.html",
        DashboardSection::Sms => "dashboard-sms.html",
        DashboardSection::Intel => "dashboard-intel.html",
        DashboardSection::Social => "dashboard-ended.html",
        _ => "dashboard-all.html",
    }
}

pub fn picture(name: &str, alt: &str) -> MediaRef {
    MediaRef {
        url: format!("media/{name}"),
        kind: MediaKind::Image,
        name: name.replace(".svg", ".jpg"),
        alt: alt.into(),
        size: Some("1.8 MB".into()),
    }
}

pub fn meta(id: &str, time: &str, kind: InjectType, priority: Priority, unread: bool) -> FeedMeta {
    FeedMeta {
        dom_id: id.into(),
        time: time.into(),
        kind,
        priority,
        unread,
    }
}

pub fn tanker_alert(unread: bool) -> AlertCard {
    AlertCard {
        meta: meta(
            "d-31",
            "T+33:40",
            InjectType::Alert,
            Priority::Urgent,
            unread,
        ),
        severity: AlertSeverity::Critical,
        title: "MV Serra Nova reports loss of propulsion 2 nm off the north channel".into(),
        message:
            "The tanker (21,400 t, carrying industrial solvents) is drifting east at 1.5 knots. \
                  Coastguard tug Aldine Star is 40 minutes away. Decide on channel closure and \
                  shoreline warnings."
                .into(),
    }
}

pub fn shipping_news(feature: bool) -> NewsCard {
    NewsCard {
        meta: meta("d-28", "T+31:05", InjectType::News, Priority::High, true),
        headline: "Port Aldine suspends all shipping as Storm Halvard makes landfall".into(),
        body: "Harbour authorities halted every vessel movement in and out of Port Aldine on \
               Tuesday afternoon, citing gusts above 120 km/h and a fault in the port's traffic \
               control system.\n\nA spokesperson said the closure would last \"at least until the \
               evening tide\" and urged residents to keep away from the seafront. Ferry services \
               to the islands are cancelled."
            .into(),
        source: "Calder Broadcasting".into(),
        author: Some("Elin Marsh, transport correspondent".into()),
        location: Some("Port Aldine".into()),
        image: Some(picture(
            "harbour.svg",
            "Cranes at Port Aldine container terminal at dusk",
        )),
        breaking: true,
        feature,
    }
}

pub fn storm_news() -> NewsCard {
    NewsCard {
        meta: meta("d-4", "T+02:00", InjectType::News, Priority::Medium, false),
        headline: "Red warning issued as Storm Halvard nears the Calder coast".into(),
        body: "The national weather service raised its warning to red for the whole northern \
               coastline, the first such warning in eleven years. Surges of up to 2.4 metres \
               are expected at high tide."
            .into(),
        source: "The Aldine Courier".into(),
        author: None,
        location: Some("Calder".into()),
        image: Some(picture("storm.svg", "Satellite image of Storm Halvard")),
        breaking: false,
        feature: false,
    }
}

pub fn waves_post() -> SocialCard {
    SocialCard {
        meta: meta(
            "d-12",
            "T+18:10",
            InjectType::Social,
            Priority::Medium,
            true,
        ),
        platform: Some("twitter".into()),
        handle: "PortAldineLive".into(),
        display_name: Some("Port Aldine Live".into()),
        body: "Huge waves over the north breakwater right now. Police are closing Marine Parade. \
               Stay away from the seafront! #Halvard #PortAldine"
            .into(),
        image: Some(picture(
            "breakwater.svg",
            "Waves breaking over the north breakwater",
        )),
        replies: Some(214),
        shares: Some(1_830),
        likes: Some(6_420),
        views: Some(212_000),
    }
}

pub fn leak_rumour() -> SocialCard {
    SocialCard {
        meta: meta("d-30", "T+32:50", InjectType::Social, Priority::High, true),
        platform: Some("telegram".into()),
        handle: "calder_truth".into(),
        display_name: Some("Calder Truth Channel".into()),
        body: "They are hiding a CHEMICAL LEAK at the port. A tanker is already breaking up. \
               Share this before it gets deleted. Get your family out of the north district now."
            .into(),
        image: None,
        replies: None,
        shares: Some(4_900),
        likes: None,
        views: Some(58_300),
    }
}

pub fn harbour_master_mail() -> EmailCard {
    EmailCard {
        meta: meta("d-9", "T+05:30", InjectType::Email, Priority::High, false),
        from: "\"Harbour Master\" <harbourmaster@port-aldine.example>".into(),
        to: Some("Maritime Operations Cell".into()),
        cc: Some("Duty Controller, Coastguard North".into()),
        subject: "Berths 4–7 closed, all departures on hold".into(),
        body: "Effective immediately, berths 4 to 7 are closed to all traffic because of wave \
               overtopping on the north quay.\n\nAll scheduled departures are on hold until further \
               notice. Vessels alongside are to double their moorings and keep engines on standby.\n\n\
               I will update you at 14:30 or sooner if conditions change.\n\nCaptain R. Oduya\n\
               Harbour Master, Port Aldine"
            .into(),
        classification: None,
        attachments: vec![
            picture("map.svg", "Berth closure map"),
            MediaRef {
                url: "media/map.svg".into(),
                kind: MediaKind::Document,
                name: "berth-closure-notice.pdf".into(),
                alt: "Berth closure notice".into(),
                size: Some("212 KB".into()),
            },
        ],
    }
}

pub fn press_office_mail() -> EmailCard {
    EmailCard {
        meta: meta("d-26", "T+29:15", InjectType::Email, Priority::Medium, true),
        from: "Ministry Press Office <press@transport.calder.example>".into(),
        to: Some("Strategic Comms; Maritime Operations Cell".into()),
        cc: None,
        subject: "Lines to take: shipping suspension".into(),
        body: "Please use the following lines with media until the 16:00 briefing:\n\n\
               1. The suspension is a precaution while Storm Halvard passes.\n\
               2. The traffic control fault is being investigated; there is no evidence of any \
               risk to the public.\n3. Do not speculate on the cause.\n\nDrafts for review \
               attached."
            .into(),
        classification: Some("OFFICIAL".into()),
        attachments: vec![],
    }
}

pub fn duty_officer_sms() -> SmsCard {
    SmsCard {
        meta: meta("d-15", "T+21:45", InjectType::Sms, Priority::High, true),
        from: "Duty Officer Harbour Control".into(),
        number: Some("+44 7700 900412".into()),
        to: None,
        body: "VTS screens frozen at harbour control since 13:20. IT say it is not the storm. \
               Ships are calling us on VHF for positions. Call me."
            .into(),
    }
}

pub fn intrusion_report(unread: bool) -> IntelCard {
    IntelCard {
        meta: meta("d-19", "T+24:20", InjectType::Intel, Priority::High, unread),
        headline: "Indicators of intrusion in the Port Aldine vessel traffic system".into(),
        body: "1. At 13:17 local the VTS display servers stopped accepting radar tracks. Logs \
               show an administrative session from an unrecognised address 40 minutes before.\n\n\
               2. The same address was seen in scanning against two other Calder ports last \
               week.\n\n3. ASSESSMENT: the outage is LIKELY deliberate and timed to the storm. \
               No evidence yet of access to cargo or safety systems.\n\n4. RECOMMENDATION: \
               treat VTS data as unreliable; fall back to VHF reporting."
            .into(),
        source: Some("National Cyber Centre liaison".into()),
        classification: Some("SECRET".into()),
        report_id: Some("CIR-0412".into()),
    }
}

pub fn amplification_report() -> IntelCard {
    IntelCard {
        meta: meta("d-33", "T+34:05", InjectType::Intel, Priority::Medium, true),
        headline: "Coordinated amplification of the chemical-leak rumour".into(),
        body: "Some 140 newly created accounts shared the Calder Truth Channel post within nine \
               minutes. Posting times and wording match a network seen during the 2025 \
               election.\n\nASSESSMENT: the rumour is being amplified deliberately. Expect it to \
               reach mainstream outlets within the hour."
            .into(),
        source: Some("Open-source analysis cell".into()),
        classification: Some("CONFIDENTIAL".into()),
        report_id: Some("OSA-2291".into()),
    }
}

pub fn drone_footage() -> MediaCard {
    MediaCard {
        meta: meta("d-22", "T+26:00", InjectType::Media, Priority::Low, false),
        title: "Drone footage: north breakwater at high tide".into(),
        caption: Some("Coastguard drone, 13:52. Overtopping along 300 m of the breakwater.".into()),
        media: picture("flood.svg", "Flooded quay road beside the breakwater"),
    }
}

pub fn road_closure_alert() -> AlertCard {
    AlertCard {
        meta: meta(
            "d-24",
            "T+27:30",
            InjectType::Alert,
            Priority::Medium,
            false,
        ),
        severity: AlertSeverity::Warning,
        title: "Marine Parade and Quay Street closed to traffic".into(),
        message: "Police have closed both roads between the ferry terminal and the lifeboat \
                  station. Diversions via Hill Road."
            .into(),
    }
}

/// The All feed of Maritime Operations, newest first.
pub fn all_feed() -> Vec<FeedCard> {
    vec![
        FeedCard::Alert(tanker_alert(true)),
        FeedCard::News(shipping_news(true)),
        FeedCard::Social(leak_rumour()),
        FeedCard::Email(press_office_mail()),
        FeedCard::Alert(road_closure_alert()),
        FeedCard::Media(drone_footage()),
        FeedCard::Intel(intrusion_report(false)),
        FeedCard::Sms(duty_officer_sms()),
        FeedCard::Social(waves_post()),
        FeedCard::Email(harbour_master_mail()),
        FeedCard::News(storm_news()),
    ]
}
