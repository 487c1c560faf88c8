//! `scip config`: the configuration in effect.

use std::path::Path;
use std::process::ExitCode;

use crate::config::{Config, ENV_VARS};

/// Arguments of `scip config`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also list the environment variables SCIP reads.
    #[arg(long)]
    pub env: bool,
}

/// Prints the effective configuration with secrets masked.
pub fn run(file: Option<&Path>, args: Args) -> ExitCode {
    match Config::load(file, serde_json::Map::new()) {
        Ok(config) => {
            print!("{}", config.to_masked_toml());
            if args.env {
                println!("\n# Environment variables (override the file; flags override both):");
                for (name, setting) in ENV_VARS {
                    println!("#   {name:<24} {setting}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scip: {e}");
            ExitCode::from(2)
        }
    }
}
