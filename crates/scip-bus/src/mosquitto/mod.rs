//! Mosquitto for the external-broker mode: SCIP writes Mosquitto's `password_file` and
//! `acl_file` (same rules as the embedded broker) and reloads it with SIGHUP as exercises come
//! and go. See docs/mqtt.md for the choice and the operator's `mosquitto.conf`.
//!
//! - [`password`]: `$7$` PBKDF2-SHA512 hashes, as `mosquitto_passwd` writes them.
//! - [`files`]: the files' text for a set of credentials, and the `mosquitto.conf` lines.
//! - [`provisioner`]: keeps the files of a running Mosquitto current and reloads it.

pub mod files;
pub mod password;
pub mod provisioner;

pub use files::{HashedCredential, StaticFiles, conf_snippet, render_static_files};
pub use password::{DEFAULT_ITERATIONS, hash_password, verify_password};
pub use provisioner::{MosquittoProvisioner, ProvisionerConfig, ReloadMethod};
