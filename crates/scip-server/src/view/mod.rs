//! What the shared layouts need from a page. Every page struct carries one shell field named
//! `shell` — a [`PortalShell`] for control-portal pages, a [`DashboardShell`] for team
//! dashboard pages, or a bare [`Document`] wrapper for pages without navigation (sign-in) —
//! and `base.html` reads `shell.doc` for asset URLs and flash messages.
//!
//! Components render themselves (`{{ badge }}`, `{{ card }}`): [`Badge`], [`DeliveryCell`],
//! the feed cards in [`feed`], and [`QrSvg`]. Each maps domain values to one look, here, so
//! every page shows them the same way.

mod badge;
mod colour;
mod dashboard;
mod document;
pub mod feed;
mod form;
mod nav;
mod portal;
mod qr;
mod timer;

pub use badge::{
    Badge, DeliveryCell, DeliveryStage, classification_class, inject_icon, type_class,
};
pub use colour::{ColourError, TeamColour};
pub use dashboard::{DashboardSection, DashboardShell, UnreadCounts};
pub use document::{BareShell, Document, Flash, FlashKind};
pub use feed::{FeedCard, FeedMeta, MediaKind, MediaRef};
pub use form::SelectOption;
pub use nav::NavLink;
pub use portal::{LiveExerciseLink, PortalSection, PortalShell, UserRole, UserView};
pub use qr::{QrError, QrSvg, qr_svg};
pub use timer::TimerView;
