//! Import of SCIP v3 scenarios: a scenario JSON whose `teams[].timeline_file` name timeline
//! JSON files in any of the three shapes SCIP v3 used, with media under `/api/media/...`.
//!
//! - `scenario`: the scenario file, teams and timeline files.
//! - `inject`: one inject, mapping every type and field synonym.
//! - `media`: media references flattened into a library.

mod inject;
mod media;
mod scenario;

pub use media::V3_MEDIA_PREFIX;
pub use scenario::{V3Sources, read_v3};
