//! The Docker runtime through the `DashboardManager`, against the fake Docker Engine API of
//! `tests/docker_runtime` (its module doc lists what a fake cannot prove): containers per team
//! with the right secrets and ports, health followed, adoption after a release, clean-up when
//! the exercise stops. The dashboard token a container gets really opens the team-scoped API.

use axum::http::Method;
use scip_core::engine::Command;
use scip_engine::DashboardHost;
use scip_server::auth::token::{TokenKeys, TokenKind};
use scip_server::dashboard::session::session_secret;
use scip_server::runtime::docker::{DockerSettings, ServiceEndpoints};
use scip_server::runtime::host::DockerHostSettings;
use scip_store::{DashboardHealth, DashboardRuntime};

#[path = "../docker_runtime/fake_engine/mod.rs"]
#[allow(dead_code)]
mod fake_engine;

use fake_engine::{FakeEngine, Seed};

use crate::support::{JWT_SECRET, TestScip, scenario};

/// Waits until every team has a container, then lets each pass its health check (the fake
/// runs none) and waits until the host has seen them healthy.
async fn started(
    scip: &TestScip,
    engine: &FakeEngine,
    exercise: &scip_core::ExerciseId,
) -> Vec<scip_store::ExerciseTeam> {
    let teams = scip
        .wait_teams(exercise, "containers started", |t| {
            t.iter()
                .all(|t| t.health == DashboardHealth::Starting && t.runtime_ref.is_some())
        })
        .await;
    for team in &teams {
        engine.set_health(&format!("team-{exercise}-{}", team.team_id), "healthy");
    }
    scip.healthy(exercise).await
}

fn env_of(config: &serde_json::Value) -> std::collections::HashMap<String, String> {
    config["Env"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| {
            v.as_str()?
                .split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn an_exercise_on_docker_gets_a_container_per_team_followed_and_cleaned_up() {
    let engine = FakeEngine::start().await;
    let url = engine.url();
    let scip = TestScip::start_with(|s| {
        s.docker = Some(DockerHostSettings {
            docker_host: Some(url),
            docker: DockerSettings::default(),
            services: ServiceEndpoints {
                api_url: "http://api:8000".into(),
                mqtt_ws_url: "ws://mqtt:9001".into(),
                mqtt_host: "mqtt".into(),
                mqtt_port: 1883,
                mqtt_topic_prefix: String::new(),
                public_host: "ignored".into(),
            },
        });
    })
    .await;
    // Another exercise's running dashboard holds the first port of the range.
    let held = scip.range.first();
    engine.seed(Seed {
        name: "team-ex-other-red",
        labels: &[
            ("scip.type", "team-dashboard"),
            ("scip.exercise", "ex-other"),
            ("scip.team", "red"),
        ],
        host_port: Some(held),
        running: true,
    });
    let exercise = scip
        .launch(&scenario("docker-1"), DashboardRuntime::Docker)
        .await;
    let teams = started(&scip, &engine, &exercise).await;

    let keys = TokenKeys::new(JWT_SECRET.as_bytes());
    for team in &teams {
        let name = format!("team-{exercise}-{}", team.team_id);
        let config = engine.container_config(&name);
        let env = env_of(&config);
        let port = team.dashboard_port.unwrap();
        assert_ne!(port, held, "the port of a running dashboard is skipped");
        assert!(scip.range.contains(port));
        assert_eq!(
            team.dashboard_url.as_deref(),
            Some(format!("http://127.0.0.1:{port}/").as_str())
        );
        assert_eq!(
            config["HostConfig"]["PortBindings"]["3000/tcp"][0]["HostPort"],
            port.to_string()
        );
        assert_eq!(env["MQTT_USER"], team.mqtt_username);
        assert_eq!(env["MQTT_PASSWORD"], team.mqtt_password);
        assert_eq!(env["PUBLIC_HOST"], "127.0.0.1");
        assert_eq!(
            env["SCIP_SESSION_KEY"],
            hex::encode(session_secret(
                JWT_SECRET.as_bytes(),
                &exercise,
                &team.team_id
            ))
        );
        let claims = keys
            .verify(&env["SCIP_DASHBOARD_TOKEN"], TokenKind::Dashboard)
            .unwrap();
        assert_eq!(claims.team.as_deref(), Some(team.team_id.as_str()));
        assert!(team.runtime_ref.is_some());
        // The token given to the container opens its team's feed on the API, and only it.
        let state = reqwest::Client::new()
            .get(format!(
                "{}/api/v2/team-feed/{exercise}/{}/state",
                scip.api(),
                team.team_id
            ))
            .bearer_auth(&env["SCIP_DASHBOARD_TOKEN"])
            .send()
            .await
            .unwrap();
        assert_eq!(state.status().as_u16(), 200);
    }

    // Health follows the container's health check.
    let red = format!("team-{exercise}-red");
    engine.set_health(&red, "unhealthy");
    let seen = scip
        .wait_teams(&exercise, "red unhealthy", |t| {
            t[0].health == DashboardHealth::Unhealthy
        })
        .await;
    assert_eq!(
        seen[0].health_detail.as_deref(),
        Some("its health check fails")
    );
    engine.set_health(&red, "healthy");
    scip.wait_teams(&exercise, "red healthy again", |t| {
        t[0].health == DashboardHealth::Healthy
    })
    .await;

    // Released (this orchestrator lets go): containers keep running, and are adopted again
    // without being created anew.
    scip.manager.release(exercise.clone()).await;
    engine.clear_requests();
    let record = scip.store.get_exercise(&exercise).await.unwrap();
    let before = scip.store.exercise_teams(&exercise).await.unwrap();
    let mut changes = scip.manager.changes();
    scip.manager.ensure(record, before.clone()).await;
    tokio::time::timeout(crate::support::WAIT, async {
        while scip.manager.hosted_teams(&exercise).await.len() < 3 {
            changes.changed().await.unwrap();
        }
    })
    .await
    .expect("the containers are adopted");
    assert!(
        !engine
            .request_lines()
            .iter()
            .any(|l| l == "POST /containers/create"),
        "{:?}",
        engine.request_lines()
    );
    let after = scip.store.exercise_teams(&exercise).await.unwrap();
    let ports =
        |ts: &[scip_store::ExerciseTeam]| ts.iter().map(|t| t.dashboard_port).collect::<Vec<_>>();
    assert_eq!(ports(&after), ports(&before));

    // Stopping the exercise removes its containers, and only its containers.
    scip.command(&exercise, Command::Stop).await;
    scip.wait_teams(&exercise, "stopped", |t| {
        t.iter().all(|t| t.health == DashboardHealth::Stopped)
    })
    .await;
    assert_eq!(engine.container_names(), ["team-ex-other-red"]);
    scip.shutdown().await;
}

#[tokio::test]
async fn a_missing_image_is_reported_and_a_taken_port_moves_to_the_next() {
    let engine = FakeEngine::start().await;
    let url = engine.url();
    let scip = TestScip::start_with(|s| {
        s.docker = Some(DockerHostSettings {
            docker_host: Some(url),
            docker: DockerSettings {
                image: "scip:missing".into(),
                network: "scip-network".into(),
            },
            services: ServiceEndpoints {
                api_url: "http://api:8000".into(),
                mqtt_ws_url: "ws://mqtt:9001".into(),
                mqtt_host: "mqtt".into(),
                mqtt_port: 1883,
                mqtt_topic_prefix: String::new(),
                public_host: "x".into(),
            },
        });
    })
    .await;
    let exercise = scip
        .launch(&scenario("docker-2"), DashboardRuntime::Docker)
        .await;
    let teams = scip
        .wait_teams(&exercise, "refused", |t| {
            t.iter().all(|t| t.health == DashboardHealth::Unhealthy)
        })
        .await;
    let why = teams[0].health_detail.clone().unwrap();
    assert!(
        why.contains("image scip:missing is not on the Docker engine")
            && why.contains("DASHBOARD_IMAGE"),
        "{why}"
    );
    scip.shutdown().await;

    // The engine says the first port is allocated: the next one is used.
    let engine = FakeEngine::start().await;
    let url = engine.url();
    let scip = TestScip::start_with(|s| {
        s.docker = Some(DockerHostSettings {
            docker_host: Some(url),
            docker: DockerSettings::default(),
            services: ServiceEndpoints {
                api_url: "http://api:8000".into(),
                mqtt_ws_url: "ws://mqtt:9001".into(),
                mqtt_host: "mqtt".into(),
                mqtt_port: 1883,
                mqtt_topic_prefix: String::new(),
                public_host: "x".into(),
            },
        });
    })
    .await;
    engine.fail(Method::POST, "/start", 500, "driver failed programming external connectivity: Bind for 0.0.0.0:1: failed: port is already allocated", 1);
    let exercise = scip
        .launch(&scenario("docker-3"), DashboardRuntime::Docker)
        .await;
    let teams = started(&scip, &engine, &exercise).await;
    let ports: Vec<u16> = teams.iter().map(|t| t.dashboard_port.unwrap()).collect();
    assert_eq!(ports.len(), 3);
    let mut distinct = ports.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 3, "{ports:?}");
    scip.shutdown().await;
}
