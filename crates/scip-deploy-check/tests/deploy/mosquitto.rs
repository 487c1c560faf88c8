//! deploy/mqtt: the real Mosquitto, started by run-mosquitto.sh with our mosquitto.conf (only
//! its /mosquitto paths and listener ports moved into a temporary folder).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS, Transport};
use scip_testkit::{free_port, wait_for_port};

use crate::support::*;

const SERVICE_USER: &str = "scip_engine";
const SERVICE_PASSWORD: &str = "service-secret";

struct Broker {
    dir: tempfile::TempDir,
    port: u16,
    ws_port: u16,
    child: Option<Child>,
}

impl Broker {
    fn auth_dir(&self) -> PathBuf {
        self.dir.path().join("auth")
    }

    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // Mosquitto drops root for the `mosquitto` user: it must reach the files.
        set_mode(root, 0o755);
        for sub in ["data", "log"] {
            std::fs::create_dir(root.join(sub)).unwrap();
            give_to_mosquitto(&root.join(sub));
        }
        let (port, ws_port) = (free_port(), free_port());
        let conf = adapt_config(&read(&deploy("mqtt/mosquitto.conf")), root, port, ws_port);
        std::fs::write(root.join("mosquitto.conf"), conf).unwrap();
        let child = Command::new("sh")
            .arg(deploy("mqtt/run-mosquitto.sh"))
            .env("MQTT_USER", SERVICE_USER)
            .env("MQTT_PASSWORD", SERVICE_PASSWORD)
            .env("SCIP_AUTH_DIR", root.join("auth"))
            .env("MOSQUITTO_RUN_DIR", root.join("run"))
            .env("MOSQUITTO_CONF", root.join("mosquitto.conf"))
            .env("MOSQUITTO_AUTH_POLL_SECONDS", "0.2")
            .env("MOSQUITTO_BIN", mosquitto_bin())
            .env(
                "MOSQUITTO_PASSWD_BIN",
                tool("mosquitto_passwd", "apt-get install mosquitto"),
            )
            .env("SCIP_UID", scip_uid())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let broker = Self {
            dir,
            port,
            ws_port,
            child: Some(child),
        };
        assert!(
            wait_for_port(port, Duration::from_secs(10)),
            "run-mosquitto.sh did not start Mosquitto on {port}"
        );
        broker
    }

    /// Sends SIGTERM to the script and returns its exit status.
    fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let (ok, output) = run(Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string()));
        assert!(ok, "{output}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "run-mosquitto.sh ignored SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status();
            let _ = child.wait();
        }
    }
}

/// The uid of SCIP's containers, which the script gives the auth folder to.
fn scip_uid() -> String {
    "10001".into()
}

fn mosquitto_bin() -> PathBuf {
    std::env::var_os("SCIP_TEST_MOSQUITTO")
        .map(PathBuf::from)
        .unwrap_or_else(|| tool("mosquitto", "apt-get install mosquitto"))
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    run(Command::new("id").arg("-u")).1.trim() == "0"
}

fn give_to_mosquitto(path: &Path) {
    if is_root() {
        let (ok, output) = run(Command::new("chown").arg("mosquitto").arg(path));
        assert!(ok, "chown mosquitto: {output}");
    }
}

/// Our configuration with its folders under `root` and its listeners on the test's ports.
fn adapt_config(conf: &str, root: &Path, port: u16, ws_port: u16) -> String {
    for expected in ["listener 1883\n", "listener 9001\n", "/mosquitto/"] {
        assert!(
            conf.contains(expected),
            "mosquitto.conf no longer has {expected:?}"
        );
    }
    conf.replace("/mosquitto/", &format!("{}/", root.display()))
        .replace("listener 1883\n", &format!("listener {port} 127.0.0.1\n"))
        .replace(
            "listener 9001\n",
            &format!("listener {ws_port} 127.0.0.1\n"),
        )
}

fn options(id: &str, port: u16, ws: bool, credentials: Option<(&str, &str)>) -> MqttOptions {
    let mut options = if ws {
        let mut o = MqttOptions::new(id, format!("ws://127.0.0.1:{port}/mqtt"), port);
        o.set_transport(Transport::Ws);
        o
    } else {
        MqttOptions::new(id, "127.0.0.1", port)
    };
    if let Some((user, password)) = credentials {
        options.set_credentials(user, password);
    }
    options.set_keep_alive(Duration::from_secs(5));
    options
}

/// Connects and returns the client once the broker accepted it, or the refusal.
async fn connect(
    port: u16,
    ws: bool,
    credentials: Option<(&str, &str)>,
) -> Result<(AsyncClient, EventLoop), String> {
    let id = format!("test-{}", free_port());
    let (client, mut events) = AsyncClient::new(options(&id, port, ws, credentials), 16);
    loop {
        match tokio::time::timeout(Duration::from_secs(10), events.poll()).await {
            Ok(Ok(Event::Incoming(Packet::ConnAck(_)))) => return Ok((client, events)),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(e.to_string()),
            Err(_) => return Err("no answer within 10 s".into()),
        }
    }
}

/// Waits for a message on `topic` and returns its payload.
async fn receive(events: &mut EventLoop, topic: &str) -> Vec<u8> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let Ok(event) = tokio::time::timeout_at(deadline, events.poll()).await else {
            panic!("nothing arrived on {topic}");
        };
        if let Event::Incoming(Packet::Publish(p)) = event.unwrap()
            && p.topic == topic
        {
            return p.payload.to_vec();
        }
    }
}

/// Drives the event loop until the broker acknowledged the subscription.
async fn subscribed(client: &AsyncClient, events: &mut EventLoop, topic: &str) {
    client.subscribe(topic, QoS::AtLeastOnce).await.unwrap();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), events.poll())
            .await
            .unwrap()
            .unwrap();
        if let Event::Incoming(Packet::SubAck(_)) = event {
            return;
        }
    }
}

fn hashed_password_file(path: &Path, entries: &[(&str, &str)]) {
    let passwd = tool("mosquitto_passwd", "apt-get install mosquitto");
    std::fs::write(path, "").unwrap();
    for (user, password) in entries {
        let (ok, output) = run(Command::new(&passwd)
            .arg("-b")
            .arg(path)
            .arg(user)
            .arg(password));
        assert!(ok, "mosquitto_passwd: {output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_clients_are_refused_and_the_service_account_reaches_everything() {
    let mut broker = Broker::start();
    let refused = connect(broker.port, false, None).await;
    assert!(refused.is_err(), "anonymous client accepted");
    let wrong = connect(broker.port, false, Some((SERVICE_USER, "wrong"))).await;
    assert!(wrong.is_err(), "wrong password accepted");

    // TCP and WebSocket both accept SCIP's account; it may read the $SYS tree the
    // compose health check reads.
    for ws in [false, true] {
        let port = if ws { broker.ws_port } else { broker.port };
        let (client, mut events) = connect(port, ws, Some((SERVICE_USER, SERVICE_PASSWORD)))
            .await
            .unwrap_or_else(|e| panic!("service account refused (ws: {ws}): {e}"));
        client
            .subscribe("$SYS/broker/uptime", QoS::AtMostOnce)
            .await
            .unwrap();
        let uptime = receive(&mut events, "$SYS/broker/uptime").await;
        assert!(String::from_utf8_lossy(&uptime).contains("seconds"));
    }
    let status = broker.stop();
    assert!(status.success(), "run-mosquitto.sh exited with {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_accounts_written_by_scip_apply_without_a_restart() {
    let broker = Broker::start();
    let team = ("ex1-blue", "blue-secret");
    assert!(connect(broker.port, false, Some(team)).await.is_err());

    // What SCIP writes: the team's account and ACL, plus a stale line for the service account
    // that run-mosquitto.sh must not let override MQTT_PASSWORD.
    let auth = broker.auth_dir();
    let staging = broker.dir.path().join("passwd.staging");
    hashed_password_file(&staging, &[team, (SERVICE_USER, "stale")]);
    std::fs::write(
        auth.join("acl"),
        "user ex1-blue\ntopic read /exercise/ex1/team/blue/feed\ntopic read /exercise/ex1/timer\n\
         topic write /exercise/ex1/team/blue/receipts\n",
    )
    .unwrap();
    std::fs::rename(&staging, auth.join("passwd")).unwrap();

    // The script notices the change and reloads Mosquitto: wait until the team gets in.
    let deadline = Instant::now() + Duration::from_secs(15);
    let (team_client, mut team_events) = loop {
        match connect(broker.port, false, Some(team)).await {
            Ok(connected) => break connected,
            Err(e) => assert!(
                Instant::now() < deadline,
                "team account never accepted: {e}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (service, mut service_events) =
        connect(broker.port, false, Some((SERVICE_USER, SERVICE_PASSWORD)))
            .await
            .expect("the service account keeps the password given to the script");
    tokio::spawn(async move { while service_events.poll().await.is_ok() {} });

    subscribed(
        &team_client,
        &mut team_events,
        "/exercise/ex1/team/blue/feed",
    )
    .await;
    service
        .publish(
            "/exercise/ex1/team/blue/feed",
            QoS::AtLeastOnce,
            false,
            b"{\"seq\":1}".to_vec(),
        )
        .await
        .unwrap();
    let payload = receive(&mut team_events, "/exercise/ex1/team/blue/feed").await;
    assert_eq!(payload, b"{\"seq\":1}");

    // The broker reads the assembled files, owned by the broker and private.
    let run_dir = broker.dir.path().join("run");
    let acl = read(&run_dir.join("acl"));
    assert!(acl.starts_with("user ex1-blue\n"), "{acl}");
    assert!(acl.contains(&format!("user {SERVICE_USER}\ntopic readwrite #\n")));
    let passwd = read(&run_dir.join("passwd"));
    assert_eq!(
        passwd
            .lines()
            .filter(|l| l.starts_with("scip_engine:"))
            .count(),
        1
    );
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(run_dir.join("passwd"))
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn the_script_refuses_to_start_without_the_service_account() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, output) = run(Command::new("sh")
        .arg(deploy("mqtt/run-mosquitto.sh"))
        .env_remove("MQTT_USER")
        .env_remove("MQTT_PASSWORD")
        .env("SCIP_AUTH_DIR", dir.path().join("auth"))
        .env("MOSQUITTO_RUN_DIR", dir.path().join("run")));
    assert!(!ok);
    assert!(output.contains("MQTT_USER and MQTT_PASSWORD"), "{output}");
}

#[test]
fn the_configuration_refuses_anonymous_clients_and_persists() {
    let conf = read(&deploy("mqtt/mosquitto.conf"));
    let settings: Vec<&str> = conf
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    for line in [
        "allow_anonymous false",
        "password_file /mosquitto/run/passwd",
        "acl_file /mosquitto/run/acl",
        "listener 1883",
        "listener 9001",
        "protocol websockets",
        "persistence true",
        "persistence_location /mosquitto/data/",
        "log_dest file /mosquitto/log/mosquitto.log",
    ] {
        assert!(settings.contains(&line), "mosquitto.conf lacks `{line}`");
    }
}
