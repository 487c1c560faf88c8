//! The embedded runtime: a team's dashboard served by the server process itself, on a listener
//! of its own. Starting one costs a store read, one MQTT connection and a listener.

use std::io;
use std::net::{IpAddr, SocketAddr};

use scip_store::DashboardHealth;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::dashboard::{DashboardConfig, DashboardError, DashboardState, TeamDashboard};

/// Binds `addr:port` for a dashboard; `Err` when the port is taken (the caller tries another).
pub async fn bind(addr: IpAddr, port: u16) -> io::Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(addr, port)).await
}

/// A dashboard running inside this process.
pub struct EmbeddedDashboard {
    port: u16,
    state: DashboardState,
    cancel: CancellationToken,
    task: JoinHandle<io::Result<()>>,
}

impl std::fmt::Debug for EmbeddedDashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedDashboard")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl EmbeddedDashboard {
    /// Starts a dashboard from `config` and serves it on `listener` (already bound).
    pub async fn start(
        config: DashboardConfig,
        listener: TcpListener,
    ) -> Result<Self, DashboardError> {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let cancel = CancellationToken::new();
        let dashboard = TeamDashboard::start(config, cancel.clone()).await?;
        let state = dashboard.state().clone();
        let task = tokio::spawn(dashboard.serve(listener));
        Ok(Self {
            port,
            state,
            cancel,
            task,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The dashboard's state (for tests and status pages).
    pub fn state(&self) -> &DashboardState {
        &self.state
    }

    /// Healthy while it serves and can deliver; unhealthy, with the reason, otherwise.
    pub fn health(&self) -> (DashboardHealth, Option<String>) {
        if self.task.is_finished() {
            return (
                DashboardHealth::Unhealthy,
                Some("the dashboard's listener stopped".into()),
            );
        }
        match self.state.status().problem() {
            None => (DashboardHealth::Healthy, None),
            Some(problem) => (DashboardHealth::Unhealthy, Some(problem)),
        }
    }

    /// Stops it: browser streams end, presence goes offline, the port is free again.
    pub async fn stop(self) {
        self.cancel.cancel();
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(port = self.port, error = %e, "dashboard listener failed"),
            Err(e) => tracing::warn!(port = self.port, error = %e, "dashboard task failed"),
        }
    }
}
