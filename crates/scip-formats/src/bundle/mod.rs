//! The bundle, SCIP's canonical scenario format: `scenario.yaml` (or `scenario.json`),
//! `teams/<id>.yaml` timelines and `media/`, as a folder or a zip. It is the serde shape of
//! [`scip_core::model::document`], so export → import is lossless.
//!
//! - [`read`]: a file set to a scenario, media and report.
//! - [`write`]: a scenario and its media to a file set.
//! - `yaml`: YAML text with times quoted.

pub mod read;
pub mod write;
mod yaml;

pub use read::read_bundle;
pub use write::bundle_files;

/// Names the scenario file of a bundle may have, in order of preference.
pub const SCENARIO_FILES: [&str; 3] = ["scenario.yaml", "scenario.yml", "scenario.json"];

/// The folder of media files in a bundle.
pub const MEDIA_DIR: &str = "media";
