//! `scip export`: write a stored scenario (a given or the latest version) as a bundle folder or
//! zip, or an MSEL CSV or XLSX, with its media files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use scip_core::ScenarioId;
use scip_formats::{Folder, OutputFormat, write_path};

use super::convert::To;
use super::input::plural;
use crate::config::Config;

/// Arguments of `scip export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario id.
    pub scenario: String,
    /// Where to write (a folder for a bundle, a .zip, .csv or .xlsx file).
    #[arg(long, short, value_name = "PATH")]
    pub out: PathBuf,
    /// Output format [default: from the extension of --out; a folder without one].
    #[arg(long, value_enum)]
    pub to: Option<To>,
    /// Which version (default: the latest).
    #[arg(long, value_name = "N")]
    pub scenario_version: Option<u32>,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Runs `scip export`.
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
    rt.block_on(async {
        let id = match ScenarioId::new(args.scenario.clone()) {
            Ok(id) => id,
            Err(e) => {
                eprintln!("scip: scenario {:?} {e}", args.scenario);
                return ExitCode::from(2);
            }
        };
        let store = match scip_store::Store::connect(&config.database_url()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("scip: {e}");
                return ExitCode::from(2);
            }
        };
        let found = match args.scenario_version {
            Some(v) => store.scenario_version(&id, v).await.map(|s| (s, v)),
            None => store.latest_scenario(&id).await,
        };
        store.close().await;
        let (scenario, version) = match found {
            Ok(f) => f,
            Err(e) => {
                eprintln!("scip: {e}");
                return ExitCode::FAILURE;
            }
        };
        let format = args
            .to
            .map_or_else(|| OutputFormat::from_path(&args.out), OutputFormat::from);
        let media = Folder::new(config.media_path());
        match write_path(&scenario, &media, &args.out, format, args.force) {
            Ok(written) => {
                println!(
                    "wrote scenario {id} version {version} ({}, {}) to {} as {format}",
                    plural(scenario.teams.len(), "team"),
                    plural(scenario.inject_count(), "inject"),
                    written.path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("scip: nothing written: {e}");
                ExitCode::from(2)
            }
        }
    })
}
