//! An MQTT 3.1.1 client on rumqttc for the engine, dashboards and tests: credentials, automatic
//! reconnect with capped back-off, subscriptions made again after every reconnect, publishes
//! that resolve when the broker acknowledged them, a stream of incoming messages and an
//! observable connection state.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scip_bus::BusError> {
//! use scip_bus::client::{ClientConfig, MqttClient, Qos};
//! let config = ClientConfig::tcp("127.0.0.1", 1883, "scip-engine-1")
//!     .credentials("scip-engine", "secret");
//! let (client, mut inbox) = MqttClient::start(config, tokio_util::sync::CancellationToken::new())?;
//! client.wait_connected().await?;
//! client.subscribe("/exercise/+/team/+/receipts", Qos::AtLeastOnce).await?;
//! client.publish("/exercise/ex-1/timer", b"{}".to_vec(), Qos::AtMostOnce, true).await?;
//! while let Some(message) = inbox.recv().await { /* … */ }
//! # Ok(()) }
//! ```
//!
//! Sessions are clean: a publish in flight when the connection drops fails with
//! [`BusError::ConnectionLost`] and the caller (the outbox relay) sends it again later.

mod backoff;
mod config;
mod driver;
mod state;
mod tracker;

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};

pub use backoff::Backoff;
pub use config::{BrokerAddress, ClientConfig, LastWill, Qos};
pub use state::{ConnectFailure, ConnectionState, Refusal};

use crate::error::BusError;
use tracker::{PublishWaiter, Tracker};

/// A message received on one of the client's subscriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    /// Topic it was published to.
    pub topic: String,
    /// Payload bytes.
    pub payload: Vec<u8>,
    /// QoS it was delivered with.
    pub qos: Qos,
    /// Whether it is a retained message replayed on subscribe.
    pub retain: bool,
}

/// The stream of messages received on the client's subscriptions. Ends when the client shuts
/// down.
pub struct Inbox {
    rx: mpsc::Receiver<IncomingMessage>,
}

impl Inbox {
    /// The next message, or `None` once the client has shut down.
    pub async fn recv(&mut self) -> Option<IncomingMessage> {
        self.rx.recv().await
    }
}

impl Stream for Inbox {
    type Item = IncomingMessage;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.rx.poll_recv(cx)
    }
}

/// State shared by the client handles and the task driving the connection.
pub(crate) struct Shared {
    pub(crate) broker: String,
    pub(crate) requests: rumqttc::AsyncClient,
    pub(crate) tracker: Mutex<Tracker>,
    window: Arc<Semaphore>,
}

impl Shared {
    // Nothing in the tracker is left half-updated by a panic, so a poisoned lock is still
    // usable.
    pub(crate) fn tracker(&self) -> MutexGuard<'_, Tracker> {
        self.tracker.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A connected (or reconnecting) MQTT client. Cheap to clone; the connection closes when the
/// token given to [`MqttClient::start`] is cancelled or the last clone is dropped.
#[derive(Clone)]
pub struct MqttClient {
    shared: Arc<Shared>,
    state: watch::Receiver<ConnectionState>,
    token: CancellationToken,
    task: Arc<Mutex<Option<JoinHandle<()>>>>,
    _cancel_on_drop: Arc<DropGuard>,
}

impl MqttClient {
    /// Starts the client: it connects in the background and keeps reconnecting until
    /// `token` is cancelled. Fails only for unusable settings.
    pub fn start(
        config: ClientConfig,
        token: CancellationToken,
    ) -> Result<(Self, Inbox), BusError> {
        config.check()?;
        let broker = config.broker.to_string();
        let (requests, eventloop) = driver::new_connection(&config);
        let shared = Arc::new(Shared {
            broker: broker.clone(),
            requests,
            tracker: Mutex::new(Tracker::new(broker)),
            window: Arc::new(Semaphore::new(config.max_pending)),
        });
        let (state_tx, state) = watch::channel(ConnectionState::Connecting);
        let (inbox_tx, rx) = mpsc::channel(config.inbox_capacity);
        let token = token.child_token();
        let task = tokio::spawn(driver::run(
            eventloop,
            shared.clone(),
            state_tx,
            inbox_tx,
            config.backoff,
            token.clone(),
        ));
        let client = Self {
            shared,
            state,
            _cancel_on_drop: Arc::new(token.clone().drop_guard()),
            token,
            task: Arc::new(Mutex::new(Some(task))),
        };
        Ok((client, Inbox { rx }))
    }

    /// Publishes `payload` to `topic`. Resolves when a QoS 0 message was written to the
    /// connection, or when the broker acknowledged a QoS 1 message (PUBACK).
    ///
    /// Fails at once with [`BusError::NotConnected`] while the client is not connected, with
    /// [`BusError::ConnectionLost`] when the connection drops before the acknowledgement
    /// (send again), with [`BusError::Config`] for an invalid topic name, and with
    /// [`BusError::Closed`] after shutdown. Waits while `max_pending` publishes are unanswered.
    pub async fn publish(
        &self,
        topic: &str,
        payload: impl Into<Vec<u8>>,
        qos: Qos,
        retain: bool,
    ) -> Result<(), BusError> {
        if topic.is_empty() || topic.contains('\0') || !rumqttc::valid_topic(topic) {
            return Err(BusError::Config(format!(
                "{topic:?} is not a valid topic name (empty, or holds a wildcard or NUL)"
            )));
        }
        let permit = self
            .shared
            .window
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| BusError::Closed)?;
        let (reply, answer) = oneshot::channel();
        {
            let mut tracker = self.shared.tracker();
            if self.token.is_cancelled() {
                return Err(BusError::Closed);
            }
            if !tracker.is_connected() {
                return Err(BusError::NotConnected {
                    broker: self.shared.broker.clone(),
                });
            }
            // The request channel holds more than the publish window, so this only fails
            // once the connection task has ended.
            self.shared
                .requests
                .try_publish(topic, qos.to_rumqttc(), retain, payload)
                .map_err(|_| BusError::Closed)?;
            tracker.publish_handed_over(PublishWaiter {
                qos,
                reply,
                _permit: permit,
            });
        }
        answer.await.map_err(|_| BusError::Closed)?
    }

    /// Subscribes to `filter` and keeps the subscription across reconnects. Resolves with the
    /// granted QoS once the broker answered (after the next reconnect when disconnected now);
    /// fails with [`BusError::SubscriptionRefused`] when the broker refuses it (access
    /// control), [`BusError::Config`] for an invalid filter, [`BusError::Closed`] on shutdown.
    pub async fn subscribe(&self, filter: &str, qos: Qos) -> Result<Qos, BusError> {
        if filter.contains('\0') || !rumqttc::valid_filter(filter) {
            return Err(BusError::Config(format!(
                "{filter:?} is not a valid topic filter"
            )));
        }
        let (reply, answer) = oneshot::channel();
        {
            let mut tracker = self.shared.tracker();
            if self.token.is_cancelled() {
                return Err(BusError::Closed);
            }
            if tracker.want_subscription(filter, qos, reply) {
                match self.shared.requests.try_subscribe(filter, qos.to_rumqttc()) {
                    Ok(()) => tracker.subscribe_handed_over(vec![filter.to_owned()]),
                    Err(_) => tracker.abandon_subscription(filter, || {
                        BusError::Config(format!(
                            "cannot subscribe to {filter:?}: the client's request queue is full"
                        ))
                    }),
                }
            }
        }
        answer.await.map_err(|_| BusError::Closed)?
    }

    /// The broker address, as text.
    pub fn broker(&self) -> &str {
        &self.shared.broker
    }

    /// The current connection state.
    pub fn state(&self) -> ConnectionState {
        self.state.borrow().clone()
    }

    /// Whether the client is connected now.
    pub fn is_connected(&self) -> bool {
        self.state.borrow().is_connected()
    }

    /// A receiver that sees every change of the connection state. Clone what you read out of
    /// it rather than holding its borrow across an `.await`: a held borrow blocks the client's
    /// task when it next reports a change.
    pub fn watch_state(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// Waits until connected; fails with [`BusError::Closed`] if the client shuts down first.
    /// Never gives up on its own: wrap it in a timeout.
    pub async fn wait_connected(&self) -> Result<(), BusError> {
        let mut state = self.state.clone();
        let reached = state
            .wait_for(|s| matches!(s, ConnectionState::Connected | ConnectionState::Closed))
            .await
            .map_err(|_| BusError::Closed)?;
        match *reached {
            ConnectionState::Connected => Ok(()),
            _ => Err(BusError::Closed),
        }
    }

    /// Waits until a connection attempt failed (or the client closed) and returns the
    /// failure; for readiness reports and tests of refused credentials.
    pub async fn wait_failure(&self) -> Option<ConnectFailure> {
        let mut state = self.state.clone();
        let reached = state
            .wait_for(|s| {
                matches!(
                    s,
                    ConnectionState::Reconnecting { .. } | ConnectionState::Closed
                )
            })
            .await
            .ok()?;
        match &*reached {
            ConnectionState::Reconnecting { failure, .. } => Some(failure.clone()),
            _ => None,
        }
    }

    /// Disconnects cleanly (unanswered callers get [`BusError::Closed`]) and waits for the
    /// connection task to end.
    pub async fn shutdown(&self) {
        self.token.cancel();
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task
            && let Err(e) = task.await
        {
            tracing::error!(broker = %self.shared.broker, error = %e, "MQTT client task failed");
        }
    }
}

/// A client id unlikely to collide: `prefix` followed by random letters.
pub fn unique_client_id(prefix: &str) -> String {
    use rand::RngExt;
    let suffix: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(10)
        .map(char::from)
        .collect();
    format!("{prefix}-{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_ids_differ() {
        let a = unique_client_id("scip");
        assert!(a.starts_with("scip-") && a.len() == 15, "{a}");
        assert_ne!(a, unique_client_id("scip"));
    }
}
