//! `scip demo` as a new user meets it: a taken port fails with a message naming the port and
//! the flag that changes it, and a second run reuses the data folder and says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common {
    pub mod demo_block;
}

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::demo_block::{interrupt_and_wait, spawn_and_read_block};

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
    let mut command = demo(data, scip_testkit::free_port());
    command.stderr(Stdio::null());
    let (mut child, lines) = spawn_and_read_block(command);
    let status = interrupt_and_wait(&mut child, Duration::from_secs(5));
    assert!(
        status.success(),
        "the demo stops cleanly on Ctrl-C: {status}"
    );
    lines.join("\n")
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
