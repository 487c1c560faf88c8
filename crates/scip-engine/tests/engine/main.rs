//! Engine integration tests against a real database (SQLite and PostgreSQL) and real MQTT
//! brokers, with an independent subscriber checking what arrives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod delivery;
mod harness;
