//! Client settings: where the broker is, who we are, and the limits that shape back-pressure.

use std::fmt;
use std::time::Duration;

use super::Backoff;
use crate::error::BusError;

/// Delivery guarantee of a publish or subscription. QoS 2 is not used by SCIP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qos {
    /// At most once: resolved when written to the connection.
    AtMostOnce,
    /// At least once: resolved when the broker acknowledged (PUBACK).
    AtLeastOnce,
}

impl Qos {
    pub(crate) fn to_rumqttc(self) -> rumqttc::QoS {
        match self {
            Self::AtMostOnce => rumqttc::QoS::AtMostOnce,
            Self::AtLeastOnce => rumqttc::QoS::AtLeastOnce,
        }
    }

    pub(crate) fn from_rumqttc(qos: rumqttc::QoS) -> Self {
        match qos {
            rumqttc::QoS::AtMostOnce => Self::AtMostOnce,
            rumqttc::QoS::AtLeastOnce | rumqttc::QoS::ExactlyOnce => Self::AtLeastOnce,
        }
    }
}

/// Where the broker is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerAddress {
    /// MQTT over TCP.
    Tcp {
        /// Host name or IP address.
        host: String,
        /// Port.
        port: u16,
    },
    /// MQTT over WebSocket, e.g. `ws://127.0.0.1:9001/mqtt`.
    WebSocket {
        /// The `ws://` URL.
        url: String,
    },
}

impl fmt::Display for BrokerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp { host, port } => write!(f, "mqtt://{host}:{port}"),
            Self::WebSocket { url } => f.write_str(url),
        }
    }
}

/// The message the broker publishes for us when we vanish without disconnecting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastWill {
    /// Topic.
    pub topic: String,
    /// Payload.
    pub payload: Vec<u8>,
    /// QoS.
    pub qos: Qos,
    /// Retained.
    pub retain: bool,
}

/// Client settings. Build with [`ClientConfig::tcp`] or [`ClientConfig::websocket`] and the
/// `with`-style methods; the password never appears in `Debug`.
#[derive(Clone)]
pub struct ClientConfig {
    /// The broker.
    pub broker: BrokerAddress,
    /// Client id, unique per connection (two clients with one id push each other out).
    pub client_id: String,
    /// Username and password.
    pub credentials: Option<(String, String)>,
    /// Keep-alive interval (whole seconds, at least 1 s).
    pub keep_alive: Duration,
    /// How long to wait between reconnect attempts.
    pub backoff: Backoff,
    /// Last will, registered with every connection.
    pub last_will: Option<LastWill>,
    /// Most QoS 1 publishes on the wire before the broker acknowledges some.
    pub max_in_flight: u16,
    /// Most publishes handed over and not yet answered; `publish` waits beyond that.
    pub max_pending: usize,
    /// Incoming messages buffered for the consumer; the client stops reading from the broker
    /// while the buffer is full.
    pub inbox_capacity: usize,
    /// Largest packet sent or received, in bytes.
    pub max_packet_size: usize,
    /// How long to wait for the TCP/WebSocket connection and CONNACK.
    pub connect_timeout: Duration,
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("broker", &self.broker)
            .field("client_id", &self.client_id)
            .field("username", &self.credentials.as_ref().map(|c| &c.0))
            .field("password", &self.credentials.as_ref().map(|_| "<redacted>"))
            .field("keep_alive", &self.keep_alive)
            .field("backoff", &self.backoff)
            .field("last_will", &self.last_will.as_ref().map(|w| &w.topic))
            .field("max_in_flight", &self.max_in_flight)
            .field("max_pending", &self.max_pending)
            .field("inbox_capacity", &self.inbox_capacity)
            .field("max_packet_size", &self.max_packet_size)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}

impl ClientConfig {
    /// Settings for a broker over TCP, with defaults for everything else.
    pub fn tcp(host: impl Into<String>, port: u16, client_id: impl Into<String>) -> Self {
        Self::to(
            BrokerAddress::Tcp {
                host: host.into(),
                port,
            },
            client_id,
        )
    }

    /// Settings for a broker over WebSocket (`ws://host:port/path`).
    pub fn websocket(url: impl Into<String>, client_id: impl Into<String>) -> Self {
        Self::to(BrokerAddress::WebSocket { url: url.into() }, client_id)
    }

    fn to(broker: BrokerAddress, client_id: impl Into<String>) -> Self {
        Self {
            broker,
            client_id: client_id.into(),
            credentials: None,
            keep_alive: Duration::from_secs(30),
            backoff: Backoff::default(),
            last_will: None,
            max_in_flight: 256,
            max_pending: 4096,
            inbox_capacity: 4096,
            max_packet_size: 1024 * 1024,
            connect_timeout: Duration::from_secs(5),
        }
    }

    /// With a username and password.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some((username.into(), password.into()));
        self
    }

    /// With a last will.
    pub fn last_will(mut self, will: LastWill) -> Self {
        self.last_will = Some(will);
        self
    }

    /// With a reconnect back-off.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    pub(crate) fn check(&self) -> Result<(), BusError> {
        let bad = |what: String| Err(BusError::Config(what));
        if self.client_id.is_empty() || self.client_id.starts_with(' ') {
            return bad(format!(
                "client id {:?} must not be empty or start with a space",
                self.client_id
            ));
        }
        if self.keep_alive < Duration::from_secs(1) || self.keep_alive.subsec_nanos() != 0 {
            return bad(format!(
                "keep-alive {:?} must be whole seconds, at least 1 s",
                self.keep_alive
            ));
        }
        if self.max_in_flight == 0 || self.max_pending == 0 || self.inbox_capacity == 0 {
            return bad("max_in_flight, max_pending and inbox_capacity must be at least 1".into());
        }
        if self.connect_timeout < Duration::from_secs(1) {
            return bad("connect timeout must be at least 1 s".into());
        }
        if let BrokerAddress::WebSocket { url } = &self.broker
            && !url.starts_with("ws://")
        {
            return bad(format!(
                "WebSocket broker URL {url:?} must start with ws://"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusable_settings_are_refused_with_the_reason() {
        let ok = ClientConfig::tcp("localhost", 1883, "c");
        assert!(ok.check().is_ok());
        let err = |c: ClientConfig| c.check().unwrap_err().to_string();
        assert!(err(ClientConfig::tcp("h", 1, "")).contains("client id"));
        assert!(
            err(ClientConfig {
                keep_alive: Duration::from_millis(500),
                ..ok.clone()
            })
            .contains("keep-alive")
        );
        assert!(err(ClientConfig::websocket("http://x", "c")).contains("ws://"));
    }

    #[test]
    fn debug_hides_the_password() {
        let c = ClientConfig::tcp("h", 1, "c").credentials("user", "hunter2");
        let text = format!("{c:?}");
        assert!(text.contains("user") && !text.contains("hunter2"), "{text}");
    }
}
