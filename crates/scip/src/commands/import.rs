//! `scip import`: check a scenario file (bundle, SCIP v3, MSEL) and store it with its media.
//! The same validation as `scip validate` runs first; with any error nothing is written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use scip_core::ScenarioId;
use scip_formats::load_path;
use scip_server::import::{ImportError, ImportOptions, import_loaded};
use scip_server::media::MediaLibrary;

use super::input::{InputArgs, counts, plural, problem_lines};
use crate::config::Config;

/// Arguments of `scip import`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A bundle folder or zip, a SCIP v3 scenario .json, an MSEL .csv or .xlsx.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Print the report and what would be stored; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Store under this scenario id instead of the file's.
    #[arg(long = "as", value_name = "ID")]
    pub as_id: Option<String>,
    /// When the scenario exists, save the import as its next version.
    #[arg(long)]
    pub new_version: bool,
    /// Import a spreadsheet into this stored scenario's settings and teams (rows must name
    /// its teams); implies --new-version.
    #[arg(long, value_name = "SCENARIO")]
    pub into: Option<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `scip import`. Exit status: 0 imported (or a clean dry run), 1 problems found or the
/// scenario exists, 2 unreadable input or storage failure.
pub fn run(file: Option<&Path>, args: Args) -> ExitCode {
    let config = match Config::load(file, serde_json::Map::new()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("scip: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    rt.block_on(import(&config, args))
}

async fn import(config: &Config, args: Args) -> ExitCode {
    if config.database_url.is_none()
        && let Err(e) = std::fs::create_dir_all(&config.data_dir)
    {
        eprintln!("scip: cannot create {}: {e}", config.data_dir.display());
        return ExitCode::from(2);
    }
    let store = match scip_store::Store::connect(&config.database_url()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    let mut options = args.input.load_options();
    let mut as_id = None;
    if let Some(into) = &args.into {
        let id = match ScenarioId::new(into.clone()) {
            Ok(id) => id,
            Err(e) => {
                eprintln!("scip: scenario {into:?} {e}");
                return ExitCode::from(2);
            }
        };
        match store.latest_scenario(&id).await {
            Ok((scenario, _)) => options.base = Some(scenario),
            Err(e) => {
                eprintln!("scip: --into {into}: {e}");
                return ExitCode::from(2);
            }
        }
        as_id = Some(id);
    }
    if let Some(text) = &args.as_id {
        match ScenarioId::new(text.clone()) {
            Ok(id) => as_id = Some(id),
            Err(e) => {
                eprintln!("scip: --as {text:?} {e}");
                return ExitCode::from(2);
            }
        }
    }
    let shown = args.path.display().to_string();
    let loaded = match load_path(&args.path, &options) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("scip: {shown} cannot be read: {e}");
            return ExitCode::from(2);
        }
    };
    for line in problem_lines(&loaded.report.problems) {
        eprintln!("{line}");
    }
    let library = MediaLibrary::new(config.media_path(), store.clone(), 64 * 1024 * 1024);
    let import_options = ImportOptions {
        as_id,
        new_version: args.new_version || args.into.is_some(),
        dry_run: args.dry_run,
        actor: std::env::var("USER").ok().map(|u| format!("cli:{u}")),
        comment: Some(format!(
            "imported from {}",
            args.path
                .file_name()
                .map_or(shown.clone(), |n| n.to_string_lossy().into_owned())
        )),
    };
    let now = scip_engine::ProcessClock::new().now();
    let code = match import_loaded(&store, &library, loaded, &import_options, now).await {
        Ok(outcome) => {
            let verb = if outcome.dry_run {
                "would store"
            } else {
                "stored"
            };
            println!(
                "{shown}: {verb} scenario {} version {}{} ({}; {})",
                outcome.scenario,
                outcome.version,
                if outcome.created { " (new)" } else { "" },
                plural(outcome.media_files, "media file"),
                counts(&outcome.report)
            );
            ExitCode::SUCCESS
        }
        Err(ImportError::Invalid(report)) => {
            eprintln!(
                "scip: {shown} was not imported: {}; fix the errors above and run again",
                counts(&report)
            );
            ExitCode::from(1)
        }
        Err(e @ ImportError::Exists(..)) => {
            eprintln!("scip: {e} (--new-version, or --as ID)");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("scip: {shown} was not imported: {e}");
            ExitCode::from(2)
        }
    };
    store.close().await;
    code
}
