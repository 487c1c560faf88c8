//! What the Docker runtime reports about team dashboard containers, and reading it from the
//! engine's answers: health from an inspect, team, name and published port from a list entry.
//! Pure.

use std::fmt;

use bollard::models::{
    ContainerState, ContainerStateStatusEnum, ContainerSummary, HealthStatusEnum,
    PortSummaryTypeEnum,
};
use scip_core::TeamId;
use serde::Serialize;

use super::spec::{CONTAINER_PORT, LABEL_TEAM};

/// A dashboard container that was just started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeployedDashboard {
    /// Engine container id.
    pub container_id: String,
    /// `team-{exercise}-{team}`.
    pub container_name: String,
    /// The team.
    pub team: TeamId,
    /// Published host port.
    pub port: u16,
    /// `http://{public_host}:{port}`.
    pub url: String,
    /// Its state right after starting (usually `starting`).
    pub health: DashboardHealth,
}

/// The health of one team's dashboard container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamHealth {
    /// The team.
    pub team: TeamId,
    /// Engine container id.
    pub container_id: String,
    /// Container name.
    pub container_name: String,
    /// How it is doing.
    pub health: DashboardHealth,
}

/// A running dashboard container found by its labels, for an orchestrator taking over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunningDashboard {
    /// Engine container id.
    pub container_id: String,
    /// Container name.
    pub container_name: String,
    /// The team.
    pub team: TeamId,
    /// Published host port of container port 3000, if the engine reports one.
    pub port: Option<u16>,
}

/// How a team dashboard container is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DashboardHealth {
    /// Created or started, health check not yet passed.
    Starting,
    /// Running and its health check passes.
    Healthy,
    /// Running but its health check fails, or paused.
    Unhealthy,
    /// Exited with an error; Docker is restarting it (on-failure, up to 3 times).
    Restarting,
    /// Running, and the engine reports no health check for it.
    RunningUnchecked,
    /// Stopped or dead; Docker no longer restarts it.
    Exited {
        /// Exit code, when the engine gives one.
        exit_code: Option<i64>,
    },
}

impl DashboardHealth {
    /// Whether participants can be expected to reach the dashboard.
    pub fn is_serving(self) -> bool {
        matches!(self, Self::Healthy | Self::RunningUnchecked)
    }
}

impl fmt::Display for DashboardHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Starting => f.write_str("starting"),
            Self::Healthy => f.write_str("healthy"),
            Self::Unhealthy => f.write_str("unhealthy"),
            Self::Restarting => f.write_str("restarting"),
            Self::RunningUnchecked => f.write_str("running (no health check)"),
            Self::Exited {
                exit_code: Some(code),
            } => write!(f, "exited ({code})"),
            Self::Exited { exit_code: None } => f.write_str("exited"),
        }
    }
}

/// The health of a container from the `State` of its inspect answer.
pub fn health_from_state(state: Option<&ContainerState>) -> DashboardHealth {
    let Some(state) = state else {
        return DashboardHealth::Exited { exit_code: None };
    };
    let exited = DashboardHealth::Exited {
        exit_code: state.exit_code,
    };
    let running = || match state.health.as_ref().and_then(|h| h.status) {
        Some(HealthStatusEnum::HEALTHY) => DashboardHealth::Healthy,
        Some(HealthStatusEnum::UNHEALTHY) => DashboardHealth::Unhealthy,
        Some(HealthStatusEnum::STARTING) => DashboardHealth::Starting,
        Some(HealthStatusEnum::NONE | HealthStatusEnum::EMPTY) | None => {
            DashboardHealth::RunningUnchecked
        }
    };
    match state.status {
        Some(ContainerStateStatusEnum::CREATED) => DashboardHealth::Starting,
        Some(ContainerStateStatusEnum::RUNNING) => running(),
        Some(ContainerStateStatusEnum::RESTARTING) => DashboardHealth::Restarting,
        Some(ContainerStateStatusEnum::PAUSED) => DashboardHealth::Unhealthy,
        Some(
            ContainerStateStatusEnum::EXITED
            | ContainerStateStatusEnum::DEAD
            | ContainerStateStatusEnum::REMOVING
            | ContainerStateStatusEnum::STOPPING,
        ) => exited,
        Some(ContainerStateStatusEnum::EMPTY) | None => {
            if state.restarting == Some(true) {
                DashboardHealth::Restarting
            } else if state.running == Some(true) {
                running()
            } else {
                exited
            }
        }
    }
}

/// The container's name without the engine's leading `/`.
pub fn summary_name(summary: &ContainerSummary) -> Option<String> {
    summary
        .names
        .as_ref()?
        .first()
        .map(|name| name.trim_start_matches('/').to_owned())
}

/// The team in the container's `scip.team` label, if it is a valid team id.
pub fn summary_team(summary: &ContainerSummary) -> Option<TeamId> {
    let label = summary.labels.as_ref()?.get(LABEL_TEAM)?;
    TeamId::new(label.as_str()).ok()
}

/// The host port published for the dashboard's container port 3000/tcp, if any.
pub fn summary_dashboard_port(summary: &ContainerSummary) -> Option<u16> {
    summary.ports.as_ref()?.iter().find_map(|port| {
        let tcp = matches!(port.typ, Some(PortSummaryTypeEnum::TCP) | None);
        (tcp && port.private_port == CONTAINER_PORT)
            .then_some(port.public_port)
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use bollard::models::Health;
    use serde_json::json;

    use super::*;

    fn state(value: serde_json::Value) -> ContainerState {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn health_follows_the_health_check_while_running() {
        for (status, expected) in [
            ("starting", DashboardHealth::Starting),
            ("healthy", DashboardHealth::Healthy),
            ("unhealthy", DashboardHealth::Unhealthy),
        ] {
            let s = state(json!({"Status": "running", "Running": true,
                                  "Health": {"Status": status, "FailingStreak": 0}}));
            assert_eq!(health_from_state(Some(&s)), expected, "{status}");
        }
        let unchecked = state(json!({"Status": "running", "Running": true}));
        assert_eq!(
            health_from_state(Some(&unchecked)),
            DashboardHealth::RunningUnchecked
        );
    }

    #[test]
    fn exited_keeps_the_exit_code_whatever_the_last_health() {
        let s = ContainerState {
            status: Some(ContainerStateStatusEnum::EXITED),
            exit_code: Some(137),
            health: Some(Health {
                status: Some(HealthStatusEnum::HEALTHY),
                ..Default::default()
            }),
            ..Default::default()
        };
        let health = health_from_state(Some(&s));
        assert_eq!(
            health,
            DashboardHealth::Exited {
                exit_code: Some(137)
            }
        );
        assert_eq!(health.to_string(), "exited (137)");
    }

    #[test]
    fn created_is_starting_restarting_and_paused_are_reported() {
        let created = state(json!({"Status": "created"}));
        assert_eq!(health_from_state(Some(&created)), DashboardHealth::Starting);
        let restarting = state(json!({"Status": "restarting", "Restarting": true}));
        assert_eq!(
            health_from_state(Some(&restarting)),
            DashboardHealth::Restarting
        );
        let paused = state(json!({"Status": "paused", "Paused": true}));
        assert_eq!(health_from_state(Some(&paused)), DashboardHealth::Unhealthy);
        assert!(!DashboardHealth::Unhealthy.is_serving());
        assert!(DashboardHealth::Healthy.is_serving());
    }

    #[test]
    fn a_list_entry_gives_name_team_and_published_port() {
        let summary: ContainerSummary = serde_json::from_value(json!({
            "Id": "abc",
            "Names": ["/team-ex-1-red"],
            "Labels": {"scip.type": "team-dashboard", "scip.exercise": "ex-1", "scip.team": "red"},
            "Ports": [
                {"PrivatePort": 9000, "PublicPort": 9999, "Type": "tcp"},
                {"IP": "0.0.0.0", "PrivatePort": 3000, "PublicPort": 3107, "Type": "tcp"},
                {"IP": "::", "PrivatePort": 3000, "PublicPort": 3107, "Type": "tcp"}
            ]
        }))
        .unwrap();
        assert_eq!(summary_name(&summary).as_deref(), Some("team-ex-1-red"));
        assert_eq!(summary_team(&summary).unwrap().as_str(), "red");
        assert_eq!(summary_dashboard_port(&summary), Some(3107));
    }

    #[test]
    fn unpublished_udp_or_unlabelled_entries_give_nothing() {
        let summary: ContainerSummary = serde_json::from_value(json!({
            "Id": "abc",
            "Labels": {"scip.team": "Not A Slug"},
            "Ports": [
                {"PrivatePort": 3000, "PublicPort": 3100, "Type": "udp"},
                {"PrivatePort": 3000, "Type": "tcp"}
            ]
        }))
        .unwrap();
        assert_eq!(summary_name(&summary), None);
        assert_eq!(summary_team(&summary), None);
        assert_eq!(summary_dashboard_port(&summary), None);
    }
}
