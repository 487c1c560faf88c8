//! Turning the pure engine's effects into one store step: deliveries with their MQTT
//! payloads, skips, and one event per announcement (with the actor who caused it).

use scip_bus::payload::DeliveryPayload;
use scip_bus::payload::V1;
use scip_core::engine::{Announcement, Effect, Firing, Runtime, WallMs};
use scip_core::{Content, ExerciseId, InjectId, Priority, TeamId};
use scip_store::{DeliveryCause, EngineStep, ExerciseRecord, NewDelivery, NewEvent};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::error::EngineError;
use crate::scenarios::LoadedScenario;

/// The URL path under which the API serves a media file; payloads carry these paths.
pub fn media_path(name: &str) -> String {
    format!("/api/v2/media/{name}")
}

/// Wall ms as an RFC 3339 timestamp.
pub fn wall_to_datetime(now: WallMs) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(now) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The stored form of a payload: a JSON object (the store adds `seq` and `delivery_id`).
fn payload_object(payload: &DeliveryPayload) -> Map<String, Value> {
    match serde_json::to_value(payload) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// What an ad-hoc inject carries.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveContent {
    /// Typed content.
    pub content: Content,
    /// Priority.
    pub priority: Priority,
    /// Media file names.
    pub media: Vec<String>,
}

struct PayloadParts<'a> {
    exercise: &'a ExerciseId,
    team: &'a TeamId,
    inject: &'a InjectId,
    content: &'a Content,
    priority: Priority,
    media: &'a [String],
    turn: Option<u32>,
    manual: bool,
    time_s: u64,
    fired_elapsed_ms: u64,
    scheduled_ms: Option<u64>,
    late: bool,
    run: u32,
    now: WallMs,
}

fn payload(p: PayloadParts<'_>) -> Map<String, Value> {
    payload_object(&DeliveryPayload {
        v: V1,
        id: p.inject.clone(),
        content: p.content.clone(),
        priority: p.priority,
        media: p.media.iter().map(|m| media_path(m)).collect(),
        team_id: p.team.clone(),
        exercise_id: p.exercise.clone(),
        delivered_at: p.fired_elapsed_ms / 1000,
        turn: p.turn,
        manual: p.manual,
        action: None,
        time: p.time_s,
        seq: 0,
        delivery_id: String::new(),
        scheduled_ms: p.scheduled_ms,
        fired_at: wall_to_datetime(p.now),
        late: p.late,
        run: p.run,
    })
}

/// The delivery for a scheduled inject the engine fired.
pub fn scheduled_delivery(
    exercise: &ExerciseId,
    scenario: &LoadedScenario,
    firing: &Firing,
    run: u32,
    now: WallMs,
) -> Result<NewDelivery, EngineError> {
    let inject = scenario
        .inject(&firing.team, &firing.inject)
        .ok_or_else(|| {
            EngineError::Invalid(format!(
                "team {} has no inject {} in this scenario",
                firing.team, firing.inject
            ))
        })?;
    let body = payload(PayloadParts {
        exercise,
        team: &firing.team,
        inject: &firing.inject,
        content: &inject.content,
        priority: inject.priority,
        media: &inject.media,
        turn: firing.turn,
        manual: firing.cause == scip_core::engine::FireCause::FireNow,
        time_s: inject.at_ms / 1000,
        fired_elapsed_ms: firing.fired_elapsed_ms,
        scheduled_ms: Some(firing.due_ms),
        late: firing.late,
        run,
        now,
    });
    Ok(NewDelivery::from_firing(
        firing,
        inject.inject_type(),
        inject.content.title(),
        body,
    ))
}

/// The deliveries of one ad-hoc inject to several teams (one shared inject id).
pub fn live_deliveries(
    exercise: &ExerciseId,
    teams: &[TeamId],
    live: &LiveContent,
    runtime: &Runtime,
    elapsed_ms: u64,
    now: WallMs,
) -> Result<(InjectId, Vec<NewDelivery>), EngineError> {
    let suffix: String = ulid::Ulid::generate()
        .to_string()
        .to_lowercase()
        .chars()
        .skip(16)
        .collect();
    let inject = InjectId::new(format!("live-{}-{suffix}", elapsed_ms / 1000))
        .map_err(|e| EngineError::Invalid(format!("live inject id: {e}")))?;
    let turn = runtime.turn.map(|t| t.current);
    let deliveries = teams
        .iter()
        .map(|team| NewDelivery {
            team: team.clone(),
            inject: inject.clone(),
            cause: DeliveryCause::Live,
            inject_type: live.content.inject_type(),
            title: live.content.title().to_owned(),
            turn,
            scheduled_ms: None,
            fired_elapsed_ms: elapsed_ms,
            lateness_ms: 0,
            late: false,
            manual: true,
            payload: payload(PayloadParts {
                exercise,
                team,
                inject: &inject,
                content: &live.content,
                priority: live.priority,
                media: &live.media,
                turn,
                manual: true,
                time_s: elapsed_ms / 1000,
                fired_elapsed_ms: elapsed_ms,
                scheduled_ms: None,
                late: false,
                run: runtime.run,
                now,
            }),
        })
        .collect();
    Ok((inject, deliveries))
}

/// The event kind of an announcement (`paused`, `turn_complete`, …).
pub fn announcement_kind(a: &Announcement) -> String {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| v.get("event").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| "announcement".into())
}

/// The event recording an announcement.
pub fn announcement_event(a: &Announcement) -> NewEvent {
    let mut data = serde_json::to_value(a).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut data {
        map.remove("event");
    }
    NewEvent::new(announcement_kind(a), data)
}

/// Builds the store step for `effects`, produced from the exercise as read (`record`) and
/// leading to `runtime`.
pub fn step_from_effects(
    record: &ExerciseRecord,
    scenario: &LoadedScenario,
    runtime: Runtime,
    effects: &[Effect],
    actor: &str,
    now: WallMs,
) -> Result<EngineStep, EngineError> {
    let mut events = Vec::new();
    let mut deliveries = Vec::new();
    let mut skips = Vec::new();
    for effect in effects {
        match effect {
            Effect::Announce(a) => events.push(announcement_event(a)),
            Effect::Fire(f) => deliveries.push(scheduled_delivery(
                &record.id,
                scenario,
                f,
                runtime.run,
                now,
            )?),
            Effect::Skip(s) => skips.push(s.clone()),
        }
    }
    Ok(EngineStep {
        exercise: record.id.clone(),
        expected_version: record.version,
        runtime,
        now,
        elapsed_ms: runtime.clock.elapsed(now),
        actor: actor.to_owned(),
        events,
        deliveries,
        skips,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcement_events_are_named_by_their_event() {
        let e = announcement_event(&Announcement::Paused { auto: true });
        assert_eq!(e.kind, "paused");
        assert_eq!(e.data, serde_json::json!({"auto": true}));
        assert_eq!(
            announcement_kind(&Announcement::TurnComplete {
                turn: 1,
                total_turns: 3
            }),
            "turn_complete"
        );
    }

    #[test]
    fn wall_time_converts_to_a_timestamp() {
        assert_eq!(wall_to_datetime(1_000).unix_timestamp(), 1);
    }
}
