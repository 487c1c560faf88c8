//! Import of SCIP v3 scenarios: a scenario JSON whose `teams[].timeline_file` name timeline
//! JSON files in any of the three shapes SCIP v3 used, with media under `/api/media/...`.
//!
//! - `scenario`: the scenario file.
//! - `team`: one team and its timeline file (the three shapes).
//! - `inject`: one inject: id, time, turn, type, priority, media.
//! - `content`: content field synonyms to canonical fields.
//! - `media`: media references flattened into a library.

mod content;
mod inject;
mod media;
mod scenario;
mod team;

pub use media::V3_MEDIA_PREFIX;
pub use scenario::{V3Sources, read_v3};
