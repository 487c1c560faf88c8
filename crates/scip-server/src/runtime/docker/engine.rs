//! The engine calls of the Docker runtime. Every answer is read through [`super::status`],
//! every failure translated by [`super::error`].

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::time::Duration;

use bollard::models::{ContainerCreateResponse, ContainerSummary};
use bollard::query_parameters::{
    CreateContainerOptions, ListContainersOptions, RemoveContainerOptions, StopContainerOptions,
};
use bollard::{API_DEFAULT_VERSION, Docker};
use futures::{StreamExt, stream};
use scip_core::{ExerciseId, TeamId};
use tracing::{info, instrument, warn};

use super::error::{DockerError, classify, failure, refused};
use super::spec::{
    self, DashboardContainer, DashboardSpec, container_name, container_spec, dashboard_url,
};
use super::status::{
    DeployedDashboard, RunningDashboard, TeamHealth, health_from_state, summary_dashboard_port,
    summary_name, summary_team,
};

/// Engine address when none is configured.
pub const DEFAULT_DOCKER_HOST: &str = "unix:///var/run/docker.sock";
/// How long one Engine API request may take before the engine counts as unreachable.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Seconds a dashboard gets to stop on SIGTERM before Docker kills it.
pub const STOP_GRACE_SECONDS: i32 = 10;
/// Engine requests in flight at once when acting on every container of an exercise.
const PARALLEL_REQUESTS: usize = 8;

/// A connection to one Docker engine.
#[derive(Clone)]
pub struct DockerRuntime {
    docker: Docker,
    host: String,
}

impl fmt::Debug for DockerRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DockerRuntime")
            .field("host", &self.host)
            .finish()
    }
}

impl DockerRuntime {
    /// Connects to the engine at `docker_host` (`DOCKER_HOST`: `unix:///path`, `tcp://host:port`
    /// or `http://host:port`; the local socket when `None`) and checks it answers a ping.
    /// Fails with [`DockerError::Unreachable`] when no engine answers.
    pub async fn connect(docker_host: Option<&str>) -> Result<Self, DockerError> {
        Self::connect_with_timeout(docker_host, DEFAULT_REQUEST_TIMEOUT).await
    }

    /// [`connect`](Self::connect) with a request timeout (whole seconds for engine calls; the
    /// connection ping honours it exactly).
    pub async fn connect_with_timeout(
        docker_host: Option<&str>,
        timeout: Duration,
    ) -> Result<Self, DockerError> {
        let host = docker_host
            .map(str::trim)
            .filter(|h| !h.is_empty())
            .unwrap_or(DEFAULT_DOCKER_HOST)
            .to_owned();
        let seconds = timeout.as_secs().max(1);
        let docker = if let Some(path) = host.strip_prefix("unix://") {
            Docker::connect_with_unix(path, seconds, API_DEFAULT_VERSION)
        } else if host.starts_with("tcp://") || host.starts_with("http://") {
            Docker::connect_with_http(&host, seconds, API_DEFAULT_VERSION)
        } else {
            return Err(DockerError::UnsupportedHost { host });
        }
        .map_err(|e| failure(&host, "connect to", "the engine", e))?;

        let answer = match tokio::time::timeout(timeout, docker.ping()).await {
            Err(_) => {
                return Err(DockerError::Unreachable {
                    host,
                    reason: format!("no answer to a ping within {timeout:?}"),
                });
            }
            Ok(Err(err)) => {
                return Err(match classify(&host, "ping", "the engine", err) {
                    Ok(refusal) => DockerError::Unreachable {
                        reason: format!(
                            "the ping was answered with HTTP {}: {}",
                            refusal.status, refusal.message
                        ),
                        host,
                    },
                    Err(err) => err,
                });
            }
            Ok(Ok(answer)) => answer,
        };
        if answer.trim() != "OK" {
            // Enough of the answer to recognise what is listening there.
            let answer = answer.chars().take(200).collect();
            return Err(DockerError::NotAnEngine { host, answer });
        }
        info!(docker.host = %host, "connected to the Docker engine");
        Ok(Self { docker, host })
    }

    /// The engine address this runtime talks to.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Host ports held by running team dashboard containers of any exercise (their 3000/tcp
    /// bindings), for [`crate::runtime::ports::PortsInUse::by_dashboards`].
    #[instrument(skip_all)]
    pub async fn used_ports(&self) -> Result<BTreeSet<u16>, DockerError> {
        let running = self.list_dashboards(false, None).await?;
        Ok(running.iter().filter_map(summary_dashboard_port).collect())
    }

    /// Starts a team's dashboard: removes a leftover container of the same name, creates the
    /// container of [`container_spec`] (already on its network), starts it and inspects it.
    ///
    /// Fails with [`DockerError::ImageMissing`] or [`DockerError::NetworkMissing`] when the
    /// engine lacks them (nothing is left behind), and with [`DockerError::PortTaken`] when
    /// the host port is held (the new container is removed again; choose another port).
    #[instrument(skip_all, fields(exercise.id = %spec.exercise, team.id = %spec.team.id, port = spec.host_port))]
    pub async fn deploy(&self, spec: &DashboardSpec) -> Result<DeployedDashboard, DockerError> {
        let name = container_name(&spec.exercise, &spec.team.id);
        let container = container_spec(spec).map_err(|source| DockerError::InvalidSpec {
            container: name.clone(),
            source,
        })?;
        self.remove_stale(&name).await?;
        let created = self.create(container, spec).await?;
        for warning in &created.warnings {
            warn!(container = %name, %warning, "the Docker engine warned on create");
        }
        if let Err(err) = self.start(&created.id, &name, spec.host_port).await {
            self.discard(&created.id, &name).await;
            return Err(err);
        }
        let inspect = self
            .docker
            .inspect_container(&created.id, None)
            .await
            .map_err(|e| failure(&self.host, "inspect", &name, e))?;
        let health = health_from_state(inspect.state.as_ref());
        info!(container = %name, %health, "team dashboard container started");
        Ok(DeployedDashboard {
            container_id: created.id,
            container_name: name,
            team: spec.team.id.clone(),
            port: spec.host_port,
            url: dashboard_url(&spec.services.public_host, spec.host_port),
            health,
        })
    }

    /// The health of every team dashboard container of `exercise`, running or not, sorted by
    /// team. A container removed while this runs is left out.
    #[instrument(skip_all, fields(exercise.id = %exercise))]
    pub async fn health(&self, exercise: &ExerciseId) -> Result<Vec<TeamHealth>, DockerError> {
        let containers = self.list_dashboards(true, Some(exercise)).await?;
        // Owned ids: a closure over borrowed ones makes the future not `Send` for every
        // lifetime, and hosts spawn these calls on other tasks.
        let targets: Vec<(String, String, TeamId)> = containers
            .iter()
            .filter_map(identify)
            .map(|(id, name, team)| (id.to_owned(), name, team))
            .collect();
        let checks = stream::iter(targets)
            .map(|(id, name, team)| async move { self.team_health(&id, name, team).await })
            .buffer_unordered(PARALLEL_REQUESTS)
            .collect::<Vec<_>>()
            .await;
        let mut healths = Vec::with_capacity(checks.len());
        for check in checks {
            if let Some(health) = check? {
                healths.push(health);
            }
        }
        healths.sort_by(|a, b| a.team.cmp(&b.team));
        Ok(healths)
    }

    /// Stops (10 s grace) and removes every team dashboard container labelled with
    /// `exercise`, running or not, and returns how many were removed. Containers that vanish
    /// meanwhile are not errors; any other failure is reported, after trying every container,
    /// as [`DockerError::CleanupIncomplete`].
    #[instrument(skip_all, fields(exercise.id = %exercise))]
    pub async fn cleanup(&self, exercise: &ExerciseId) -> Result<usize, DockerError> {
        let containers = self.list_dashboards(true, Some(exercise)).await?;
        let targets: Vec<(String, String)> = containers
            .iter()
            .filter_map(identify_any)
            .map(|(id, name)| (id.to_owned(), name))
            .collect();
        let outcomes = stream::iter(targets)
            .map(|(id, name)| async move { self.stop_and_remove(&id, name).await })
            .buffer_unordered(PARALLEL_REQUESTS)
            .collect::<Vec<_>>()
            .await;
        let mut removed = 0;
        let mut failures = Vec::new();
        for outcome in outcomes {
            match outcome {
                Ok(true) => removed += 1,
                Ok(false) => {}
                Err(err) => failures.push(err.to_string()),
            }
        }
        info!(
            removed,
            failed = failures.len(),
            "team dashboard containers removed"
        );
        if failures.is_empty() {
            Ok(removed)
        } else {
            Err(DockerError::CleanupIncomplete {
                exercise: exercise.to_string(),
                removed,
                failures,
            })
        }
    }

    /// The running team dashboard containers of `exercise`, sorted by team, so an orchestrator
    /// taking the exercise over keeps them instead of starting them again. Containers whose
    /// `scip.team` label is not a team id are skipped with a warning.
    #[instrument(skip_all, fields(exercise.id = %exercise))]
    pub async fn adopt(&self, exercise: &ExerciseId) -> Result<Vec<RunningDashboard>, DockerError> {
        let running = self.list_dashboards(false, Some(exercise)).await?;
        let mut adopted: Vec<RunningDashboard> = running
            .iter()
            .filter_map(|summary| {
                let (id, name, team) = identify(summary)?;
                Some(RunningDashboard {
                    container_id: id.to_owned(),
                    container_name: name,
                    team,
                    port: summary_dashboard_port(summary),
                })
            })
            .collect();
        adopted.sort_by(|a, b| a.team.cmp(&b.team));
        info!(count = adopted.len(), "running team dashboards adopted");
        Ok(adopted)
    }

    /// Team dashboard containers, of one exercise or all, running only unless `all`.
    async fn list_dashboards(
        &self,
        all: bool,
        exercise: Option<&ExerciseId>,
    ) -> Result<Vec<ContainerSummary>, DockerError> {
        let mut labels = vec![format!(
            "{}={}",
            spec::LABEL_TYPE,
            spec::TYPE_TEAM_DASHBOARD
        )];
        let mut target = "team dashboard containers".to_owned();
        if let Some(exercise) = exercise {
            labels.push(format!("{}={exercise}", spec::LABEL_EXERCISE));
            target.push_str(&format!(" of exercise {exercise}"));
        }
        let options = ListContainersOptions {
            all,
            filters: Some(HashMap::from([("label".to_owned(), labels)])),
            ..Default::default()
        };
        self.docker
            .list_containers(Some(options))
            .await
            .map_err(|e| failure(&self.host, "list", &target, e))
    }

    /// Removes a container left by an earlier deployment of the same team; none is fine.
    async fn remove_stale(&self, name: &str) -> Result<(), DockerError> {
        match self
            .docker
            .remove_container(name, Some(force_remove()))
            .await
        {
            Ok(()) => {
                info!(container = %name, "stale team dashboard container removed");
                Ok(())
            }
            Err(err) => match classify(&self.host, "remove stale container", name, err)? {
                refusal if refusal.status == 404 => Ok(()),
                refusal => Err(refused("remove stale container", name, refusal)),
            },
        }
    }

    async fn create(
        &self,
        container: DashboardContainer,
        spec: &DashboardSpec,
    ) -> Result<ContainerCreateResponse, DockerError> {
        let name = container.name;
        let options = CreateContainerOptions {
            name: Some(name.clone()),
            ..Default::default()
        };
        let err = match self
            .docker
            .create_container(Some(options), container.body)
            .await
        {
            Ok(created) => return Ok(created),
            Err(err) => err,
        };
        let refusal = classify(&self.host, "create", &name, err)?;
        // The engine answers 404 for both; only its message tells which is missing.
        Err(
            if refusal.status == 404 && refusal.message.contains("No such image") {
                DockerError::ImageMissing {
                    container: name,
                    image: spec.docker.image.clone(),
                    message: refusal.message,
                }
            } else if refusal.status == 404 && refusal.message.contains("network") {
                DockerError::NetworkMissing {
                    container: name,
                    network: spec.docker.network.clone(),
                    message: refusal.message,
                }
            } else {
                refused("create", &name, refusal)
            },
        )
    }

    async fn start(&self, id: &str, name: &str, port: u16) -> Result<(), DockerError> {
        let err = match self.docker.start_container(id, None).await {
            Ok(()) => return Ok(()),
            Err(err) => err,
        };
        let refusal = classify(&self.host, "start", name, err)?;
        // Another container ("port is already allocated") or program ("address already in
        // use") holds the host port.
        let message = &refusal.message;
        Err(
            if message.contains("port is already allocated")
                || message.contains("address already in use")
            {
                DockerError::PortTaken {
                    container: name.to_owned(),
                    port,
                    message: refusal.message,
                }
            } else {
                refused("start", name, refusal)
            },
        )
    }

    /// Removes a container that failed to start; a failure here is logged, not returned, so
    /// the caller sees why the start failed.
    async fn discard(&self, id: &str, name: &str) {
        if let Err(err) = self.docker.remove_container(id, Some(force_remove())).await {
            let err = failure(&self.host, "remove", name, err);
            warn!(container = %name, error = %err, "could not remove a container that failed to start");
        }
    }

    async fn team_health(
        &self,
        id: &str,
        name: String,
        team: TeamId,
    ) -> Result<Option<TeamHealth>, DockerError> {
        match self.docker.inspect_container(id, None).await {
            Ok(inspect) => Ok(Some(TeamHealth {
                team,
                container_id: id.to_owned(),
                container_name: name,
                health: health_from_state(inspect.state.as_ref()),
            })),
            Err(err) => match classify(&self.host, "inspect", &name, err)? {
                refusal if refusal.status == 404 => Ok(None),
                refusal => Err(refused("inspect", &name, refusal)),
            },
        }
    }

    /// Stops then removes one container; `Ok(false)` when it was already gone.
    async fn stop_and_remove(&self, id: &str, name: String) -> Result<bool, DockerError> {
        let stop = StopContainerOptions {
            t: Some(STOP_GRACE_SECONDS),
            ..Default::default()
        };
        // A stopped container answers 304, which bollard counts as success.
        if let Err(err) = self.docker.stop_container(id, Some(stop)).await {
            match classify(&self.host, "stop", &name, err)? {
                refusal if refusal.status == 404 => return Ok(false),
                refusal => return Err(refused("stop", &name, refusal)),
            }
        }
        match self.docker.remove_container(id, Some(force_remove())).await {
            Ok(()) => Ok(true),
            Err(err) => match classify(&self.host, "remove", &name, err)? {
                refusal if refusal.status == 404 => Ok(false),
                refusal => Err(refused("remove", &name, refusal)),
            },
        }
    }
}

/// Forced removal: a container that restarted since it was stopped goes too.
fn force_remove() -> RemoveContainerOptions {
    RemoveContainerOptions {
        force: true,
        ..Default::default()
    }
}

/// Id, name and team of a listed dashboard container; `None` (with a warning) when its
/// labels do not name a team.
fn identify(summary: &ContainerSummary) -> Option<(&str, String, TeamId)> {
    let (id, name) = identify_any(summary)?;
    match summary_team(summary) {
        Some(team) => Some((id, name, team)),
        None => {
            warn!(container = %name, "team dashboard container without a valid scip.team label; ignored");
            None
        }
    }
}

/// Id and name of a listed container (the id stands in for a missing name).
fn identify_any(summary: &ContainerSummary) -> Option<(&str, String)> {
    let id = summary.id.as_deref()?;
    let name = summary_name(summary).unwrap_or_else(|| id.to_owned());
    Some((id, name))
}
