//! The dashboard host: the engine's [`DashboardHost`], deploying each exercise's team
//! dashboards on the exercise's runtime (`embedded` by default, `process` or `docker`).
//!
//! For every team it chooses a port ([`super::ports`]): the port already recorded for the team
//! is kept; a port fixed by the scenario must be free; otherwise the first free port of the
//! range. It records port, URL (`http://{PUBLIC_HOST}:{port}/`), runtime reference and health
//! with the team (`update_team_dashboard`), announces every health change on the hub
//! ([`LiveEvent::DashboardHealth`]), and keeps watching: an embedded dashboard's listener and
//! broker link, a process's supervisor, a container's health check.
//!
//! `ensure` returns at once and deploys in the background, so the orchestrator (which renews
//! leases between calls) is never held up by slow process or container starts.
//!
//! - [`lifecycle`]: ensure, teardown and release of an exercise's dashboards; ports.
//! - [`deploy`]: starting one team's dashboard on each runtime.
//! - [`health`]: watching what is hosted and recording every change.

mod deploy;
mod health;
mod lifecycle;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use scip_core::{ExerciseId, TeamId};
use scip_engine::{DashboardHost, LiveEvent};
use scip_store::{DashboardInfo, DashboardRuntime, ExerciseRecord, ExerciseTeam};
use tokio::sync::{Mutex, watch};
use tracing::warn;

use super::docker::{self, DockerRuntime, DockerSettings, ServiceEndpoints};
use super::embedded::EmbeddedDashboard;
use super::ports::{PortError, PortRange};
use super::process::ProcessDashboard;
use crate::app::{HostContext, HostFactory};
use health::watch_health;

/// How often hosted dashboards' health is checked by default.
pub const HEALTH_EVERY: Duration = Duration::from_secs(2);
/// Containers are asked about every this many health checks (the engine is slower to ask).
const DOCKER_HEALTH_EVERY_N: u32 = 5;
/// Ports tried for one team before giving up when each turns out to be taken.
const PORT_ATTEMPTS: usize = 10;

/// The process runtime's settings.
#[derive(Debug, Clone)]
pub struct ProcessSettings {
    /// The `scip` executable the children run.
    pub program: PathBuf,
    /// The API as the children reach it; this process's own API listener when `None`.
    pub api_url: Option<String>,
    /// `LOG_LEVEL` of the children.
    pub log_level: String,
}

/// The Docker runtime's settings.
#[derive(Debug, Clone)]
pub struct DockerHostSettings {
    /// Engine address (`DOCKER_HOST`); the local socket when `None`.
    pub docker_host: Option<String>,
    /// Image and network.
    pub docker: DockerSettings,
    /// Where SCIP's services are, seen from the containers' network.
    pub services: ServiceEndpoints,
}

/// What the host needs besides the application.
#[derive(Debug, Clone)]
pub struct HostSettings {
    /// Ports handed out to teams without a fixed port (`DASHBOARD_PORT_RANGE`).
    pub port_range: PortRange,
    /// Host name in dashboard URLs (`PUBLIC_HOST`).
    pub public_host: String,
    /// Mark session cookies `Secure` (production).
    pub secure_cookies: bool,
    /// The process runtime, when available.
    pub process: Option<ProcessSettings>,
    /// The Docker runtime, when configured.
    pub docker: Option<DockerHostSettings>,
    /// How often hosted dashboards' health is checked ([`HEALTH_EVERY`]); containers are
    /// asked every fifth time.
    pub health_every: Duration,
}

/// One team's dashboard as this host runs it.
enum Hosted {
    Embedded(EmbeddedDashboard),
    Process(ProcessDashboard),
    /// A container; Docker runs it, this host only remembers it.
    Docker,
}

struct HostedTeam {
    hosted: Hosted,
    info: DashboardInfo,
}

struct HostedExercise {
    runtime: DashboardRuntime,
    teams: BTreeMap<TeamId, HostedTeam>,
}

struct Inner {
    settings: HostSettings,
    ctx: HostContext,
    hosted: Mutex<HashMap<ExerciseId, HostedExercise>>,
    docker: Mutex<Option<DockerRuntime>>,
    changes: watch::Sender<u64>,
}

/// Hosts team dashboards for the engine (see the module documentation).
#[derive(Clone)]
pub struct DashboardManager {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for DashboardManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardManager")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// Why a team's dashboard could not be deployed (recorded as its health detail).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeployError {
    /// No port.
    #[error("{0}")]
    Port(#[from] PortError),
    /// The runtime is not available in this process.
    #[error("the {0} runtime is not configured on this server")]
    Unavailable(&'static str),
    /// The runtime failed.
    #[error("{0}")]
    Runtime(String),
}

impl DashboardManager {
    /// A host inside a running application. Its health watcher runs on the application's
    /// tasks until the application stops.
    pub fn new(settings: HostSettings, ctx: HostContext) -> Self {
        let inner = Arc::new(Inner {
            settings,
            hosted: Mutex::new(HashMap::new()),
            docker: Mutex::new(None),
            changes: watch::Sender::new(0),
            ctx,
        });
        inner.ctx.tasks.spawn(watch_health(
            Arc::downgrade(&inner),
            inner.settings.health_every,
            inner.ctx.cancel.clone(),
        ));
        Self { inner }
    }

    /// A factory for [`crate::app::RunningApp::start_with_host`]; `keep` receives the manager
    /// too (tests and the binary use it to reach hosted dashboards).
    pub fn factory(
        settings: HostSettings,
        keep: impl FnOnce(DashboardManager) + Send + 'static,
    ) -> HostFactory {
        Box::new(move |ctx| {
            let manager = Self::new(settings, ctx);
            keep(manager.clone());
            Arc::new(manager)
        })
    }

    /// Changes every time a health is recorded (tests and pages wait on it).
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    /// The teams of an exercise whose dashboards this host runs (or, for Docker, follows).
    pub async fn hosted_teams(&self, exercise: &ExerciseId) -> Vec<TeamId> {
        let hosted = self.inner.hosted.lock().await;
        hosted
            .get(exercise)
            .map(|e| e.teams.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The process id of a team's dashboard process, when it runs as one here.
    pub async fn process_pid(&self, exercise: &ExerciseId, team: &TeamId) -> Option<u32> {
        let hosted = self.inner.hosted.lock().await;
        match &hosted.get(exercise)?.teams.get(team)?.hosted {
            Hosted::Process(p) => Some(p.pid()).filter(|pid| *pid != 0),
            _ => None,
        }
    }

    /// The state of a team's embedded dashboard, when it runs here.
    pub async fn embedded_state(
        &self,
        exercise: &ExerciseId,
        team: &TeamId,
    ) -> Option<crate::dashboard::DashboardState> {
        let hosted = self.inner.hosted.lock().await;
        match &hosted.get(exercise)?.teams.get(team)?.hosted {
            Hosted::Embedded(e) => Some(e.state().clone()),
            _ => None,
        }
    }
}

impl DashboardHost for DashboardManager {
    fn ensure(&self, exercise: ExerciseRecord, teams: Vec<ExerciseTeam>) -> BoxFuture<'static, ()> {
        let inner = self.inner.clone();
        self.inner.ctx.tasks.spawn(async move {
            inner.ensure(exercise, teams).await;
        });
        Box::pin(async {})
    }

    fn teardown(&self, exercise: ExerciseId) -> BoxFuture<'static, ()> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.teardown(exercise).await })
    }

    fn release(&self, exercise: ExerciseId) -> BoxFuture<'static, ()> {
        let inner = self.inner.clone();
        Box::pin(async move { inner.release(exercise).await })
    }
}

impl Hosted {
    async fn stop(self) {
        match self {
            Self::Embedded(e) => e.stop().await,
            Self::Process(p) => p.stop().await,
            Self::Docker => {}
        }
    }
}

fn runtime_name(runtime: DashboardRuntime) -> &'static str {
    runtime.as_str()
}

/// What a port attempt came to.
enum Attempt<T> {
    Done(T),
    /// The port turned out to be taken: try another.
    PortTaken,
    Failed(DeployError),
}

impl Inner {
    fn url(&self, port: u16) -> String {
        format!(
            "{}/",
            docker::dashboard_url(&self.settings.public_host, port)
        )
    }

    async fn record(&self, exercise: &ExerciseId, team: &TeamId, info: &DashboardInfo) {
        if let Err(e) = self
            .ctx
            .state
            .store
            .update_team_dashboard(exercise, team, info)
            .await
        {
            warn!(exercise.id = %exercise, team.id = %team, error = %e, "could not record the dashboard");
        }
        self.ctx
            .state
            .engine
            .hub
            .publish(LiveEvent::DashboardHealth {
                exercise: exercise.to_string(),
                team: team.to_string(),
                health: info.health.as_str().to_owned(),
            })
            .await;
        self.changes.send_modify(|n| *n += 1);
    }
}
