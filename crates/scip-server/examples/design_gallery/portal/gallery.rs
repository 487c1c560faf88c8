//! The component gallery page.

use askama::Template;
use scip_core::engine::ExerciseState;
use scip_core::{InjectType, Priority};
use scip_server::view::{
    Badge, DeliveryCell, DeliveryStage, Flash, FlashKind, PortalSection, PortalShell, QrSvg,
    SelectOption, TeamColour, TimerView, qr_svg,
};

use super::rows::*;
use crate::mock;

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

pub fn qr_fallback() -> QrSvg {
    // The fixed gallery URL always fits; this keeps the example free of unwrap.
    qr_svg("SCIP").unwrap_or_else(|_| std::process::exit(1))
}
