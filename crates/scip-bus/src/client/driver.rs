//! The task that drives one client's connection: it polls rumqttc's event loop (never
//! cancelling a poll mid-way except at shutdown, because a cancelled poll can lose a packet),
//! answers waiting callers through the tracker, forwards incoming messages, and reconnects
//! with back-off.

use std::sync::Arc;
use std::time::Duration;

use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, EventLoop, MqttOptions, NetworkOptions,
    Outgoing, Packet, SubscribeFilter, SubscribeReasonCode, Transport,
};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

use super::{
    Backoff, ClientConfig, ConnectFailure, ConnectionState, IncomingMessage, Qos, Refusal, Shared,
};
use crate::client::BrokerAddress;

/// Room in rumqttc's request channel beyond the publish window: subscriptions and the final
/// DISCONNECT.
const REQUEST_HEADROOM: usize = 256;

/// How long a clean disconnect may take at shutdown.
const DISCONNECT_GRACE: Duration = Duration::from_secs(1);

/// rumqttc's request handle and event loop for `config`.
pub(crate) fn new_connection(config: &ClientConfig) -> (AsyncClient, EventLoop) {
    let mut options = match &config.broker {
        BrokerAddress::Tcp { host, port } => {
            MqttOptions::new(config.client_id.clone(), host.clone(), *port)
        }
        BrokerAddress::WebSocket { url } => {
            // For WebSocket rumqttc takes host and port from the URL; the port argument is unused.
            let mut options = MqttOptions::new(config.client_id.clone(), url.clone(), 0);
            options.set_transport(Transport::Ws);
            options
        }
    };
    options
        .set_keep_alive(config.keep_alive)
        .set_clean_session(true)
        .set_inflight(config.max_in_flight)
        .set_max_packet_size(config.max_packet_size, config.max_packet_size);
    if let Some((username, password)) = &config.credentials {
        options.set_credentials(username.clone(), password.clone());
    }
    if let Some(will) = &config.last_will {
        options.set_last_will(rumqttc::LastWill::new(
            will.topic.clone(),
            will.payload.clone(),
            will.qos.to_rumqttc(),
            will.retain,
        ));
    }
    let (client, mut eventloop) = AsyncClient::new(options, config.max_pending + REQUEST_HEADROOM);
    let mut network = NetworkOptions::new();
    network.set_tcp_nodelay(true);
    network.set_connection_timeout(config.connect_timeout.as_secs());
    eventloop.set_network_options(network);
    (client, eventloop)
}

/// Drives the connection until `token` is cancelled, then disconnects cleanly.
pub(crate) async fn run(
    mut eventloop: EventLoop,
    shared: Arc<Shared>,
    state: watch::Sender<ConnectionState>,
    inbox: mpsc::Sender<IncomingMessage>,
    backoff: Backoff,
    token: CancellationToken,
) {
    let broker = shared.broker.clone();
    let mut failures = 0u32;
    loop {
        let event = tokio::select! {
            _ = token.cancelled() => break,
            event = eventloop.poll() => event,
        };
        match event {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                if failures > 0 {
                    info!(%broker, attempts = failures, "reconnected to MQTT broker");
                } else {
                    info!(%broker, "connected to MQTT broker");
                }
                failures = 0;
                subscribe_again(&shared);
                state.send_replace(ConnectionState::Connected);
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let message = IncomingMessage {
                    topic: publish.topic,
                    payload: publish.payload.to_vec(),
                    qos: Qos::from_rumqttc(publish.qos),
                    retain: publish.retain,
                };
                // Waiting for a slow consumer stops reading from the broker, so TCP flow
                // control pushes back instead of memory growing without bound.
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = inbox.send(message) => {}
                }
            }
            Ok(Event::Incoming(Packet::PubAck(ack))) => shared.tracker().on_puback(ack.pkid),
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                let granted: Vec<Option<Qos>> = ack
                    .return_codes
                    .iter()
                    .map(|code| match code {
                        SubscribeReasonCode::Success(qos) => Some(Qos::from_rumqttc(*qos)),
                        SubscribeReasonCode::Failure => None,
                    })
                    .collect();
                shared.tracker().on_suback(ack.pkid, &granted);
            }
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                shared.tracker().on_outgoing_publish(pkid);
            }
            Ok(Event::Outgoing(Outgoing::Subscribe(pkid))) => {
                shared.tracker().on_outgoing_subscribe(pkid);
            }
            Ok(_) => {}
            Err(error) => {
                {
                    let mut tracker = shared.tracker();
                    // rumqttc already moved what it had into `pending`; requests handed over
                    // since then sit in its channel. Drop both: the session is clean, the
                    // callers are told to send again, and nothing from this connection
                    // reaches the next one behind the tracker's back.
                    eventloop.clean();
                    eventloop.pending.clear();
                    tracker.on_connection_lost();
                }
                failures = failures.saturating_add(1);
                let failure = describe(&error);
                if failures == 1 || failures.is_multiple_of(20) {
                    warn!(%broker, attempt = failures, %failure, "MQTT connection failed; retrying");
                } else {
                    debug!(%broker, attempt = failures, %failure, "MQTT connection failed; retrying");
                }
                state.send_replace(ConnectionState::Reconnecting {
                    attempt: failures,
                    failure,
                });
                tokio::select! {
                    _ = token.cancelled() => break,
                    _ = tokio::time::sleep(backoff.delay(failures)) => {}
                }
            }
        }
    }
    let was_connected = {
        let mut tracker = shared.tracker();
        let connected = tracker.is_connected();
        tracker.on_closed();
        connected
    };
    if was_connected && shared.requests.try_disconnect().is_ok() {
        let _ = tokio::time::timeout(DISCONNECT_GRACE, async {
            loop {
                match eventloop.poll().await {
                    Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
    }
    state.send_replace(ConnectionState::Closed);
    info!(%broker, "MQTT client closed");
}

/// Sends every wanted subscription again on a fresh connection.
fn subscribe_again(shared: &Shared) {
    let mut tracker = shared.tracker();
    let wanted = tracker.on_connected();
    if wanted.is_empty() {
        return;
    }
    let filters = wanted
        .iter()
        .map(|(filter, qos)| SubscribeFilter::new(filter.clone(), qos.to_rumqttc()));
    match shared.requests.try_subscribe_many(filters) {
        Ok(()) => tracker.subscribe_handed_over(wanted.into_iter().map(|(f, _)| f).collect()),
        Err(e) => warn!(broker = %shared.broker, error = %e, "cannot renew MQTT subscriptions"),
    }
}

fn describe(error: &ConnectionError) -> ConnectFailure {
    match error {
        ConnectionError::ConnectionRefused(code) => ConnectFailure::Refused(match code {
            ConnectReturnCode::BadUserNamePassword => Refusal::BadCredentials,
            ConnectReturnCode::NotAuthorized => Refusal::NotAuthorized,
            ConnectReturnCode::ServiceUnavailable => Refusal::ServiceUnavailable,
            other => Refusal::Other(format!("{other:?}")),
        }),
        other => ConnectFailure::Network(other.to_string()),
    }
}
