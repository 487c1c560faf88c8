//! deploy/nginx: `nginx -t` and a real nginx in front of stand-in SCIP servers, driven with
//! curl. The Debian nginx here (1.22) is older than the image's (1.28), so the test adapts a
//! copy of the configuration, each change asserted to apply:
//! - paths under /etc/nginx, /var/log/nginx, /var/www and the pid file move to a temp folder;
//! - `user nginx;` goes (the test runs nginx as the current user);
//! - `http2 on;` becomes the older `listen ... ssl http2` form, and the upstream `resolve`
//!   flag goes (both newer than 1.22);
//! - the upstream host names (Docker DNS) become loopback ports of the stand-in servers, the
//!   listeners move to free loopback ports, and the dashboard host becomes 127.0.0.2 (same
//!   port as the listener, another address).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use scip_testkit::{free_port, wait_for_port};

use crate::support::*;

struct Ports {
    http: u16,
    https: u16,
    dashboard: u16,
    api: u16,
    portal: u16,
    mqtt: u16,
}

fn replace_all(text: &str, from: &str, to: &str, file: &str) -> String {
    assert!(
        text.contains(from),
        "{file} no longer contains {from:?}: update this test"
    );
    text.replace(from, to)
}

/// Writes the adapted configuration under `root` and returns the nginx.conf path.
fn prepare(root: &Path, ports: &Ports) -> PathBuf {
    let etc = root.join("etc/nginx");
    for sub in ["sites-enabled", "snippets", "ssl"] {
        std::fs::create_dir_all(etc.join(sub)).unwrap();
    }
    for sub in ["log", "acme"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
    }
    std::fs::copy("/etc/nginx/mime.types", etc.join("mime.types"))
        .expect("/etc/nginx/mime.types (apt-get install nginx)");
    let (ok, output) = run(Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=scip.test",
        ])
        .arg("-keyout")
        .arg(etc.join("ssl/privkey.pem"))
        .arg("-out")
        .arg(etc.join("ssl/fullchain.pem")));
    assert!(ok, "openssl: {output}");

    let common = |text: &str| {
        text.replace("/etc/nginx/", &format!("{}/", etc.display()))
            .replace("/var/log/nginx/", &format!("{}/log/", root.display()))
            .replace("/var/www/acme", &format!("{}/acme", root.display()))
            .replace("http2 on;\n", "")
    };
    let mut conf = common(&read(&deploy("nginx/nginx.conf")));
    conf = replace_all(&conf, "user nginx;\n", "", "nginx.conf");
    conf = replace_all(
        &conf,
        "/var/run/nginx.pid",
        &format!("{}/nginx.pid", root.display()),
        "nginx.conf",
    );
    conf = replace_all(&conf, " resolve;", ";", "nginx.conf");
    conf = replace_all(
        &conf,
        "server api:8000",
        &format!("server 127.0.0.1:{}", ports.api),
        "nginx.conf",
    );
    conf = replace_all(
        &conf,
        "server client-dashboard:3000",
        &format!("server 127.0.0.1:{}", ports.portal),
        "nginx.conf",
    );
    conf = replace_all(
        &conf,
        "server mqtt:9001",
        &format!("server 127.0.0.1:{}", ports.mqtt),
        "nginx.conf",
    );
    std::fs::write(etc.join("nginx.conf"), conf).unwrap();

    let site_text = read(&deploy("nginx/sites/scip.conf"));
    assert!(
        site_text.contains("http2 on;"),
        "HTTP/2 keeps SSE streams from exhausting browser connections"
    );
    let mut site = common(&site_text);
    site = replace_all(
        &site,
        "listen 80 default_server;",
        &format!("listen 127.0.0.1:{} default_server;", ports.http),
        "scip.conf",
    );
    site = replace_all(
        &site,
        "listen 443 ssl default_server;",
        &format!("listen 127.0.0.1:{} ssl http2 default_server;", ports.https),
        "scip.conf",
    );
    site = replace_all(
        &site,
        "listen 3100-3200 ssl;",
        &format!("listen 127.0.0.1:{} ssl http2;", ports.dashboard),
        "scip.conf",
    );
    std::fs::write(etc.join("sites-enabled/scip.conf"), site).unwrap();

    for entry in std::fs::read_dir(deploy("nginx/snippets")).unwrap() {
        let entry = entry.unwrap();
        let mut text = common(&read(&entry.path()));
        if entry.file_name() == "dashboard-upstream.conf" {
            text = replace_all(
                &text,
                "set $scip_dashboard_host orchestration;",
                "set $scip_dashboard_host 127.0.0.2;",
                "dashboard-upstream.conf",
            );
        }
        std::fs::write(etc.join("snippets").join(entry.file_name()), text).unwrap();
    }
    etc.join("nginx.conf")
}

fn nginx() -> PathBuf {
    tool(
        "nginx",
        "apt-get install nginx (with a policy-rc.d that keeps it stopped)",
    )
}

/// A stand-in SCIP server: event streams for `.../stream`, `/events` and dashboards (one
/// event, then the connection stays open), an echo of the request head for everything else.
fn serve(address: &str, name: &'static str, streams_everything: bool) {
    let listener = TcpListener::bind(address).unwrap_or_else(|e| panic!("bind {address}: {e}"));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || answer(stream, name, streams_everything));
        }
    });
}

fn answer(mut stream: TcpStream, name: &str, streams_everything: bool) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    if streams_everything || path.ends_with("/stream") || path.starts_with("/events") {
        let _ = stream.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\ndata: first event from {name}\n\n").as_bytes(),
        );
        let _ = stream.flush();
        // Hold the stream open until the proxy goes away.
        let mut sink = [0u8; 64];
        while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
    } else {
        let body = format!("{name} saw:\n{}", head.to_lowercase());
        let _ = stream.write_all(
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes(),
        );
    }
}

struct Nginx(Child);

impl Drop for Nginx {
    /// SIGTERM, so the master stops its workers (SIGKILL would orphan them), then waits.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// curl's output: response headers (with -i) and body.
fn curl(args: &[&str]) -> String {
    let output = Command::new(tool("curl", "apt-get install curl"))
        .args(["--silent", "--insecure", "--include", "--max-time", "5"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Reads an open event stream until `marker` arrives (then hangs up) or curl's time bound
/// ends the stream; returns what arrived.
fn read_stream_until(url: &str, marker: &str) -> String {
    let mut child = Command::new(tool("curl", "apt-get install curl"))
        .args([
            "--silent",
            "--insecure",
            "--no-buffer",
            "--max-time",
            "10",
            url,
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        seen.push_str(&line);
        seen.push('\n');
        if seen.contains(marker) {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    seen
}

#[test]
fn the_configuration_is_valid_for_nginx() {
    let dir = tempfile::tempdir().unwrap();
    let ports = Ports {
        http: 1,
        https: 2,
        dashboard: 3,
        api: 4,
        portal: 5,
        mqtt: 6,
    };
    let conf = prepare(dir.path(), &ports);
    let (ok, output) = run(Command::new(nginx())
        .arg("-t")
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg(dir.path().join("log/error.log")));
    assert!(ok, "nginx -t:\n{output}");
}

#[test]
fn nginx_terminates_tls_and_routes_every_part_of_scip() {
    let dir = tempfile::tempdir().unwrap();
    let ports = Ports {
        http: free_port(),
        https: free_port(),
        dashboard: free_port(),
        api: free_port(),
        portal: free_port(),
        mqtt: free_port(),
    };
    serve(&format!("127.0.0.1:{}", ports.api), "api", false);
    serve(&format!("127.0.0.1:{}", ports.portal), "portal", false);
    serve(&format!("127.0.0.1:{}", ports.mqtt), "mqtt", false);
    serve(&format!("127.0.0.2:{}", ports.dashboard), "dashboard", true);
    let conf = prepare(dir.path(), &ports);
    let _nginx = Nginx(
        Command::new(nginx())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.path().join("log/error.log"))
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    for port in [ports.http, ports.https, ports.dashboard] {
        assert!(
            wait_for_port(port, Duration::from_secs(10)),
            "nginx not listening on {port}"
        );
    }
    let http = format!("http://127.0.0.1:{}", ports.http);
    let https = format!("https://127.0.0.1:{}", ports.https);

    // Port 80: the container health check, and everything else to HTTPS.
    let health = curl(&[&format!("{http}/nginx-health")]);
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("ok\n"),
        "{health}"
    );
    let redirect = curl(&[&format!("{http}/api/v2/scenarios?x=1")]);
    assert!(redirect.starts_with("HTTP/1.1 301"), "{redirect}");
    assert!(
        redirect.contains("Location: https://127.0.0.1/api/v2/scenarios?x=1"),
        "{redirect}"
    );

    // The API, with the forwarded headers SCIP reads and the security headers.
    let api = curl(&[&format!("{https}/api/v2/scenarios")]);
    assert!(
        api.starts_with("HTTP/2 200"),
        "HTTP/2 over TLS expected: {api}"
    );
    assert!(
        api.contains("api saw:\nget /api/v2/scenarios http/1.1"),
        "{api}"
    );
    assert!(api.contains("x-forwarded-proto: https"), "{api}");
    assert!(api.contains("x-real-ip: 127.0.0.1"), "{api}");
    for header in [
        "strict-transport-security: max-age=31536000; includeSubDomains",
        "x-content-type-options: nosniff",
        "x-frame-options: SAMEORIGIN",
        "content-security-policy: frame-ancestors 'self'",
        "referrer-policy: same-origin",
    ] {
        assert!(api.contains(header), "missing {header}: {api}");
    }
    assert!(curl(&[&format!("{https}/api/v1/status")]).contains("api saw:"));
    assert!(curl(&[&format!("{https}/ready")]).contains("api saw:\nget /ready"));
    assert!(curl(&[&format!("{https}/metrics")]).starts_with("HTTP/2 404"));

    // The portal at /, its event stream at /events.
    assert!(curl(&[&format!("{https}/exercises/e1")]).contains("portal saw:\nget /exercises/e1"));

    // Event streams arrive while the upstream keeps the response open: nothing is buffered.
    for (url, from) in [
        (format!("{https}/api/v2/exercises/e1/stream"), "api"),
        (format!("{https}/events"), "portal"),
        (
            format!("https://127.0.0.1:{}/", ports.dashboard),
            "dashboard",
        ),
    ] {
        let marker = format!("data: first event from {from}");
        let events = read_stream_until(&url, &marker);
        assert!(
            events.contains(&marker),
            "{url}: the first event did not come through while the stream was open:\n{events}"
        );
    }

    // MQTT over WebSocket: the upgrade headers reach the broker.
    let mqtt = curl(&[
        "--http1.1",
        "-H",
        "Connection: Upgrade",
        "-H",
        "Upgrade: websocket",
        &format!("{https}/mqtt"),
    ]);
    assert!(mqtt.contains("mqtt saw:\nget /mqtt http/1.1"), "{mqtt}");
    assert!(
        mqtt.contains("upgrade: websocket") && mqtt.contains("connection: upgrade"),
        "{mqtt}"
    );
}

#[test]
fn uploads_and_compression_are_configured() {
    let conf = read(&deploy("nginx/nginx.conf"));
    assert!(conf.contains("client_max_body_size 64m;"));
    assert!(conf.contains("gzip on;"));
    let gzip_types = conf
        .split("gzip_types")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap();
    assert!(
        !gzip_types.contains("text/event-stream"),
        "event streams must not be compressed"
    );
    assert!(gzip_types.contains("application/json"));
    let sse = read(&deploy("nginx/snippets/event-stream.conf"));
    for line in ["proxy_buffering off;", "proxy_read_timeout 1h;"] {
        assert!(sse.contains(line), "event-stream.conf lacks {line}");
    }
    let certs = read(&deploy("nginx/ssl/README.md"));
    assert!(certs.contains("fullchain.pem") && certs.contains("privkey.pem"));
}
