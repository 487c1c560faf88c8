//! The process runtime with the real `scip` binary: each team's dashboard is a `scip dashboard`
//! child that reads the team-scoped API with its dashboard token and the broker with the
//! team's credentials, is restarted when it dies, and stops with the exercise. Plus
//! `scip dashboard`'s own exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod cli;
mod orphans;
mod process;
mod support;
