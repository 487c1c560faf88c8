//! Integration tests of the MQTT bus against real brokers: the embedded broker and private
//! Mosquitto instances configured by the provisioner.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod embedded;
mod isolation;
mod mosquitto;
mod support;
