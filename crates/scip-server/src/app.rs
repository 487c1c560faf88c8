//! Building and running SCIP in one process: storage, the MQTT broker (embedded) or a client of
//! an external one, the engine (orchestrator, relay, receipts), and the HTTP listeners. The
//! binary's `serve` and `demo` use it, and so do tests (every port may be 0).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use scip_bus::mosquitto::{MosquittoProvisioner, ProvisionerConfig};
use scip_bus::{
    BrokerConfig, ClientConfig, Credential, EmbeddedBroker, MqttClient, Principal, Qos, TopicKind,
    TopicLayout,
};
use scip_engine::{
    DashboardHost, EngineConfig, EngineHandle, Hub, NoDashboards, Orchestrator, Owned,
    ProcessClock, Provisioning, Relay, StoreAuthenticator,
};
use scip_store::Store;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use crate::shared::SharedState;
use crate::state::{AppState, ServerSettings};

/// Which parts a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// Everything: API, portal, engine (and the embedded broker unless external).
    #[default]
    All,
    /// The HTTP API only (several may run behind a proxy).
    Api,
    /// The engine only: leases, runners, relay, receipts, dashboards.
    Orchestrator,
    /// The control portal only.
    Portal,
}

impl Role {
    /// Whether this role drives exercises.
    pub fn runs_engine(self) -> bool {
        matches!(self, Self::All | Self::Orchestrator)
    }

    /// Reads a role name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Self::All),
            "api" => Some(Self::Api),
            "orchestrator" => Some(Self::Orchestrator),
            "portal" => Some(Self::Portal),
            _ => None,
        }
    }
}

/// The MQTT broker to use.
#[derive(Debug, Clone)]
pub enum MqttSetup {
    /// Run the embedded broker on these ports (0 picks a free one).
    Embedded {
        /// MQTT over TCP.
        tcp_port: u16,
        /// MQTT over WebSocket.
        ws_port: u16,
    },
    /// Use an external broker.
    External {
        /// Host.
        host: String,
        /// TCP port.
        port: u16,
        /// The engine's user name.
        user: String,
        /// The engine's password.
        password: String,
        /// Mosquitto files SCIP keeps in step with live exercises, if any.
        provisioning: Option<ProvisionerConfig>,
    },
}

/// Everything needed to start.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Parts to run.
    pub role: Role,
    /// Database URL.
    pub database_url: String,
    /// Redis URL.
    pub redis_url: Option<String>,
    /// Address every listener binds.
    pub bind: IpAddr,
    /// API port (also serves the portal in the all-in-one process); 0 picks one.
    pub api_port: u16,
    /// Portal port, if the portal runs; 0 picks one.
    pub client_port: Option<u16>,
    /// Orchestrator health port, if bound; 0 picks one.
    pub orchestration_port: Option<u16>,
    /// MQTT.
    pub mqtt: MqttSetup,
    /// Topic prefix.
    pub topic_prefix: String,
    /// Token signing secret.
    pub jwt_secret: String,
    /// HTTP settings.
    pub settings: ServerSettings,
    /// Engine settings.
    pub engine: EngineConfig,
    /// This process's name in leases (host and pid).
    pub owner: String,
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A listener's port is taken or unusable.
    #[error("cannot listen on {addr} for the {what}: {reason}")]
    Bind {
        /// Which listener (`API`, `portal`, `MQTT`, …).
        what: &'static str,
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        reason: String,
    },
    /// Storage could not be opened.
    #[error("database: {0}")]
    Store(#[from] scip_store::StoreError),
    /// The broker or the engine's MQTT connection failed.
    #[error("MQTT: {0}")]
    Bus(#[from] scip_bus::BusError),
    /// Redis could not be reached.
    #[error("Redis: {0}")]
    Redis(String),
    /// A setting is unusable.
    #[error("{0}")]
    Config(String),
}

/// What a dashboard host gets from the application it runs in.
pub struct HostContext {
    /// Handler state (store, engine, token keys, limits, settings).
    pub state: AppState,
    /// The token signing secret (`JWT_SECRET`), from which team session keys are derived.
    pub jwt_secret: Vec<u8>,
    /// The address listeners bind.
    pub bind: IpAddr,
    /// Where the API listens, if this process serves it.
    pub api_addr: Option<SocketAddr>,
    /// The broker host as this process reaches it.
    pub mqtt_host: String,
    /// The broker's MQTT/TCP port.
    pub mqtt_port: u16,
    /// Topic layout.
    pub layout: TopicLayout,
    /// The application's tasks (the host spawns its own here, so shutdown waits for them).
    pub tasks: TaskTracker,
    /// Cancelled when the application stops.
    pub cancel: CancellationToken,
}

impl std::fmt::Debug for HostContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostContext")
            .field("bind", &self.bind)
            .field("api_addr", &self.api_addr)
            .field("mqtt_host", &self.mqtt_host)
            .field("mqtt_port", &self.mqtt_port)
            .finish_non_exhaustive()
    }
}

/// Builds the dashboard host from the running application's parts.
pub type HostFactory = Box<dyn FnOnce(HostContext) -> Arc<dyn DashboardHost> + Send>;

/// A running SCIP process.
pub struct RunningApp {
    /// Where the API listens.
    pub api_addr: Option<SocketAddr>,
    /// Where the portal listens.
    pub client_addr: Option<SocketAddr>,
    /// Where the orchestrator's health endpoint listens.
    pub orchestration_addr: Option<SocketAddr>,
    /// The embedded broker's TCP address.
    pub broker_tcp: Option<SocketAddr>,
    /// The embedded broker's WebSocket address.
    pub broker_ws: Option<SocketAddr>,
    /// The engine's MQTT credentials (user, password), for tools and tests on this host.
    pub engine_credentials: (String, String),
    /// Handler state.
    pub state: AppState,
    cancel: CancellationToken,
    tasks: TaskTracker,
    broker: Option<EmbeddedBroker>,
}

async fn bind(what: &'static str, ip: IpAddr, port: u16) -> Result<TcpListener, StartError> {
    let addr = SocketAddr::new(ip, port);
    TcpListener::bind(addr).await.map_err(|e| StartError::Bind {
        what,
        addr,
        reason: e.to_string(),
    })
}

impl RunningApp {
    /// Starts every part `config.role` needs. Listeners are bound first, so a taken port fails
    /// before anything else happens. `host` hosts team dashboards (engine roles only).
    pub async fn start(
        config: AppConfig,
        host: Arc<dyn DashboardHost>,
    ) -> Result<Self, StartError> {
        Self::start_with_host(config, Box::new(move |_| host)).await
    }

    /// Starts like [`RunningApp::start`], building the dashboard host with `make_host` once the
    /// store, the broker and the listeners exist (engine roles only; other roles never call
    /// it).
    pub async fn start_with_host(
        config: AppConfig,
        make_host: HostFactory,
    ) -> Result<Self, StartError> {
        let cancel = CancellationToken::new();
        let tasks = TaskTracker::new();
        let api_listener = match config.role {
            Role::All | Role::Api => Some(bind("API", config.bind, config.api_port).await?),
            _ => None,
        };
        let client_listener = match (config.role, config.client_port) {
            (Role::All | Role::Portal, Some(port)) => {
                Some(bind("portal", config.bind, port).await?)
            }
            _ => None,
        };
        let orchestration_listener = match (config.role, config.orchestration_port) {
            (Role::Orchestrator, Some(port)) | (Role::All, Some(port)) => {
                Some(bind("orchestrator", config.bind, port).await?)
            }
            _ => None,
        };
        let layout = TopicLayout::new(&config.topic_prefix)
            .map_err(|e| StartError::Config(e.to_string()))?;
        let store = Store::connect(&config.database_url).await?;
        let (hub, shared) = match &config.redis_url {
            Some(url) => (
                Hub::with_redis(url, cancel.child_token())
                    .await
                    .map_err(|e| StartError::Redis(e.to_string()))?,
                SharedState::redis(url)
                    .await
                    .map_err(|e| StartError::Redis(e.to_string()))?,
            ),
            None => (Hub::local(), SharedState::memory()),
        };

        // The broker, and the engine's credentials on it.
        let (broker, host_port, user, password, provisioning) = match &config.mqtt {
            MqttSetup::Embedded { tcp_port, ws_port } => {
                let password = Alphanumeric.sample_string(&mut rand::rng(), 32);
                let user = "scip-engine".to_owned();
                let auth = Arc::new(StoreAuthenticator::new(store.clone(), &user, &password));
                let broker_config = BrokerConfig {
                    tcp_addr: SocketAddr::new(config.bind, *tcp_port),
                    ws_addr: Some(SocketAddr::new(config.bind, *ws_port)),
                    layout: layout.clone(),
                    ..BrokerConfig::loopback()
                };
                let broker =
                    EmbeddedBroker::start(broker_config, auth, cancel.child_token()).await?;
                let port = broker.tcp_addr().port();
                (
                    Some(broker),
                    ("127.0.0.1".to_owned(), port),
                    user,
                    password,
                    Provisioning::Store,
                )
            }
            MqttSetup::External {
                host,
                port,
                user,
                password,
                provisioning,
            } => {
                let provisioning = match provisioning {
                    Some(p) => {
                        let engine =
                            Credential::new(user.clone(), password.clone(), Principal::Engine)
                                .map_err(|e| StartError::Config(e.to_string()))?;
                        Provisioning::Mosquitto(
                            Arc::new(MosquittoProvisioner::new(p.clone())),
                            vec![engine],
                        )
                    }
                    None => Provisioning::Store,
                };
                (
                    None,
                    (host.clone(), *port),
                    user.clone(),
                    password.clone(),
                    provisioning,
                )
            }
        };
        let client_id =
            scip_bus::client::unique_client_id(&format!("scip-{}", role_name(config.role)));
        let (mqtt, inbox) = MqttClient::start(
            ClientConfig::tcp(host_port.0.clone(), host_port.1, client_id)
                .credentials(user.clone(), password.clone()),
            cancel.child_token(),
        )?;
        let clock = ProcessClock::new();
        let owned = Owned::default();
        let mut orchestrate = None;
        let mut engine = EngineHandle::new(
            store.clone(),
            hub.clone(),
            Some(mqtt.clone()),
            layout.clone(),
            clock,
            config.engine.clone(),
            provisioning,
        );
        if config.role.runs_engine() {
            // Wait for the broker first: a Mosquitto that has just started dies of a reload
            // signal that arrives before its main loop runs, and a served connection proves
            // the loop runs. Then Mosquitto learns every live exercise's teams.
            if tokio::time::timeout(Duration::from_secs(10), mqtt.wait_connected())
                .await
                .is_err()
            {
                warn!(broker = %mqtt.broker(), "the MQTT broker does not answer yet; the engine keeps trying");
            }
            engine.credentials_changed().await;
            let (relay, relay_handle) = Relay::new(
                store.clone(),
                mqtt.clone(),
                layout.clone(),
                hub.clone(),
                clock,
                owned.clone(),
            );
            engine = engine.with_relay(relay_handle);
            tasks.spawn(relay.run(cancel.child_token()));
            for kind in [TopicKind::Receipts, TopicKind::Presence] {
                let filter = layout.all_teams_filter(kind);
                let mqtt = mqtt.clone();
                tasks.spawn(async move {
                    if let Err(e) = mqtt.subscribe(&filter, Qos::AtLeastOnce).await {
                        warn!(filter, error = %e, "could not subscribe to dashboard messages");
                    }
                });
            }
            tasks.spawn(scip_engine::inbound::consume_inbound(
                engine.clone(),
                inbox,
                Some(owned.clone()),
                cancel.child_token(),
            ));
            orchestrate = Some(owned);
        }

        let state = AppState::new(
            config.settings.clone(),
            store,
            engine,
            shared,
            config.jwt_secret.as_bytes(),
        );
        if let Some(owned) = orchestrate {
            // The host is built now that everything it may need (state, the API's address,
            // the broker) exists; exercises are claimed only after this.
            let host = make_host(HostContext {
                state: state.clone(),
                jwt_secret: config.jwt_secret.as_bytes().to_vec(),
                bind: config.bind,
                api_addr: api_listener.as_ref().and_then(|l| l.local_addr().ok()),
                mqtt_host: host_port.0.clone(),
                mqtt_port: host_port.1,
                layout: layout.clone(),
                tasks: tasks.clone(),
                cancel: cancel.clone(),
            });
            let orchestrator =
                Orchestrator::new(state.engine.clone(), host, config.owner.clone(), owned);
            tasks.spawn(orchestrator.run(cancel.child_token()));
        }
        let mut addrs = (None, None, None);
        if let Some(listener) = api_listener {
            addrs.0 = listener.local_addr().ok();
            let router = crate::router::router(state.clone());
            tasks.spawn(serve_logged("API", listener, router, cancel.child_token()));
        }
        if let Some(listener) = client_listener {
            addrs.1 = listener.local_addr().ok();
            let router = crate::router::router(state.clone());
            tasks.spawn(serve_logged(
                "portal",
                listener,
                router,
                cancel.child_token(),
            ));
        }
        if let Some(listener) = orchestration_listener {
            addrs.2 = listener.local_addr().ok();
            let router = crate::router::orchestrator_router(state.clone());
            tasks.spawn(serve_logged(
                "orchestrator",
                listener,
                router,
                cancel.child_token(),
            ));
        }
        tasks.close();
        info!(role = role_name(config.role), api = ?addrs.0, portal = ?addrs.1, "SCIP started");
        Ok(Self {
            api_addr: addrs.0,
            client_addr: addrs.1,
            orchestration_addr: addrs.2,
            broker_tcp: broker.as_ref().map(EmbeddedBroker::tcp_addr),
            broker_ws: broker.as_ref().and_then(EmbeddedBroker::ws_addr),
            engine_credentials: (user, password),
            state,
            cancel,
            tasks,
            broker,
        })
    }

    /// Starts with no dashboard hosting (API-only processes and engine tests).
    pub async fn start_without_dashboards(config: AppConfig) -> Result<Self, StartError> {
        Self::start(config, Arc::new(NoDashboards)).await
    }

    /// A token that stops the process when cancelled.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Waits until the process was asked to stop, then stops every part: HTTP listeners finish
    /// their requests, runners hand their exercises back, the relay marks what the broker
    /// acknowledged, the broker closes. Gives up after `grace`.
    pub async fn run_until_stopped(self, grace: Duration) {
        self.cancel.cancelled().await;
        self.finish(grace).await;
    }

    /// Stops now (see [`RunningApp::run_until_stopped`]).
    pub async fn shutdown(self, grace: Duration) {
        self.cancel.cancel();
        self.finish(grace).await;
    }

    async fn finish(self, grace: Duration) {
        if tokio::time::timeout(grace, self.tasks.wait())
            .await
            .is_err()
        {
            warn!("some tasks did not stop within {grace:?}");
        }
        if let Some(broker) = self.broker {
            let _ = tokio::time::timeout(Duration::from_secs(2), broker.stopped()).await;
        }
        self.state.store.close().await;
        info!("SCIP stopped");
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::All => "all",
        Role::Api => "api",
        Role::Orchestrator => "orchestrator",
        Role::Portal => "portal",
    }
}

async fn serve_logged(
    what: &'static str,
    listener: TcpListener,
    router: axum::Router,
    cancel: CancellationToken,
) {
    if let Err(e) = crate::serve::serve(listener, router, cancel).await {
        warn!(listener = what, error = %e, "HTTP listener failed");
    }
}
