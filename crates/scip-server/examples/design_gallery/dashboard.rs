//! Mock team dashboard pages: All, E-mail, SMS, Intel (paused), Social (ended), the access
//! code page and the public news wall.

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_core::{InjectType, Priority};
use scip_server::view::feed::{
    BreakingBanner, EmailCard, MailListItem, MailReader, SmsBubble, WallItem,
};
use scip_server::view::{BareShell, DashboardSection, DashboardShell, FeedCard, TimerView};

use crate::mock::{self, meta};

#[derive(Template)]
#[template(path = "gallery/dashboard_all.html")]
pub struct AllPage {
    pub shell: DashboardShell,
    pub title: &'static str,
    pub cards: Vec<FeedCard>,
    pub breaking: Option<BreakingBanner>,
}

pub fn all() -> AllPage {
    AllPage {
        shell: mock::dashboard_shell(DashboardSection::All, mock::running_clock()),
        title: "All",
        cards: mock::all_feed(),
        breaking: Some(BreakingBanner {
            dom_id: "breaking-d-31".into(),
            label: "URGENT".into(),
            title: "MV Serra Nova reports loss of propulsion 2 nm off the north channel".into(),
            meta: "Critical alert · T+33:40".into(),
            href: Some("#d-31".into()),
            alert: false,
        }),
    }
}

pub fn intel() -> AllPage {
    let mut timer = mock::running_clock();
    timer.state = ExerciseState::Paused;
    AllPage {
        shell: mock::dashboard_shell(DashboardSection::Intel, timer),
        title: "Intel",
        cards: vec![
            FeedCard::Intel(mock::amplification_report()),
            FeedCard::Intel(mock::intrusion_report(false)),
        ],
        breaking: None,
    }
}

pub fn social_ended() -> AllPage {
    let timer = TimerView {
        elapsed_ms: 8_125_000,
        state: ExerciseState::Finished,
        turn: Some(4),
        ..mock::running_clock()
    };
    AllPage {
        shell: mock::dashboard_shell(DashboardSection::Social, timer),
        title: "Social",
        cards: vec![
            FeedCard::Social(mock::leak_rumour()),
            FeedCard::Social(mock::waves_post()),
        ],
        breaking: None,
    }
}

#[derive(Template)]
#[template(path = "gallery/dashboard_email.html")]
pub struct EmailPage {
    pub shell: DashboardShell,
    pub mails: Vec<EmailCard>,
    pub open: usize,
}

impl EmailPage {
    pub fn rows(&self) -> Vec<MailListItem<'_>> {
        self.mails
            .iter()
            .enumerate()
            .map(|(i, mail)| MailListItem {
                mail,
                href: format!("#{}", mail.meta.dom_id),
                selected: i == self.open,
            })
            .collect()
    }

    pub fn reader(&self) -> Option<MailReader<'_>> {
        self.mails.get(self.open).map(|mail| MailReader { mail })
    }
}

pub fn email() -> EmailPage {
    let mut mails = vec![mock::press_office_mail(), mock::harbour_master_mail()];
    let more = [
        (
            "d-20",
            "T+25:02",
            "Coastguard North",
            "Tug Aldine Star tasked to MV Serra Nova",
            "Tug departs 14:05, ETA 40 minutes. Request that the north channel stays clear of pilot launches.",
            Some("OFFICIAL"),
            Priority::High,
        ),
        (
            "d-17",
            "T+22:40",
            "Port IT Service Desk",
            "Incident 44721: VTS display servers",
            "We are aware that the vessel traffic displays are not updating. Engineers are on site. Do not restart the servers.",
            None,
            Priority::Medium,
        ),
        (
            "d-11",
            "T+14:05",
            "Met Office Calder <forecasts@met.calder.example>",
            "Storm Halvard: updated surge forecast",
            "Peak surge now expected at 15:10, 2.4 m above chart datum at Port Aldine.",
            None,
            Priority::Medium,
        ),
        (
            "d-6",
            "T+03:30",
            "Exercise Control",
            "Welcome to HARBOUR LIGHT 26",
            "Your team is Maritime Operations. Injects will arrive on this dashboard. Use your own procedures and log decisions as you would for real.",
            None,
            Priority::Low,
        ),
    ];
    for (id, time, from, subject, body, classification, priority) in more {
        mails.push(EmailCard {
            meta: meta(id, time, InjectType::Email, priority, id == "d-20"),
            from: from.into(),
            to: Some("Maritime Operations Cell".into()),
            cc: None,
            subject: subject.into(),
            body: body.into(),
            classification: classification.map(Into::into),
            attachments: vec![],
        });
    }
    EmailPage {
        shell: mock::dashboard_shell(DashboardSection::Email, mock::running_clock()),
        mails,
        open: 1,
    }
}

/// A conversation in the SMS list.
pub struct Thread {
    pub name: &'static str,
    pub number: &'static str,
    pub last: &'static str,
    pub time: &'static str,
    pub unread: u32,
    pub colour: &'static str,
}

impl Thread {
    pub fn initials(&self) -> String {
        self.name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect()
    }
}

#[derive(Template)]
#[template(path = "gallery/dashboard_sms.html")]
pub struct SmsPage {
    pub shell: DashboardShell,
    pub threads: Vec<Thread>,
    pub bubbles: Vec<(Option<&'static str>, SmsBubble)>,
}

pub fn sms() -> SmsPage {
    let bubble = |id: &str, body: &str, time: &str, outgoing: bool, unread: bool| SmsBubble {
        dom_id: id.into(),
        body: body.into(),
        time: time.into(),
        outgoing,
        unread,
    };
    SmsPage {
        shell: mock::dashboard_shell(DashboardSection::Sms, mock::running_clock()),
        threads: vec![
            Thread {
                name: "Duty Officer Harbour Control",
                number: "+44 7700 900412",
                last: "Ships are calling us on VHF for positions. Call me.",
                time: "T+21:45",
                unread: 1,
                colour: "#0f7b83",
            },
            Thread {
                name: "Chief Insp. Morrow",
                number: "+44 7700 900188",
                last: "Road closures at Quay Street in place.",
                time: "T+27:10",
                unread: 0,
                colour: "#3b5bab",
            },
            Thread {
                name: "Pilot Station",
                number: "+44 7700 900733",
                last: "Pilot launch back alongside.",
                time: "T+12:02",
                unread: 0,
                colour: "#9a5b12",
            },
            Thread {
                name: "Unknown number",
                number: "+44 7700 900961",
                last: "Is it true the port is leaking chemicals??",
                time: "T+33:02",
                unread: 0,
                colour: "#4b5b6e",
            },
        ],
        bubbles: vec![
            (
                Some("T+09:40"),
                bubble(
                    "d-10",
                    "Wind at the pier head gusting 58 knots. We have stopped pilotage.",
                    "T+09:40",
                    false,
                    false,
                ),
            ),
            (
                None,
                bubble(
                    "d-10r",
                    "Understood. Keep us informed every 30 minutes.",
                    "T+10:05",
                    true,
                    false,
                ),
            ),
            (
                Some("T+19:55"),
                bubble(
                    "d-14",
                    "Radar picture on the VTS has frozen. Last update 13:20.",
                    "T+19:55",
                    false,
                    false,
                ),
            ),
            (
                None,
                bubble("d-14b", "Backup display the same.", "T+20:01", false, false),
            ),
            (
                None,
                bubble(
                    "d-14r",
                    "Is it the storm? Any damage to the radar head?",
                    "T+20:40",
                    true,
                    false,
                ),
            ),
            (
                Some("T+21:45"),
                bubble(
                    "d-15",
                    "VTS screens frozen at harbour control since 13:20. IT say it is not the storm. Ships are calling us on VHF for positions. Call me.",
                    "T+21:45",
                    false,
                    true,
                ),
            ),
        ],
    }
}

#[derive(Template)]
#[template(path = "gallery/dashboard_access.html")]
pub struct AccessPage {
    pub shell: BareShell,
}

pub fn access() -> AccessPage {
    AccessPage {
        shell: BareShell { doc: mock::doc() },
    }
}

#[derive(Template)]
#[template(path = "gallery/news_wall.html")]
pub struct WallPage {
    pub shell: DashboardShell,
    pub ticker: &'static str,
    pub items: Vec<WallItem>,
}

pub fn wall() -> WallPage {
    let mut shell = mock::dashboard_shell(DashboardSection::All, mock::running_clock());
    shell.team_name = "Calder News Network".into();
    shell.team_colour = mock::colour("#c8102e");
    shell.nav.clear();
    let item = |id: &str,
                time: &str,
                source: &str,
                headline: &str,
                body: Option<&str>,
                image: Option<(&str, &str)>| WallItem {
        dom_id: id.into(),
        time: time.into(),
        source: source.into(),
        headline: headline.into(),
        body: body.map(Into::into),
        image: image.map(|(name, alt)| mock::picture(name, alt)),
        lead: false,
        older: false,
        social: false,
    };
    let mut items = vec![
        item(
            "w-8",
            "T+33:50",
            "Calder News Network",
            "Tanker adrift off Port Aldine as storm closes the harbour",
            Some(
                "A 21,000-tonne tanker has lost engine power two nautical miles from the north channel. The coastguard says a tug is on its way and there is no leak.",
            ),
            Some(("tanker.svg", "A tanker listing in heavy seas")),
        ),
        item(
            "w-7",
            "T+31:05",
            "Calder Broadcasting",
            "Port Aldine suspends all shipping as Storm Halvard makes landfall",
            Some(
                "Ferries to the islands are cancelled and residents are told to keep away from the seafront.",
            ),
            Some(("harbour.svg", "Cranes at Port Aldine at dusk")),
        ),
        item(
            "w-6",
            "T+28:30",
            "@PortAldineLive",
            "Police closing Marine Parade now. Waves over the breakwater. Stay away from the seafront! #Halvard",
            None,
            None,
        ),
        item(
            "w-5",
            "T+19:20",
            "The Aldine Courier",
            "Schools in the north district close early",
            Some("Parents are asked to collect children by 14:00."),
            None,
        ),
    ];
    items[0].lead = true;
    items[2].social = true;
    items[3].older = true;
    WallPage {
        shell,
        ticker: "Port Aldine suspends all shipping movements · Ferries cancelled · Marine Parade closed",
        items,
    }
}
