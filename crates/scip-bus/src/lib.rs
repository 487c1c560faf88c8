//! SCIP's MQTT layer (DESIGN §4): topics, payloads, access rules, an embedded broker, a client
//! for publishing and subscribing, and Mosquitto provisioning for the external-broker mode.
//!
//! - [`topics`]: the topic layout under a configurable prefix, and parsing topics back.
//! - [`payload`]: versioned JSON payloads (timer, control, status, delivery, receipt,
//!   presence); strict parsers for what dashboards send.
//! - [`principal`]: who a client is ([`Principal`]) and the [`Credential`] that proves it.
//! - [`acl`]: the topic access table as pure functions.
//! - [`auth`]: the [`Authenticator`] the embedded broker asks, and [`CredentialTable`].
//! - [`broker`]: the embedded broker (rmqtt): TCP + WebSocket, retained messages, ACL.
//! - [`client`]: the MQTT client (rumqttc) with reconnect and acknowledged publishes.
//! - [`mosquitto`]: password/ACL files for Mosquitto and a provisioner that reloads it.
//! - [`error`]: the crate error, [`BusError`].

pub mod acl;
pub mod auth;
pub mod broker;
pub mod client;
pub mod error;
pub mod mosquitto;
pub mod payload;
pub mod principal;
pub mod topics;

pub use acl::{Access, is_allowed};
pub use auth::{Authenticator, CredentialTable};
pub use broker::{BrokerConfig, EmbeddedBroker};
pub use client::{ClientConfig, ConnectionState, Inbox, IncomingMessage, MqttClient, Qos};
pub use error::BusError;
pub use principal::{Credential, CredentialError, MqttUsername, Principal};
pub use topics::{Topic, TopicError, TopicKind, TopicLayout};
