//! Message payloads, JSON, each versioned with `"v":1`.
//!
//! - [`clock`]: the retained timer and the control channel (engine → everyone).
//! - [`status`]: the retained exercise summary (engine → controllers).
//! - [`delivery`]: one inject delivered to one team, a superset of the SCIP v3 inject message.
//! - [`dashboard`]: receipts and presence, sent by team dashboards. They come from clients we
//!   do not trust, so [`ReceiptPayload::parse`] and [`PresencePayload::parse`] check size,
//!   JSON, version and every value, and fail with a message naming what is wrong.

pub mod clock;
pub mod dashboard;
pub mod delivery;
pub mod status;

pub use clock::{ControlCommand, ControlEvent, ControlPayload, TimerPayload};
pub use dashboard::{PresencePayload, ReceiptKind, ReceiptPayload};
pub use delivery::DeliveryPayload;
pub use status::{StatusPayload, TeamStatus};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest receipt or presence message accepted from a dashboard, in bytes.
pub const MAX_DASHBOARD_PAYLOAD_BYTES: usize = 4 * 1024;

/// Largest message from the engine a consumer parses (a delivery with long content), in bytes.
pub const MAX_ENGINE_PAYLOAD_BYTES: usize = 1024 * 1024;

/// Why a payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// More bytes than accepted for this kind of message.
    #[error("{what} message is {len} bytes; at most {max} are accepted")]
    TooLarge {
        /// Which message.
        what: &'static str,
        /// Its size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Not JSON, or JSON of the wrong shape (the message names the field and the problem).
    #[error("{what} message is not valid: {reason}")]
    Invalid {
        /// Which message.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The message could not be written as JSON.
    #[error("cannot write {what} message as JSON: {reason}")]
    Encode {
        /// Which message.
        what: &'static str,
        /// Why.
        reason: String,
    },
}

/// The payload version field, always `1`. Reading any other value fails with a clear message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct V1;

impl Serialize for V1 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(1)
    }
}

impl<'de> Deserialize<'de> for V1 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = u64::deserialize(deserializer)?;
        if v == 1 {
            Ok(V1)
        } else {
            Err(serde::de::Error::custom(format_args!(
                "payload version {v} is not supported; this SCIP reads version 1"
            )))
        }
    }
}

/// Writes a payload as compact JSON.
pub fn encode<T: Serialize>(what: &'static str, payload: &T) -> Result<Vec<u8>, PayloadError> {
    serde_json::to_vec(payload).map_err(|e| PayloadError::Encode {
        what,
        reason: e.to_string(),
    })
}

/// Reads JSON of at most `max` bytes into `T`.
pub(crate) fn decode<T: DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
    max: usize,
) -> Result<T, PayloadError> {
    if bytes.len() > max {
        return Err(PayloadError::TooLarge {
            what,
            len: bytes.len(),
            max,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| PayloadError::Invalid {
        what,
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_one_round_trips_and_others_are_named() {
        assert_eq!(serde_json::to_string(&V1).unwrap(), "1");
        assert_eq!(serde_json::from_str::<V1>("1").unwrap(), V1);
        let err = serde_json::from_str::<V1>("2").unwrap_err().to_string();
        assert!(err.contains("version 2"), "{err}");
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let big = vec![b' '; 100];
        let err = decode::<V1>("test", &big, 10).unwrap_err();
        assert_eq!(
            err,
            PayloadError::TooLarge {
                what: "test",
                len: 100,
                max: 10
            }
        );
    }
}
