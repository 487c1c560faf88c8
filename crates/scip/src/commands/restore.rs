//! `scip restore`: check a backup archive completely, then replace the database's rows (in
//! one transaction) and the media folder with it — all or nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use scip_store::{BackupError, RestoreRequest, verify_archive};

use super::archive_report::{Reporter, describe, plural};
use super::backup::open_store;
use crate::config::Config;

/// Arguments of `scip restore`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The archive to restore (written by `scip backup`).
    #[arg(long, short, value_name = "FILE")]
    pub input: PathBuf,
    /// Replace a database or media folder that already holds data.
    #[arg(long, short)]
    pub yes: bool,
}

/// Verifies and restores; progress on stderr, the result on stdout.
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

async fn execute(config: &Config, args: &Args) -> anyhow::Result<()> {
    let input = &args.input;
    eprintln!("verifying {}", input.display());
    let mut reporter = Reporter::default();
    let verified = verify_archive(input, &mut |p| reporter.report(p)).with_context(|| {
        format!(
            "{} cannot be restored; nothing was changed",
            input.display()
        )
    })?;
    reporter.finish_media("verified");
    eprintln!("backup verified: {}", describe(verified.manifest()));

    let store = open_store(config).await?;
    let media = config.media_path();
    eprintln!(
        "restoring into the {} database and {}",
        store.kind(),
        media.display()
    );
    let request = RestoreRequest {
        media_dir: &media,
        replace: args.yes,
    };
    let result = store
        .restore(&verified, &request, &mut |p| reporter.report(p))
        .await;
    store.close().await;
    let summary = match result {
        Ok(summary) => summary,
        Err(BackupError::NotEmpty { contents }) => bail!(
            "the target already holds data ({contents}); pass --yes to replace all of it \
             with the backup"
        ),
        Err(e @ BackupError::MediaSwap { .. }) => return Err(e.into()),
        Err(e) => {
            return Err(e).with_context(|| {
                format!("restoring {} failed; nothing was changed", input.display())
            });
        }
    };
    reporter.finish_media("restored");
    println!(
        "restored {}: {} in {}, {}",
        input.display(),
        plural(summary.rows, "row"),
        plural(summary.tables as u64, "table"),
        plural(summary.media_files, "media file")
    );
    Ok(())
}
