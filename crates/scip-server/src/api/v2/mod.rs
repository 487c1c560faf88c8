//! `/api/v2`, one module per resource.
//!
//! - [`team_feed`]: the team-scoped feed that dashboard processes and containers read with a
//!   dashboard token.

pub mod team_feed;
