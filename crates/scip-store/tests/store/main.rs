//! Store integration tests, against SQLite files and PostgreSQL databases.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod integrity;
mod roundtrip;
mod stats;
mod steps;
mod story;
