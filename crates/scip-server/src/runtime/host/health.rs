//! Watching hosted dashboards: what each runtime says about its dashboards, recorded with the
//! team and announced whenever it changes.

use std::collections::HashMap;
use std::sync::Weak;
use std::time::Duration;

use scip_core::ExerciseId;
use scip_store::{DashboardHealth, DashboardRuntime};

use super::{DOCKER_HEALTH_EVERY_N, Hosted, Inner};
use crate::runtime::docker;

impl Inner {
    /// Checks every hosted dashboard and records what changed.
    pub(super) async fn check_health(&self, ask_docker: bool) {
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
}

/// A container's health as recorded with the team.
pub(super) fn docker_health(health: docker::DashboardHealth) -> (DashboardHealth, Option<String>) {
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
pub(super) async fn watch_health(
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
