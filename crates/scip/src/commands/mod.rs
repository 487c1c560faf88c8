//! One module per subcommand, each with `Args` and `run`.

pub mod archive_report;
pub mod backup;
pub mod config;
pub mod convert;
pub mod dashboard;
pub mod demo;
pub mod exercise;
pub mod export;
pub mod health;
pub mod import;
pub mod input;
pub mod migrate;
pub mod mqtt_config;
pub mod restore;
pub mod serve;
pub mod user;
pub mod validate;
