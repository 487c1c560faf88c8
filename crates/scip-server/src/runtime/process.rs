//! The process runtime: each team's dashboard is a `scip dashboard --exercise E --team T
//! --port P` child process, supervised here.
//!
//! - The child gets only what the runtime contract names (docs/dashboard-runtimes.md): the
//!   team, the broker and the team's MQTT credentials, the API URL and a dashboard token, its
//!   session key. The environment is cleared first, so it never sees `DATABASE_URL` or
//!   `JWT_SECRET`.
//! - It says it is ready by printing [`READY_LINE`] on stdout, and exits with
//!   [`PORT_TAKEN_EXIT`] when its port is taken (the host then picks another).
//! - Its stdin is a pipe this process holds and never writes: when this process dies, even by
//!   SIGKILL, the pipe closes and the child stops (`--watch-stdin`).
//! - A child that exits is started again on the same port, at most [`MAX_RESTARTS`] times;
//!   then it is reported failed.
//! - Stopping closes its stdin (a clean stop: presence goes offline), and kills it after
//!   [`STOP_GRACE`].

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use scip_store::DashboardHealth;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};

/// The line a dashboard process prints on stdout once it listens.
pub const READY_LINE: &str = "SCIP-DASHBOARD-READY";
/// The exit code of a dashboard process whose port is taken.
pub const PORT_TAKEN_EXIT: i32 = 98;
/// Restarts of a dashboard process that keeps exiting before it counts as failed.
pub const MAX_RESTARTS: u32 = 3;
/// How long a stopping dashboard gets to finish before it is killed.
pub const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long a starting dashboard may take to say it is ready.
pub const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause before a restart, so a dashboard that fails at once does not spin.
const RESTART_PAUSE: Duration = Duration::from_millis(500);

/// How to start one team's dashboard process.
#[derive(Clone)]
pub struct ProcessSpec {
    /// The `scip` executable.
    pub program: PathBuf,
    /// Arguments after the program (`dashboard --exercise … --port …`).
    pub args: Vec<OsString>,
    /// The whole environment of the child (nothing is inherited).
    pub env: Vec<(String, String)>,
    /// The port it listens on.
    pub port: u16,
}

impl std::fmt::Debug for ProcessSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The environment holds secrets; show only the names.
        let names: Vec<&str> = self.env.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("ProcessSpec")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("env", &names)
            .field("port", &self.port)
            .finish()
    }
}

/// Why a dashboard process could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    /// The port was taken when the child tried to listen.
    #[error("port {port} is taken")]
    PortTaken {
        /// The port.
        port: u16,
    },
    /// The program could not be run.
    #[error("cannot run {program}: {reason}")]
    Spawn {
        /// The program.
        program: String,
        /// What the system said.
        reason: String,
    },
    /// It exited, or never said it was ready.
    #[error("the dashboard process did not start: {0}")]
    NotReady(String),
}

/// How a supervised dashboard process is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcessStatus {
    /// Running and ready.
    Running {
        /// Its process id.
        pid: u32,
        /// Restarts so far.
        restarts: u32,
    },
    /// It exited and is being started again.
    Restarting {
        /// Restarts so far, this one included.
        restarts: u32,
        /// How the last one ended.
        last_exit: String,
    },
    /// It kept exiting; it is not started again.
    Failed {
        /// Why.
        reason: String,
    },
    /// Stopped on request.
    Stopped,
}

impl ProcessStatus {
    /// The health to record, with the reason when unhealthy.
    pub fn health(&self) -> (DashboardHealth, Option<String>) {
        match self {
            Self::Running { .. } => (DashboardHealth::Healthy, None),
            Self::Restarting {
                restarts,
                last_exit,
            } => (
                DashboardHealth::Unhealthy,
                Some(format!(
                    "restarting (attempt {restarts} of {MAX_RESTARTS}) after it {last_exit}"
                )),
            ),
            Self::Failed { reason } => (DashboardHealth::Unhealthy, Some(reason.clone())),
            Self::Stopped => (DashboardHealth::Stopped, None),
        }
    }
}

/// A running child and the pipes that belong to it.
struct Running {
    child: Child,
    // Held open, never written: closing it asks the child to stop.
    stdin: Option<ChildStdin>,
    stdout: Lines<BufReader<ChildStdout>>,
}

async fn spawn(spec: &ProcessSpec) -> Result<Running, ProcessError> {
    let mut command = Command::new(&spec.program);
    command
        .args(&spec.args)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| ProcessError::Spawn {
        program: spec.program.display().to_string(),
        reason: e.to_string(),
    })?;
    let stdin = child.stdin.take();
    let Some(stdout) = child.stdout.take() else {
        return Err(ProcessError::NotReady(
            "its output could not be read".into(),
        ));
    };
    let mut running = Running {
        child,
        stdin,
        stdout: BufReader::new(stdout).lines(),
    };
    let ready = tokio::time::timeout(READY_TIMEOUT, async {
        loop {
            tokio::select! {
                line = running.stdout.next_line() => match line {
                    Ok(Some(line)) if line.starts_with(READY_LINE) => return Ok(()),
                    Ok(Some(line)) => debug!(port = spec.port, line, "dashboard process says"),
                    // Output closed: it is exiting; its status says why.
                    Ok(None) | Err(_) => {
                        let status = running.child.wait().await;
                        return Err(exit_error(spec.port, status));
                    }
                },
                status = running.child.wait() => return Err(exit_error(spec.port, status)),
            }
        }
    })
    .await;
    match ready {
        Ok(Ok(())) => Ok(running),
        Ok(Err(e)) => Err(e),
        Err(_) => {
            let _ = running.child.kill().await;
            Err(ProcessError::NotReady(format!(
                "it did not become ready within {READY_TIMEOUT:?}"
            )))
        }
    }
}

fn exit_error(port: u16, status: std::io::Result<std::process::ExitStatus>) -> ProcessError {
    match status {
        Ok(s) if s.code() == Some(PORT_TAKEN_EXIT) => ProcessError::PortTaken { port },
        Ok(s) => ProcessError::NotReady(format!("it exited ({s})")),
        Err(e) => ProcessError::NotReady(e.to_string()),
    }
}

fn describe_exit(status: &std::io::Result<std::process::ExitStatus>) -> String {
    match status {
        Ok(s) => match s.code() {
            Some(code) => format!("exited with code {code}"),
            None => format!("was ended by a signal ({s})"),
        },
        Err(e) => format!("could not be waited for ({e})"),
    }
}

/// A supervised dashboard process.
pub struct ProcessDashboard {
    port: u16,
    pid: Arc<AtomicU32>,
    status: watch::Receiver<ProcessStatus>,
    cancel: CancellationToken,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for ProcessDashboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessDashboard")
            .field("port", &self.port)
            .field("status", &*self.status.borrow())
            .finish()
    }
}

impl ProcessDashboard {
    /// Starts the process and waits until it is ready; then supervises it.
    pub async fn start(spec: ProcessSpec) -> Result<Self, ProcessError> {
        let running = spawn(&spec).await?;
        let pid = Arc::new(AtomicU32::new(running.child.id().unwrap_or(0)));
        let (status_tx, status) = watch::channel(ProcessStatus::Running {
            pid: pid.load(Ordering::Relaxed),
            restarts: 0,
        });
        let cancel = CancellationToken::new();
        let task = tokio::spawn(supervise(
            spec.clone(),
            running,
            pid.clone(),
            status_tx,
            cancel.clone(),
        ));
        info!(
            port = spec.port,
            pid = pid.load(Ordering::Relaxed),
            "dashboard process started"
        );
        Ok(Self {
            port: spec.port,
            pid,
            status,
            cancel,
            task,
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The current child's process id (0 while none runs).
    pub fn pid(&self) -> u32 {
        self.pid.load(Ordering::Relaxed)
    }

    /// How it is doing now.
    pub fn status(&self) -> ProcessStatus {
        self.status.borrow().clone()
    }

    /// Changes of its status.
    pub fn watch(&self) -> watch::Receiver<ProcessStatus> {
        self.status.clone()
    }

    /// Stops it: stdin closed, then killed after [`STOP_GRACE`].
    pub async fn stop(self) {
        self.cancel.cancel();
        if let Err(e) = self.task.await {
            warn!(port = self.port, error = %e, "dashboard supervisor failed");
        }
    }
}

async fn stop_child(mut running: Running, port: u16) {
    drop(running.stdin.take());
    match tokio::time::timeout(STOP_GRACE, running.child.wait()).await {
        Ok(_) => debug!(port, "dashboard process stopped"),
        Err(_) => {
            warn!(
                port,
                "dashboard process did not stop within {STOP_GRACE:?}; killing it"
            );
            let _ = running.child.kill().await;
        }
    }
}

async fn supervise(
    spec: ProcessSpec,
    mut running: Running,
    pid: Arc<AtomicU32>,
    status: watch::Sender<ProcessStatus>,
    cancel: CancellationToken,
) {
    let mut restarts = 0;
    loop {
        // Wait for the child to exit (draining its output) or for a stop.
        let exit = loop {
            tokio::select! {
                _ = cancel.cancelled() => {
                    stop_child(running, spec.port).await;
                    pid.store(0, Ordering::Relaxed);
                    status.send_replace(ProcessStatus::Stopped);
                    return;
                }
                exit = running.child.wait() => break exit,
                line = running.stdout.next_line() => if let Ok(Some(line)) = line {
                    debug!(port = spec.port, line, "dashboard process says");
                },
            }
        };
        pid.store(0, Ordering::Relaxed);
        let last_exit = describe_exit(&exit);
        if restarts >= MAX_RESTARTS {
            warn!(
                port = spec.port,
                last_exit, "dashboard process keeps exiting; giving up"
            );
            status.send_replace(ProcessStatus::Failed {
                reason: format!(
                    "it exited {} times; last time it {last_exit}",
                    MAX_RESTARTS + 1
                ),
            });
            return;
        }
        restarts += 1;
        warn!(
            port = spec.port,
            last_exit, restarts, "dashboard process exited; starting it again"
        );
        status.send_replace(ProcessStatus::Restarting {
            restarts,
            last_exit,
        });
        tokio::select! {
            _ = cancel.cancelled() => {
                status.send_replace(ProcessStatus::Stopped);
                return;
            }
            _ = tokio::time::sleep(RESTART_PAUSE) => {}
        }
        running = loop {
            match spawn(&spec).await {
                Ok(r) => break r,
                Err(e) if restarts < MAX_RESTARTS => {
                    restarts += 1;
                    warn!(port = spec.port, error = %e, restarts, "dashboard process did not come back; trying again");
                    status.send_replace(ProcessStatus::Restarting {
                        restarts,
                        last_exit: e.to_string(),
                    });
                }
                Err(e) => {
                    status.send_replace(ProcessStatus::Failed {
                        reason: format!("it could not be restarted: {e}"),
                    });
                    return;
                }
            }
        };
        let child_pid = running.child.id().unwrap_or(0);
        pid.store(child_pid, Ordering::Relaxed);
        status.send_replace(ProcessStatus::Running {
            pid: child_pid,
            restarts,
        });
        info!(
            port = spec.port,
            pid = child_pid,
            restarts,
            "dashboard process running again"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_recorded_health() {
        assert_eq!(
            ProcessStatus::Running {
                pid: 1,
                restarts: 0
            }
            .health(),
            (DashboardHealth::Healthy, None)
        );
        let (health, detail) = ProcessStatus::Restarting {
            restarts: 2,
            last_exit: "was ended by a signal".into(),
        }
        .health();
        assert_eq!(health, DashboardHealth::Unhealthy);
        assert!(detail.unwrap().contains("attempt 2 of 3"));
        assert_eq!(ProcessStatus::Stopped.health().0, DashboardHealth::Stopped);
    }

    #[test]
    fn debug_output_hides_the_environment_values() {
        let spec = ProcessSpec {
            program: "scip".into(),
            args: vec![],
            env: vec![("MQTT_PASSWORD".into(), "hunter2".into())],
            port: 3100,
        };
        let text = format!("{spec:?}");
        assert!(
            text.contains("MQTT_PASSWORD") && !text.contains("hunter2"),
            "{text}"
        );
    }
}
