//! An exercise's dashboards as a whole: deploying them (ensure), tearing them down, letting
//! them go (release), and choosing each team's port.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use scip_core::model::TeamResources;
use scip_core::{ExerciseId, TeamId};
use scip_store::{DashboardHealth, DashboardInfo, DashboardRuntime, ExerciseRecord, ExerciseTeam};
use tracing::{info, warn};

use super::{Attempt, DeployError, HostedExercise, Inner, PORT_ATTEMPTS, runtime_name};
use crate::runtime::ports::{PortError, PortsInUse, choose_dashboard_port, probe_bind};

impl Inner {
    /// The scenario's fixed ports and Docker limits per team.
    pub(super) async fn scenario_teams(
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
    pub(super) fn ports_in_use(
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

    pub(super) fn choose_port(
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

    pub(super) async fn ensure(&self, record: ExerciseRecord, teams: Vec<ExerciseTeam>) {
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

    pub(super) async fn stop_hosted(&self, exercise: &ExerciseId) -> Option<DashboardRuntime> {
        let removed = self.hosted.lock().await.remove(exercise)?;
        for (_, team) in removed.teams {
            team.hosted.stop().await;
        }
        Some(removed.runtime)
    }

    pub(super) async fn teardown(&self, exercise: ExerciseId) {
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

    pub(super) async fn release(&self, exercise: ExerciseId) {
        // Containers keep running: the next orchestrator adopts them.
        if self.stop_hosted(&exercise).await.is_some() {
            info!(exercise.id = %exercise, "team dashboards of this process stopped (released)");
        }
    }

    pub(super) async fn stop_all(&self) {
        let all: Vec<ExerciseId> = self.hosted.lock().await.keys().cloned().collect();
        for exercise in all {
            self.release(exercise).await;
        }
    }
}
