//! One inject delivered to one team (`…/team/{t}/feed`, QoS 1).
//!
//! The message is a superset of the SCIP v3 inject message, so v3 dashboards keep working:
//! `id, type, priority, content, media, team_id, exercise_id, delivered_at` (elapsed seconds),
//! `turn, manual, action` (always null) and `time`, plus SCIP's own `v, seq, delivery_id,
//! scheduled_ms, fired_at, late, run`. Dashboards de-duplicate by `(run, seq)`.

use scip_core::{Content, ExerciseId, InjectId, Priority, TeamId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{MAX_ENGINE_PAYLOAD_BYTES, PayloadError, V1, decode};

/// A delivery as published to a team's feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryPayload {
    /// Payload version.
    pub v: V1,
    /// The inject's id.
    pub id: InjectId,
    /// The inject's type and typed content, written as `"type"` and `"content"`.
    #[serde(flatten)]
    pub content: Content,
    /// How pressing it is.
    pub priority: Priority,
    /// Media URLs, as dashboards fetch them.
    pub media: Vec<String>,
    /// The receiving team.
    pub team_id: TeamId,
    /// The exercise.
    pub exercise_id: ExerciseId,
    /// Elapsed exercise time when it fired, whole seconds (SCIP v3 field).
    pub delivered_at: u64,
    /// The inject's turn (turn mode).
    pub turn: Option<u32>,
    /// Sent by a controller (live inject), not by the timeline.
    pub manual: bool,
    /// Always null; kept for SCIP v3 dashboards.
    pub action: Option<serde_json::Value>,
    /// SCIP v3 `time`: the inject's offset in whole seconds (from T+0, or from its turn's
    /// start in turn mode); for live injects the elapsed time when sent.
    pub time: u64,
    /// Per team and run, from 1, without gaps.
    pub seq: u64,
    /// The delivery's id.
    pub delivery_id: String,
    /// The elapsed instant it was due, ms (scheduled injects).
    pub scheduled_ms: Option<u64>,
    /// Wall-clock time it fired, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub fired_at: OffsetDateTime,
    /// Fired noticeably after its instant (for example after the engine was down).
    pub late: bool,
    /// The exercise run (incremented by reset); `seq` restarts with each run.
    pub run: u32,
}

impl DeliveryPayload {
    /// Reads a delivery message.
    pub fn parse(bytes: &[u8]) -> Result<Self, PayloadError> {
        decode("delivery", bytes, MAX_ENGINE_PAYLOAD_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::InjectType;
    use serde_json::{Value, json};
    use time::macros::datetime;

    fn sample() -> DeliveryPayload {
        let Value::Object(fields) = json!({"headline":"Port closed","body":"Text","source":"Wire"})
        else {
            unreachable!()
        };
        DeliveryPayload {
            v: V1,
            id: InjectId::new("rop-t1-001").unwrap(),
            content: Content::from_fields(InjectType::News, fields).unwrap(),
            priority: Priority::High,
            media: vec!["/api/v2/media/port.png".into()],
            team_id: TeamId::new("red").unwrap(),
            exercise_id: ExerciseId::new("ex-1").unwrap(),
            delivered_at: 61,
            turn: Some(1),
            manual: false,
            action: None,
            time: 60,
            seq: 7,
            delivery_id: "01JDELIVERY".into(),
            scheduled_ms: Some(60_000),
            fired_at: datetime!(2026-05-04 10:01:01.250 UTC),
            late: false,
            run: 1,
        }
    }

    #[test]
    fn delivery_is_a_superset_of_the_scip_v3_inject_message() {
        let v = serde_json::to_value(sample()).unwrap();
        for field in [
            "id",
            "type",
            "priority",
            "content",
            "media",
            "team_id",
            "exercise_id",
            "delivered_at",
            "turn",
            "manual",
            "action",
            "time",
            "v",
            "seq",
            "delivery_id",
            "scheduled_ms",
            "fired_at",
            "late",
            "run",
        ] {
            assert!(v.get(field).is_some(), "missing {field} in {v}");
        }
        assert_eq!(v["type"], "news");
        assert_eq!(v["content"]["headline"], "Port closed");
        assert_eq!(v["action"], Value::Null);
        assert_eq!(v["fired_at"], "2026-05-04T10:01:01.25Z");
    }

    #[test]
    fn delivery_round_trips() {
        let d = sample();
        assert_eq!(
            DeliveryPayload::parse(&serde_json::to_vec(&d).unwrap()).unwrap(),
            d
        );
    }
}
