//! The Docker runtime's engine calls, exercised against a fake Docker Engine API
//! ([`fake_engine`]). The fake records our requests and answers like the engine; it is not an
//! engine, and its module doc lists what it cannot prove.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod connect;
mod deploy;
mod fake_engine;
mod lifecycle;

use scip_core::model::TeamResources;
use scip_core::{ExerciseId, TeamId, TeamKind};
use scip_server::runtime::docker::{
    DashboardCredentials, DashboardSpec, DashboardTeam, DockerRuntime, DockerSettings,
    ServiceEndpoints,
};

use fake_engine::FakeEngine;

/// A dashboard specification for `team` of `exercise` on host port `port`.
pub fn spec_for(exercise: &str, team: &str, port: u16) -> DashboardSpec {
    DashboardSpec {
        exercise: ExerciseId::new(exercise).unwrap(),
        team: DashboardTeam {
            id: TeamId::new(team).unwrap(),
            name: format!("Team {team}"),
            color: "#2563eb".into(),
            kind: TeamKind::Player,
            resources: TeamResources::default(),
        },
        host_port: port,
        docker: DockerSettings::default(),
        services: ServiceEndpoints {
            api_url: "http://api:8000".into(),
            mqtt_ws_url: "ws://mqtt:9001".into(),
            mqtt_host: "mqtt".into(),
            mqtt_port: 1883,
            mqtt_topic_prefix: String::new(),
            public_host: "scip.example.org".into(),
        },
        credentials: DashboardCredentials {
            mqtt_username: format!("team-{exercise}-{team}"),
            mqtt_password: "mqtt-secret".into(),
            dashboard_token: "dashboard-token".into(),
            session_key: "session-key".into(),
        },
    }
}

/// A runtime connected to the fake; the connection ping is forgotten so tests see only
/// their own requests.
pub async fn connected(engine: &FakeEngine) -> DockerRuntime {
    let runtime = DockerRuntime::connect(Some(&engine.url())).await.unwrap();
    engine.clear_requests();
    runtime
}

/// The labels of a team dashboard container.
pub fn dashboard_labels<'a>(exercise: &'a str, team: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("scip.type", "team-dashboard"),
        ("scip.exercise", exercise),
        ("scip.team", team),
    ]
}
