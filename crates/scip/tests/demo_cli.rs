//! `scip demo` as a new user meets it: a taken port fails with a message naming the port and
//! the flag that changes it, and a second run reuses the data folder and says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn demo(data: &Path, api_port: u16) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_scip"));
    c.args([
        "demo",
        "--data",
        data.to_str().unwrap(),
        "--api-port",
        &api_port.to_string(),
        "--client-port",
        &scip_testkit::free_port().to_string(),
        "--mqtt-port",
        &scip_testkit::free_port().to_string(),
        "--mqtt-ws-port",
        &scip_testkit::free_port().to_string(),
    ])
    .env("DASHBOARD_PORT_RANGE", {
        let start = 40_000 + (std::process::id() % 200) as u16 * 100;
        format!("{start}-{}", start + 99)
    })
    .env_remove("DATABASE_URL")
    .env_remove("REDIS_URL")
    .env_remove("MQTT_HOST")
    .env_remove("LOG_LEVEL")
    .stdin(Stdio::null());
    c
}

/// Runs the demo until it has printed its block, then stops it with Ctrl-C; returns the block.
fn run_once(data: &Path) -> String {
    let mut child: Child = demo(data, scip_testkit::free_port())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut block = String::new();
    let mut rules = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while rules < 3 {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the demo printed its block");
        if line.starts_with('─') {
            rules += 1;
        }
        block.push_str(&line);
        block.push('\n');
    }
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "the demo stops cleanly on Ctrl-C: {status}"
    );
    block
}

#[test]
fn a_second_run_reuses_the_data_and_says_so() {
    let data = tempfile::tempdir().unwrap();
    let first = run_once(data.path());
    assert!(first.contains("Sign in as       admin / "), "{first}");
    assert!(!first.contains("Reusing"), "{first}");
    let exercise = first
        .split("exercise GREY TIDE (")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .unwrap()
        .to_owned();

    let second = run_once(data.path());
    assert!(second.contains("Reusing the data in"), "{second}");
    assert!(
        second.contains("scenario grey-tide v1 already loaded"),
        "{second}"
    );
    assert!(second.contains("account admin already exists"), "{second}");
    assert!(
        second.contains(&format!("exercise {exercise} reused")),
        "the same exercise is offered again: {second}"
    );
    assert!(
        !second.contains("admin / "),
        "the password is printed only once"
    );
}

#[test]
fn a_taken_port_names_the_port_and_the_flag() {
    let data = tempfile::tempdir().unwrap();
    let holder = std::net::TcpListener::bind("0.0.0.0:0").unwrap();
    let port = holder.local_addr().unwrap().port();
    let out = demo(data.path(), port).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("port {port}")) && stderr.contains("--api-port"),
        "{stderr}"
    );
}
