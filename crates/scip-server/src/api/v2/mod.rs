//! `/api/v2`, one module per resource.
//!
//! - [`auth`]: sign in and out, tokens, who am I; [`users`]: accounts (admin).
//! - [`scenarios`]: scenarios; [`scenario_versions`]: versions and copies;
//!   [`scenario_validation`]: validation; [`scenario_files`]: import and export;
//!   [`teams`]: teams, timelines and single injects.
//! - [`media`]: the media library.
//! - [`exercises`]: launch, list, read; [`control`]: lifecycle, speed, seek, live injects,
//!   fire-now, resend; [`deliveries`]: deliveries and receipts; [`events`]: the event log;
//!   [`access`]: access codes and signed team links; [`reports`]: the after-action report
//!   (CSV and JSON).
//! - [`team_access`]: participants entering their team.
//! - [`team_feed`]: the team-scoped feed that dashboard processes and containers read with a
//!   dashboard token.

pub mod access;
pub mod auth;
pub mod control;
pub mod deliveries;
pub mod events;
pub mod exercises;
pub mod media;
pub mod reports;
pub mod scenario_files;
pub mod scenario_validation;
pub mod scenario_versions;
pub mod scenarios;
pub mod team_access;
pub mod team_feed;
pub mod teams;
pub mod users;
