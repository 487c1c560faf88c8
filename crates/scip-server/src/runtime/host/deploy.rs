//! Starting one team's dashboard on each runtime: a listener in this process, a `scip
//! dashboard` child, or a container (adopting the ones that already run).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsString;
use std::time::Duration;

use scip_bus::ClientConfig;
use scip_core::ExerciseId;
use scip_core::model::TeamResources;
use scip_store::{DashboardHealth, DashboardInfo, DashboardRuntime, ExerciseRecord, ExerciseTeam};

use super::health::docker_health;
use super::{Attempt, DeployError, Hosted, HostedExercise, HostedTeam, Inner};
use crate::api::v2::team_feed::store_parts;
use crate::dashboard::DashboardConfig;
use crate::dashboard::feed::DEFAULT_RING_CAPACITY;
use crate::dashboard::session::{mint_dashboard_token, session_secret};
use crate::dashboard::source::{FeedSource, StoreFeed};
use crate::runtime::docker::{
    DashboardCredentials, DashboardSpec, DashboardTeam, DockerError, DockerRuntime,
    ServiceEndpoints,
};
use crate::runtime::embedded::{self, EmbeddedDashboard};
use crate::runtime::process::{ProcessDashboard, ProcessError, ProcessSpec};

impl Inner {
    pub(super) async fn start_embedded(
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

    pub(super) async fn start_process(
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

    pub(super) async fn docker(&self) -> Result<DockerRuntime, DeployError> {
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
    pub(super) async fn adopt(
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

    pub(super) async fn start_docker(
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
}
