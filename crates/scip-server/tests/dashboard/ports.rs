//! Port allocation and life cycle of embedded dashboards: fixed ports, the range, busy ports
//! skipped, a clear error when none is free, recorded ports kept, teardown frees them.

use std::net::TcpListener;

use scip_core::engine::Command;
use scip_engine::DashboardHost;
use scip_server::runtime::ports::PortRange;
use scip_store::{DashboardHealth, DashboardRuntime};

use crate::support::{TestScip, scenario};

fn port_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

#[tokio::test]
async fn teams_get_their_fixed_port_or_the_first_free_ones_of_the_range() {
    let scip = TestScip::start().await;
    let range = scip.range;
    // Something else holds the first port of the range; the allocator passes it by.
    let squatter = TcpListener::bind(("127.0.0.1", range.first())).ok();
    let fixed = scip_testkit::free_port();
    let mut s = scenario("ports-1");
    s.teams[1].dashboard_port = Some(fixed);
    let exercise = scip.launch(&s, DashboardRuntime::Embedded).await;
    let teams = scip.healthy(&exercise).await;

    let red = teams[0].dashboard_port.unwrap();
    let press = teams[2].dashboard_port.unwrap();
    assert!(
        range.contains(red) && range.contains(press),
        "{red} {press} in {range}"
    );
    if squatter.is_some() {
        assert_ne!(red, range.first(), "a busy port is skipped");
    }
    assert_ne!(red, press);
    assert_eq!(teams[1].dashboard_port, Some(fixed), "blue's fixed port");
    for team in &teams {
        let port = team.dashboard_port.unwrap();
        assert_eq!(
            team.dashboard_url.as_deref(),
            Some(format!("http://127.0.0.1:{port}/").as_str())
        );
        assert!(
            team.runtime_ref
                .as_deref()
                .unwrap()
                .starts_with("embedded:")
        );
        assert_eq!(team.health, DashboardHealth::Healthy);
        let health: serde_json::Value = reqwest::get(format!("http://127.0.0.1:{port}/health"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(health["status"], "ok", "{health}");
    }

    // Released (lease lost or shutdown) and deployed again: every team keeps its port.
    scip.manager.release(exercise.clone()).await;
    let released = scip
        .wait_teams(&exercise, "ports free after release", |teams| {
            teams.iter().all(|t| port_free(t.dashboard_port.unwrap()))
        })
        .await;
    let record = scip.store.get_exercise(&exercise).await.unwrap();
    scip.manager.ensure(record, released).await;
    let again = scip
        .wait_teams(&exercise, "dashboards back", |teams| {
            teams.iter().all(|t| !port_free(t.dashboard_port.unwrap()))
        })
        .await;
    let ports =
        |ts: &[scip_store::ExerciseTeam]| ts.iter().map(|t| t.dashboard_port).collect::<Vec<_>>();
    assert_eq!(ports(&again), ports(&teams));

    // Stopping the exercise tears them down and frees the ports.
    scip.command(&exercise, Command::Stop).await;
    let stopped = scip
        .wait_teams(&exercise, "torn down", |teams| {
            teams.iter().all(|t| t.health == DashboardHealth::Stopped)
        })
        .await;
    for team in &stopped {
        assert!(
            port_free(team.dashboard_port.unwrap()),
            "{:?}",
            team.dashboard_port
        );
        assert_eq!(team.runtime_ref, None);
    }
    scip.shutdown().await;
}

#[tokio::test]
async fn a_full_range_and_a_taken_fixed_port_are_reported_per_team() {
    let squatter = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let taken = squatter.local_addr().unwrap().port();
    let first = scip_testkit::free_port();
    let scip = TestScip::start_with(|s| s.port_range = PortRange::new(first, first).unwrap()).await;
    let mut s = scenario("ports-2");
    s.teams[2].dashboard_port = Some(taken);
    let exercise = scip.launch(&s, DashboardRuntime::Embedded).await;
    let teams = scip
        .wait_teams(&exercise, "one dashboard up, two refused", |teams| {
            teams
                .iter()
                .filter(|t| t.health == DashboardHealth::Unhealthy)
                .count()
                == 2
                && teams
                    .iter()
                    .filter(|t| t.health == DashboardHealth::Healthy)
                    .count()
                    == 1
        })
        .await;
    assert_eq!(teams[0].dashboard_port, Some(first));
    let no_room = teams[1].health_detail.clone().unwrap();
    assert_eq!(
        no_room,
        format!("no free dashboard port in {first}-{first} (1 in use); widen DASHBOARD_PORT_RANGE")
    );
    let fixed = teams[2].health_detail.clone().unwrap();
    assert!(
        fixed.contains(&format!(
            "dashboard port {taken} fixed for team press is taken by another program"
        )),
        "{fixed}"
    );
    drop(squatter);
    scip.shutdown().await;
}

#[tokio::test]
async fn a_runtime_this_server_lacks_is_a_clear_health_detail() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("ports-3"), DashboardRuntime::Docker)
        .await;
    let teams = scip
        .wait_teams(&exercise, "docker refused", |teams| {
            teams.iter().all(|t| t.health == DashboardHealth::Unhealthy)
        })
        .await;
    assert_eq!(
        teams[0].health_detail.as_deref(),
        Some("the docker runtime is not configured on this server")
    );
    scip.shutdown().await;
}
