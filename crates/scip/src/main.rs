//! `scip`: the Strategic Crisis Information Platform command line.

use clap::Parser;

mod cli;
mod commands;
mod config;
mod dashboards;
mod logging;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    cli::run(cli)
}
