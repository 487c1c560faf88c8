//! Port discovery, health, clean-up and adoption across an exercise's containers.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::Method;
use scip_core::{ExerciseId, TeamId};
use scip_server::runtime::docker::{DashboardHealth, DockerError};
use scip_server::runtime::ports::{PortRange, PortsInUse, choose_dashboard_port};

use crate::fake_engine::{FakeEngine, Seed};
use crate::{connected, dashboard_labels, spec_for};

fn exercise(id: &str) -> ExerciseId {
    ExerciseId::new(id).unwrap()
}

/// Two running dashboards, one stopped dashboard and an unrelated running container.
fn seed_neighbours(engine: &FakeEngine) {
    engine.seed(Seed {
        name: "team-ex-0-blue",
        labels: &dashboard_labels("ex-0", "blue"),
        host_port: Some(3100),
        running: true,
    });
    engine.seed(Seed {
        name: "team-ex-0-green",
        labels: &dashboard_labels("ex-0", "green"),
        host_port: Some(3101),
        running: false,
    });
    engine.seed(Seed {
        name: "team-ex-9-gold",
        labels: &dashboard_labels("ex-9", "gold"),
        host_port: Some(3102),
        running: true,
    });
    engine.seed(Seed {
        name: "grafana",
        labels: &[("com.example.app", "grafana")],
        host_port: Some(3103),
        running: true,
    });
}

#[tokio::test]
async fn used_ports_come_from_running_team_dashboards_only() {
    let engine = FakeEngine::start().await;
    seed_neighbours(&engine);
    let runtime = connected(&engine).await;

    let used = runtime.used_ports().await.unwrap();

    assert_eq!(used, BTreeSet::from([3100, 3102]));
    let requests = engine.requests();
    assert_eq!(engine.request_lines(), ["GET /containers/json"]);
    assert_eq!(requests[0].label_filters(), ["scip.type=team-dashboard"]);
    assert_eq!(
        requests[0].query.get("all").map(String::as_str),
        Some("false")
    );
}

#[tokio::test]
async fn new_teams_get_ports_around_the_ones_in_use() {
    let engine = FakeEngine::start().await;
    seed_neighbours(&engine);
    let runtime = connected(&engine).await;
    let range = PortRange::new(3100, 3110).unwrap();
    let mut in_use = PortsInUse {
        by_exercise: BTreeMap::new(),
        by_dashboards: runtime.used_ports().await.unwrap(),
    };

    let mut ports = Vec::new();
    for team in ["red", "white", "black"] {
        let team_id = TeamId::new(team).unwrap();
        // 3103 is held by the unrelated container; the probe stands in for a bind attempt.
        let port = choose_dashboard_port(&team_id, None, range, &in_use, |p| p != 3103).unwrap();
        let deployed = runtime.deploy(&spec_for("ex-1", team, port)).await.unwrap();
        in_use.by_exercise.insert(deployed.port, team_id);
        ports.push(deployed.port);
    }

    // 3101 belongs to a stopped container, so it is free again.
    assert_eq!(ports, [3101, 3104, 3105]);
    assert_eq!(
        runtime.used_ports().await.unwrap(),
        BTreeSet::from([3100, 3101, 3102, 3104, 3105])
    );
}

#[tokio::test]
async fn deploy_then_health_then_cleanup() {
    let engine = FakeEngine::start().await;
    seed_neighbours(&engine);
    let runtime = connected(&engine).await;
    for (team, port) in [("red", 3104), ("white", 3105), ("black", 3106)] {
        runtime.deploy(&spec_for("ex-1", team, port)).await.unwrap();
    }
    let ex1 = exercise("ex-1");

    // Just started: every health check is still starting.
    let health = runtime.health(&ex1).await.unwrap();
    assert_eq!(
        health
            .iter()
            .map(|h| (h.team.as_str(), h.health))
            .collect::<Vec<_>>(),
        [
            ("black", DashboardHealth::Starting),
            ("red", DashboardHealth::Starting),
            ("white", DashboardHealth::Starting),
        ]
    );

    engine.set_health("team-ex-1-red", "healthy");
    engine.set_health("team-ex-1-white", "unhealthy");
    engine.exit("team-ex-1-black", 1);
    engine.clear_requests();
    let health = runtime.health(&ex1).await.unwrap();
    assert_eq!(
        health
            .iter()
            .map(|h| (h.team.as_str(), h.health))
            .collect::<Vec<_>>(),
        [
            ("black", DashboardHealth::Exited { exit_code: Some(1) }),
            ("red", DashboardHealth::Healthy),
            ("white", DashboardHealth::Unhealthy),
        ]
    );
    let requests = engine.requests();
    assert_eq!(requests[0].line(), "GET /containers/json");
    assert_eq!(
        requests[0].query.get("all").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        requests[0].label_filters(),
        ["scip.type=team-dashboard", "scip.exercise=ex-1"]
    );
    let inspected: BTreeSet<String> = requests[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.method, Method::GET);
            r.path.clone()
        })
        .collect();
    assert_eq!(
        inspected.len(),
        3,
        "one inspect per container: {inspected:?}"
    );

    engine.clear_requests();
    let removed = runtime.cleanup(&ex1).await.unwrap();
    assert_eq!(removed, 3);
    let requests = engine.requests();
    assert_eq!(
        requests[0].label_filters(),
        ["scip.type=team-dashboard", "scip.exercise=ex-1"]
    );
    assert_eq!(
        requests[0].query.get("all").map(String::as_str),
        Some("true")
    );
    // Each container is stopped with a 10 s grace, then removed, in that order.
    for request in &requests[1..] {
        let id = request
            .path
            .trim_start_matches("/containers/")
            .split('/')
            .next()
            .unwrap();
        let stop_at = requests
            .iter()
            .position(|r| r.method == Method::POST && r.path == format!("/containers/{id}/stop"))
            .unwrap();
        let remove_at = requests
            .iter()
            .position(|r| r.method == Method::DELETE && r.path == format!("/containers/{id}"))
            .unwrap();
        assert!(stop_at < remove_at);
        assert_eq!(
            requests[stop_at].query.get("t").map(String::as_str),
            Some("10")
        );
        assert_eq!(
            requests[remove_at].query.get("force").map(String::as_str),
            Some("true")
        );
    }
    assert_eq!(requests.len(), 1 + 3 * 2);

    // Other exercises' and unrelated containers are untouched; nothing of ex-1 is left.
    assert_eq!(
        engine.container_names(),
        [
            "team-ex-0-blue",
            "team-ex-0-green",
            "team-ex-9-gold",
            "grafana"
        ]
    );
    assert!(runtime.health(&ex1).await.unwrap().is_empty());
    assert_eq!(runtime.cleanup(&ex1).await.unwrap(), 0);
}

#[tokio::test]
async fn adopt_lists_the_running_containers_of_the_exercise_without_touching_them() {
    let engine = FakeEngine::start().await;
    seed_neighbours(&engine);
    let runtime = connected(&engine).await;
    let red = runtime
        .deploy(&spec_for("ex-1", "red", 3104))
        .await
        .unwrap();
    runtime
        .deploy(&spec_for("ex-1", "white", 3105))
        .await
        .unwrap();
    runtime
        .deploy(&spec_for("ex-2", "red", 3106))
        .await
        .unwrap();
    engine.exit("team-ex-1-white", 137);
    engine.clear_requests();

    let adopted = runtime.adopt(&exercise("ex-1")).await.unwrap();

    assert_eq!(adopted.len(), 1);
    assert_eq!(adopted[0].team.as_str(), "red");
    assert_eq!(adopted[0].container_name, "team-ex-1-red");
    assert_eq!(adopted[0].container_id, red.container_id);
    assert_eq!(adopted[0].port, Some(3104));
    let requests = engine.requests();
    assert_eq!(engine.request_lines(), ["GET /containers/json"]);
    assert_eq!(
        requests[0].query.get("all").map(String::as_str),
        Some("false")
    );
    assert_eq!(
        requests[0].label_filters(),
        ["scip.type=team-dashboard", "scip.exercise=ex-1"]
    );
    assert_eq!(
        engine.container_states(),
        [
            ("team-ex-0-blue".to_owned(), "running".to_owned()),
            ("team-ex-0-green".to_owned(), "exited".to_owned()),
            ("team-ex-9-gold".to_owned(), "running".to_owned()),
            ("grafana".to_owned(), "running".to_owned()),
            ("team-ex-1-red".to_owned(), "running".to_owned()),
            ("team-ex-1-white".to_owned(), "exited".to_owned()),
            ("team-ex-2-red".to_owned(), "running".to_owned()),
        ]
    );
}

#[tokio::test]
async fn adopt_skips_a_container_whose_team_label_is_not_a_team_id() {
    let engine = FakeEngine::start().await;
    engine.seed(Seed {
        name: "team-ex-1-odd",
        labels: &dashboard_labels("ex-1", "Not A Team"),
        host_port: Some(3100),
        running: true,
    });
    let runtime = connected(&engine).await;
    runtime
        .deploy(&spec_for("ex-1", "red", 3101))
        .await
        .unwrap();

    let adopted = runtime.adopt(&exercise("ex-1")).await.unwrap();

    assert_eq!(
        adopted.iter().map(|a| a.team.as_str()).collect::<Vec<_>>(),
        ["red"]
    );
    // Clean-up still removes it: it carries the exercise's label.
    assert_eq!(runtime.cleanup(&exercise("ex-1")).await.unwrap(), 2);
}

#[tokio::test]
async fn cleanup_tries_every_container_and_names_the_ones_left() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    let mut ids = BTreeMap::new();
    for (team, port) in [("red", 3100), ("white", 3101), ("black", 3102)] {
        let deployed = runtime.deploy(&spec_for("ex-1", team, port)).await.unwrap();
        ids.insert(team, deployed.container_id);
    }
    engine.fail(
        Method::DELETE,
        &format!("/containers/{}", ids["white"]),
        500,
        "driver \"overlay2\" failed to remove root filesystem: device or resource busy",
        1,
    );

    let err = runtime.cleanup(&exercise("ex-1")).await.unwrap_err();

    match &err {
        DockerError::CleanupIncomplete {
            exercise,
            removed,
            failures,
        } => {
            assert_eq!(exercise, "ex-1");
            assert_eq!(*removed, 2);
            assert_eq!(
                failures,
                &[
                    "the Docker engine refused to remove team-ex-1-white (HTTP 500): driver \
                   \"overlay2\" failed to remove root filesystem: device or resource busy"
                        .to_owned()
                ]
            );
        }
        other => panic!("expected CleanupIncomplete, got {other:?}"),
    }
    assert!(err.to_string().starts_with(
        "clean-up of exercise ex-1 removed 2 container(s) but failed for 1: the Docker engine \
         refused to remove team-ex-1-white"
    ));
    assert_eq!(engine.container_names(), ["team-ex-1-white"]);
}

#[tokio::test]
async fn a_500_to_the_list_names_what_was_listed() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    engine.fail(
        Method::GET,
        "/containers/json",
        500,
        "Internal Server Error",
        3,
    );

    let used = runtime.used_ports().await.unwrap_err();
    let health = runtime.health(&exercise("ex-1")).await.unwrap_err();
    let cleanup = runtime.cleanup(&exercise("ex-1")).await.unwrap_err();

    assert_eq!(
        used.to_string(),
        "the Docker engine refused to list team dashboard containers (HTTP 500): Internal \
         Server Error"
    );
    assert_eq!(
        health.to_string(),
        "the Docker engine refused to list team dashboard containers of exercise ex-1 \
         (HTTP 500): Internal Server Error"
    );
    assert_eq!(cleanup.engine_status(), Some(500));
}

#[tokio::test]
async fn an_engine_that_goes_away_is_unreachable() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    let url = engine.url();
    engine.stop().await;

    let err = runtime.used_ports().await.unwrap_err();

    assert!(matches!(err, DockerError::Unreachable { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("no Docker engine answers at {url}: ")),
        "{err}"
    );
}

#[tokio::test]
async fn health_leaves_out_a_container_removed_while_it_runs() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    let red = runtime
        .deploy(&spec_for("ex-1", "red", 3100))
        .await
        .unwrap();
    runtime
        .deploy(&spec_for("ex-1", "white", 3101))
        .await
        .unwrap();
    // Listed, then gone by the time it is inspected.
    engine.fail(
        Method::GET,
        &format!("/containers/{}/json", red.container_id),
        404,
        &format!("No such container: {}", red.container_id),
        1,
    );

    let health = runtime.health(&exercise("ex-1")).await.unwrap();

    assert_eq!(
        health.iter().map(|h| h.team.as_str()).collect::<Vec<_>>(),
        ["white"]
    );
}

#[tokio::test]
async fn an_answer_that_is_not_engine_json_is_reported_as_unreadable() {
    let engine = FakeEngine::start().await;
    let runtime = connected(&engine).await;
    // A 200 whose body is an object where the engine sends a list.
    engine.fail(Method::GET, "/containers/json", 200, "not a list", 1);

    let err = runtime.adopt(&exercise("ex-1")).await.unwrap_err();

    assert!(matches!(err, DockerError::Client { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(
            "cannot list team dashboard containers of exercise ex-1 through the Docker engine \
             API: "
        ),
        "{err}"
    );
}
