//! Messages team dashboards send: receipts (`…/team/{t}/receipts`) and presence
//! (`…/team/{t}/presence`, retained, also the dashboard's last will).
//!
//! These come from clients we do not trust. `parse` refuses more than
//! [`MAX_DASHBOARD_PAYLOAD_BYTES`], anything that is not this exact JSON shape with `"v":1`,
//! unknown receipt kinds, `seq` 0, and over-long or control-character viewer names. It never
//! panics, whatever the bytes (property-tested).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{MAX_DASHBOARD_PAYLOAD_BYTES, PayloadError, V1, decode};

/// How far a delivery got on a dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReceiptKind {
    /// The dashboard got the message.
    Received,
    /// The dashboard showed it on screen.
    Displayed,
    /// A participant opened it.
    Read,
}

impl ReceiptKind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Displayed => "displayed",
            Self::Read => "read",
        }
    }
}

/// Longest viewer name in a receipt, in characters.
pub const MAX_VIEWER_LEN: usize = 64;

/// Most viewers a presence message may report.
pub const MAX_VIEWERS: u32 = 100_000;

/// `{"v":1,"seq":7,"kind":"read","at":"2026-05-04T10:02:00Z","viewer":"laptop-3"}`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPayload {
    /// Payload version.
    pub v: V1,
    /// The delivery's sequence number in its team and run (1 or more).
    pub seq: u64,
    /// What happened.
    pub kind: ReceiptKind,
    /// When, by the dashboard's clock, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Which viewer (a browser session label), if the dashboard tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewer: Option<String>,
    /// The run the delivery belongs to, if the dashboard tells (guards against receipts for a
    /// run that a reset replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<u32>,
}

impl ReceiptPayload {
    /// A receipt without viewer or run.
    pub fn new(seq: u64, kind: ReceiptKind, at: OffsetDateTime) -> Self {
        Self {
            v: V1,
            seq,
            kind,
            at,
            viewer: None,
            run: None,
        }
    }

    /// Reads and checks a receipt from a dashboard.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        let receipt: Self = decode("receipt", bytes, MAX_DASHBOARD_PAYLOAD_BYTES)?;
        let invalid = |reason: String| PayloadError::Invalid {
            what: "receipt",
            reason,
        };
        if receipt.seq == 0 {
            return Err(invalid("seq is 0; sequence numbers start at 1".into()));
        }
        if let Some(viewer) = &receipt.viewer {
            let len = viewer.chars().count();
            if len == 0 || len > MAX_VIEWER_LEN {
                return Err(invalid(format!(
                    "viewer is {len} characters long; 1 to {MAX_VIEWER_LEN} are accepted"
                )));
            }
            if viewer.chars().any(char::is_control) {
                return Err(invalid("viewer contains control characters".into()));
            }
        }
        Ok(receipt)
    }
}

/// `{"v":1,"online":true,"viewers":2}` — a dashboard's presence; its last will says
/// `{"v":1,"online":false,"viewers":0}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresencePayload {
    /// Payload version.
    pub v: V1,
    /// Whether the dashboard is connected.
    pub online: bool,
    /// How many people view it.
    pub viewers: u32,
    /// When, by the dashboard's clock, RFC 3339 (optional).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub at: Option<OffsetDateTime>,
}

impl PresencePayload {
    /// A presence message.
    pub fn new(online: bool, viewers: u32) -> Self {
        Self {
            v: V1,
            online,
            viewers,
            at: None,
        }
    }

    /// The last will a dashboard registers: offline, nobody watching.
    pub fn offline() -> Self {
        Self::new(false, 0)
    }

    /// Reads and checks a presence message from a dashboard.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        let presence: Self = decode("presence", bytes, MAX_DASHBOARD_PAYLOAD_BYTES)?;
        if presence.viewers > MAX_VIEWERS {
            return Err(PayloadError::Invalid {
                what: "presence",
                reason: format!(
                    "viewers is {}; at most {MAX_VIEWERS} are accepted",
                    presence.viewers
                ),
            });
        }
        Ok(presence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn err(bytes: &str) -> String {
        ReceiptPayload::parse(bytes.as_bytes())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_good_receipt_is_read() {
        let r = ReceiptPayload::parse(
            br#"{"v":1,"seq":7,"kind":"read","at":"2026-05-04T10:02:00Z","viewer":"laptop-3"}"#,
        )
        .unwrap();
        assert_eq!(r.seq, 7);
        assert_eq!(r.kind, ReceiptKind::Read);
        assert_eq!(r.at, datetime!(2026-05-04 10:02:00 UTC));
        assert_eq!(r.viewer.as_deref(), Some("laptop-3"));
        assert_eq!(r.run, None);
    }

    #[test]
    fn receipt_errors_name_the_problem() {
        assert!(err("not json").contains("receipt message is not valid"));
        assert!(
            err(r#"{"v":2,"seq":1,"kind":"read","at":"2026-05-04T10:02:00Z"}"#)
                .contains("version 2")
        );
        assert!(
            err(r#"{"v":1,"seq":1,"kind":"opened","at":"2026-05-04T10:02:00Z"}"#)
                .contains("unknown variant `opened`")
        );
        assert!(
            err(r#"{"v":1,"kind":"read","at":"2026-05-04T10:02:00Z"}"#)
                .contains("missing field `seq`")
        );
        assert!(
            err(r#"{"v":1,"seq":0,"kind":"read","at":"2026-05-04T10:02:00Z"}"#)
                .contains("seq is 0")
        );
        assert!(
            err(r#"{"v":1,"seq":-1,"kind":"read","at":"2026-05-04T10:02:00Z"}"#)
                .contains("invalid value")
        );
        assert!(err(r#"{"v":1,"seq":1,"kind":"read","at":"yesterday"}"#).contains("at"));
        let long = "x".repeat(65);
        assert!(
            err(&format!(
                r#"{{"v":1,"seq":1,"kind":"read","at":"2026-05-04T10:02:00Z","viewer":"{long}"}}"#
            ))
            .contains("65 characters")
        );
        assert!(
            err(r#"{"v":1,"seq":1,"kind":"read","at":"2026-05-04T10:02:00Z","viewer":"a\nb"}"#)
                .contains("control")
        );
    }

    #[test]
    fn oversized_receipts_are_refused() {
        let padding = " ".repeat(MAX_DASHBOARD_PAYLOAD_BYTES);
        let e = ReceiptPayload::parse(
            format!(r#"{{"v":1,"seq":1,"kind":"read","at":"2026-05-04T10:02:00Z"}}{padding}"#)
                .as_bytes(),
        )
        .unwrap_err();
        assert!(
            matches!(
                e,
                PayloadError::TooLarge {
                    what: "receipt",
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn presence_is_read_and_checked() {
        assert_eq!(
            PresencePayload::parse(br#"{"v":1,"online":true,"viewers":2}"#).unwrap(),
            PresencePayload::new(true, 2)
        );
        let offline = serde_json::to_vec(&PresencePayload::offline()).unwrap();
        assert_eq!(offline, br#"{"v":1,"online":false,"viewers":0}"#);
        let e = PresencePayload::parse(br#"{"v":1,"online":true,"viewers":100001}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("100001"), "{e}");
        let e = PresencePayload::parse(br#"{"v":1,"online":"yes","viewers":1}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid type"), "{e}");
    }

    fn kind() -> impl Strategy<Value = ReceiptKind> {
        prop_oneof![
            Just(ReceiptKind::Received),
            Just(ReceiptKind::Displayed),
            Just(ReceiptKind::Read)
        ]
    }

    proptest! {
        #[test]
        fn no_byte_string_makes_parsing_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = ReceiptPayload::parse(&bytes);
            let _ = PresencePayload::parse(&bytes);
        }

        #[test]
        fn no_near_miss_json_makes_parsing_panic(
            seq in any::<i128>(),
            kind in "[a-z]{0,10}",
            at in "\\PC{0,30}",
            viewer in "\\PC{0,80}",
            v in any::<i64>(),
        ) {
            let text = serde_json::json!({"v": v, "seq": seq.to_string(), "kind": kind, "at": at, "viewer": viewer}).to_string();
            let _ = ReceiptPayload::parse(text.as_bytes());
            let text = format!(r#"{{"v":{v},"seq":{seq},"kind":"{kind}","at":"2026-05-04T10:02:00Z"}}"#);
            let _ = ReceiptPayload::parse(text.as_bytes());
        }

        #[test]
        fn valid_receipts_round_trip(
            seq in 1u64..u64::MAX,
            kind in kind(),
            secs in 0i64..4_000_000_000,
            viewer in proptest::option::of("[a-zA-Z0-9 -]{1,64}"),
            run in proptest::option::of(any::<u32>()),
        ) {
            let at = OffsetDateTime::from_unix_timestamp(secs).unwrap();
            let r = ReceiptPayload { viewer, run, ..ReceiptPayload::new(seq, kind, at) };
            let bytes = serde_json::to_vec(&r).unwrap();
            prop_assert_eq!(ReceiptPayload::parse(&bytes).unwrap(), r);
        }
    }
}
