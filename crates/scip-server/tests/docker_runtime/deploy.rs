//! Deploying one team's dashboard: the requests in order, their bodies, and each way the
//! engine can refuse.

use axum::http::Method;
use scip_server::runtime::docker::{DashboardHealth, DockerError};
use serde_json::json;

use crate::fake_engine::{FakeEngine, Seed};
use crate::{connected, dashboard_labels, spec_for};

#[tokio::test]
async fn deploy_removes_leftovers_then_creates_starts_and_inspects() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;

    let deployed = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap();

    assert_eq!(deployed.container_name, "team-ex-1-red");
    assert_eq!(deployed.team.as_str(), "red");
    assert_eq!(deployed.port, 3100);
    assert_eq!(deployed.url, "http://scip.example.org:3100");
    assert_eq!(deployed.health, DashboardHealth::Starting);
    assert_eq!(deployed.container_id.len(), 64);

    let id = &deployed.container_id;
    assert_eq!(
        engine.request_lines(),
        [
            "DELETE /containers/team-ex-1-red".to_owned(),
            "POST /containers/create".to_owned(),
            format!("POST /containers/{id}/start"),
            format!("GET /containers/{id}/json"),
        ]
    );
    let requests = engine.requests();
    assert_eq!(
        requests[0].query.get("force").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        requests[1].query.get("name").map(String::as_str),
        Some("team-ex-1-red")
    );
    assert_eq!(
        engine.container_states(),
        [("team-ex-1-red".to_owned(), "running".to_owned())]
    );
}

#[tokio::test]
async fn the_create_body_carries_command_environment_labels_limits_and_health_check() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap();

    let create = engine
        .requests()
        .into_iter()
        .find(|r| r.path == "/containers/create")
        .unwrap();
    let body = &create.body;
    assert_eq!(body["Image"], "scip:latest");
    assert_eq!(
        body["Cmd"],
        json!([
            "dashboard",
            "--exercise",
            "ex-1",
            "--team",
            "red",
            "--port",
            "3000"
        ])
    );
    let env: Vec<&str> = body["Env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for expected in [
        "TEAM_ID=red",
        "TEAM_NAME=Team red",
        "TEAM_COLOR=#2563eb",
        "EXERCISE_ID=ex-1",
        "MQTT_WS_URL=ws://mqtt:9001",
        "MQTT_TOPIC=/exercise/ex-1/team/red/feed",
        "SCIP_API_URL=http://api:8000",
        "MQTT_HOST=mqtt",
        "MQTT_PORT=1883",
        "MQTT_USER=team-ex-1-red",
        "MQTT_PASSWORD=mqtt-secret",
        "SCIP_DASHBOARD_TOKEN=dashboard-token",
        "PUBLIC_HOST=scip.example.org",
    ] {
        assert!(env.contains(&expected), "{expected} missing from {env:?}");
    }
    assert_eq!(
        body["Labels"],
        json!({"scip.type": "team-dashboard", "scip.exercise": "ex-1", "scip.team": "red"})
    );
    let host = &body["HostConfig"];
    assert_eq!(host["Memory"], 268_435_456);
    assert_eq!(host["CpuQuota"], 25_000);
    assert_eq!(host["CpuPeriod"], 100_000);
    assert_eq!(
        host["RestartPolicy"],
        json!({"Name": "on-failure", "MaximumRetryCount": 3})
    );
    assert_eq!(host["NetworkMode"], "scip-network");
    assert_eq!(
        host["PortBindings"],
        json!({"3000/tcp": [{"HostPort": "3100"}]})
    );
    assert_eq!(body["ExposedPorts"], json!({"3000/tcp": {}}));
    assert_eq!(
        body["NetworkingConfig"]["EndpointsConfig"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["scip-network"]
    );
    assert_eq!(
        body["Healthcheck"],
        json!({
            "Test": ["CMD", "scip", "health", "--port", "3000"],
            "Interval": 30_000_000_000i64,
            "Timeout": 3_000_000_000i64,
            "StartPeriod": 5_000_000_000i64,
            "Retries": 3
        })
    );
}

#[tokio::test]
async fn deploy_replaces_a_stale_container_of_the_same_name() {
    let engine = FakeEngine::start().await;
    let stale = engine.seed(Seed {
        name: "team-ex-1-red",
        labels: &dashboard_labels("ex-1", "red"),
        host_port: Some(3100),
        running: true,
    });
    let runtime = connected(&engine).await;

    let deployed = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap();

    assert_ne!(deployed.container_id, stale);
    assert_eq!(engine.container_names(), ["team-ex-1-red"]);
    assert_eq!(
        engine.container_states(),
        [("team-ex-1-red".to_owned(), "running".to_owned())]
    );
}

#[tokio::test]
async fn a_missing_image_is_named_and_nothing_is_left_behind() {
    let engine = FakeEngine::start().await;
    engine.forget_image("scip:latest");
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap_err();

    assert!(matches!(err, DockerError::ImageMissing { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "cannot create container team-ex-1-red: image scip:latest is not on the Docker engine \
         (No such image: scip:latest); build it or set DASHBOARD_IMAGE"
    );
    assert!(engine.container_names().is_empty());
    assert!(
        !engine
            .request_lines()
            .iter()
            .any(|l| l.contains("/images/")),
        "the runtime never pulls"
    );
}

#[tokio::test]
async fn a_missing_network_is_named() {
    let engine = FakeEngine::start().await;
    engine.forget_network("scip-network");
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "cannot create container team-ex-1-red: network scip-network does not exist on the \
         Docker engine (network scip-network not found); create it or set DOCKER_NETWORK"
    );
    assert!(engine.container_names().is_empty());
}

#[tokio::test]
async fn a_host_port_held_by_another_container_is_reported_and_the_new_container_removed() {
    let engine = FakeEngine::start().await;
    engine.seed(Seed {
        name: "team-ex-0-blue",
        labels: &dashboard_labels("ex-0", "blue"),
        host_port: Some(3100),
        running: true,
    });
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap_err();

    match &err {
        DockerError::PortTaken {
            container,
            port,
            message,
        } => {
            assert_eq!(container, "team-ex-1-red");
            assert_eq!(*port, 3100);
            assert!(message.contains("port is already allocated"), "{message}");
        }
        other => panic!("expected PortTaken, got {other:?}"),
    }
    assert_eq!(engine.container_names(), ["team-ex-0-blue"]);
    let lines = engine.request_lines();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines[2].ends_with("/start") && lines[3].starts_with("DELETE /containers/"));
}

#[tokio::test]
async fn a_name_taken_after_the_stale_check_is_a_conflict_naming_the_container() {
    let engine = FakeEngine::start().await;
    engine.seed(Seed {
        name: "team-ex-1-red",
        labels: &dashboard_labels("ex-1", "red"),
        host_port: Some(3100),
        running: true,
    });
    // Another orchestrator re-created the container between our removal and our create:
    // the removal "finds nothing" and the engine's name check answers 409.
    engine.fail(
        Method::DELETE,
        "/containers/team-ex-1-red",
        404,
        "No such container: team-ex-1-red",
        1,
    );
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3101))
        .await
        .unwrap_err();

    assert_eq!(err.engine_status(), Some(409));
    let text = err.to_string();
    assert!(
        text.starts_with("the Docker engine refused to create team-ex-1-red (HTTP 409): Conflict. The container name \"/team-ex-1-red\" is already in use"),
        "{text}"
    );
}

#[tokio::test]
async fn an_engine_error_on_create_names_the_container_and_the_message() {
    let engine = FakeEngine::start().await;
    engine.fail(
        Method::POST,
        "/containers/create",
        500,
        "devmapper: Thin Pool has 0 free data blocks",
        1,
    );
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap_err();

    assert_eq!(
        err.to_string(),
        "the Docker engine refused to create team-ex-1-red (HTTP 500): devmapper: Thin Pool \
         has 0 free data blocks"
    );
}

#[tokio::test]
async fn a_failing_start_is_reported_and_the_created_container_removed() {
    let engine = FakeEngine::start().await;
    engine.fail(
        Method::POST,
        "/start",
        500,
        "OCI runtime create failed: exec: \"scip\": executable file not found in $PATH",
        1,
    );
    let runtime = connected(&engine).await;

    let err = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap_err();

    assert_eq!(err.engine_status(), Some(500));
    assert!(
        err.to_string().starts_with(
            "the Docker engine refused to start team-ex-1-red (HTTP 500): OCI runtime create failed"
        ),
        "{err}"
    );
    assert!(engine.container_names().is_empty());
}

#[tokio::test]
async fn an_invalid_specification_reaches_no_engine() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    let mut spec = spec_for("ex-1", "red", 3100);
    spec.team.resources.memory_limit = Some("lots".into());

    let err = runtime.deploy(&spec).await.unwrap_err();

    assert_eq!(
        err.to_string(),
        "cannot build container team-ex-1-red: team red: memory limit \"lots\" is not a size \
         such as 256m, 512MiB or 1g"
    );
    assert!(engine.requests().is_empty());
}
