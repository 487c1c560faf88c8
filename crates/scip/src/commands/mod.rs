//! One module per subcommand, each with `Args` and `run`.

pub mod config;
pub mod convert;
pub mod dashboard;
pub mod health;
pub mod input;
pub mod migrate;
pub mod serve;
pub mod validate;
