//! The dashboard's MQTT connection: the team's feed, the exercise timer and control, read with
//! the team's own credentials (the broker lets them read nothing else), and a last will that
//! says the dashboard went offline.

use std::sync::Arc;

use scip_bus::client::LastWill;
use scip_bus::payload::{ControlCommand, ControlPayload, PresencePayload, TimerPayload};
use scip_bus::{ClientConfig, ConnectionState, Inbox, Qos, Topic, TopicLayout};
use scip_core::{ExerciseId, TeamId};
use tracing::{debug, error, info, warn};

use super::DashboardState;
use super::feed::{FeedEntry, Offer};

/// The client settings with the dashboard's last will: `{"online":false,"viewers":0}`,
/// retained, on the team's presence topic.
pub fn with_last_will(
    config: ClientConfig,
    layout: &TopicLayout,
    exercise: &ExerciseId,
    team: &TeamId,
) -> ClientConfig {
    let payload = serde_json::to_vec(&PresencePayload::offline()).unwrap_or_default();
    config.last_will(LastWill {
        topic: layout.presence(exercise, team),
        payload,
        qos: Qos::AtLeastOnce,
        retain: true,
    })
}

/// Subscribes to the team's feed, the timer and control. The client renews the
/// subscriptions after every reconnect; a refusal (wrong credentials' rights) is logged as an
/// error, since the dashboard then only learns of deliveries from the source.
pub async fn subscribe(state: DashboardState) {
    let topics = [
        (
            state.layout.feed(&state.exercise, &state.team),
            Qos::AtLeastOnce,
        ),
        (state.layout.timer(&state.exercise), Qos::AtLeastOnce),
        (state.layout.control(&state.exercise), Qos::AtLeastOnce),
    ];
    for (topic, qos) in topics {
        tokio::select! {
            _ = state.cancel.cancelled() => return,
            result = state.mqtt.subscribe(&topic, qos) => match result {
                Ok(_) => debug!(exercise.id = %state.exercise, team.id = %state.team, topic, "subscribed"),
                Err(e) => error!(exercise.id = %state.exercise, team.id = %state.team, topic, error = %e, "cannot subscribe; live updates from this topic are missing"),
            }
        }
    }
}

/// Routes what arrives over MQTT: deliveries into the feed (checking they are this team's),
/// clock ticks and control messages to the browsers. A reset or any other control message
/// makes the dashboard read its snapshot again.
pub async fn consume(state: DashboardState, mut inbox: Inbox) {
    loop {
        let message = tokio::select! {
            _ = state.cancel.cancelled() => return,
            m = inbox.recv() => match m {
                Some(m) => m,
                None => return,
            },
        };
        match state.layout.parse(&message.topic) {
            Ok(Topic::Feed(exercise, team)) if exercise == state.exercise && team == state.team => {
                take_delivery(&state, &message.payload);
            }
            Ok(Topic::Timer(exercise)) if exercise == state.exercise => {
                match TimerPayload::parse(&message.payload) {
                    Ok(timer) => state.feed.set_timer(timer),
                    Err(e) => {
                        warn!(exercise.id = %state.exercise, error = %e, "unreadable timer message")
                    }
                }
            }
            Ok(Topic::Control(exercise)) if exercise == state.exercise => {
                match ControlPayload::parse(&message.payload) {
                    Ok(control) => {
                        if control.command == Some(ControlCommand::Reset)
                            && let Some(run) = control.run
                        {
                            state.feed.reset(run);
                        }
                        state
                            .feed
                            .control(Arc::from(String::from_utf8_lossy(&message.payload)));
                        state.wake.refresh.notify_one();
                    }
                    Err(e) => {
                        warn!(exercise.id = %state.exercise, error = %e, "unreadable control message")
                    }
                }
            }
            Ok(other) => {
                warn!(exercise.id = %state.exercise, team.id = %state.team, topic = %message.topic, kind = ?other.kind(), "message for someone else; ignored")
            }
            Err(e) => {
                debug!(topic = %message.topic, error = %e, "message on an unknown topic; ignored")
            }
        }
    }
}

fn take_delivery(state: &DashboardState, payload: &[u8]) {
    let entry = match FeedEntry::parse(payload) {
        Ok(e) => e,
        Err(e) => {
            warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "unreadable delivery; the source will fill it in");
            state.wake.backfill.notify_one();
            return;
        }
    };
    if entry.delivery.team_id != state.team || entry.delivery.exercise_id != state.exercise {
        warn!(exercise.id = %state.exercise, team.id = %state.team, "delivery addressed to another team on this team's feed; ignored");
        return;
    }
    match state.feed.offer(Arc::new(entry)) {
        Offer::Added { gap: true } => state.wake.backfill.notify_one(),
        Offer::NewRun => {
            state.wake.backfill.notify_one();
            state.wake.refresh.notify_one();
        }
        Offer::Added { gap: false } | Offer::Duplicate | Offer::Stale => {}
    }
}

/// After every (re)connect, messages published while the dashboard was away are fetched from
/// the source, and the snapshot is read again.
pub async fn watch_connection(state: DashboardState) {
    let mut connection = state.mqtt.watch_state();
    let mut was_connected = false;
    loop {
        let connected = matches!(*connection.borrow_and_update(), ConnectionState::Connected);
        if connected && !was_connected {
            info!(exercise.id = %state.exercise, team.id = %state.team, "connected to the MQTT broker");
            state.wake.backfill.notify_one();
            state.wake.refresh.notify_one();
        } else if !connected && was_connected {
            warn!(exercise.id = %state.exercise, team.id = %state.team, "lost the MQTT broker; reconnecting");
        }
        was_connected = connected;
        tokio::select! {
            _ = state.cancel.cancelled() => return,
            changed = connection.changed() => if changed.is_err() { return },
        }
    }
}
