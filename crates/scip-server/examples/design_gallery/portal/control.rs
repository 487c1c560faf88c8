//! Portal home and exercise control.

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_server::view::{
    Badge, DeliveryCell, DeliveryStage, PortalSection, PortalShell, QrSvg, SelectOption, TimerView,
};

use super::gallery::components;
use super::matrix::*;
use super::rows::*;
use crate::mock;

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
