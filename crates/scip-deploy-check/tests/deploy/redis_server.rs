//! The redis service's command line, run by the real redis-server: password required,
//! append-only persistence, memory cap with LRU eviction; and its health check.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scip_testkit::{free_port, wait_for_port};

use crate::support::*;

struct RedisServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts redis-server with the compose file's arguments (defaults applied), moved to a free
/// port and a temporary folder.
fn start_with_compose_arguments() -> RedisServer {
    let file = base();
    let words: Vec<String> = service(&file, "redis")
        .command
        .as_ref()
        .unwrap()
        .words()
        .iter()
        .map(|w| defaults(w))
        .collect();
    assert_eq!(words[0], "redis-server");
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = Command::new(tool("redis-server", "apt-get install redis-server"))
        .args(&words[1..])
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        wait_for_port(port, Duration::from_secs(10)),
        "redis-server did not start"
    );
    RedisServer {
        child,
        port,
        _dir: dir,
    }
}

fn connection(url: &str) -> redis::Connection {
    redis::Client::open(url).unwrap().get_connection().unwrap()
}

#[test]
fn the_compose_command_line_configures_redis_as_intended() {
    let server = start_with_compose_arguments();
    let mut anonymous = connection(&format!("redis://127.0.0.1:{}/0", server.port));
    let refused: redis::RedisResult<String> = redis::cmd("PING").query(&mut anonymous);
    let err = refused.unwrap_err().to_string();
    assert!(
        err.contains("NOAUTH") || err.contains("Authentication"),
        "{err}"
    );

    // The URL SCIP's services get, with the host moved to the test's server.
    let url = defaults(service(&base(), "api").env("REDIS_URL").unwrap())
        .replace("@redis:6379", &format!("@127.0.0.1:{}", server.port));
    let mut conn = connection(&url);
    let pong: String = redis::cmd("PING").query(&mut conn).unwrap();
    assert_eq!(pong, "PONG");
    for (setting, expected) in [
        ("appendonly", "yes"),
        ("appendfsync", "everysec"),
        ("maxmemory", "2147483648"),
        ("maxmemory-policy", "allkeys-lru"),
    ] {
        let pair: Vec<String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg(setting)
            .query(&mut conn)
            .unwrap();
        assert_eq!(pair, [setting, expected]);
    }
}

#[test]
fn the_health_check_authenticates_from_the_environment() {
    let server = start_with_compose_arguments();
    let file = base();
    let redis = service(&file, "redis");
    let words = redis.healthcheck.as_ref().unwrap().test.words();
    assert_eq!(words[0], "CMD-SHELL");
    // The same shell command, aimed at the test's port.
    let script = words[1].replace("redis-cli", &format!("redis-cli -p {}", server.port));
    tool("redis-cli", "apt-get install redis-tools");
    let password = defaults(redis.env("REDISCLI_AUTH").unwrap());
    let (ok, output) = run(Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("REDISCLI_AUTH", &password));
    assert!(ok, "health check failed: {output}");
    let (ok, _) = run(Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("REDISCLI_AUTH", "wrong"));
    assert!(!ok, "health check passed with a wrong password");
}
