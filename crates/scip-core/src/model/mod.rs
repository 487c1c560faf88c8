//! The scenario model: scenarios, teams, injects and their typed content.

pub mod document;
pub mod inject;
pub mod media;
pub mod scenario;

pub use inject::{
    Alert, CLASSIFICATIONS, Content, ContentError, Email, Engagement, ExtraFields, FieldKind,
    FieldSpec, Inject, InjectType, Intel, MediaItem, News, PLATFORMS, Priority, SEVERITIES, Sms,
    Social, describe_json,
};
pub use media::{MediaKind, media_kind, sanitize_media_name};
pub use scenario::{Mode, Scenario, TEAM_PALETTE, Team, TeamKind, TeamResources, is_hex_color};
