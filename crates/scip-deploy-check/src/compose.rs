//! A typed model of the Compose and Swarm stack files we ship, and Compose's rules for layering
//! an override file over a base file.
//!
//! Loading parses the YAML, applies merge keys (`<<: *anchor`), drops top-level `x-` extension
//! fields and then deserialises into structs that reject unknown keys: a misspelt key such as
//! `depend_on` is an error instead of a silently ignored setting. The model covers the keys our
//! files use; a new key needs a field here.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_norway::Value;
use thiserror::Error;

/// A Compose or stack file that cannot be loaded.
#[derive(Debug, Error)]
pub enum ComposeError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not YAML, a merge key that cannot be applied, or a key the model does not know.
    #[error("{path}: {source}")]
    Yaml {
        /// The file.
        path: String,
        /// What the YAML library reported.
        source: serde_norway::Error,
    },
    /// A `!tag` other than Compose's `!reset` and `!override`.
    #[error("unsupported YAML tag {0}")]
    UnsupportedTag(String),
}

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

/// Reads a file into a merge-applied YAML value (tags kept for [`merge`]).
pub fn read_value(path: &Path) -> Result<Value, ComposeError> {
    let text = std::fs::read_to_string(path).map_err(|source| ComposeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_value(&text).map_err(|source| ComposeError::Yaml {
        path: path.display().to_string(),
        source,
    })
}

/// Parses YAML text, applies merge keys and drops top-level `x-` extension fields.
pub fn parse_value(text: &str) -> Result<Value, serde_norway::Error> {
    let mut value: Value = serde_norway::from_str(text)?;
    value.apply_merge()?;
    if let Value::Mapping(map) = &mut value {
        map.retain(|key, _| !key.as_str().is_some_and(|k| k.starts_with("x-")));
    }
    Ok(value)
}

/// Whether any `!tag` is left in the value (base files must have none).
pub fn has_tags(value: &Value) -> bool {
    match value {
        Value::Tagged(_) => true,
        Value::Sequence(items) => items.iter().any(has_tags),
        Value::Mapping(map) => map.values().any(has_tags),
        _ => false,
    }
}

/// Turns a `- KEY=value` environment list into a map, as Compose does before merging.
fn normalise_environment(value: &mut Value) {
    let Value::Mapping(file) = value else { return };
    let Some(Value::Mapping(services)) = file.get_mut("services") else {
        return;
    };
    for (_, service) in services.iter_mut() {
        let Some(Value::Sequence(list)) = service.get("environment").cloned() else {
            continue;
        };
        let mut map = serde_norway::Mapping::new();
        for item in list {
            if let Value::String(entry) = item {
                let (key, val) = match entry.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Value::String(v.to_owned())),
                    None => (entry, Value::Null),
                };
                map.insert(Value::String(key), val);
            }
        }
        if let Value::Mapping(service) = service {
            service.insert(Value::String("environment".into()), Value::Mapping(map));
        }
    }
}

/// Converts scalar environment values (numbers, booleans) to strings, as Compose does.
fn stringify_environment(value: &mut Value) {
    let Some(Value::Mapping(services)) = value.get_mut("services") else {
        return;
    };
    for (_, service) in services.iter_mut() {
        if let Some(Value::Mapping(env)) = service.get_mut("environment") {
            for (_, v) in env.iter_mut() {
                let text = match v {
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                if let Some(text) = text {
                    *v = Value::String(text);
                }
            }
        }
    }
}

/// Keys whose sequences an override replaces instead of extending.
const REPLACED_SEQUENCES: &[&str] = &["command", "entrypoint", "test"];

/// Layers `overlay` over `base` with Compose's rules: mappings merge key by key, most
/// sequences are appended (without repeating an equal item), `command`, `entrypoint` and
/// health check `test` are replaced, `!override` replaces and `!reset` removes.
pub fn merge(base: &Value, overlay: &Value) -> Result<Value, ComposeError> {
    let mut base = base.clone();
    let mut overlay = overlay.clone();
    normalise_environment(&mut base);
    normalise_environment(&mut overlay);
    let mut merged = merge_values(None, base, overlay)?;
    strip_tags(&mut merged)?;
    Ok(merged)
}

fn merge_values(key: Option<&str>, base: Value, overlay: Value) -> Result<Value, ComposeError> {
    match (base, overlay) {
        (_, Value::Tagged(tagged)) => {
            let tag = tagged.tag.to_string();
            match tag.as_str() {
                "!override" => Ok(tagged.value),
                "!reset" => Ok(Value::Null),
                _ => Err(ComposeError::UnsupportedTag(tag)),
            }
        }
        (Value::Mapping(mut base), Value::Mapping(overlay)) => {
            for (k, v) in overlay {
                let is_reset = matches!(&v, Value::Tagged(t) if t.tag == "reset");
                if is_reset {
                    base.remove(&k);
                    continue;
                }
                let merged = match base.remove(&k) {
                    Some(existing) => merge_values(k.as_str(), existing, v)?,
                    None => v,
                };
                base.insert(k, merged);
            }
            Ok(Value::Mapping(base))
        }
        (Value::Sequence(mut base), Value::Sequence(overlay))
            if !key.is_some_and(|k| REPLACED_SEQUENCES.contains(&k)) =>
        {
            for item in overlay {
                if !base.contains(&item) {
                    base.push(item);
                }
            }
            Ok(Value::Sequence(base))
        }
        (_, overlay) => Ok(overlay),
    }
}

/// Resolves tags left in a value that had no base to merge with.
fn strip_tags(value: &mut Value) -> Result<(), ComposeError> {
    match value {
        Value::Tagged(tagged) => {
            let tag = tagged.tag.to_string();
            let inner = match tag.as_str() {
                "!override" => std::mem::take(&mut tagged.value),
                "!reset" => Value::Null,
                _ => return Err(ComposeError::UnsupportedTag(tag)),
            };
            *value = inner;
            strip_tags(value)
        }
        Value::Sequence(items) => items.iter_mut().try_for_each(strip_tags),
        Value::Mapping(map) => {
            let reset: Vec<Value> = map
                .iter()
                .filter(|(_, v)| matches!(v, Value::Tagged(t) if t.tag == "reset"))
                .map(|(k, _)| k.clone())
                .collect();
            for key in reset {
                map.remove(&key);
            }
            map.values_mut().try_for_each(strip_tags)
        }
        _ => Ok(()),
    }
}

/// Deserialises a (merged) value into the model.
pub fn from_value(mut value: Value) -> Result<ComposeFile, serde_norway::Error> {
    normalise_environment(&mut value);
    stringify_environment(&mut value);
    serde_norway::from_value(value)
}

/// Loads one file into the model.
pub fn load(path: &Path) -> Result<ComposeFile, ComposeError> {
    let value = read_value(path)?;
    if has_tags(&value) {
        return Err(ComposeError::UnsupportedTag(format!(
            "in {}: a base file cannot use !reset/!override",
            path.display()
        )));
    }
    from_value(value).map_err(|source| ComposeError::Yaml {
        path: path.display().to_string(),
        source,
    })
}

/// Loads a base file with override files layered over it, in order, as
/// `docker compose -f base -f override...` does.
pub fn load_layered(base: &Path, overrides: &[&Path]) -> Result<ComposeFile, ComposeError> {
    let mut merged = read_value(base)?;
    for path in overrides {
        let overlay = read_value(path)?;
        merged = merge(&merged, &overlay)?;
    }
    let described = overrides
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    from_value(merged).map_err(|source| ComposeError::Yaml {
        path: format!("{} + {described}", base.display()),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        parse_value(text).unwrap()
    }

    #[test]
    fn merge_keys_and_extension_fields_are_resolved() {
        let file = from_value(value(
            "x-env: &env\n  A: '1'\n  B: two\nservices:\n  s:\n    image: i:1\n    environment:\n      <<: *env\n      B: three\n",
        ))
        .unwrap();
        let s = file.service("s").unwrap();
        assert_eq!(s.env("A"), Some("1"));
        assert_eq!(s.env("B"), Some("three"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = from_value(value(
            "services:\n  s:\n    image: i:1\n    depend_on: [x]\n",
        ))
        .unwrap_err();
        assert!(err.to_string().contains("depend_on"), "{err}");
    }

    #[test]
    fn environment_lists_and_numbers_become_string_maps() {
        let file = from_value(value(
            "services:\n  s:\n    environment:\n      - A=1\n      - B\n",
        ))
        .unwrap();
        let s = file.service("s").unwrap();
        assert_eq!(s.env("A"), Some("1"));
        assert_eq!(s.environment.get("B"), Some(&None));
        let file = from_value(value("services:\n  s:\n    environment:\n      P: 8000\n")).unwrap();
        assert_eq!(file.service("s").unwrap().env("P"), Some("8000"));
    }

    #[test]
    fn overrides_follow_compose_rules() {
        let base = value(
            "services:\n  s:\n    command: [a, b]\n    ports: ['1:1']\n    profiles: [p]\n    environment: [X=1, Y=2]\n    volumes: [v:/v]\n",
        );
        let overlay = value(
            "services:\n  s:\n    command: [c]\n    ports: !override ['2:2']\n    profiles: !reset []\n    environment:\n      Y: '3'\n    volumes: [v:/v, w:/w]\n",
        );
        let merged = from_value(merge(&base, &overlay).unwrap()).unwrap();
        let s = merged.service("s").unwrap();
        assert_eq!(s.command, Some(Command::Words(vec!["c".into()])));
        assert_eq!(s.port_strings(), ["2:2"]);
        assert!(s.profiles.is_empty());
        assert_eq!(s.env("X"), Some("1"));
        assert_eq!(s.env("Y"), Some("3"));
        assert_eq!(s.volumes, ["v:/v", "w:/w"]);
    }

    #[test]
    fn unknown_tags_are_refused() {
        let base = value("services: {}\n");
        let overlay = value("services:\n  s:\n    ports: !merge []\n");
        assert!(matches!(
            merge(&base, &overlay),
            Err(ComposeError::UnsupportedTag(tag)) if tag == "!merge"
        ));
    }
}
