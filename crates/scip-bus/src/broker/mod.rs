//! The embedded MQTT broker (rmqtt in library mode) for the all-in-one mode: MQTT 3.1.1 and 5
//! over TCP and WebSocket (any path, so `/mqtt` and `/` both work), retained messages, no
//! anonymous access, and the per-team topic ACL of [`crate::acl`] on every subscribe, publish
//! and last will.
//!
//! ```no_run
//! # async fn demo() -> Result<(), scip_bus::BusError> {
//! use std::sync::Arc;
//! use scip_bus::{BrokerConfig, CredentialTable, EmbeddedBroker};
//! let token = tokio_util::sync::CancellationToken::new();
//! let broker = EmbeddedBroker::start(BrokerConfig::loopback(), Arc::new(CredentialTable::new()), token.clone()).await?;
//! println!("MQTT on {} and {}", broker.tcp_addr(), broker.ws_url().unwrap_or_default());
//! token.cancel();
//! broker.stopped().await;
//! # Ok(()) }
//! ```

mod access;
mod registry;
mod retain;

use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::sync::Arc;

use rmqtt::context::ServerContext;
use rmqtt::hook::Type;
use rmqtt::net::{Builder, Listener};
use rmqtt::server::MqttServer;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};
use tracing::{error, info};

use crate::auth::Authenticator;
use crate::error::BusError;
use crate::topics::TopicLayout;
use access::AccessControl;
use registry::PrincipalRegistry;
use retain::RetainedMessages;

/// Listener ids inside rmqtt (any distinct numbers; port 0 cannot serve as id).
const TCP_LISTENER_ID: u16 = 1;
const WS_LISTENER_ID: u16 = 2;

/// Embedded broker settings.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    /// Address of the MQTT/TCP listener (port 0 picks a free port).
    pub tcp_addr: SocketAddr,
    /// Address of the MQTT/WebSocket listener, if any (port 0 picks a free port).
    pub ws_addr: Option<SocketAddr>,
    /// Topic layout the ACL protects.
    pub layout: TopicLayout,
    /// Largest MQTT packet accepted, in bytes.
    pub max_packet_size: u32,
    /// Most unacknowledged QoS 1 messages the broker sends one client at a time.
    pub max_in_flight: u16,
    /// Most messages queued for one client beyond those in flight; beyond it, messages to that
    /// client are dropped. Large, so a burst of deliveries to a monitoring client is kept.
    pub max_queued_messages: usize,
}

impl BrokerConfig {
    /// Both listeners on 127.0.0.1 with free ports, default layout and limits.
    pub fn loopback() -> Self {
        Self {
            tcp_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            ws_addr: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            layout: TopicLayout::default(),
            max_packet_size: 1024 * 1024,
            max_in_flight: 128,
            max_queued_messages: 100_000,
        }
    }
}

/// A running embedded broker. Stops when the token given to [`EmbeddedBroker::start`] is
/// cancelled, or when this handle is dropped: it closes its listeners and disconnects every
/// client; [`EmbeddedBroker::stopped`] waits for that.
pub struct EmbeddedBroker {
    tcp_addr: SocketAddr,
    ws_addr: Option<SocketAddr>,
    token: CancellationToken,
    task: JoinHandle<()>,
    _stop_on_drop: DropGuard,
}

impl EmbeddedBroker {
    /// Binds the listeners (with SO_REUSEADDR, so a restart can take the same port at once)
    /// and starts serving. Fails with [`BusError::Bind`] naming the listener and address when
    /// a port is taken or an address unusable.
    pub async fn start<A: Authenticator>(
        config: BrokerConfig,
        authenticator: Arc<A>,
        token: CancellationToken,
    ) -> Result<Self, BusError> {
        let tcp = bind(&config, "TCP", config.tcp_addr)?;
        let tcp_addr = local_addr(&tcp, "TCP", config.tcp_addr)?;
        let ws = match config.ws_addr {
            Some(addr) => {
                let listener = bind(&config, "WebSocket", addr)?
                    .ws()
                    .map_err(|e| bind_error("WebSocket", addr, &e))?;
                let bound = local_addr(&listener, "WebSocket", addr)?;
                Some((listener, bound))
            }
            None => None,
        };
        let ws_addr = ws.as_ref().map(|(_, a)| *a);

        // The CPU-load busy check refuses connections when the machine is loaded (as test
        // machines and small servers often are); SCIP needs its dashboards to connect.
        let scx = ServerContext::new().busy_check_enable(false).build().await;
        *scx.extends.retain_mut().await = Box::new(RetainedMessages::new());
        let access = AccessControl::new(
            authenticator,
            config.layout.clone(),
            Arc::new(PrincipalRegistry::default()),
            scx.clone(),
        );
        let register = scx.extends.hook_mgr().register();
        for typ in [
            Type::ClientAuthenticate,
            Type::ClientConnected,
            Type::ClientDisconnected,
            Type::SessionTerminated,
            Type::ClientSubscribeCheckAcl,
            Type::MessagePublishCheckAcl,
        ] {
            register.add(typ, Box::new(access.clone())).await;
        }
        register.start().await;

        let mut server = MqttServer::new(scx.clone()).listener_by_id(tcp, TCP_LISTENER_ID);
        if let Some((listener, _)) = ws {
            server = server.listener_by_id(listener, WS_LISTENER_ID);
        }
        let server = server.build();
        // A child token: dropping this handle stops this broker, never the caller's token.
        let token = token.child_token();
        let task = tokio::spawn(serve(server, scx, token.clone()));
        info!(tcp = %tcp_addr, ws = ?ws_addr, "embedded MQTT broker listening");
        Ok(Self {
            tcp_addr,
            ws_addr,
            _stop_on_drop: token.clone().drop_guard(),
            token,
            task,
        })
    }

    /// The bound MQTT/TCP address (the real port when 0 was asked).
    pub fn tcp_addr(&self) -> SocketAddr {
        self.tcp_addr
    }

    /// The bound MQTT/WebSocket address, if configured.
    pub fn ws_addr(&self) -> Option<SocketAddr> {
        self.ws_addr
    }

    /// `ws://<addr>/mqtt`, if the WebSocket listener is configured.
    pub fn ws_url(&self) -> Option<String> {
        self.ws_addr.map(|a| format!("ws://{a}/mqtt"))
    }

    /// Stops the broker (cancels its token) and waits until it has.
    pub async fn shutdown(self) {
        self.token.cancel();
        self.stopped().await;
    }

    /// Waits until the broker has stopped: its token was cancelled, the listeners are closed
    /// and every client was disconnected.
    pub async fn stopped(self) {
        // Keep the drop guard alive while waiting, or waiting would stop the broker.
        let Self {
            task,
            _stop_on_drop: guard,
            ..
        } = self;
        if let Err(e) = task.await {
            error!(error = %e, "embedded MQTT broker task failed");
        }
        drop(guard);
    }
}

fn bind(
    config: &BrokerConfig,
    listener: &'static str,
    addr: SocketAddr,
) -> Result<Listener, BusError> {
    let in_flight = NonZeroU16::new(config.max_in_flight).unwrap_or(NonZeroU16::MIN);
    Builder::new()
        .name(format!("scip/{}", listener.to_lowercase()))
        .laddr(addr)
        .reuseaddr(Some(true))
        .nodelay(true)
        .allow_anonymous(false)
        .max_packet_size(config.max_packet_size)
        .max_inflight(in_flight)
        .max_mqueue_len(config.max_queued_messages)
        .bind()
        .map_err(|e| bind_error(listener, addr, &e))
}

fn local_addr(
    listener: &Listener,
    name: &'static str,
    asked: SocketAddr,
) -> Result<SocketAddr, BusError> {
    listener
        .local_addr()
        .map_err(|e| bind_error(name, asked, &e))
}

fn bind_error(listener: &'static str, addr: SocketAddr, error: &rmqtt::Error) -> BusError {
    BusError::Bind {
        listener,
        addr,
        reason: error.to_string(),
    }
}

/// Serves until the token is cancelled, then closes the listeners (by dropping the server)
/// and disconnects every client.
async fn serve(server: MqttServer, scx: ServerContext, token: CancellationToken) {
    tokio::select! {
        result = server.run() => {
            if let Err(e) = result {
                error!(error = %e, "embedded MQTT broker stopped serving");
            }
        }
        _ = token.cancelled() => {}
    }
    disconnect_everyone(&scx).await;
    info!("embedded MQTT broker stopped");
}

async fn disconnect_everyone(scx: &ServerContext) {
    let entries: Vec<_> = scx.extends.shared().await.iter().collect();
    let kicks = entries.into_iter().map(|entry| async move {
        if let Ok(mut locked) = entry.try_lock().await {
            let _ = locked.kick(true, true, true).await;
        }
    });
    futures::future::join_all(kicks).await;
}
