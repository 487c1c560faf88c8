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

/// Renames the SCIP v3 synonyms among `content`'s fields to the canonical fields of `kind`
/// (SMS `text` → `body`, e-mail `headline` → `subject`, …), for v3-shaped API requests.
pub fn canonical_v3_content(
    kind: scip_core::InjectType,
    content: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Map<String, serde_json::Value> {
    content::canonical_content(kind, content, None, &mut |_| {})
}
