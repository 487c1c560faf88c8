//! Store integration tests, against SQLite files and PostgreSQL databases.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

mod backup;
mod backup_damage;
mod backup_fixture;

mod integrity;
mod roundtrip;
mod steps;
mod story;
