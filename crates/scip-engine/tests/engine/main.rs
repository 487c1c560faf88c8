//! Engine integration tests against a real database (SQLite and PostgreSQL) and real MQTT
//! brokers (embedded and Mosquitto), with an independent subscriber checking what arrives.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ahead;
mod controls;
mod delivery;
mod harness;
mod receipts;
mod resilience;
mod turns;
