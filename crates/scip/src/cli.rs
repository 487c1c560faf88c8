//! Command-line arguments and dispatch to one module per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// SCIP runs live multi-team crisis exercises: it delivers every inject to its team's
/// dashboard at its exact time over MQTT, proves it arrived and was read, and lets
/// controllers steer the exercise.
#[derive(Debug, Parser)]
#[command(name = "scip", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the version.
    Version,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Version => {
            println!("scip {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
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
