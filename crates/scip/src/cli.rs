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
    /// Try SCIP: the all-in-one server with the GREY TIDE demo scenario, a ready exercise and
    /// an administrator account; prints where everything is.
    Demo(commands::demo::Args),
    /// Run SCIP: the all-in-one server (API, portal, engine, embedded broker, dashboards), or
    /// one role of a distributed deployment.
    Serve(commands::serve::Args),
    /// Create and drive exercises (create, list, status, start, pause, resume, next-turn,
    /// finish, reset, stop, seek, speed, fire, inject, resend, events).
    Exercise(commands::exercise::Args),
    /// Write Mosquitto password and ACL files giving each team dashboard access to its own
    /// topics only (for an external Mosquitto).
    MqttConfig(commands::mqtt_config::Args),
    /// Check a scenario file and store it with its media (nothing is stored when it has errors).
    Import(commands::import::Args),
    /// Write a stored scenario as a bundle folder or zip, or an MSEL CSV or XLSX.
    Export(commands::export::Args),
    /// Apply database migrations (also done at every start) and print the schema version.
    Migrate(commands::migrate::Args),
    /// Serve one team's dashboard (what the process and Docker runtimes start per team).
    Dashboard(Box<commands::dashboard::Args>),
    /// Write the database and the media folder to one verified archive (`--output FILE`).
    Backup(commands::backup::Args),
    /// Check a backup archive completely, then replace the database and media folder with it
    /// (`--input FILE`; `--yes` to replace existing data).
    Restore(commands::restore::Args),
    /// Exit 0 when a local SCIP process answers `/health` (for container health checks).
    Health(commands::health::Args),
    /// Print the configuration in effect (secrets masked) and where settings come from.
    Config(commands::config::Args),
    /// Check scenario files (bundle, SCIP v3, MSEL CSV/XLSX): one line per problem.
    Validate(commands::validate::Args),
    /// Convert a scenario between formats (bundle folder or zip, MSEL CSV or XLSX).
    Convert(commands::convert::Args),
    /// Manage portal accounts: add, passwd, list, remove.
    User(commands::user::Args),
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    let config_file = cli.config.clone();
    match cli.command {
        Command::Demo(args) => commands::demo::run(config_file.as_deref(), args),
        Command::Serve(args) => commands::serve::run(config_file.as_deref(), args),
        Command::Exercise(args) => commands::exercise::run(config_file.as_deref(), args),
        Command::MqttConfig(args) => commands::mqtt_config::run(config_file.as_deref(), args),
        Command::Import(args) => commands::import::run(config_file.as_deref(), args),
        Command::Export(args) => commands::export::run(config_file.as_deref(), args),
        Command::Migrate(args) => commands::migrate::run(config_file.as_deref(), args),
        Command::Dashboard(args) => commands::dashboard::run(*args),
        Command::Backup(args) => commands::backup::run(config_file.as_deref(), args),
        Command::Restore(args) => commands::restore::run(config_file.as_deref(), args),
        Command::Health(args) => commands::health::run(args),
        Command::Config(args) => commands::config::run(config_file.as_deref(), args),
        Command::Validate(args) => commands::validate::run(args),
        Command::Convert(args) => commands::convert::run(args),
        Command::User(args) => commands::user::run(config_file.as_deref(), args),
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
