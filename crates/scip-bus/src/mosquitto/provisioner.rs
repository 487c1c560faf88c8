//! Keeps a running Mosquitto's `password_file` and `acl_file` in step with the credentials of
//! the exercises that exist, and asks Mosquitto to reload them (SIGHUP).
//!
//! Every change rewrites both files whole (each through a temporary file and a rename, so
//! Mosquitto never reads half a file) and then reloads. Mosquitto 2 re-reads both files on
//! SIGHUP and disconnects clients whose credentials are gone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scip_core::ExerciseId;
use tokio::sync::Mutex;
use tracing::info;

use super::files::{HashedCredential, acl_file, password_file};
use super::password::DEFAULT_ITERATIONS;
use crate::error::BusError;
use crate::principal::{Credential, MqttUsername, Principal};
use crate::topics::TopicLayout;

/// How to make Mosquitto re-read its files after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReloadMethod {
    /// Send SIGHUP to the process whose id is in this file (Mosquitto's `pid_file`).
    PidFile(PathBuf),
    /// Send SIGHUP to this process id.
    Pid(u32),
    /// Run this command (program and arguments), e.g.
    /// `["docker", "kill", "--signal=HUP", "mosquitto"]` when Mosquitto runs in a container.
    Command(Vec<String>),
    /// Only write the files; the operator reloads Mosquitto.
    Manual,
}

/// Where the files are and how to reload.
#[derive(Debug, Clone)]
pub struct ProvisionerConfig {
    /// Mosquitto's `password_file`.
    pub password_file: PathBuf,
    /// Mosquitto's `acl_file`.
    pub acl_file: PathBuf,
    /// How to reload Mosquitto after a change.
    pub reload: ReloadMethod,
    /// Topic layout the ACL protects.
    pub layout: TopicLayout,
    /// PBKDF2 rounds for new password hashes.
    pub iterations: u32,
}

impl ProvisionerConfig {
    /// Files `passwd` and `acl` in `dir`, reloading through `reload`, default layout.
    pub fn in_dir(dir: &Path, reload: ReloadMethod) -> Self {
        Self {
            password_file: dir.join("passwd"),
            acl_file: dir.join("acl"),
            reload,
            layout: TopicLayout::default(),
            iterations: DEFAULT_ITERATIONS,
        }
    }
}

/// Gives a running Mosquitto the same per-team isolation as the embedded broker.
pub struct MosquittoProvisioner {
    config: ProvisionerConfig,
    entries: Mutex<BTreeMap<MqttUsername, HashedCredential>>,
}

impl MosquittoProvisioner {
    /// A provisioner with no credentials yet (call [`Self::replace_all`] at start-up).
    pub fn new(config: ProvisionerConfig) -> Self {
        Self {
            config,
            entries: Mutex::new(BTreeMap::new()),
        }
    }

    /// Adds or replaces credentials, rewrites the files and reloads Mosquitto.
    pub async fn put(&self, credentials: Vec<Credential>) -> Result<(), BusError> {
        let hashed = self.hash(credentials).await?;
        let mut entries = self.entries.lock().await;
        for h in hashed {
            entries.insert(h.username.clone(), h);
        }
        self.publish(&entries).await
    }

    /// Makes the credentials exactly `credentials` (at start-up, from the database), rewrites
    /// the files and reloads Mosquitto.
    pub async fn replace_all(&self, credentials: Vec<Credential>) -> Result<(), BusError> {
        let hashed = self.hash(credentials).await?;
        let mut entries = self.entries.lock().await;
        *entries = hashed
            .into_iter()
            .map(|h| (h.username.clone(), h))
            .collect();
        self.publish(&entries).await
    }

    /// Removes usernames; returns how many existed. Rewrites and reloads when any did.
    pub async fn remove(&self, usernames: &[MqttUsername]) -> Result<usize, BusError> {
        let mut entries = self.entries.lock().await;
        let removed = usernames
            .iter()
            .filter(|u| entries.remove(*u).is_some())
            .count();
        if removed > 0 {
            self.publish(&entries).await?;
        }
        Ok(removed)
    }

    /// Removes every team credential of an exercise (when it stops); returns how many.
    pub async fn remove_exercise(&self, exercise: &ExerciseId) -> Result<usize, BusError> {
        let mut entries = self.entries.lock().await;
        let before = entries.len();
        entries.retain(
            |_, e| !matches!(&e.principal, Principal::Team { exercise: ex, .. } if ex == exercise),
        );
        let removed = before - entries.len();
        if removed > 0 {
            self.publish(&entries).await?;
        }
        Ok(removed)
    }

    /// The usernames currently provisioned.
    pub async fn usernames(&self) -> Vec<MqttUsername> {
        self.entries.lock().await.keys().cloned().collect()
    }

    async fn hash(&self, credentials: Vec<Credential>) -> Result<Vec<HashedCredential>, BusError> {
        let iterations = self.config.iterations;
        // PBKDF2 is deliberately slow; keep it off the async worker threads.
        tokio::task::spawn_blocking(move || {
            credentials
                .iter()
                .map(|c| HashedCredential::new(c, iterations))
                .collect()
        })
        .await
        .map_err(|e| BusError::Reload(format!("password hashing failed: {e}")))
    }

    async fn publish(
        &self,
        entries: &BTreeMap<MqttUsername, HashedCredential>,
    ) -> Result<(), BusError> {
        write_atomically(&self.config.password_file, password_file(entries.values())).await?;
        write_atomically(
            &self.config.acl_file,
            acl_file(&self.config.layout, entries.values()),
        )
        .await?;
        reload(&self.config.reload).await?;
        info!(
            users = entries.len(),
            password_file = %self.config.password_file.display(),
            "Mosquitto credentials updated"
        );
        Ok(())
    }
}

/// Replaces `path` with `contents` through a temporary file in the same folder, keeping the
/// permissions of the file it replaces (the operator chose them so Mosquitto can read it).
async fn write_atomically(path: &Path, contents: String) -> Result<(), BusError> {
    let io = |action, path: &Path| {
        let path = path.to_owned();
        move |source| BusError::Io {
            action,
            path,
            source,
        }
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "mosquitto".into());
    let tmp = path.with_file_name(format!(".{name}.scip-new"));
    tokio::fs::write(&tmp, contents)
        .await
        .map_err(io("write", &tmp))?;
    if let Ok(existing) = tokio::fs::metadata(path).await {
        tokio::fs::set_permissions(&tmp, existing.permissions())
            .await
            .map_err(io("set permissions of", &tmp))?;
    }
    tokio::fs::rename(&tmp, path)
        .await
        .map_err(io("replace", path))
}

async fn reload(method: &ReloadMethod) -> Result<(), BusError> {
    match method {
        ReloadMethod::Manual => Ok(()),
        ReloadMethod::Pid(pid) => send_sighup(*pid).await,
        ReloadMethod::PidFile(file) => {
            let text = tokio::fs::read_to_string(file).await.map_err(|e| {
                BusError::Reload(format!("cannot read pid file {}: {e}", file.display()))
            })?;
            let pid = parse_pid(&text).ok_or_else(|| {
                BusError::Reload(format!(
                    "pid file {} does not hold a process id: {:?}",
                    file.display(),
                    text.trim()
                ))
            })?;
            send_sighup(pid).await
        }
        ReloadMethod::Command(argv) => run(argv).await,
    }
}

/// A process id from a pid file; ids 0 and 1 are refused (0 would signal our own process
/// group, 1 is init).
fn parse_pid(text: &str) -> Option<u32> {
    text.trim().parse::<u32>().ok().filter(|pid| *pid > 1)
}

async fn send_sighup(pid: u32) -> Result<(), BusError> {
    if pid <= 1 {
        return Err(BusError::Reload(format!(
            "refusing to signal process {pid}"
        )));
    }
    run(&["kill".to_owned(), "-HUP".to_owned(), pid.to_string()]).await
}

async fn run(argv: &[String]) -> Result<(), BusError> {
    let (program, args) = argv
        .split_first()
        .ok_or_else(|| BusError::Reload("the reload command is empty".into()))?;
    let output = tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| BusError::Reload(format!("cannot run {program}: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BusError::Reload(format!(
            "`{}` failed ({}): {}",
            argv.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::TeamId;

    fn team(user: &str, ex: &str, t: &str) -> Credential {
        Credential::new(
            user,
            "pw",
            Principal::Team {
                exercise: ExerciseId::new(ex).unwrap(),
                team: TeamId::new(t).unwrap(),
            },
        )
        .unwrap()
    }

    #[test]
    fn pid_files_are_read_strictly() {
        assert_eq!(parse_pid("1234\n"), Some(1234));
        assert_eq!(parse_pid(" 99 "), Some(99));
        for bad in ["", "0", "1", "-5", "12ab", "99999999999"] {
            assert_eq!(parse_pid(bad), None, "{bad:?}");
        }
    }

    #[tokio::test]
    async fn changes_rewrite_both_files_and_keep_their_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = ProvisionerConfig {
            iterations: 1,
            ..ProvisionerConfig::in_dir(dir.path(), ReloadMethod::Manual)
        };
        std::fs::write(&config.password_file, "").unwrap();
        std::fs::set_permissions(
            &config.password_file,
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
        let p = MosquittoProvisioner::new(config.clone());
        p.put(vec![team("a", "ex-1", "red"), team("b", "ex-2", "red")])
            .await
            .unwrap();
        let passwd = std::fs::read_to_string(&config.password_file).unwrap();
        assert!(
            passwd.contains("\na:$7$1$") && passwd.contains("\nb:$7$1$"),
            "{passwd}"
        );
        let mode = std::fs::metadata(&config.password_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);

        assert_eq!(
            p.remove_exercise(&ExerciseId::new("ex-1").unwrap())
                .await
                .unwrap(),
            1
        );
        let acl = std::fs::read_to_string(&config.acl_file).unwrap();
        assert!(
            !acl.contains("user a\n") && acl.contains("user b\n"),
            "{acl}"
        );
        assert_eq!(p.usernames().await, vec![MqttUsername::new("b").unwrap()]);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".scip-new"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[tokio::test]
    async fn a_failing_reload_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("mosquitto.pid");
        let p = MosquittoProvisioner::new(ProvisionerConfig {
            iterations: 1,
            ..ProvisionerConfig::in_dir(dir.path(), ReloadMethod::PidFile(missing))
        });
        let err = p
            .put(vec![team("a", "ex-1", "red")])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("mosquitto.pid"), "{err}");

        let p = MosquittoProvisioner::new(ProvisionerConfig {
            iterations: 1,
            ..ProvisionerConfig::in_dir(dir.path(), ReloadMethod::Command(vec!["false".into()]))
        });
        let err = p
            .put(vec![team("a", "ex-1", "red")])
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("`false` failed"), "{err}");
    }
}
