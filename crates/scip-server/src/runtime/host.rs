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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;

use futures::future::BoxFuture;
use scip_bus::ClientConfig;
use scip_core::model::TeamResources;
use scip_core::{ExerciseId, TeamId};
use scip_engine::{DashboardHost, LiveEvent};
use scip_store::{DashboardHealth, DashboardInfo, DashboardRuntime, ExerciseRecord, ExerciseTeam};
use tokio::sync::{Mutex, watch};
use tracing::{info, warn};

use super::docker::{
    self, DashboardCredentials, DashboardSpec, DashboardTeam, DockerError, DockerRuntime,
    DockerSettings, ServiceEndpoints,
};
use super::embedded::{self, EmbeddedDashboard};
use super::ports::{PortError, PortRange, PortsInUse, choose_dashboard_port, probe_bind};
use super::process::{ProcessDashboard, ProcessError, ProcessSpec};
use crate::api::v2::team_feed::store_parts;
use crate::app::{HostContext, HostFactory};
use crate::dashboard::DashboardConfig;
use crate::dashboard::feed::DEFAULT_RING_CAPACITY;
use crate::dashboard::session::{mint_dashboard_token, session_secret};
use crate::dashboard::source::{FeedSource, StoreFeed};

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

    /// The scenario's fixed ports and Docker limits per team.
    async fn scenario_teams(
        &self,
        record: &ExerciseRecord,
    ) -> HashMap<TeamId, (Option<u16>, TeamResources)> {
        match self
            .ctx
            .state
            .store
            .scenario_version(&record.scenario_id, record.scenario_version)
            .await
        {
            Ok(s) => s
                .teams
                .into_iter()
                .map(|t| (t.id, (t.dashboard_port, t.resources)))
                .collect(),
            Err(e) => {
                warn!(exercise.id = %record.id, error = %e, "cannot read the scenario's team settings");
                HashMap::new()
            }
        }
    }

    /// Ports spoken for: other teams of the exercise (by record) and every dashboard hosted
    /// here or (Docker) running on the engine.
    fn ports_in_use(
        &self,
        hosted: &HashMap<ExerciseId, HostedExercise>,
        teams: &[ExerciseTeam],
        docker_ports: &BTreeSet<u16>,
    ) -> PortsInUse {
        PortsInUse {
            by_exercise: teams
                .iter()
                .filter_map(|t| t.dashboard_port.map(|p| (p, t.team_id.clone())))
                .collect(),
            by_dashboards: hosted
                .values()
                .flat_map(|e| e.teams.values().filter_map(|t| t.info.port))
                .chain(docker_ports.iter().copied())
                .collect(),
        }
    }

    fn choose_port(
        &self,
        team: &ExerciseTeam,
        scenario_fixed: Option<u16>,
        in_use: &PortsInUse,
        skip: &BTreeSet<u16>,
    ) -> Result<u16, PortError> {
        let range = self.settings.port_range;
        let bind = self.ctx.bind;
        let free = |p: u16| !skip.contains(&p) && probe_bind(bind, p);
        if let Some(fixed) = scenario_fixed {
            return choose_dashboard_port(&team.team_id, Some(fixed), range, in_use, free);
        }
        // The port this team had before is kept when it is still free.
        if let Some(recorded) = team.dashboard_port
            && let Ok(port) =
                choose_dashboard_port(&team.team_id, Some(recorded), range, in_use, free)
        {
            return Ok(port);
        }
        choose_dashboard_port(&team.team_id, None, range, in_use, free)
    }

    async fn ensure(&self, record: ExerciseRecord, teams: Vec<ExerciseTeam>) {
        if self.ctx.cancel.is_cancelled() {
            return;
        }
        let mut hosted = self.hosted.lock().await;
        let runtime = record.dashboard_runtime;
        let scenario = self.scenario_teams(&record).await;
        let mut docker_ports = BTreeSet::new();
        if runtime == DashboardRuntime::Docker {
            match self.adopt(&record, &teams, &mut hosted).await {
                Ok(ports) => docker_ports = ports,
                Err(e) => {
                    for team in &teams {
                        let info = DashboardInfo {
                            port: team.dashboard_port,
                            url: team.dashboard_url.clone(),
                            runtime_ref: None,
                            health: DashboardHealth::Unhealthy,
                            detail: Some(e.to_string()),
                        };
                        self.record(&record.id, &team.team_id, &info).await;
                    }
                    return;
                }
            }
        }
        for team in &teams {
            let already = hosted
                .get(&record.id)
                .is_some_and(|e| e.teams.contains_key(&team.team_id));
            if already {
                continue;
            }
            let (fixed, resources) = scenario.get(&team.team_id).cloned().unwrap_or_default();
            let mut skip = BTreeSet::new();
            let mut outcome = Err(DeployError::Runtime("no port could be tried".into()));
            for _ in 0..PORT_ATTEMPTS {
                let in_use = self.ports_in_use(&hosted, &teams, &docker_ports);
                let port = match self.choose_port(team, fixed, &in_use, &skip) {
                    Ok(p) => p,
                    Err(e) => {
                        outcome = Err(e.into());
                        break;
                    }
                };
                let attempt = match runtime {
                    DashboardRuntime::Embedded => self.start_embedded(&record, team, port).await,
                    DashboardRuntime::Process => self.start_process(&record, team, port).await,
                    DashboardRuntime::Docker => {
                        self.start_docker(&record, team, &resources, port).await
                    }
                };
                match attempt {
                    Attempt::Done(started) => {
                        outcome = Ok(started);
                        break;
                    }
                    Attempt::PortTaken => {
                        skip.insert(port);
                        outcome = Err(DeployError::Runtime(format!("port {port} is taken")));
                    }
                    Attempt::Failed(e) => {
                        outcome = Err(e);
                        break;
                    }
                }
            }
            match outcome {
                Ok(started) => {
                    info!(exercise.id = %record.id, team.id = %team.team_id, runtime = runtime_name(runtime), port = ?started.info.port, "team dashboard deployed");
                    self.record(&record.id, &team.team_id, &started.info).await;
                    hosted
                        .entry(record.id.clone())
                        .or_insert_with(|| HostedExercise {
                            runtime,
                            teams: BTreeMap::new(),
                        })
                        .teams
                        .insert(team.team_id.clone(), started);
                }
                Err(e) => {
                    warn!(exercise.id = %record.id, team.id = %team.team_id, runtime = runtime_name(runtime), error = %e, "team dashboard could not be deployed");
                    let info = DashboardInfo {
                        port: team.dashboard_port,
                        url: team.dashboard_url.clone(),
                        runtime_ref: None,
                        health: DashboardHealth::Unhealthy,
                        detail: Some(e.to_string()),
                    };
                    self.record(&record.id, &team.team_id, &info).await;
                }
            }
        }
    }

    async fn start_embedded(
        &self,
        record: &ExerciseRecord,
        team: &ExerciseTeam,
        port: u16,
    ) -> Attempt<HostedTeam> {
        let listener = match embedded::bind(self.ctx.bind, port).await {
            Ok(l) => l,
            Err(_) => return Attempt::PortTaken,
        };
        let ctx = &self.ctx;
        let config = DashboardConfig {
            exercise: record.id.clone(),
            team: team.team_id.clone(),
            source: FeedSource::Store(StoreFeed::new(
                store_parts(&ctx.state),
                record.id.clone(),
                team.team_id.clone(),
            )),
            mqtt: ClientConfig::tcp(
                ctx.mqtt_host.clone(),
                ctx.mqtt_port,
                scip_bus::client::unique_client_id(&format!("dash-{}-{}", record.id, team.team_id)),
            )
            .credentials(team.mqtt_username.clone(), team.mqtt_password.clone()),
            layout: ctx.layout.clone(),
            session_secret: session_secret(&ctx.jwt_secret, &record.id, &team.team_id),
            secure_cookies: self.settings.secure_cookies,
            hub: Some(ctx.state.engine.hub.clone()),
            ring_capacity: DEFAULT_RING_CAPACITY,
            startup_timeout: Duration::from_secs(10),
        };
        match EmbeddedDashboard::start(config, listener).await {
            Ok(dashboard) => {
                let (health, detail) = dashboard.health();
                let info = DashboardInfo {
                    port: Some(port),
                    url: Some(self.url(port)),
                    runtime_ref: Some(format!("embedded:{}", std::process::id())),
                    // Healthy only once the broker link is up; the watcher updates it.
                    health: if health == DashboardHealth::Healthy {
                        health
                    } else {
                        DashboardHealth::Starting
                    },
                    detail,
                };
                Attempt::Done(HostedTeam {
                    hosted: Hosted::Embedded(dashboard),
                    info,
                })
            }
            Err(e) => Attempt::Failed(DeployError::Runtime(e.to_string())),
        }
    }

    fn api_url(&self, configured: &Option<String>) -> Option<String> {
        configured.clone().or_else(|| {
            self.ctx.api_addr.map(|a| {
                let host = if a.ip().is_unspecified() {
                    "127.0.0.1".to_owned()
                } else if a.is_ipv6() {
                    format!("[{}]", a.ip())
                } else {
                    a.ip().to_string()
                };
                format!("http://{host}:{}", a.port())
            })
        })
    }

    async fn start_process(
        &self,
        record: &ExerciseRecord,
        team: &ExerciseTeam,
        port: u16,
    ) -> Attempt<HostedTeam> {
        let Some(settings) = &self.settings.process else {
            return Attempt::Failed(DeployError::Unavailable("process"));
        };
        let Some(api_url) = self.api_url(&settings.api_url) else {
            return Attempt::Failed(DeployError::Runtime(
                "dashboard processes need the API: run the API in this process or set its URL"
                    .into(),
            ));
        };
        let ctx = &self.ctx;
        let (e, t) = (&record.id, &team.team_id);
        let token = mint_dashboard_token(&ctx.state.tokens, e, t);
        let session_key = hex::encode(session_secret(&ctx.jwt_secret, e, t));
        let mut env: Vec<(String, String)> = [
            ("EXERCISE_ID", e.to_string()),
            ("TEAM_ID", t.to_string()),
            ("TEAM_NAME", team.name.clone()),
            ("TEAM_COLOR", team.color.clone()),
            ("TEAM_KIND", team.kind.to_string()),
            ("MQTT_HOST", ctx.mqtt_host.clone()),
            ("MQTT_PORT", ctx.mqtt_port.to_string()),
            ("MQTT_USER", team.mqtt_username.clone()),
            ("MQTT_PASSWORD", team.mqtt_password.clone()),
            ("MQTT_TOPIC_PREFIX", ctx.layout.prefix().to_owned()),
            ("MQTT_TOPIC", ctx.layout.feed(e, t)),
            ("SCIP_API_URL", api_url),
            ("SCIP_DASHBOARD_TOKEN", token),
            ("SCIP_SESSION_KEY", session_key),
            ("PUBLIC_HOST", self.settings.public_host.clone()),
            (
                "APP_ENV",
                if ctx.state.settings.production {
                    "production"
                } else {
                    "development"
                }
                .into(),
            ),
            ("LOG_LEVEL", settings.log_level.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        if let Ok(path) = std::env::var("PATH") {
            env.push(("PATH".into(), path));
        }
        let args: Vec<OsString> = [
            "dashboard".to_owned(),
            "--exercise".into(),
            e.to_string(),
            "--team".into(),
            t.to_string(),
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            ctx.bind.to_string(),
            "--watch-stdin".into(),
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        let spec = ProcessSpec {
            program: settings.program.clone(),
            args,
            env,
            port,
        };
        match ProcessDashboard::start(spec).await {
            Ok(process) => {
                let info = DashboardInfo {
                    port: Some(port),
                    url: Some(self.url(port)),
                    runtime_ref: Some(format!("pid:{}", process.pid())),
                    health: DashboardHealth::Healthy,
                    detail: None,
                };
                Attempt::Done(HostedTeam {
                    hosted: Hosted::Process(process),
                    info,
                })
            }
            Err(ProcessError::PortTaken { .. }) => Attempt::PortTaken,
            Err(e) => Attempt::Failed(DeployError::Runtime(e.to_string())),
        }
    }

    async fn docker(&self) -> Result<DockerRuntime, DeployError> {
        let Some(settings) = &self.settings.docker else {
            return Err(DeployError::Unavailable("docker"));
        };
        let mut slot = self.docker.lock().await;
        if let Some(runtime) = slot.as_ref() {
            return Ok(runtime.clone());
        }
        let runtime = DockerRuntime::connect(settings.docker_host.as_deref())
            .await
            .map_err(|e| DeployError::Runtime(e.to_string()))?;
        *slot = Some(runtime.clone());
        Ok(runtime)
    }

    /// Takes over containers of the exercise that already run (another orchestrator started
    /// them); returns the ports held by dashboard containers of every exercise.
    async fn adopt(
        &self,
        record: &ExerciseRecord,
        teams: &[ExerciseTeam],
        hosted: &mut HashMap<ExerciseId, HostedExercise>,
    ) -> Result<BTreeSet<u16>, DeployError> {
        let docker = self.docker().await?;
        let running = docker
            .adopt(&record.id)
            .await
            .map_err(|e| DeployError::Runtime(e.to_string()))?;
        for found in running {
            let Some(port) = found.port else { continue };
            if !teams.iter().any(|t| t.team_id == found.team) {
                continue;
            }
            let info = DashboardInfo {
                port: Some(port),
                url: Some(self.url(port)),
                runtime_ref: Some(found.container_id.clone()),
                health: DashboardHealth::Starting,
                detail: None,
            };
            self.record(&record.id, &found.team, &info).await;
            hosted
                .entry(record.id.clone())
                .or_insert_with(|| HostedExercise {
                    runtime: DashboardRuntime::Docker,
                    teams: BTreeMap::new(),
                })
                .teams
                .insert(
                    found.team.clone(),
                    HostedTeam {
                        hosted: Hosted::Docker,
                        info,
                    },
                );
        }
        docker
            .used_ports()
            .await
            .map_err(|e| DeployError::Runtime(e.to_string()))
    }

    async fn start_docker(
        &self,
        record: &ExerciseRecord,
        team: &ExerciseTeam,
        resources: &TeamResources,
        port: u16,
    ) -> Attempt<HostedTeam> {
        let (docker, settings) = match (self.docker().await, &self.settings.docker) {
            (Ok(d), Some(s)) => (d, s),
            (Err(e), _) => return Attempt::Failed(e),
            (_, None) => return Attempt::Failed(DeployError::Unavailable("docker")),
        };
        let ctx = &self.ctx;
        let (e, t) = (&record.id, &team.team_id);
        let spec = DashboardSpec {
            exercise: e.clone(),
            team: DashboardTeam {
                id: t.clone(),
                name: team.name.clone(),
                color: team.color.clone(),
                kind: team.kind,
                resources: resources.clone(),
            },
            host_port: port,
            docker: settings.docker.clone(),
            services: ServiceEndpoints {
                public_host: self.settings.public_host.clone(),
                ..settings.services.clone()
            },
            credentials: DashboardCredentials {
                mqtt_username: team.mqtt_username.clone(),
                mqtt_password: team.mqtt_password.clone(),
                dashboard_token: mint_dashboard_token(&ctx.state.tokens, e, t),
                session_key: hex::encode(session_secret(&ctx.jwt_secret, e, t)),
            },
        };
        match docker.deploy(&spec).await {
            Ok(deployed) => Attempt::Done(HostedTeam {
                hosted: Hosted::Docker,
                info: DashboardInfo {
                    port: Some(deployed.port),
                    url: Some(self.url(deployed.port)),
                    runtime_ref: Some(deployed.container_id),
                    health: docker_health(deployed.health).0,
                    detail: docker_health(deployed.health).1,
                },
            }),
            Err(DockerError::PortTaken { .. }) => Attempt::PortTaken,
            Err(e) => Attempt::Failed(DeployError::Runtime(e.to_string())),
        }
    }

    async fn stop_hosted(&self, exercise: &ExerciseId) -> Option<DashboardRuntime> {
        let removed = self.hosted.lock().await.remove(exercise)?;
        for (_, team) in removed.teams {
            team.hosted.stop().await;
        }
        Some(removed.runtime)
    }

    async fn teardown(&self, exercise: ExerciseId) {
        let store = &self.ctx.state.store;
        let runtime = match self.stop_hosted(&exercise).await {
            Some(r) => r,
            None => store
                .get_exercise(&exercise)
                .await
                .map(|r| r.dashboard_runtime)
                .unwrap_or_default(),
        };
        if runtime == DashboardRuntime::Docker {
            match self.docker().await {
                Ok(docker) => match docker.cleanup(&exercise).await {
                    Ok(n) => {
                        info!(exercise.id = %exercise, containers = n, "dashboard containers removed")
                    }
                    Err(e) => {
                        warn!(exercise.id = %exercise, error = %e, "dashboard containers were not all removed")
                    }
                },
                Err(e) => {
                    warn!(exercise.id = %exercise, error = %e, "cannot reach Docker to remove the dashboards")
                }
            }
        }
        let Ok(teams) = store.exercise_teams(&exercise).await else {
            return;
        };
        for team in teams {
            let info = DashboardInfo {
                port: team.dashboard_port,
                url: team.dashboard_url.clone(),
                runtime_ref: None,
                health: DashboardHealth::Stopped,
                detail: None,
            };
            self.record(&exercise, &team.team_id, &info).await;
        }
        info!(exercise.id = %exercise, "team dashboards torn down");
    }

    async fn release(&self, exercise: ExerciseId) {
        // Containers keep running: the next orchestrator adopts them.
        if self.stop_hosted(&exercise).await.is_some() {
            info!(exercise.id = %exercise, "team dashboards of this process stopped (released)");
        }
    }

    /// Checks every hosted dashboard and records what changed.
    async fn check_health(&self, ask_docker: bool) {
        // Containers are asked first, without holding the lock across engine calls.
        let mut containers: HashMap<ExerciseId, Vec<docker::TeamHealth>> = HashMap::new();
        if ask_docker {
            let docker_exercises: Vec<ExerciseId> = {
                let hosted = self.hosted.lock().await;
                hosted
                    .iter()
                    .filter(|(_, e)| e.runtime == DashboardRuntime::Docker)
                    .map(|(id, _)| id.clone())
                    .collect()
            };
            if !docker_exercises.is_empty()
                && let Ok(docker) = self.docker().await
            {
                for exercise in docker_exercises {
                    if let Ok(list) = docker.health(&exercise).await {
                        containers.insert(exercise, list);
                    }
                }
            }
        }
        let mut changed = Vec::new();
        {
            let mut hosted = self.hosted.lock().await;
            for (exercise, hosted_exercise) in hosted.iter_mut() {
                for (team, hosted_team) in hosted_exercise.teams.iter_mut() {
                    let mut moved = false;
                    let (health, detail) = match &hosted_team.hosted {
                        Hosted::Embedded(e) => e.health(),
                        Hosted::Process(p) => {
                            let reference = Some(format!("pid:{}", p.pid()));
                            if p.pid() != 0 && hosted_team.info.runtime_ref != reference {
                                // A restarted process: the new pid is recorded.
                                hosted_team.info.runtime_ref = reference;
                                moved = true;
                            }
                            p.status().health()
                        }
                        Hosted::Docker => match containers.get(exercise) {
                            Some(list) => list
                                .iter()
                                .find(|h| &h.team == team)
                                .map(|h| docker_health(h.health))
                                .unwrap_or((
                                    DashboardHealth::Unhealthy,
                                    Some("its container is gone".into()),
                                )),
                            None => continue,
                        },
                    };
                    if moved
                        || (health, &detail) != (hosted_team.info.health, &hosted_team.info.detail)
                    {
                        hosted_team.info.health = health;
                        hosted_team.info.detail = detail;
                        changed.push((exercise.clone(), team.clone(), hosted_team.info.clone()));
                    }
                }
            }
        }
        for (exercise, team, info) in changed {
            self.record(&exercise, &team, &info).await;
        }
    }

    async fn stop_all(&self) {
        let all: Vec<ExerciseId> = self.hosted.lock().await.keys().cloned().collect();
        for exercise in all {
            self.release(exercise).await;
        }
    }
}

/// A container's health as recorded with the team.
fn docker_health(health: docker::DashboardHealth) -> (DashboardHealth, Option<String>) {
    use docker::DashboardHealth as C;
    match health {
        C::Starting => (DashboardHealth::Starting, None),
        C::Healthy | C::RunningUnchecked => (DashboardHealth::Healthy, None),
        C::Unhealthy => (
            DashboardHealth::Unhealthy,
            Some("its health check fails".into()),
        ),
        C::Restarting => (
            DashboardHealth::Unhealthy,
            Some("Docker is restarting it".into()),
        ),
        C::Exited { .. } => (
            DashboardHealth::Unhealthy,
            Some(format!("its container {health}")),
        ),
    }
}

/// Checks hosted dashboards every `every` until the application stops, then stops whatever
/// is still hosted.
async fn watch_health(
    inner: Weak<Inner>,
    every: Duration,
    cancel: tokio_util::sync::CancellationToken,
) {
    let mut tick = tokio::time::interval(every.max(Duration::from_millis(10)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut round: u32 = 0;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tick.tick() => {}
        }
        let Some(inner) = inner.upgrade() else { return };
        round = round.wrapping_add(1);
        inner.check_health(round % DOCKER_HEALTH_EVERY_N == 1).await;
    }
    if let Some(inner) = inner.upgrade() {
        inner.stop_all().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_health_reads_as_team_health() {
        use docker::DashboardHealth as C;
        assert_eq!(docker_health(C::Healthy).0, DashboardHealth::Healthy);
        assert_eq!(
            docker_health(C::RunningUnchecked).0,
            DashboardHealth::Healthy
        );
        let (h, why) = docker_health(C::Exited { exit_code: Some(2) });
        assert_eq!(h, DashboardHealth::Unhealthy);
        assert!(why.unwrap().contains("exited (2)"));
    }
}
