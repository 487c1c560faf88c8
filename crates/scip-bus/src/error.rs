//! The crate's error type. rmqtt, rumqttc and IO errors are translated here, so no code above
//! this crate matches on them.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::client::Refusal;
use crate::payload::PayloadError;
use crate::principal::CredentialError;
use crate::topics::TopicError;

/// Everything that can go wrong on the bus.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// The embedded broker could not listen on an address (taken port, bad address).
    #[error("cannot listen for MQTT {listener} on {addr}: {reason}")]
    Bind {
        /// `"TCP"` or `"WebSocket"`.
        listener: &'static str,
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        reason: String,
    },
    /// The client is not connected right now (the broker is down or refused us); retry later.
    #[error("not connected to the MQTT broker at {broker}")]
    NotConnected {
        /// The broker address.
        broker: String,
    },
    /// The connection dropped before the broker acknowledged; the message may or may not have
    /// arrived, so send it again.
    #[error("connection to the MQTT broker at {broker} was lost before it acknowledged")]
    ConnectionLost {
        /// The broker address.
        broker: String,
    },
    /// The broker refused our credentials.
    #[error("the MQTT broker at {broker} refused the connection: {refusal}")]
    Refused {
        /// The broker address.
        broker: String,
        /// Its reason.
        refusal: Refusal,
    },
    /// The client was shut down.
    #[error("the MQTT client was shut down")]
    Closed,
    /// The broker refused a subscription (access control).
    #[error("the MQTT broker refused the subscription to {filter:?}")]
    SubscriptionRefused {
        /// The topic filter.
        filter: String,
    },
    /// A client setting is unusable.
    #[error("invalid MQTT client setting: {0}")]
    Config(String),
    /// A topic or prefix is invalid.
    #[error(transparent)]
    Topic(#[from] TopicError),
    /// A payload could not be read or written.
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// A credential is invalid.
    #[error(transparent)]
    Credential(#[from] CredentialError),
    /// A file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What we were doing (`"write"`, `"read"`, `"replace"`).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Mosquitto could not be told to reload its password and ACL files.
    #[error("cannot make Mosquitto reload its password and ACL files: {0}")]
    Reload(String),
}
