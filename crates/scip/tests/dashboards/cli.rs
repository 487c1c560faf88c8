//! `scip dashboard` on its own: refused settings and a taken port, with their exit codes.

use std::net::TcpListener;
use std::process::Command;

use scip_server::runtime::process::PORT_TAKEN_EXIT;

fn dashboard(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_scip"))
        .arg("dashboard")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("scip runs")
}

const BASE: &[(&str, &str)] = &[
    ("EXERCISE_ID", "ex-abc"),
    ("TEAM_ID", "red"),
    ("SCIP_API_URL", "http://127.0.0.1:9"),
    ("SCIP_DASHBOARD_TOKEN", "token"),
    ("MQTT_USER", "team-ex-abc-red"),
    ("MQTT_PASSWORD", "secret"),
];

#[test]
fn missing_settings_are_named() {
    let out = dashboard(&["--port", "0"], &BASE[..2]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("--api-url") && text.contains("--mqtt-password"),
        "{text}"
    );
}

#[test]
fn a_bad_team_id_or_session_key_is_refused_before_anything_starts() {
    let mut env = BASE.to_vec();
    env[1] = ("TEAM_ID", "Red Team");
    let out = dashboard(&["--port", "0"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TEAM_ID"));
    let mut env = BASE.to_vec();
    env.push(("SCIP_SESSION_KEY", "abcd"));
    let out = dashboard(&["--port", "0"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("SCIP_SESSION_KEY must be 32 bytes"));
}

#[test]
fn a_taken_port_exits_with_the_port_taken_code() {
    let squatter = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = squatter.local_addr().unwrap().port().to_string();
    let out = dashboard(&["--port", &port, "--bind", "127.0.0.1"], BASE);
    assert_eq!(out.status.code(), Some(PORT_TAKEN_EXIT));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(&format!("port {port} is not available")) && text.contains("--port"),
        "{text}"
    );
}
