//! What the engine tells dashboards over MQTT besides deliveries: control messages (commands
//! and turn events), the retained timer and the retained status summary.

use scip_bus::Qos;
use scip_bus::payload::{ControlPayload, StatusPayload, TeamStatus, TimerPayload, V1, encode};
use scip_core::engine::{Announcement, Effect, WallMs};
use scip_store::{EventQuery, ExerciseRecord};
use tracing::debug;

use crate::EngineHandle;
use crate::step::wall_to_datetime;

impl EngineHandle {
    fn turns(&self, record: &ExerciseRecord, total: Option<u32>) -> Option<(u32, u32)> {
        total.map(|t| (record.runtime.turn.map_or(0, |p| p.current), t))
    }

    /// Publishes a control message for every announcement among `effects`.
    pub(crate) async fn announce(&self, record: &ExerciseRecord, effects: &[Effect]) {
        let announcements: Vec<Announcement> = effects
            .iter()
            .filter_map(|e| {
                if let Effect::Announce(a) = e {
                    Some(*a)
                } else {
                    None
                }
            })
            .collect();
        self.publish_control(record, &announcements).await;
    }

    async fn publish_control(&self, record: &ExerciseRecord, announcements: &[Announcement]) {
        if announcements.is_empty() {
            return;
        }
        let total = self.total_turns(record).await;
        let at = wall_to_datetime(self.clock.now());
        let topic = self.layout.control(&record.id);
        for a in announcements {
            let payload = ControlPayload::announce(a, self.turns(record, total), at);
            if let Ok(bytes) = encode("control", &payload)
                && let Some(mqtt) = &self.mqtt
                && let Err(e) = mqtt.publish(&topic, bytes, Qos::AtLeastOnce, false).await
            {
                debug!(exercise.id = %record.id, error = %e, "control message not published");
            }
        }
        // Every state change also refreshes the retained timer at once.
        self.publish_timer(record, self.clock.now()).await;
    }

    /// Publishes control messages for the announcements logged after event `after_seq` (by
    /// commands applied elsewhere); returns the last event number seen.
    pub(crate) async fn replay_announcements(
        &self,
        record: &ExerciseRecord,
        after_seq: u64,
    ) -> u64 {
        let query = EventQuery {
            after_seq: Some(after_seq),
            limit: 10_000,
            ..EventQuery::default()
        };
        let Ok(events) = self.store.events(&record.id, query).await else {
            return after_seq;
        };
        let last = events.iter().map(|e| e.seq).max().unwrap_or(after_seq);
        let announcements: Vec<Announcement> = events
            .into_iter()
            .filter_map(|e| {
                let mut value = e.data;
                match &mut value {
                    serde_json::Value::Object(map) => {
                        map.insert("event".into(), serde_json::Value::String(e.kind));
                    }
                    _ => value = serde_json::json!({ "event": e.kind }),
                }
                serde_json::from_value(value).ok()
            })
            .collect();
        self.publish_control(record, &announcements).await;
        last
    }

    async fn total_turns(&self, record: &ExerciseRecord) -> Option<u32> {
        self.scenarios
            .get(&self.store, &record.scenario_id, record.scenario_version)
            .await
            .ok()
            .and_then(|s| s.scenario.mode.total_turns())
    }

    /// Publishes the retained timer of an exercise as of `now`.
    pub(crate) async fn publish_timer(&self, record: &ExerciseRecord, now: WallMs) {
        let total = self.total_turns(record).await;
        let rt = &record.runtime;
        let payload = TimerPayload::new(
            rt.state,
            rt.clock.elapsed(now),
            rt.clock.speed,
            self.turns(record, total),
            wall_to_datetime(now),
        );
        if let Ok(bytes) = encode("timer", &payload)
            && let Some(mqtt) = &self.mqtt
            && let Err(e) = mqtt
                .publish(&self.layout.timer(&record.id), bytes, Qos::AtMostOnce, true)
                .await
        {
            debug!(exercise.id = %record.id, error = %e, "timer not published");
        }
    }

    /// Publishes the retained status summary of an exercise.
    pub(crate) async fn publish_status(&self, record: &ExerciseRecord, now: WallMs) {
        let (teams, counts) = match (
            self.store.exercise_teams(&record.id).await,
            self.store.delivery_counts(&record.id).await,
        ) {
            (Ok(t), Ok(c)) => (t, c),
            _ => return,
        };
        let total = self.total_turns(record).await;
        let lines = teams
            .iter()
            .map(|t| {
                let c = counts.iter().find(|c| c.team_id == t.team_id);
                TeamStatus {
                    team_id: t.team_id.clone(),
                    delivered: c.map_or(0, |c| c.counts.delivered),
                    received: c.map_or(0, |c| c.counts.received),
                    read: c.map_or(0, |c| c.counts.read),
                    online: t.viewers > 0,
                    viewers: t.viewers,
                }
            })
            .collect();
        let payload = StatusPayload {
            v: V1,
            exercise_id: record.id.clone(),
            state: record.runtime.state,
            run: record.runtime.run,
            elapsed_ms: record.runtime.clock.elapsed(now),
            turn: self.turns(record, total).map(|t| t.0),
            total_turns: total,
            teams: lines,
            at: wall_to_datetime(now),
        };
        if let Ok(bytes) = encode("status", &payload)
            && let Some(mqtt) = &self.mqtt
            && let Err(e) = mqtt
                .publish(
                    &self.layout.status(&record.id),
                    bytes,
                    Qos::AtLeastOnce,
                    true,
                )
                .await
        {
            debug!(exercise.id = %record.id, error = %e, "status not published");
        }
    }
}
