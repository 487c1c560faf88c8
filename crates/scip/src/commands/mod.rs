//! One module per subcommand, each with `Args` and `run`.

pub mod config;
