//! A real `scip serve` with `DASHBOARD_RUNTIME=process`, killed with SIGKILL: its dashboard
//! processes notice their stdin closing and stop too, so no orphan keeps a port.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scip_core::ExerciseId;
use scip_core::engine::Speed;
use scip_store::{DashboardRuntime, NewExercise, NewExerciseTeam, Store, VersionNote};

use crate::support::{alive, kill, scenario};

/// Process ids of `scip dashboard` children of this exercise, from /proc.
fn dashboard_pids(exercise: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        if args.iter().any(|a| a == "dashboard") && args.iter().any(|a| a == exercise) && alive(pid)
        {
            pids.push(pid);
        }
    }
    pids
}

/// Waits (checking every 50 ms, for at most 20 s) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn dashboard_processes_stop_when_the_server_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    let first = 20_000 + (rand::random::<u16>() % 40_000);
    let mut server = Command::new(env!("CARGO_BIN_EXE_scip"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SCIP_DATA", dir.path())
        .env("SCIP_BIND", "127.0.0.1")
        .env("API_PORT", "0")
        .env("CLIENT_PORT", "0")
        .env("MQTT_PORT", "0")
        .env("MQTT_WS_PORT", "0")
        .env("DASHBOARD_RUNTIME", "process")
        .env("DASHBOARD_PORT_RANGE", format!("{first}-{}", first + 30))
        .env("LOG_LEVEL", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The server says when it has started (its database is migrated by then).
    let stderr = server.stderr.take().unwrap();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut told = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !told && line.contains("SCIP started") {
                let _ = started_tx.send(());
                told = true;
            }
        }
    });
    started_rx
        .recv_timeout(Duration::from_secs(60))
        .expect("scip serve started");

    // An exercise written straight to its database; the server's orchestrator claims it.
    let store = Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("scip.db").display()
    ))
    .await
    .unwrap();
    let scenario = scenario("orphans");
    store
        .create_scenario(&scenario, &VersionNote::by("tester"), 0)
        .await
        .unwrap();
    let exercise = ExerciseId::new("ex-orphans").unwrap();
    let teams = scenario
        .teams
        .iter()
        .enumerate()
        .map(|(i, t)| {
            NewExerciseTeam::from_team(
                t,
                format!("ABCD-EFG{i}"),
                scip_bus::MqttUsername::for_team(&exercise, &t.id).to_string(),
                format!("password-{i}-0123456789abcdef"),
            )
        })
        .collect();
    store
        .create_exercise(
            &NewExercise {
                id: exercise.clone(),
                name: "Orphans".into(),
                scenario_id: scenario.id.clone(),
                scenario_version: 1,
                speed: Speed::NORMAL,
                turn_grace_ms: 5_000,
                dashboard_runtime: DashboardRuntime::Process,
                created_by: None,
                teams,
            },
            time::OffsetDateTime::now_utc().unix_timestamp() * 1000,
        )
        .await
        .unwrap();
    // Ready: both dashboards recorded healthy by the server (checked every 50 ms).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let teams = store.exercise_teams(&exercise).await.unwrap();
        if teams
            .iter()
            .all(|t| t.health == scip_store::DashboardHealth::Healthy)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "dashboards never became healthy: {teams:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    store.close().await;

    let id = exercise.to_string();
    wait_until("two dashboard processes", || dashboard_pids(&id).len() == 2);
    let children = dashboard_pids(&id);

    kill(server.id());
    let _ = server.wait();
    wait_until("the dashboard processes to stop", || {
        children.iter().all(|pid| !alive(*pid))
    });
}
