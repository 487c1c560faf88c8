//! The text of Mosquitto's `password_file` and `acl_file` for a set of credentials, stating the
//! same rules as [`crate::acl`], and the `mosquitto.conf` lines that use them.

use std::fmt::Write as _;
use std::path::Path;

use crate::acl::team_topics;
use crate::principal::{Credential, MqttUsername, Principal};
use crate::topics::TopicLayout;

use super::password::hash_password;

const HEADER: &str =
    "# Written by SCIP. Do not edit: SCIP rewrites this file whenever exercises start or stop.\n";

/// A username with its `$7$` password hash and principal, ready for the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedCredential {
    /// The username.
    pub username: MqttUsername,
    /// The `$7$…` hash.
    pub hash: String,
    /// What it may do.
    pub principal: Principal,
}

impl HashedCredential {
    /// Hashes a credential's password with `iterations` PBKDF2 rounds.
    pub fn new(credential: &Credential, iterations: u32) -> Self {
        Self {
            username: credential.username().clone(),
            hash: hash_password(credential.password(), iterations),
            principal: credential.principal().clone(),
        }
    }
}

/// The `password_file`: one `username:$7$…` line per credential, in the given order.
pub fn password_file<'a>(entries: impl IntoIterator<Item = &'a HashedCredential>) -> String {
    let mut text = HEADER.to_owned();
    for e in entries {
        let _ = writeln!(text, "{}:{}", e.username, e.hash);
    }
    text
}

/// The `acl_file`: for each username, the topics [`crate::acl::is_allowed`] grants.
///
/// Engine: `readwrite <prefix>/exercise/#`. Monitor: `read <prefix>/exercise/#`. Team: `read`
/// on its feed and its exercise's timer, control and status, `write` on its receipts and
/// presence. Mosquitto refuses everything not listed, including anonymous clients.
pub fn acl_file<'a>(
    layout: &TopicLayout,
    entries: impl IntoIterator<Item = &'a HashedCredential>,
) -> String {
    let mut text = HEADER.to_owned();
    for e in entries {
        let _ = writeln!(text, "\nuser {}", e.username);
        match &e.principal {
            Principal::Engine => {
                let _ = writeln!(text, "topic readwrite {}", layout.everything_filter());
            }
            Principal::Monitor => {
                let _ = writeln!(text, "topic read {}", layout.everything_filter());
            }
            team @ Principal::Team { .. } => {
                if let Some(topics) = team_topics(layout, team) {
                    for t in &topics.read {
                        let _ = writeln!(text, "topic read {t}");
                    }
                    for t in &topics.write {
                        let _ = writeln!(text, "topic write {t}");
                    }
                }
            }
        }
    }
    text
}

/// The `mosquitto.conf` lines that make Mosquitto use SCIP's files: no anonymous clients,
/// SCIP's password and ACL files, and a pid file so SCIP can ask for a reload.
pub fn conf_snippet(password_file: &Path, acl_file: &Path, pid_file: Option<&Path>) -> String {
    let mut text = String::from(
        "# SCIP: only SCIP's credentials may connect, each to its own topics.\n\
         per_listener_settings false\n\
         allow_anonymous false\n",
    );
    let _ = writeln!(text, "password_file {}", password_file.display());
    let _ = writeln!(text, "acl_file {}", acl_file.display());
    if let Some(pid) = pid_file {
        let _ = writeln!(text, "pid_file {}", pid.display());
    }
    text
}

/// Everything `scip mqtt-config` prints for a fixed set of credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticFiles {
    /// Content of the `password_file`.
    pub password_file: String,
    /// Content of the `acl_file`.
    pub acl_file: String,
}

/// Renders the password and ACL files for `credentials` (hashing each password with
/// `iterations` rounds).
pub fn render_static_files(
    layout: &TopicLayout,
    credentials: &[Credential],
    iterations: u32,
) -> StaticFiles {
    let hashed: Vec<HashedCredential> = credentials
        .iter()
        .map(|c| HashedCredential::new(c, iterations))
        .collect();
    StaticFiles {
        password_file: password_file(&hashed),
        acl_file: acl_file(layout, &hashed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mosquitto::password::verify_password;
    use scip_core::{ExerciseId, TeamId};

    fn creds() -> Vec<Credential> {
        vec![
            Credential::new("scip-engine", "e-pw", Principal::Engine).unwrap(),
            Credential::new("scip-monitor", "m-pw", Principal::Monitor).unwrap(),
            Credential::new(
                "t-ex-1-red",
                "r-pw",
                Principal::Team {
                    exercise: ExerciseId::new("ex-1").unwrap(),
                    team: TeamId::new("red").unwrap(),
                },
            )
            .unwrap(),
        ]
    }

    #[test]
    fn acl_file_states_the_acl_table() {
        let files = render_static_files(&TopicLayout::default(), &creds(), 1);
        let expected = format!(
            "{HEADER}\nuser scip-engine\ntopic readwrite /exercise/#\n\
             \nuser scip-monitor\ntopic read /exercise/#\n\
             \nuser t-ex-1-red\n\
             topic read /exercise/ex-1/team/red/feed\n\
             topic read /exercise/ex-1/timer\n\
             topic read /exercise/ex-1/control\n\
             topic read /exercise/ex-1/status\n\
             topic write /exercise/ex-1/team/red/receipts\n\
             topic write /exercise/ex-1/team/red/presence\n"
        );
        assert_eq!(files.acl_file, expected);
    }

    #[test]
    fn password_file_has_one_verifiable_line_per_user() {
        let files = render_static_files(&TopicLayout::default(), &creds(), 3);
        let lines: Vec<&str> = files
            .password_file
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        assert_eq!(lines.len(), 3);
        let (user, hash) = lines[2].split_once(':').unwrap();
        assert_eq!(user, "t-ex-1-red");
        assert!(verify_password("r-pw", hash));
    }

    #[test]
    fn conf_snippet_names_the_files() {
        let text = conf_snippet(
            Path::new("/etc/mosquitto/scip/passwd"),
            Path::new("/etc/mosquitto/scip/acl"),
            Some(Path::new("/run/mosquitto.pid")),
        );
        assert!(text.contains("allow_anonymous false\n"));
        assert!(text.contains("password_file /etc/mosquitto/scip/passwd\n"));
        assert!(text.contains("acl_file /etc/mosquitto/scip/acl\n"));
        assert!(text.contains("pid_file /run/mosquitto.pid\n"));
    }
}
