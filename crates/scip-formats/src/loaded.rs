//! What every reader returns: the scenario, its media and one report of every problem.

use std::collections::BTreeSet;

use scip_core::{Problem, Report, Scenario, validate_scenario};

use crate::detect::Format;
use crate::fileset::FileSet;

/// A scenario read from some format, with its media files and every problem found while
/// reading it and validating it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The format it was read from.
    pub format: Format,
    /// The scenario, when the input was readable enough to build one (it may still have
    /// errors: see `report`).
    pub scenario: Option<Scenario>,
    /// Media files by library name (flat names such as `flood-map.png`).
    pub media: FileSet,
    /// Reading problems (with file and row) followed by validation problems.
    pub report: Report,
}

impl Loaded {
    /// The scenario when there is one and the report holds no error (warnings allowed).
    pub fn importable(&self) -> Option<&Scenario> {
        self.scenario.as_ref().filter(|_| !self.report.has_errors())
    }
}

/// Validates what a reader built and assembles the result.
///
/// `locate` fills in where a problem is (file, row) from what it names (team, inject); it is
/// applied to reading problems without a file too. Media in `reported_missing` were already
/// reported by the reader with a more precise message, so validation does not repeat them.
pub(crate) fn finish(
    format: Format,
    scenario: Option<Scenario>,
    media: FileSet,
    reading: Vec<Problem>,
    reported_missing: &BTreeSet<String>,
    locate: &dyn Fn(&mut Problem),
) -> Loaded {
    let mut report = Report::default();
    for mut problem in reading {
        if problem.location.file.is_none() {
            locate(&mut problem);
        }
        report.push(problem);
    }
    if let Some(scenario) = &scenario {
        let has_media = |name: &str| media.contains(name) || reported_missing.contains(name);
        for mut problem in validate_scenario(scenario, &has_media).problems {
            locate(&mut problem);
            report.push(problem);
        }
    }
    Loaded {
        format,
        scenario,
        media,
        report,
    }
}
