//! The after-action report and the sign-in page.

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_server::view::{Badge, BareShell, PortalSection, PortalShell, TeamColour};

use super::rows::*;
use crate::mock;

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
