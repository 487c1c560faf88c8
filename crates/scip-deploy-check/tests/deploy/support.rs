//! Shared paths, loaders, the seed's expectations and external tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use scip_deploy_check::compose::{self, ComposeFile, Service};
use scip_deploy_check::interpolate;

pub fn deploy(path: &str) -> PathBuf {
    scip_deploy_check::deploy_dir().join(path)
}

pub fn repo(path: &str) -> PathBuf {
    scip_deploy_check::repository_root().join(path)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn base() -> ComposeFile {
    compose::load(&deploy("docker-compose.yml")).unwrap()
}

pub fn layered(overrides: &[&str]) -> ComposeFile {
    let paths: Vec<PathBuf> = overrides.iter().map(|o| deploy(o)).collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    compose::load_layered(&deploy("docker-compose.yml"), &refs).unwrap()
}

pub fn stack() -> ComposeFile {
    compose::load(&deploy("docker-stack.yml")).unwrap()
}

pub fn service<'a>(file: &'a ComposeFile, name: &str) -> &'a Service {
    file.service(name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

/// A value with every `${VAR:-default}` replaced by its default.
pub fn defaults(text: &str) -> String {
    interpolate::with_defaults(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// Every file the compose and stack files are made of.
pub const COMPOSE_FILES: &[&str] = &[
    "docker-compose.yml",
    "docker-compose.dev.yml",
    "docker-compose.prod.yml",
    "docker-compose.docker-runtime.yml",
    "docker-stack.yml",
];

/// The services of the seed's docker-compose.yml, with their images where the seed pulls one.
pub const SEED_SERVICES: &[(&str, Option<&str>)] = &[
    ("postgres", Some("postgres:15-alpine")),
    ("redis", Some("redis:7-alpine")),
    ("mqtt", Some("eclipse-mosquitto:2.0")),
    ("api", None),
    ("orchestration", None),
    ("client-dashboard", None),
    ("nginx", None),
];

/// The seed's container names.
pub const SEED_CONTAINER_NAMES: &[(&str, &str)] = &[
    ("postgres", "scip-postgres"),
    ("redis", "scip-redis"),
    ("mqtt", "scip-mqtt"),
    ("api", "scip-api"),
    ("orchestration", "scip-orchestration"),
    ("client-dashboard", "scip-client-dashboard"),
    ("nginx", "scip-nginx"),
];

/// The seed's published ports (host side with defaults applied : container side).
pub const SEED_PORTS: &[(&str, &[&str])] = &[
    ("postgres", &["5432:5432"]),
    ("redis", &["6379:6379"]),
    ("mqtt", &["1883:1883", "9001:9001"]),
    ("api", &["8000:8000"]),
    ("orchestration", &["8001:8001"]),
    ("client-dashboard", &["3000:3000"]),
    ("nginx", &["80:80", "443:443"]),
];

/// The seed's named volumes, less its Python caches, plus ours.
pub const NAMED_VOLUMES: &[&str] = &[
    "postgres_data",
    "redis_data",
    "mqtt_data",
    "mqtt_logs",
    "media_files",
    "scip_data",
    "mqtt_auth",
];

/// The SCIP services: the `scip` image in its roles.
pub const SCIP_ROLES: &[(&str, &str, &str)] = &[
    ("api", "api", "8000"),
    ("orchestration", "orchestrator", "8001"),
    ("client-dashboard", "portal", "3000"),
];

/// Environment every SCIP role receives (the seed's names and the product's).
pub const SCIP_ENVIRONMENT: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "MQTT_HOST",
    "MQTT_PORT",
    "MQTT_WS_PORT",
    "MQTT_USER",
    "MQTT_PASSWORD",
    "JWT_SECRET",
    "APP_ENV",
    "MEDIA_PATH",
    "API_PORT",
    "ORCHESTRATION_PORT",
    "CLIENT_PORT",
    "LOG_LEVEL",
    "DASHBOARD_RUNTIME",
    "DASHBOARD_PORT_RANGE",
    "DASHBOARD_IMAGE",
    "DOCKER_NETWORK",
    "PUBLIC_HOST",
    "SCIP_DATA",
    "MOSQUITTO_PASSWORD_FILE",
    "MOSQUITTO_ACL_FILE",
];

/// Path of an external tool, or a failure naming how to install it (tests never skip).
pub fn tool(name: &str, install: &str) -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    candidates
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is not installed: {install} (scripts/test.sh does it)"))
}

/// Runs a command and returns (success, stdout + stderr).
pub fn run(command: &mut Command) -> (bool, String) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}
