//! Three API replicas behind one database and one Redis: a browser session created on one is
//! valid on the others, and signing out on one ends it on all of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Replica {
    child: Child,
    port: u16,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn_api(database_url: &str, redis_url: &str) -> Replica {
    let port = scip_testkit::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_scip"))
        .args(["serve", "--role", "api"])
        .env("DATABASE_URL", database_url)
        .env("REDIS_URL", redis_url)
        .env("API_PORT", port.to_string())
        .env("MQTT_HOST", "127.0.0.1")
        .env("MQTT_PORT", scip_testkit::free_port().to_string())
        .env("MQTT_PASSWORD", "unused-by-this-test")
        .env(
            "JWT_SECRET",
            "a-shared-secret-for-all-three-replicas-0123456789",
        )
        .env("LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    assert!(
        scip_testkit::wait_for_port(port, Duration::from_secs(30)),
        "API replica did not start"
    );
    Replica { child, port }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_made_on_one_replica_is_valid_on_the_others() {
    let db = scip_testkit::PgDatabase::create().await;
    let redis = scip_testkit::redis_url();
    // An account, made as an operator would.
    let add = Command::new(env!("CARGO_BIN_EXE_scip"))
        .args([
            "user",
            "add",
            "ada",
            "--role",
            "controller",
            "--password-stdin",
        ])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let mut add = add;
        add.stdin
            .take()
            .unwrap()
            .write_all(b"correct horse battery staple\n")
            .unwrap();
        let out = add.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let replicas: Vec<Replica> = (0..3).map(|_| spawn_api(&db.url, &redis)).collect();
    let url = |r: &Replica, path: &str| format!("http://127.0.0.1:{}{path}", r.port);

    // Sign in on the first replica.
    let client = reqwest::Client::new();
    let login = client
        .post(url(&replicas[0], "/api/v2/auth/login"))
        .json(&serde_json::json!({"username": "ada", "password": "correct horse battery staple"}))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success(), "{}", login.status());
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("scip_session="))
        .expect("a session cookie");
    let body: serde_json::Value = login.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();

    // It is valid on every replica.
    for r in &replicas {
        let me = client
            .get(url(r, "/api/v2/auth/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200, "replica on port {}", r.port);
        let me: serde_json::Value = me.json().await.unwrap();
        assert_eq!(me["user"]["username"], "ada");
    }

    // Signing out on the second ends it on all three (the revocation is in Redis).
    let out = client
        .post(url(&replicas[1], "/api/v2/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert!(out.status().is_success(), "{}", out.status());
    for r in &replicas {
        let me = client
            .get(url(r, "/api/v2/auth/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(
            me.status(),
            401,
            "replica on port {} still accepts a signed-out session",
            r.port
        );
    }
}
