//! One module per subcommand, each with `Args` and `run`.

pub mod config;
pub mod convert;
pub mod input;
pub mod validate;
