//! `scip validate`: lint scenario files of any format without importing them.

use std::path::PathBuf;
use std::process::ExitCode;

use scip_formats::{Loaded, load_path};
use serde::Serialize;

use super::input::{InputArgs, counts, plural, problem_lines};

/// How `scip validate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// One line per problem, then a summary per input.
    Text,
    /// One JSON document with every input and problem.
    Json,
}

/// Arguments of `scip validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Bundle folders or zips, SCIP v3 scenario .json files, MSEL .csv or .xlsx files.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub input: InputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub format: Output,
}

/// The outcome for one input, as JSON output shows it.
#[derive(Debug, Serialize)]
struct Checked {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    format: Option<scip_formats::Format>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<String>,
    teams: usize,
    injects: usize,
    media: usize,
    errors: usize,
    warnings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<String>,
    problems: Vec<scip_core::Problem>,
}

impl Checked {
    fn from_loaded(path: String, loaded: Loaded) -> Self {
        let scenario = loaded.scenario.as_ref();
        Self {
            path,
            format: Some(loaded.format),
            scenario: scenario.map(|s| s.id.to_string()),
            teams: scenario.map_or(0, |s| s.teams.len()),
            injects: scenario.map_or(0, |s| s.inject_count()),
            media: loaded.media.len(),
            errors: loaded.report.error_count(),
            warnings: loaded.report.warning_count(),
            unreadable: None,
            problems: loaded.report.problems,
        }
    }

    fn unreadable(path: String, reason: String) -> Self {
        Self {
            path,
            format: None,
            scenario: None,
            teams: 0,
            injects: 0,
            media: 0,
            errors: 0,
            warnings: 0,
            unreadable: Some(reason),
            problems: Vec::new(),
        }
    }
}

/// Checks every path. Exit status: 0 when no input has an error (warnings allowed), 1 when
/// some input has errors, 2 when some input cannot be read at all.
pub fn run(args: Args) -> ExitCode {
    let options = args.input.load_options();
    let mut results = Vec::new();
    for path in &args.paths {
        let shown = path.display().to_string();
        let checked = match load_path(path, &options) {
            Ok(loaded) => {
                if args.format == Output::Text {
                    print_text(&shown, &loaded);
                }
                Checked::from_loaded(shown, loaded)
            }
            Err(e) => {
                if args.format == Output::Text {
                    println!("{shown}: error: cannot be read: {e}");
                }
                Checked::unreadable(shown, e.to_string())
            }
        };
        results.push(checked);
    }
    let unreadable = results.iter().filter(|r| r.unreadable.is_some()).count();
    let with_errors = results.iter().filter(|r| r.errors > 0).count();
    match args.format {
        Output::Text if results.len() > 1 => println!(
            "checked {} inputs: {} with errors, {} unreadable",
            results.len(),
            with_errors,
            unreadable
        ),
        Output::Text => {}
        Output::Json => {
            let doc = serde_json::json!({
                "inputs": results,
                "errors": results.iter().map(|r| r.errors).sum::<usize>(),
                "warnings": results.iter().map(|r| r.warnings).sum::<usize>(),
                "unreadable": unreadable,
            });
            match serde_json::to_string_pretty(&doc) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    eprintln!("scip: cannot print the report: {e}");
                    return ExitCode::from(2);
                }
            }
        }
    }
    if unreadable > 0 {
        ExitCode::from(2)
    } else if with_errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_text(shown: &str, loaded: &Loaded) {
    for line in problem_lines(&loaded.report.problems) {
        println!("{line}");
    }
    let what = match &loaded.scenario {
        Some(s) => format!(
            "scenario {}: {}, {}, {}",
            s.id,
            plural(s.teams.len(), "team"),
            plural(s.inject_count(), "inject"),
            plural(loaded.media.len(), "media file")
        ),
        None => "no scenario could be built".to_owned(),
    };
    let verdict = if loaded.report.has_errors() {
        "not valid"
    } else {
        "valid"
    };
    println!(
        "{shown}: {} {what}; {} ({verdict})",
        loaded.format,
        counts(&loaded.report)
    );
}
