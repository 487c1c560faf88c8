//! Command-line arguments and dispatch to one module per subcommand.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands;

/// SCIP runs live multi-team crisis exercises: it delivers every inject to its team's
/// dashboard at its exact time over MQTT, proves it arrived and was read, and lets
/// controllers steer the exercise.
#[derive(Debug, Parser)]
#[command(name = "scip", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Configuration file (TOML); environment variables and flags override it.
    #[arg(long, global = true, env = "SCIP_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run SCIP: the all-in-one server (API, portal, engine, embedded broker, dashboards), or
    /// one role of a distributed deployment.
    Serve(commands::serve::Args),
    /// Apply database migrations (also done at every start) and print the schema version.
    Migrate(commands::migrate::Args),
    /// Serve one team's dashboard (what the process and Docker runtimes start per team).
    Dashboard(Box<commands::dashboard::Args>),
    /// Exit 0 when a local SCIP process answers `/health` (for container health checks).
    Health(commands::health::Args),
    /// Print the configuration in effect (secrets masked) and where settings come from.
    Config(commands::config::Args),
    /// Check scenario files (bundle, SCIP v3, MSEL CSV/XLSX): one line per problem.
    Validate(commands::validate::Args),
    /// Convert a scenario between formats (bundle folder or zip, MSEL CSV or XLSX).
    Convert(commands::convert::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let config_file = cli.config.clone();
    match cli.command {
        Command::Serve(args) => commands::serve::run(config_file.as_deref(), args),
        Command::Migrate(args) => commands::migrate::run(config_file.as_deref(), args),
        Command::Dashboard(args) => commands::dashboard::run(*args),
        Command::Health(args) => commands::health::run(args),
        Command::Config(args) => commands::config::run(config_file.as_deref(), args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Convert(args) => commands::convert::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
