//! `scip backup`: one consistent archive of the database (SQLite or PostgreSQL) and the media
//! folder, restorable into either database with `scip restore`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use scip_store::{BackupError, BackupRequest, Store};

use super::archive_report::{Reporter, describe, format_bytes};
use crate::config::Config;

/// Arguments of `scip backup`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive to write (a zip file; conventionally `scip-backup-<date>.zip`).
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Replace FILE if it already exists.
    #[arg(long)]
    pub force: bool,
}

/// Writes the backup; progress on stderr, the result on stdout.
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
    match rt.block_on(execute(&config, &args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scip: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the database named by the configuration, creating the SQLite folder if needed, and
/// applies pending migrations (as every start does).
pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    }
    Store::connect(&config.database_url())
        .await
        .context("cannot open the database")
}

async fn execute(config: &Config, args: &Args) -> anyhow::Result<()> {
    if args.output.exists() && !args.force {
        bail!(
            "{} already exists; pass --force to replace it",
            args.output.display()
        );
    }
    let store = open_store(config).await?;
    let media = config.media_path();
    eprintln!(
        "backing up the {} database and {} to {}",
        store.kind(),
        media.display(),
        args.output.display()
    );
    let request = BackupRequest {
        output: &args.output,
        replace: args.force,
        media_dir: &media,
        scip_version: env!("CARGO_PKG_VERSION"),
        now: scip_engine::ProcessClock::new().now(),
    };
    let mut reporter = Reporter::default();
    let result = store.backup(&request, &mut |p| reporter.report(p)).await;
    store.close().await;
    let summary = match result {
        Ok(summary) => summary,
        Err(BackupError::OutputExists { path }) => {
            bail!(
                "{} already exists; pass --force to replace it",
                path.display()
            )
        }
        Err(e) => {
            return Err(e).with_context(|| format!("backup to {} failed", args.output.display()));
        }
    };
    reporter.finish_media("written");
    println!(
        "backup written to {} ({}): {}",
        args.output.display(),
        format_bytes(summary.archive_bytes),
        describe(&summary.manifest)
    );
    Ok(())
}
