//! The typed model: services, networks, volumes, Swarm configs and secrets. Every struct
//! rejects unknown keys, so a misspelt key fails to load instead of being ignored.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_norway::Value;

/// `command`, `entrypoint` and health check tests: a string or a list of words.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Command {
    /// Shell-like string (Compose splits it into words; health checks run it as one).
    Text(String),
    /// Exec form.
    Words(Vec<String>),
}

impl Command {
    /// The command as words (a string is split on whitespace).
    pub fn words(&self) -> Vec<String> {
        match self {
            Command::Text(text) => text.split_whitespace().map(str::to_owned).collect(),
            Command::Words(words) => words.clone(),
        }
    }
}

/// `build:` of a service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Build {
    /// Build context, relative to the compose file.
    pub context: String,
    /// Dockerfile, relative to the context.
    pub dockerfile: Option<String>,
    /// Stage to build.
    pub target: Option<String>,
}

/// A `ports:` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Port {
    /// `"HOST:CONTAINER"` short syntax.
    Short(String),
    /// Long syntax (Swarm).
    Long {
        /// Container port.
        target: u16,
        /// Published port (may be an interpolated string).
        published: Option<Value>,
        /// `tcp` or `udp`.
        protocol: Option<String>,
        /// `ingress` or `host`.
        mode: Option<String>,
    },
}

/// `healthcheck:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Healthcheck {
    /// `["CMD", ...]`, `["CMD-SHELL", "..."]` or `["NONE"]`.
    pub test: Command,
    /// Time between checks.
    pub interval: Option<String>,
    /// Time one check may take.
    pub timeout: Option<String>,
    /// Failures before unhealthy.
    pub retries: Option<u32>,
    /// Grace period at start.
    pub start_period: Option<String>,
}

/// One `depends_on` entry in long form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// `service_started`, `service_healthy` or `service_completed_successfully`.
    pub condition: String,
}

/// `depends_on:` in either form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum DependsOn {
    /// Names only (started, not necessarily healthy).
    Names(Vec<String>),
    /// Name to condition.
    Conditions(BTreeMap<String, Dependency>),
}

impl DependsOn {
    /// Each dependency with its condition (`service_started` for the short form).
    pub fn conditions(&self) -> BTreeMap<String, String> {
        match self {
            DependsOn::Names(names) => names
                .iter()
                .map(|n| (n.clone(), "service_started".to_owned()))
                .collect(),
            DependsOn::Conditions(map) => map
                .iter()
                .map(|(n, d)| (n.clone(), d.condition.clone()))
                .collect(),
        }
    }
}

/// `networks:` of a service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ServiceNetworks {
    /// Names only.
    Names(Vec<String>),
    /// Name to settings.
    Settings(BTreeMap<String, Option<Value>>),
}

impl ServiceNetworks {
    /// The network names.
    pub fn names(&self) -> Vec<String> {
        match self {
            ServiceNetworks::Names(names) => names.clone(),
            ServiceNetworks::Settings(map) => map.keys().cloned().collect(),
        }
    }
}

/// `logging:`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logging {
    /// Log driver.
    pub driver: String,
    /// Driver options.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

/// CPU and memory of `deploy.resources.limits` / `reservations`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    /// CPUs, as a string such as "2.0".
    pub cpus: Option<String>,
    /// Memory such as "2G".
    pub memory: Option<String>,
}

/// `deploy.resources`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceSettings {
    /// Hard limits.
    pub limits: Option<Resources>,
    /// Guaranteed share.
    pub reservations: Option<Resources>,
}

/// `deploy.update_config`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateConfig {
    /// Tasks updated at once.
    pub parallelism: Option<u32>,
    /// Pause between batches.
    pub delay: Option<String>,
    /// `stop-first` or `start-first`.
    pub order: Option<String>,
    /// `pause`, `continue` or `rollback`.
    pub failure_action: Option<String>,
}

/// `deploy.restart_policy`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestartPolicy {
    /// `none`, `on-failure` or `any`.
    pub condition: String,
    /// Wait before restarting.
    pub delay: Option<String>,
    /// Attempts before giving up.
    pub max_attempts: Option<u32>,
}

/// `deploy.placement`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Placement {
    /// Node constraints.
    #[serde(default)]
    pub constraints: Vec<String>,
}

/// `deploy:` (Swarm, and resource limits under Compose).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deploy {
    /// Number of tasks.
    pub replicas: Option<u32>,
    /// Rolling updates.
    pub update_config: Option<UpdateConfig>,
    /// Restarts.
    pub restart_policy: Option<RestartPolicy>,
    /// CPU and memory.
    pub resources: Option<ResourceSettings>,
    /// Where tasks may run.
    pub placement: Option<Placement>,
}

/// A Swarm `configs:`/`secrets:` reference of a service.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileReference {
    /// Top-level config or secret name.
    pub source: String,
    /// Path in the container.
    pub target: String,
    /// File mode.
    pub mode: Option<u32>,
}

/// One service.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Image to run (and the tag a build gets).
    pub image: Option<String>,
    /// How to build the image.
    pub build: Option<Build>,
    /// Fixed container name.
    pub container_name: Option<String>,
    /// Arguments given to the entry point.
    pub command: Option<Command>,
    /// Entry point.
    pub entrypoint: Option<Command>,
    /// Run an init process as PID 1.
    pub init: Option<bool>,
    /// Environment, normalised to a map (a `- KEY=value` list is converted on load).
    #[serde(default)]
    pub environment: BTreeMap<String, Option<String>>,
    /// Volumes in short syntax.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// Published ports.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Health check.
    pub healthcheck: Option<Healthcheck>,
    /// Start order.
    pub depends_on: Option<DependsOn>,
    /// Networks joined.
    pub networks: Option<ServiceNetworks>,
    /// Restart policy (Compose).
    pub restart: Option<String>,
    /// Logging.
    pub logging: Option<Logging>,
    /// Profiles that enable the service.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Swarm settings and resource limits.
    pub deploy: Option<Deploy>,
    /// Swarm configs.
    #[serde(default)]
    pub configs: Vec<FileReference>,
    /// Swarm secrets.
    #[serde(default)]
    pub secrets: Vec<FileReference>,
    /// Extra groups of the container's user.
    #[serde(default)]
    pub group_add: Vec<Value>,
}

impl Service {
    /// The ports in short syntax (`HOST:CONTAINER`); long-form entries as `published:target`.
    pub fn port_strings(&self) -> Vec<String> {
        self.ports
            .iter()
            .map(|p| match p {
                Port::Short(s) => s.clone(),
                Port::Long {
                    target, published, ..
                } => {
                    let published = match published {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        _ => String::new(),
                    };
                    format!("{published}:{target}")
                }
            })
            .collect()
    }

    /// Network names joined.
    pub fn network_names(&self) -> Vec<String> {
        self.networks
            .as_ref()
            .map(ServiceNetworks::names)
            .unwrap_or_default()
    }

    /// The volume sources that are named volumes (not bind mounts of paths).
    pub fn named_volumes(&self) -> Vec<String> {
        self.volumes
            .iter()
            .filter_map(|v| v.split(':').next())
            .filter(|source| !source.starts_with('.') && !source.starts_with('/'))
            .map(str::to_owned)
            .collect()
    }

    /// The environment value of `name`, if set.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.environment.get(name).and_then(|v| v.as_deref())
    }
}

/// IPAM pool.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IpamPool {
    /// CIDR.
    pub subnet: String,
}

/// IPAM settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ipam {
    /// Address pools.
    pub config: Vec<IpamPool>,
}

/// A top-level network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Name on the Docker host (instead of `<project>_<key>`).
    pub name: Option<String>,
    /// `bridge` or `overlay`.
    pub driver: Option<String>,
    /// No route to the outside.
    pub internal: Option<bool>,
    /// Standalone containers may join (Swarm overlay).
    pub attachable: Option<bool>,
    /// Address pools.
    pub ipam: Option<Ipam>,
}

/// A top-level volume.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Volume driver.
    pub driver: Option<String>,
    /// Driver options (NFS mounts).
    #[serde(default)]
    pub driver_opts: BTreeMap<String, String>,
}

/// A top-level Swarm config or secret.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSource {
    /// File on the deploying machine, relative to the stack file.
    pub file: String,
}

/// A whole Compose or stack file.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComposeFile {
    /// Project name.
    pub name: Option<String>,
    /// File format version (stack files only; Compose v2 ignores it).
    pub version: Option<String>,
    /// Services by name.
    #[serde(default)]
    pub services: BTreeMap<String, Service>,
    /// Networks by key.
    #[serde(default)]
    pub networks: BTreeMap<String, Option<Network>>,
    /// Volumes by key.
    #[serde(default)]
    pub volumes: BTreeMap<String, Option<Volume>>,
    /// Swarm configs.
    #[serde(default)]
    pub configs: BTreeMap<String, FileSource>,
    /// Swarm secrets.
    #[serde(default)]
    pub secrets: BTreeMap<String, FileSource>,
}

impl ComposeFile {
    /// The service `name`; panics in tests with a clear message are the caller's choice.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.get(name)
    }
}
