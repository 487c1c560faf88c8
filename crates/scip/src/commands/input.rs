//! Options shared by the commands that read scenario files (`validate`, `convert`).

use std::path::PathBuf;

use scip_core::{Problem, Report};
use scip_formats::LoadOptions;

/// Where to find what a scenario file refers to.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct InputArgs {
    /// Media folder: SCIP v3 `/api/media/<path>` is `<DIR>/<path>`, spreadsheet Media names
    /// are files in it [default: `media/` next to the scenario file or spreadsheet]
    #[arg(long, value_name = "DIR")]
    pub media_dir: Option<PathBuf>,

    /// SCIP v3 scenarios folder that `timeline_file` paths are relative to, when it is not
    /// the folder holding the scenario file.
    #[arg(long, value_name = "DIR")]
    pub scenarios_root: Option<PathBuf>,
}

impl InputArgs {
    /// The library options these arguments ask for.
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            media_dir: self.media_dir.clone(),
            scenarios_root: self.scenarios_root.clone(),
            ..LoadOptions::default()
        }
    }
}

/// `1 error`, `3 errors`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// `3 errors, 1 warning`.
pub fn counts(report: &Report) -> String {
    format!(
        "{}, {}",
        plural(report.error_count(), "error"),
        plural(report.warning_count(), "warning")
    )
}

/// Problems as printed: one line each.
pub fn problem_lines(problems: &[Problem]) -> impl Iterator<Item = String> + '_ {
    problems.iter().map(ToString::to_string)
}
