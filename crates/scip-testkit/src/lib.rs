//! Test support shared by SCIP's crates. Everything here talks to real services:
//!
//! - [`PgDatabase`]: a fresh PostgreSQL database per test, dropped afterwards, on the server
//!   named by `SCIP_TEST_DATABASE_URL` (the test script always sets it; a test that needs it
//!   fails loudly when it is missing).
//! - [`Mosquitto`]: a private Mosquitto broker on free ports, with a configuration of the
//!   test's choosing, stopped on drop.
//! - [`free_port`]: a port that was free a moment ago, for external processes that cannot be
//!   handed a bound socket (our own servers bind port 0 instead).
//! - [`browser::Browser`]: a headless Chromium driven through ChromeDriver.
#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

pub mod browser;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};

/// The PostgreSQL server tests use.
pub fn postgres_server_url() -> String {
    std::env::var("SCIP_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "SCIP_TEST_DATABASE_URL is not set: tests need a PostgreSQL server \
             (run scripts/test.sh, which starts one)"
        )
    })
}

/// The Redis server tests use (`SCIP_TEST_REDIS_URL`).
pub fn redis_url() -> String {
    std::env::var("SCIP_TEST_REDIS_URL").unwrap_or_else(|_| {
        panic!("SCIP_TEST_REDIS_URL is not set: tests need a Redis server (run scripts/test.sh)")
    })
}

/// A database created for one test and dropped when this value is.
pub struct PgDatabase {
    /// Connection URL of the new database.
    pub url: String,
    name: String,
    server: String,
}

impl PgDatabase {
    /// Creates an empty database with a unique name on the test server.
    pub async fn create() -> Self {
        Self::create_on(&postgres_server_url()).await
    }

    /// Creates an empty database with a unique name on the server at `server`.
    pub async fn create_on(server: &str) -> Self {
        let server = server.to_owned();
        let name = format!(
            "scip_test_{}",
            ulid::Ulid::generate().to_string().to_lowercase()
        );
        let mut conn = PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {server}: {e}"));
        let sql = format!("CREATE DATABASE {name}");
        conn.execute(sqlx::AssertSqlSafe(sql))
            .await
            .expect("create test database");
        let url = replace_db_name(&server, &name);
        Self { url, name, server }
    }
}

fn replace_db_name(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs inside a test's runtime; a fresh thread with its own runtime avoids
        // blocking inside it.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&server).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                conn.execute(sqlx::AssertSqlSafe(sql)).await.ok()
            })
        })
        .join();
    }
}

/// A port that was free when asked.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0")
}

/// Waits until something accepts TCP connections on `port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A private Mosquitto broker.
pub struct Mosquitto {
    /// MQTT over TCP.
    pub port: u16,
    /// MQTT over WebSocket.
    pub ws_port: u16,
    /// Folder holding its configuration (and anything the test writes there).
    pub dir: tempfile::TempDir,
    child: Option<Child>,
    extra: String,
}

impl Mosquitto {
    /// Starts a broker whose configuration is the listeners plus `extra` lines (for example
    /// `allow_anonymous true`, or `password_file`/`acl_file` lines pointing into `dir`).
    /// `prepare` may write files into the folder before the broker starts.
    pub fn start(extra: &str, prepare: impl FnOnce(&Path)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        prepare(dir.path());
        let mut m = Self {
            port: free_port(),
            ws_port: free_port(),
            dir,
            child: None,
            extra: extra.to_owned(),
        };
        m.launch();
        m
    }

    /// Path of a file in the broker's folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn launch(&mut self) {
        let conf = self.dir.path().join("mosquitto.conf");
        let text = format!(
            "listener {} 127.0.0.1\nlistener {} 127.0.0.1\nprotocol websockets\n\
             persistence false\nuser root\nlog_dest stderr\n{}\n",
            self.port, self.ws_port, self.extra
        );
        std::fs::write(&conf, text).expect("write mosquitto.conf");
        let bin = std::env::var("SCIP_TEST_MOSQUITTO").unwrap_or_else(|_| "mosquitto".into());
        let child = Command::new(&bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (install mosquitto)"));
        self.child = Some(child);
        assert!(
            wait_for_port(self.port, Duration::from_secs(10)),
            "mosquitto did not listen on {}",
            self.port
        );
    }

    /// Kills the broker (as a crash would).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts it again on the same ports.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// Asks it to re-read its password and ACL files (SIGHUP).
    pub fn reload(&self) {
        if let Some(c) = &self.child {
            let _ = Command::new("kill")
                .arg("-HUP")
                .arg(c.id().to_string())
                .status();
        }
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A private PostgreSQL server (its own cluster in a temporary folder, on a free port) that a
/// test may stop and restart. Needs the PostgreSQL server binaries and, when run as root, the
/// `postgres` system user (PostgreSQL refuses to run as root).
pub struct PrivatePostgres {
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl PrivatePostgres {
    /// Creates and starts a cluster (a few seconds).
    pub fn start() -> Self {
        let bin =
            std::env::var("SCIP_TEST_PG_BIN")
                .map(PathBuf::from)
                .unwrap_or_else(|_| {
                    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .expect("PostgreSQL server binaries under /usr/lib/postgresql (install postgresql)")
                .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
                .filter(|p| p.join("pg_ctl").exists())
                .collect();
                    versions.sort();
                    versions
                        .pop()
                        .expect("pg_ctl under /usr/lib/postgresql/*/bin")
                });
        let dir = tempfile::tempdir().expect("tempdir");
        let pg = Self {
            port: free_port(),
            dir,
            bin,
        };
        let _ = Command::new("chown")
            .arg("-R")
            .arg("postgres:postgres")
            .arg(pg.dir.path())
            .status();
        let data = pg.dir.path().join("data");
        let ok = pg
            .as_postgres(pg.bin.join("initdb"))
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run initdb");
        assert!(ok.success(), "initdb failed in {}", data.display());
        pg.launch();
        pg
    }

    fn as_postgres(&self, program: PathBuf) -> Command {
        // SAFETY of intent: only tests call this; root must drop to the postgres user.
        let is_root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| o.stdout.starts_with(b"0"))
            .unwrap_or(false);
        if is_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn launch(&self) {
        let data = self.dir.path().join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let ok = self
            .as_postgres(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(self.dir.path().join("log"))
            .args(["-w", "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run pg_ctl start");
        assert!(
            ok.success(),
            "pg_ctl start failed; see {}",
            self.dir.path().join("log").display()
        );
    }

    /// URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops it at once, as a crash would (`pg_ctl stop -m immediate`).
    pub fn kill(&self) {
        let _ = self
            .as_postgres(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Starts it again on the same port after [`PrivatePostgres::kill`].
    pub fn start_again(&self) {
        self.launch();
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced_keeping_the_query() {
        assert_eq!(
            replace_db_name("postgres://u@h:5432/postgres?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
        assert_eq!(
            replace_db_name("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
    }
}
