//! Live updates between the parts of SCIP: the engine tells the portal and the dashboards what
//! changed, and an API replica tells the engine that a command changed an exercise. In one
//! process a broadcast channel carries them; with Redis (`REDIS_URL`) they are also published
//! on a Redis channel so that every replica sees every update.

use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

/// The Redis channel carrying live updates.
pub const REDIS_CHANNEL: &str = "scip:live";

/// A delivery named in a live update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRef {
    /// Team id.
    pub team: String,
    /// Sequence number in the team's feed.
    pub seq: u64,
    /// Delivery id.
    pub delivery: String,
}

/// One live update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// An exercise's state, clock or turn changed (its engine reloads; pages refresh).
    ExerciseChanged {
        /// Exercise id.
        exercise: String,
        /// The exercise's new version.
        version: u64,
    },
    /// New deliveries were written for an exercise (its relay publishes them).
    DeliveriesCreated {
        /// Exercise id.
        exercise: String,
    },
    /// Deliveries reached a new state (published, received, displayed, read).
    DeliveriesUpdated {
        /// Exercise id.
        exercise: String,
        /// New state name.
        state: String,
        /// When (wall ms).
        at: i64,
        /// Which deliveries.
        deliveries: Vec<DeliveryRef>,
    },
    /// A team dashboard's viewer count changed.
    Presence {
        /// Exercise id.
        exercise: String,
        /// Team id.
        team: String,
        /// Viewers online.
        viewers: i64,
        /// Whether the dashboard is connected at all.
        online: bool,
    },
    /// An event was appended to an exercise's log.
    EventAppended {
        /// Exercise id.
        exercise: String,
        /// Event number.
        seq: i64,
        /// Event kind.
        kind: String,
    },
    /// A team dashboard's health changed.
    DashboardHealth {
        /// Exercise id.
        exercise: String,
        /// Team id.
        team: String,
        /// Health name.
        health: String,
    },
}

impl LiveEvent {
    /// The exercise the update concerns.
    pub fn exercise(&self) -> &str {
        match self {
            Self::ExerciseChanged { exercise, .. }
            | Self::DeliveriesCreated { exercise }
            | Self::DeliveriesUpdated { exercise, .. }
            | Self::Presence { exercise, .. }
            | Self::EventAppended { exercise, .. }
            | Self::DashboardHealth { exercise, .. } => exercise,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    origin: String,
    event: LiveEvent,
}

/// Fan-out of live updates, local and (optionally) through Redis.
#[derive(Clone)]
pub struct Hub {
    local: broadcast::Sender<LiveEvent>,
    redis: Option<redis::aio::ConnectionManager>,
    origin: String,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("redis", &self.redis.is_some())
            .field("origin", &self.origin)
            .finish()
    }
}

/// Capacity of the local channel; a subscriber that falls further behind is told it lagged.
const CAPACITY: usize = 16_384;

impl Hub {
    /// A hub for one process.
    pub fn local() -> Self {
        let (local, _) = broadcast::channel(CAPACITY);
        Self {
            local,
            redis: None,
            origin: ulid::Ulid::generate().to_string(),
        }
    }

    /// A hub that also shares updates through Redis. The subscription task runs until `cancel`
    /// fires and reconnects after failures.
    pub async fn with_redis(
        url: &str,
        cancel: CancellationToken,
    ) -> Result<Self, redis::RedisError> {
        let client = redis::Client::open(url)?;
        let manager = redis::aio::ConnectionManager::new(client.clone()).await?;
        let mut hub = Self::local();
        hub.redis = Some(manager);
        let local = hub.local.clone();
        let origin = hub.origin.clone();
        tokio::spawn(async move {
            let mut backoff = Duration::from_millis(100);
            loop {
                let attempt = async {
                    let mut pubsub = client.get_async_pubsub().await?;
                    pubsub.subscribe(REDIS_CHANNEL).await?;
                    let mut stream = pubsub.on_message();
                    while let Some(msg) = stream.next().await {
                        let Ok(text) = msg.get_payload::<String>() else {
                            continue;
                        };
                        match serde_json::from_str::<Envelope>(&text) {
                            Ok(env) if env.origin != origin => {
                                let _ = local.send(env.event);
                            }
                            Ok(_) => {}
                            Err(e) => tracing::warn!(error = %e, "unreadable live update on Redis"),
                        }
                    }
                    Ok::<(), redis::RedisError>(())
                };
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    result = attempt => {
                        if let Err(e) = result {
                            tracing::warn!(error = %e, "live updates from Redis interrupted; reconnecting");
                        }
                    }
                }
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        });
        Ok(hub)
    }

    /// Sends an update to every subscriber here and, with Redis, on every replica.
    pub async fn publish(&self, event: LiveEvent) {
        if let Some(conn) = &self.redis {
            let envelope = Envelope {
                origin: self.origin.clone(),
                event: event.clone(),
            };
            if let Ok(text) = serde_json::to_string(&envelope) {
                let mut conn = conn.clone();
                let sent: Result<i64, _> = redis::cmd("PUBLISH")
                    .arg(REDIS_CHANNEL)
                    .arg(text)
                    .query_async(&mut conn)
                    .await;
                if let Err(e) = sent {
                    tracing::warn!(error = %e, "could not share a live update through Redis");
                }
            }
        }
        let _ = self.local.send(event);
    }

    /// Sends an update to subscribers in this process only.
    pub fn publish_local(&self, event: LiveEvent) {
        let _ = self.local.send(event);
    }

    /// A new subscription to every update.
    pub fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.local.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_subscribers_see_updates() {
        let hub = Hub::local();
        let mut rx = hub.subscribe();
        hub.publish(LiveEvent::DeliveriesCreated {
            exercise: "ex-1".into(),
        })
        .await;
        assert_eq!(rx.recv().await.unwrap().exercise(), "ex-1");
    }

    #[tokio::test]
    async fn replicas_see_each_others_updates_through_redis() {
        let url = scip_testkit::redis_url();
        let cancel = CancellationToken::new();
        let a = Hub::with_redis(&url, cancel.clone()).await.unwrap();
        let b = Hub::with_redis(&url, cancel.clone()).await.unwrap();
        let mut rx_b = b.subscribe();
        let exercise = format!("ex-{}", ulid::Ulid::generate().to_string().to_lowercase());
        // The subscription task may not have subscribed yet: publish until it arrives.
        let event = LiveEvent::ExerciseChanged {
            exercise: exercise.clone(),
            version: 7,
        };
        let got = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                a.publish(event.clone()).await;
                if let Ok(Ok(e)) =
                    tokio::time::timeout(Duration::from_millis(200), rx_b.recv()).await
                    && e.exercise() == exercise
                {
                    return e;
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(got, event);
        cancel.cancel();
    }
}
