//! HTTP API tests: a whole SCIP per test, over real HTTP, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod attacks;
mod auth;
mod exercises;
mod import_export;
mod matrix;
mod media;
mod ops;
mod replicas;
mod scenarios;
mod team_access;
mod users;
mod v1;
