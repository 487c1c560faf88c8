//! `scip migrate`: bring the database schema up to date (also done at every start).

use std::path::Path;
use std::process::ExitCode;

use crate::config::Config;

/// Arguments of `scip migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Applies pending migrations and reports the schema version.
pub fn run(file: Option<&Path>, _args: Args) -> ExitCode {
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
        if config.database_url.is_none()
            && let Err(e) = std::fs::create_dir_all(&config.data_dir)
        {
            eprintln!("scip: cannot create {}: {e}", config.data_dir.display());
            return ExitCode::FAILURE;
        }
        match scip_store::Store::connect(&config.database_url()).await {
            Ok(store) => {
                let version = store.schema_version().await.unwrap_or_default();
                println!(
                    "database schema is at version {version} ({})",
                    store.kind().as_str()
                );
                store.close().await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("scip: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
