//! The client's connection state, observable for readiness checks (`/ready`).

use std::fmt;

/// Why the broker refused a connection (its CONNACK code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Wrong or missing username or password.
    BadCredentials,
    /// The credentials are not allowed to connect (for example anonymous).
    NotAuthorized,
    /// The broker is unavailable.
    ServiceUnavailable,
    /// Another code.
    Other(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadCredentials => f.write_str("bad username or password"),
            Self::NotAuthorized => f.write_str("not authorized"),
            Self::ServiceUnavailable => f.write_str("service unavailable"),
            Self::Other(code) => write!(f, "refused ({code})"),
        }
    }
}

/// Why the last connection attempt failed or the connection dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The broker answered and refused.
    Refused(Refusal),
    /// The network or the protocol failed (unreachable broker, dropped connection, timeout).
    Network(String),
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(r) => write!(f, "refused: {r}"),
            Self::Network(e) => f.write_str(e),
        }
    }
}

/// Where the client's connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// The first connection attempt is under way.
    Connecting,
    /// Connected; publishes and subscriptions go through.
    Connected,
    /// Not connected; the client retries after a back-off.
    Reconnecting {
        /// Failed attempts in a row (1 after the first failure).
        attempt: u32,
        /// What went wrong last.
        failure: ConnectFailure,
    },
    /// Shut down for good.
    Closed,
}

impl ConnectionState {
    /// Whether publishes go through now.
    pub fn is_connected(&self) -> bool {
        matches!(self, Self::Connected)
    }
}

impl fmt::Display for ConnectionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connecting => f.write_str("connecting"),
            Self::Connected => f.write_str("connected"),
            Self::Reconnecting { attempt, failure } => {
                write!(
                    f,
                    "reconnecting (attempt {attempt}; last failure: {failure})"
                )
            }
            Self::Closed => f.write_str("closed"),
        }
    }
}
