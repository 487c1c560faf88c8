//! `scip convert`: a scenario from one format to another.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use scip_formats::{OutputFormat, load_path, write_path};

use super::input::{InputArgs, counts, plural, problem_lines};

/// Output formats `--to` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    /// A bundle folder (scenario.yaml, teams/, media/).
    Bundle,
    /// A bundle packed as a zip.
    Zip,
    /// An MSEL CSV (injects only).
    Csv,
    /// An MSEL workbook with Injects, Scenario and Teams sheets.
    Xlsx,
}

impl From<To> for OutputFormat {
    fn from(to: To) -> Self {
        match to {
            To::Bundle => Self::Bundle,
            To::Zip => Self::Zip,
            To::Csv => Self::Csv,
            To::Xlsx => Self::Xlsx,
        }
    }
}

/// Arguments of `scip convert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A bundle folder or zip, a SCIP v3 scenario .json, an MSEL .csv or .xlsx.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// Where to write: a new or empty folder (bundle), or a .zip, .csv or .xlsx file.
    #[arg(value_name = "OUTPUT")]
    pub output: PathBuf,

    /// Output format [default: from OUTPUT's extension; a folder without one]
    #[arg(long, value_enum)]
    pub to: Option<To>,

    /// A scenario (any format) whose settings and teams a spreadsheet is imported into; its
    /// rows must then name that scenario's teams.
    #[arg(long, value_name = "SCENARIO")]
    pub into: Option<PathBuf>,

    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub source: InputArgs,
}

/// Converts INPUT to OUTPUT. Exit status: 0 written, 1 the input has errors (nothing is
/// written), 2 the input cannot be read or the output cannot be written.
pub fn run(args: Args) -> ExitCode {
    let mut options = args.source.load_options();
    if let Some(base) = &args.into {
        match load_base(base, &args.source) {
            Ok(scenario) => options.base = Some(scenario),
            Err(code) => return code,
        }
    }
    let shown = args.input.display();
    let loaded = match load_path(&args.input, &options) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("scip: {shown} cannot be read: {e}");
            return ExitCode::from(2);
        }
    };
    for line in problem_lines(&loaded.report.problems) {
        eprintln!("{line}");
    }
    let Some(scenario) = loaded.importable() else {
        eprintln!(
            "scip: {shown} was not converted: {}; fix the errors above and run again",
            counts(&loaded.report)
        );
        return ExitCode::from(1);
    };
    let format = args
        .to
        .map_or_else(|| OutputFormat::from_path(&args.output), OutputFormat::from);
    let written = match write_path(scenario, &loaded.media, &args.output, format, args.force) {
        Ok(written) => written,
        Err(e) => {
            eprintln!("scip: nothing written: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "wrote scenario {} ({}, {}, {}) to {} as {format}",
        scenario.id,
        plural(scenario.teams.len(), "team"),
        plural(scenario.inject_count(), "inject"),
        plural(loaded.media.len(), "media file"),
        written.path.display()
    );
    if let Some((dir, count)) = written.media {
        println!(
            "media files are in {} ({} new)",
            dir.display(),
            plural(count, "file")
        );
    }
    if format == OutputFormat::Csv {
        println!(
            "note: CSV holds the injects only; import it with --into a scenario that has the \
             settings and teams, or convert to .xlsx to keep them"
        );
    }
    ExitCode::SUCCESS
}

/// Loads the scenario a spreadsheet is imported into; it must be free of errors.
fn load_base(path: &Path, source: &InputArgs) -> Result<scip_core::Scenario, ExitCode> {
    let loaded = load_path(path, &source.load_options()).map_err(|e| {
        eprintln!("scip: {} (--into) cannot be read: {e}", path.display());
        ExitCode::from(2)
    })?;
    match loaded.importable() {
        Some(scenario) => Ok(scenario.clone()),
        None => {
            for line in problem_lines(&loaded.report.problems) {
                eprintln!("{line}");
            }
            eprintln!(
                "scip: {} (--into) has errors: {}",
                path.display(),
                counts(&loaded.report)
            );
            Err(ExitCode::from(1))
        }
    }
}
