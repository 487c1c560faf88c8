//! HARBOUR LIGHT 26, the exercise the screenshots show: a storm surge and a cyber incident at
//! Port Aldine, seen by the Maritime Operations cell and by the public news feed. Fictional.

use scip_core::model::{
    Alert, Content, Email, Engagement, Inject, Intel, MediaItem, Mode, News, Priority, Scenario,
    Sms, Social, Team, TeamKind, TeamResources,
};
use scip_core::{InjectId, ScenarioId, TeamId};

/// Where the clock is set before the injects are fired.
pub const START_MS: u64 = 41 * 60_000 + 12_000;

/// Fired before the screenshots, in order.
pub const FIRED: &[(&str, &str)] = &[
    ("maritime", "welcome"),
    ("maritime", "met-mail"),
    ("maritime", "surge-news"),
    ("maritime", "duty-1"),
    ("maritime", "quay-post"),
    ("maritime", "hm-mail"),
    ("maritime", "vts-alert"),
    ("maritime", "tug-sms"),
    ("maritime", "sat-image"),
    ("maritime", "intel-vts"),
    ("maritime", "ferry-news"),
    ("maritime", "leak-post"),
    ("maritime", "duty-2"),
    ("maritime", "coast-mail"),
    ("maritime", "intel-amp"),
    ("public", "p-ferries"),
    ("public", "p-post"),
    ("public", "p-surge"),
    ("public", "p-council"),
    ("public", "p-breaking"),
];

/// Seqs read in the browser before the screenshots.
pub const READ: &[u64] = &[1, 2, 3, 4];

/// The urgent text message fired during the screenshots.
pub const URGENT: &str = "duty-urgent";

fn inject(id: &str, priority: Priority, content: Content, media: &[&str]) -> Inject {
    Inject {
        id: InjectId::new(id).unwrap(),
        at_ms: 3 * 3_600_000,
        turn: None,
        priority,
        content,
        media: media.iter().map(|m| (*m).to_owned()).collect(),
        notes: None,
        expected_action: None,
    }
}

fn news(headline: &str, body: &str, source: &str, author: Option<&str>, breaking: bool) -> Content {
    Content::News(News {
        headline: headline.into(),
        body: body.into(),
        source: source.into(),
        author: author.map(Into::into),
        location: Some("Port Aldine".into()),
        breaking,
        ..News::default()
    })
}

fn email(from: &str, subject: &str, body: &str, classification: Option<&str>) -> Content {
    Content::Email(Email {
        from: from.into(),
        to: Some("Maritime Operations Cell".into()),
        cc: None,
        subject: subject.into(),
        body: body.into(),
        classification: classification.map(Into::into),
        ..Email::default()
    })
}

fn sms(from: &str, body: &str) -> Content {
    Content::Sms(Sms {
        from: from.into(),
        to: Some("Ops duty phone".into()),
        body: body.into(),
        ..Sms::default()
    })
}

fn post(
    handle: &str,
    name: &str,
    platform: &str,
    body: &str,
    likes: u64,
    shares: u64,
    replies: u64,
) -> Content {
    Content::Social(Social {
        platform: Some(platform.into()),
        handle: handle.into(),
        display_name: Some(name.into()),
        body: body.into(),
        engagement: Engagement {
            likes: Some(likes),
            shares: Some(shares),
            replies: Some(replies),
            views: Some(likes * 37),
        },
        ..Social::default()
    })
}

pub fn scenario() -> Scenario {
    let maritime = vec![
        inject("welcome", Priority::Low, email("Exercise Control", "Welcome to HARBOUR LIGHT 26", "Your team is the Maritime Operations Cell for Port Aldine.\n\nInjects arrive on this dashboard as the situation develops. Work to your own procedures and record decisions as you would for real. Exercise control can be reached on extension 4410.", None), &[]),
        inject("met-mail", Priority::Medium, email("Met Office Calder <forecasts@met.calder.example>", "Storm Halvard: updated surge forecast", "Peak surge is now expected at 15:10, 2.4 m above chart datum at Port Aldine, with wave overtopping likely along the north quay.\n\nThe next update follows at 14:00.", None), &["map.svg"]),
        inject("surge-news", Priority::High, news("Storm surge closes Port Aldine's north channel", "The harbour authority suspended all pilotage into the north channel this afternoon as Storm Halvard pushed water levels close to the quay walls.\n\nTwo container ships are holding at anchor in the estuary. The port says the closure will last at least until the evening tide.", "Calder News Network", Some("Maya Okafor"), true), &["storm.svg"]),
        inject("duty-1", Priority::Medium, sms("Duty Officer", "Pilot boats recalled. North channel closed to all traffic from 13:50."), &[]),
        inject("quay-post", Priority::Medium, post("aldinewatch", "Aldine Harbour Watch", "twitter", "Water coming over the wall at berth 4 right now. Crews are moving the reefer boxes back. Stay off the north quay!", 1_240, 389, 57), &["flood.svg"]),
        inject("hm-mail", Priority::High, email("Harbour Master <hm@port-aldine.example>", "Berth 4 closure and pilot suspension", "With immediate effect berth 4 is closed and all pilot transfers are suspended.\n\nVessels alongside are to double their moorings. I need a status of every vessel in the north basin by 14:30.\n\nCaptain R. Hollis\nHarbour Master", Some("OFFICIAL")), &[]),
        inject("vts-alert", Priority::Urgent, Content::Alert(Alert { severity: Some("critical".into()), title: "VTS displays not updating".into(), message: "Vessel traffic displays at the port control tower stopped updating at 13:58. Radar feed is live; AIS overlay is frozen.".into(), ..Alert::default() }), &[]),
        inject("tug-sms", Priority::Medium, sms("Tug Aldine Star", "On station at the north mole. Can take a line from MV Serra Nova in 20 min if you clear us."), &[]),
        inject("sat-image", Priority::Medium, Content::Media(MediaItem { title: "Satellite pass over the estuary, 13:40".into(), caption: Some("Infrared image from the morning pass: the surge front is visible south of the breakwater.".into()), ..MediaItem::default() }), &["breakwater.svg"]),
        inject("intel-vts", Priority::High, Content::Intel(Intel { headline: "Unusual access to the VTS servers before the outage".into(), body: "Logs from the port IT provider show three logins to the VTS application servers from a maintenance account between 13:41 and 13:55, outside any planned work.\n\nThe account belongs to a contractor whose access should have ended last month. Assess as a possible deliberate interference; confidence moderate.".into(), source: Some("Port Aldine CSIRT".into()), classification: Some("SECRET".into()), report_id: Some("CSIRT-26-0412".into()), ..Intel::default() }), &[]),
        inject("ferry-news", Priority::Medium, news("Ferry operator cancels afternoon crossings", "Calder Ferries has cancelled all sailings from Port Aldine after 14:00, citing the conditions in the north channel.", "Aldine Evening Post", None, false), &["harbour.svg"]),
        inject("leak-post", Priority::Medium, post("calder_truth", "Calder Truth", "telegram", "Hearing the port's computers were HACKED this morning and nobody knows where the ships are. Why is nobody telling us?", 3_812, 1_907, 644), &[]),
        inject("duty-2", Priority::Medium, sms("Duty Officer", "Serra Nova reports loss of propulsion 2 nm off the north mole. Master asking for a tug."), &[]),
        inject("coast-mail", Priority::High, email("Coastguard North <ops@coastguard-north.example>", "Tug Aldine Star tasked to MV Serra Nova", "Tug departs 14:05, ETA 40 minutes. Request the north channel stays clear of pilot launches until the tow is established.", Some("OFFICIAL")), &[]),
        inject("intel-amp", Priority::Medium, Content::Intel(Intel { headline: "Coordinated amplification of hacking rumours".into(), body: "Around forty accounts created in the last week are reposting claims that the port is 'blind'. The wording matches a channel seen in last year's ferry strike.".into(), source: Some("Open-source monitoring".into()), classification: Some("OFFICIAL".into()), report_id: Some("OSM-118".into()), ..Intel::default() }), &[]),
        inject("duty-urgent", Priority::Urgent, sms("Duty Officer", "Serra Nova dragging anchor towards the tanker berth. Need a decision on clearing berth 2 NOW."), &[]),
    ];
    let public = vec![
        inject(
            "p-ferries",
            Priority::Medium,
            news(
                "Ferries cancelled as Storm Halvard reaches the coast",
                "All afternoon sailings from Port Aldine are cancelled.",
                "Calder News Network",
                None,
                false,
            ),
            &["harbour.svg"],
        ),
        inject(
            "p-post",
            Priority::Medium,
            post(
                "aldinewatch",
                "Aldine Harbour Watch",
                "twitter",
                "Water over the wall at berth 4. Stay away from the north quay.",
                1_240,
                389,
                57,
            ),
            &[],
        ),
        inject(
            "p-surge",
            Priority::Medium,
            news(
                "Surge warning upgraded for the Aldine estuary",
                "Forecasters expect water levels 2.4 m above normal at high tide.",
                "Met Office Calder",
                None,
                false,
            ),
            &["storm.svg"],
        ),
        inject(
            "p-council",
            Priority::Medium,
            news(
                "Council opens rest centre at Aldine Leisure Centre",
                "Residents of Quay Street are advised to leave before 15:00.",
                "Aldine Evening Post",
                None,
                false,
            ),
            &["city.svg"],
        ),
        inject(
            "p-breaking",
            Priority::Urgent,
            news(
                "Cargo ship loses power off Port Aldine",
                "A container ship is drifting two nautical miles off the north mole; a tug is on its way.",
                "Calder News Network",
                None,
                true,
            ),
            &["tanker.svg"],
        ),
    ];
    Scenario {
        id: ScenarioId::new("harbour-light-26").unwrap(),
        name: "HARBOUR LIGHT 26".into(),
        description: "Storm surge and cyber incident at Port Aldine".into(),
        duration_ms: Some(3 * 3_600_000),
        mode: Mode::Clock,
        teams: vec![
            Team {
                id: TeamId::new("maritime").unwrap(),
                name: "Maritime Operations".into(),
                color: "#0f6e8c".into(),
                kind: TeamKind::Player,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline: maritime,
            },
            Team {
                id: TeamId::new("public").unwrap(),
                name: "Calder News Live".into(),
                color: "#c8102e".into(),
                kind: TeamKind::Public,
                dashboard_port: None,
                resources: TeamResources::default(),
                description: None,
                timeline: public,
            },
        ],
    }
}
