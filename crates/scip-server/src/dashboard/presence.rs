//! How many browsers show the dashboard: counted by their event streams, and published
//! (retained) to the team's presence topic when it changes, a moment after the last change so
//! a room reloading at once sends one message. The last will says "offline" if the dashboard
//! vanishes; a clean stop says it before disconnecting.

use std::time::Duration;

use scip_bus::Qos;
use scip_bus::payload::{PresencePayload, encode};
use tokio::sync::watch;
use tracing::debug;

use super::DashboardState;

/// Quiet time after a change before presence is published.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The number of connected browsers.
#[derive(Debug)]
pub struct Viewers(watch::Sender<u32>);

impl Default for Viewers {
    fn default() -> Self {
        Self(watch::Sender::new(0))
    }
}

impl Viewers {
    /// Counts one more viewer until the guard is dropped.
    pub fn join(&self) -> ViewerGuard<'_> {
        self.0.send_modify(|n| *n += 1);
        ViewerGuard(self)
    }

    /// Viewers now.
    pub fn count(&self) -> u32 {
        *self.0.borrow()
    }

    /// Changes of the count.
    pub fn watch(&self) -> watch::Receiver<u32> {
        self.0.subscribe()
    }
}

/// One connected viewer.
#[derive(Debug)]
pub struct ViewerGuard<'a>(&'a Viewers);

impl Drop for ViewerGuard<'_> {
    fn drop(&mut self) {
        self.0.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

async fn publish(state: &DashboardState, presence: PresencePayload) {
    let topic = state.layout.presence(&state.exercise, &state.team);
    if let Ok(bytes) = encode("presence", &presence)
        && let Err(e) = state
            .mqtt
            .publish(&topic, bytes, Qos::AtLeastOnce, true)
            .await
    {
        debug!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "presence not published; sent again after the next reconnect");
    }
}

/// Publishes `{online:true, viewers}` after each change and each reconnect, and
/// `{online:false}` when the dashboard stops.
pub async fn publish_presence(state: DashboardState) {
    let mut viewers = state.viewers.watch();
    let mut connection = state.mqtt.watch_state();
    loop {
        tokio::select! {
            _ = state.cancel.cancelled() => break,
            changed = viewers.changed() => if changed.is_err() { break },
            changed = connection.changed() => {
                if changed.is_err() { break }
                if !connection.borrow_and_update().is_connected() { continue }
            }
        }
        tokio::select! {
            _ = state.cancel.cancelled() => break,
            _ = tokio::time::sleep(DEBOUNCE) => {}
        }
        viewers.borrow_and_update();
        publish(&state, PresencePayload::new(true, state.viewers.count())).await;
    }
    let offline = publish(&state, PresencePayload::offline());
    let _ = tokio::time::timeout(Duration::from_secs(2), offline).await;
}
