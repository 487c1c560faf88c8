//! Configuration, assembled once: built-in defaults, then a TOML file (`--config PATH` or
//! `SCIP_CONFIG`), then environment variables with the seed's names, then command-line flags.
//! A bad value is reported with the setting, the value and where it came from.
//!
//! | setting | environment | default |
//! |---|---|---|
//! | `app_env` | `APP_ENV` | `development` (`production` refuses a default or short `JWT_SECRET`) |
//! | `log_level` | `LOG_LEVEL` | `info` (also a `tracing` filter such as `scip=debug,info`) |
//! | `data_dir` | `SCIP_DATA` | `./data` |
//! | `database_url` | `DATABASE_URL` | `sqlite://<data_dir>/scip.db` |
//! | `redis_url` | `REDIS_URL` | none (sessions, rate limits and live state kept in memory) |
//! | `media_path` | `MEDIA_PATH` | `<data_dir>/media` |
//! | `bind` | `SCIP_BIND` | `0.0.0.0` |
//! | `public_host` | `PUBLIC_HOST` | `localhost` (host name put in dashboard links) |
//! | `api_port` | `API_PORT` | `8000` |
//! | `orchestration_port` | `ORCHESTRATION_PORT` | `8001` |
//! | `client_port` | `CLIENT_PORT` | `3000` |
//! | `jwt_secret` | `JWT_SECRET` | a development-only default |
//! | `mqtt.host` | `MQTT_HOST` | none: run the embedded broker |
//! | `mqtt.port` | `MQTT_PORT` | `1883` |
//! | `mqtt.ws_port` | `MQTT_WS_PORT` | `9001` |
//! | `mqtt.user` / `mqtt.password` | `MQTT_USER` / `MQTT_PASSWORD` | the engine's account on an external broker (the embedded broker makes its own) |
//! | `mqtt.topic_prefix` | `MQTT_TOPIC_PREFIX` | empty (topics start `/exercise/…`) |
//! | `mosquitto.password_file` | `MOSQUITTO_PASSWORD_FILE` | none |
//! | `mosquitto.acl_file` | `MOSQUITTO_ACL_FILE` | none |
//! | `mosquitto.pid_file` | `MOSQUITTO_PID_FILE` | none |
//! | `dashboards.runtime` | `DASHBOARD_RUNTIME` | `embedded` (`process`, `docker`) |
//! | `dashboards.port_range` | `DASHBOARD_PORT_RANGE` | `3100-3200` |
//! | `dashboards.image` | `DASHBOARD_IMAGE` | `scip:latest` |
//! | `dashboards.docker_network` | `DOCKER_NETWORK` | `scip-network` |
//! | `dashboards.docker_host` | `DOCKER_HOST` | the local Docker socket |
//! | `dashboards.api_url` | `DASHBOARD_API_URL` | the API as dashboard processes/containers reach it (process: this server's API; docker: `http://api:<API_PORT>`) |
//! | `dashboards.mqtt_host` | `DASHBOARD_MQTT_HOST` | the broker host as containers reach it (`MQTT_HOST`, else `mqtt`) |
//! | `dashboards.mqtt_ws_url` | `DASHBOARD_MQTT_WS_URL` | the broker's WebSocket URL as containers reach it (`ws://mqtt:<MQTT_WS_PORT>`) |
//! | `engine.turn_grace` | `TURN_GRACE` | `00:05` (pause after a turn's last inject) |

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The development-only default signing secret; refused in production.
pub const DEV_JWT_SECRET: &str = "scip-development-secret-do-not-use-in-production";
/// Shortest signing secret accepted in production.
pub const MIN_PRODUCTION_SECRET_LEN: usize = 32;

/// Environment variables and the settings they set.
pub const ENV_VARS: &[(&str, &str)] = &[
    ("APP_ENV", "app_env"),
    ("LOG_LEVEL", "log_level"),
    ("SCIP_DATA", "data_dir"),
    ("DATABASE_URL", "database_url"),
    ("REDIS_URL", "redis_url"),
    ("MEDIA_PATH", "media_path"),
    ("SCIP_BIND", "bind"),
    ("PUBLIC_HOST", "public_host"),
    ("API_PORT", "api_port"),
    ("ORCHESTRATION_PORT", "orchestration_port"),
    ("CLIENT_PORT", "client_port"),
    ("JWT_SECRET", "jwt_secret"),
    ("MQTT_HOST", "mqtt.host"),
    ("MQTT_PORT", "mqtt.port"),
    ("MQTT_WS_PORT", "mqtt.ws_port"),
    ("MQTT_USER", "mqtt.user"),
    ("MQTT_PASSWORD", "mqtt.password"),
    ("MQTT_TOPIC_PREFIX", "mqtt.topic_prefix"),
    ("MOSQUITTO_PASSWORD_FILE", "mosquitto.password_file"),
    ("MOSQUITTO_ACL_FILE", "mosquitto.acl_file"),
    ("MOSQUITTO_PID_FILE", "mosquitto.pid_file"),
    ("DASHBOARD_RUNTIME", "dashboards.runtime"),
    ("DASHBOARD_PORT_RANGE", "dashboards.port_range"),
    ("DASHBOARD_IMAGE", "dashboards.image"),
    ("DOCKER_NETWORK", "dashboards.docker_network"),
    ("DOCKER_HOST", "dashboards.docker_host"),
    ("DASHBOARD_API_URL", "dashboards.api_url"),
    ("DASHBOARD_MQTT_HOST", "dashboards.mqtt_host"),
    ("DASHBOARD_MQTT_WS_URL", "dashboards.mqtt_ws_url"),
    ("TURN_GRACE", "engine.turn_grace"),
];

/// A secret that never shows in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl Secret {
    /// The secret itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"••••••\"")
    }
}

/// Development or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppEnv {
    /// Readable logs; a default secret is allowed.
    #[default]
    Development,
    /// JSON logs; a strong secret is required.
    Production,
}

/// Where team dashboards run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuntimeKind {
    /// One listener per team inside the server.
    #[default]
    Embedded,
    /// One `scip dashboard` child process per team.
    Process,
    /// One container per team through the Docker Engine API.
    Docker,
}

/// MQTT settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MqttSettings {
    /// External broker host; `None` runs the embedded broker.
    pub host: Option<String>,
    /// TCP port (the embedded broker listens here; an external broker is reached here).
    pub port: u16,
    /// WebSocket port of the embedded broker.
    pub ws_port: u16,
    /// The engine's user name.
    pub user: Option<String>,
    /// The engine's password.
    pub password: Option<Secret>,
    /// Prepended to every topic.
    pub topic_prefix: String,
}

impl Default for MqttSettings {
    fn default() -> Self {
        Self {
            host: None,
            port: 1883,
            ws_port: 9001,
            user: None,
            password: None,
            topic_prefix: String::new(),
        }
    }
}

/// Files through which SCIP keeps an external Mosquitto's users and ACL in step.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MosquittoSettings {
    /// Mosquitto `password_file` that SCIP rewrites.
    pub password_file: Option<PathBuf>,
    /// Mosquitto `acl_file` that SCIP rewrites.
    pub acl_file: Option<PathBuf>,
    /// Mosquitto's pid file, to signal it to reload.
    pub pid_file: Option<PathBuf>,
}

/// Team dashboard settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DashboardSettings {
    /// Where dashboards run.
    pub runtime: RuntimeKind,
    /// Ports handed out to teams without a fixed port, `FIRST-LAST`.
    pub port_range: PortRange,
    /// Docker image for the Docker runtime.
    pub image: String,
    /// Docker network for the Docker runtime.
    pub docker_network: String,
    /// Docker Engine address (`unix:///var/run/docker.sock`, `tcp://host:2375`).
    pub docker_host: Option<String>,
    /// The API as dashboard processes and containers reach it.
    pub api_url: Option<String>,
    /// The broker host as dashboard containers reach it.
    pub mqtt_host: Option<String>,
    /// The broker's WebSocket URL as dashboard containers reach it.
    pub mqtt_ws_url: Option<String>,
}

impl Default for DashboardSettings {
    fn default() -> Self {
        Self {
            runtime: RuntimeKind::Embedded,
            port_range: PortRange {
                first: 3100,
                last: 3200,
            },
            image: "scip:latest".into(),
            docker_network: "scip-network".into(),
            docker_host: None,
            api_url: None,
            mqtt_host: None,
            mqtt_ws_url: None,
        }
    }
}

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineSettings {
    /// Pause after a turn's last inject before the turn completes, in any time notation.
    pub turn_grace: String,
}

impl Default for EngineSettings {
    fn default() -> Self {
        Self {
            turn_grace: "00:05".into(),
        }
    }
}

/// An inclusive port range written `FIRST-LAST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PortRange {
    /// First port.
    pub first: u16,
    /// Last port (inclusive).
    pub last: u16,
}

impl TryFrom<String> for PortRange {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("{s:?} is not FIRST-LAST, e.g. 3100-3200"))?;
        let first: u16 = a
            .trim()
            .parse()
            .map_err(|_| format!("{a:?} is not a port"))?;
        let last: u16 = b
            .trim()
            .parse()
            .map_err(|_| format!("{b:?} is not a port"))?;
        if first == 0 || first > last {
            return Err(format!("{s:?} is empty or starts at 0"));
        }
        Ok(Self { first, last })
    }
}

impl From<PortRange> for String {
    fn from(r: PortRange) -> String {
        format!("{}-{}", r.first, r.last)
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Development or production.
    pub app_env: AppEnv,
    /// Log filter.
    pub log_level: String,
    /// Folder for the SQLite database, media and generated files.
    pub data_dir: PathBuf,
    /// Database URL; SQLite under `data_dir` when unset.
    pub database_url: Option<String>,
    /// Redis URL; in-memory sessions and rate limits when unset.
    pub redis_url: Option<String>,
    /// Media library folder; `<data_dir>/media` when unset.
    pub media_path: Option<PathBuf>,
    /// Address every listener binds.
    pub bind: IpAddr,
    /// Host name used in links given to participants.
    pub public_host: String,
    /// API port.
    pub api_port: u16,
    /// Orchestrator port (health and metrics of the orchestrator role).
    pub orchestration_port: u16,
    /// Control portal port.
    pub client_port: u16,
    /// Token and link signing secret.
    pub jwt_secret: Secret,
    /// MQTT.
    pub mqtt: MqttSettings,
    /// External Mosquitto provisioning.
    pub mosquitto: MosquittoSettings,
    /// Team dashboards.
    pub dashboards: DashboardSettings,
    /// Engine.
    pub engine: EngineSettings,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            app_env: AppEnv::Development,
            log_level: "info".into(),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            redis_url: None,
            media_path: None,
            bind: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            public_host: "localhost".into(),
            api_port: 8000,
            orchestration_port: 8001,
            client_port: 3000,
            jwt_secret: Secret(DEV_JWT_SECRET.into()),
            mqtt: MqttSettings::default(),
            mosquitto: MosquittoSettings::default(),
            dashboards: DashboardSettings::default(),
            engine: EngineSettings::default(),
        }
    }
}

/// A configuration that could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A value could not be read; the message names the setting, the value and its source.
    #[error("configuration: {0}")]
    Invalid(String),
    /// A value is readable but not acceptable.
    #[error("configuration: {setting} {problem} (set by {origin})")]
    Rejected {
        /// Setting name.
        setting: &'static str,
        /// What is wrong.
        problem: String,
        /// Where the value came from.
        origin: String,
    },
}

impl Config {
    /// Assembles the configuration: defaults, then `file` (if any), then the environment, then
    /// `overrides` (command-line flags, as a partial configuration).
    pub fn load(file: Option<&Path>, overrides: impl Serialize) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError::Invalid(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment
            .merge(environment())
            .merge(Serialized::globals(overrides));
        let config: Config = figment
            .extract()
            .map_err(|e| ConfigError::Invalid(describe(&figment, e)))?;
        config.check(&figment)?;
        Ok(config)
    }

    fn check(&self, figment: &Figment) -> Result<(), ConfigError> {
        let source = |key: &str| origin(figment, key);
        if self.app_env == AppEnv::Production {
            let secret = self.jwt_secret.expose();
            if secret == DEV_JWT_SECRET || secret.len() < MIN_PRODUCTION_SECRET_LEN {
                return Err(ConfigError::Rejected {
                    setting: "JWT_SECRET",
                    problem: format!(
                        "must be a private value of at least {MIN_PRODUCTION_SECRET_LEN} characters in production"
                    ),
                    origin: source("jwt_secret"),
                });
            }
        }
        if let Err(e) = scip_core::parse_time(&self.engine.turn_grace) {
            return Err(ConfigError::Rejected {
                setting: "TURN_GRACE",
                problem: format!("{e}"),
                origin: source("engine.turn_grace"),
            });
        }
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:")
                || url.starts_with("postgres://")
                || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Rejected {
                setting: "DATABASE_URL",
                problem: format!("{url:?} is neither sqlite://… nor postgres://…"),
                origin: source("database_url"),
            });
        }
        Ok(())
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("scip.db").display()))
    }

    /// The media folder in effect.
    pub fn media_path(&self) -> PathBuf {
        self.media_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("media"))
    }

    /// Turn grace in ms (checked by [`Config::load`]).
    pub fn turn_grace_ms(&self) -> u64 {
        scip_core::parse_time(&self.engine.turn_grace)
            .unwrap_or(scip_core::engine::DEFAULT_TURN_GRACE_MS)
    }

    /// The configuration as TOML with secrets masked, for `scip config`.
    pub fn to_masked_toml(&self) -> String {
        let mut shown = self.clone();
        shown.jwt_secret = Secret(mask(self.jwt_secret.expose()));
        if let Some(p) = &shown.mqtt.password {
            shown.mqtt.password = Some(Secret(mask(p.expose())));
        }
        shown.database_url = Some(mask_url_password(&self.database_url()));
        shown.redis_url = self.redis_url.as_deref().map(mask_url_password);
        toml_text(&shown)
    }
}

fn toml_text(config: &Config) -> String {
    // Config serialises to an object; nothing in it can fail to serialise.
    let value = serde_json::to_value(config).unwrap_or_default();
    let mut out = String::new();
    write_toml(&mut out, "", &value);
    out
}

fn write_toml(out: &mut String, section: &str, value: &serde_json::Value) {
    let serde_json::Value::Object(map) = value else {
        return;
    };
    let mut tables = Vec::new();
    for (k, v) in map {
        match v {
            serde_json::Value::Object(_) => tables.push((k, v)),
            serde_json::Value::Null => out.push_str(&format!("# {k} = (not set)\n")),
            other => out.push_str(&format!("{k} = {other}\n")),
        }
    }
    for (k, v) in tables {
        let name = if section.is_empty() {
            k.clone()
        } else {
            format!("{section}.{k}")
        };
        out.push_str(&format!("\n[{name}]\n"));
        write_toml(out, &name, v);
    }
}

fn mask(secret: &str) -> String {
    if secret == DEV_JWT_SECRET {
        "(development default)".into()
    } else {
        "••••••".into()
    }
}

fn mask_url_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:••••••{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Names where the value of `key` came from: a file, an environment variable, a flag or the
/// built-in default.
fn origin(figment: &Figment, key: &str) -> String {
    let Some(m) = figment.find_metadata(key) else {
        return "the built-in default".into();
    };
    if m.name.contains("environment")
        && let Some((name, _)) = ENV_VARS.iter().find(|(_, s)| *s == key)
    {
        return format!("environment variable {name}");
    }
    match &m.source {
        Some(figment::Source::File(path)) => format!("{} ({})", m.name, path.display()),
        Some(figment::Source::Code(_)) if m.name.ends_with("config::Config") => {
            "the built-in default".into()
        }
        Some(figment::Source::Code(_)) => "a command-line flag".into(),
        Some(other) => format!("{} ({other})", m.name),
        None => m.name.to_string(),
    }
}

fn environment() -> Env {
    Env::raw().filter_map(|key| {
        ENV_VARS
            .iter()
            .find(|(name, _)| key.as_str().eq_ignore_ascii_case(name))
            .map(|(_, setting)| (*setting).into())
    })
}

/// Rewrites figment's error so it names the environment variable or file that set the value.
fn describe(figment: &Figment, error: figment::Error) -> String {
    let mut parts = Vec::new();
    for e in error {
        let key = e.path.join(".");
        let env_name = ENV_VARS.iter().find(|(_, s)| *s == key).map(|(n, _)| *n);
        let source = origin(figment, &key);
        let setting = env_name.map_or_else(|| key.clone(), |n| format!("{key} ({n})"));
        parts.push(format!("{setting}: {} — set by {source}", e.kind));
    }
    parts.join("; ")
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail closures return its large error type.
mod tests {
    use super::*;
    use figment::Jail;

    #[derive(Serialize, Default)]
    struct Flags {
        #[serde(skip_serializing_if = "Option::is_none")]
        api_port: Option<u16>,
    }

    fn load(file: Option<&Path>, flags: Flags) -> Result<Config, ConfigError> {
        Config::load(file, flags)
    }

    #[test]
    fn precedence_is_defaults_then_file_then_environment_then_flags() {
        Jail::expect_with(|jail| {
            assert_eq!(load(None, Flags::default()).unwrap().api_port, 8000);
            jail.create_file(
                "scip.toml",
                "api_port = 8100\nclient_port = 3300\n[mqtt]\nport = 1999\n",
            )?;
            let file = Path::new("scip.toml");
            let c = load(Some(file), Flags::default()).unwrap();
            assert_eq!((c.api_port, c.client_port, c.mqtt.port), (8100, 3300, 1999));
            jail.set_env("API_PORT", "8200");
            jail.set_env("MQTT_PORT", "2883");
            let c = load(Some(file), Flags::default()).unwrap();
            assert_eq!((c.api_port, c.client_port, c.mqtt.port), (8200, 3300, 2883));
            let c = load(
                Some(file),
                Flags {
                    api_port: Some(8300),
                },
            )
            .unwrap();
            assert_eq!(c.api_port, 8300);
            Ok(())
        });
    }

    #[test]
    fn a_bad_value_names_the_setting_the_value_and_its_source() {
        Jail::expect_with(|jail| {
            jail.set_env("API_PORT", "eighty");
            let err = load(None, Flags::default()).unwrap_err().to_string();
            assert!(err.contains("API_PORT"), "{err}");
            assert!(err.contains("eighty"), "{err}");
            jail.set_env("API_PORT", "8000");
            jail.create_file("bad.toml", "[dashboards]\nport_range = \"3200-3100\"\n")?;
            let err = load(Some(Path::new("bad.toml")), Flags::default())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains("dashboards.port_range") && err.contains("bad.toml"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn production_refuses_a_default_or_short_secret() {
        Jail::expect_with(|jail| {
            jail.set_env("APP_ENV", "production");
            let err = load(None, Flags::default()).unwrap_err().to_string();
            assert!(
                err.contains("JWT_SECRET") && err.contains("at least 32"),
                "{err}"
            );
            jail.set_env("JWT_SECRET", "short");
            let err = load(None, Flags::default()).unwrap_err().to_string();
            assert!(err.contains("environment"), "{err}");
            jail.set_env("JWT_SECRET", "a-long-enough-secret-for-production-use-0123");
            assert!(load(None, Flags::default()).is_ok());
            Ok(())
        });
    }

    #[test]
    fn masked_output_hides_secrets() {
        let c = Config {
            database_url: Some("postgres://scip:hunter2@db:5432/scip".into()),
            jwt_secret: Secret("x".repeat(40)),
            ..Config::default()
        };
        let text = c.to_masked_toml();
        assert!(
            !text.contains("hunter2") && !text.contains(&"x".repeat(40)),
            "{text}"
        );
        assert!(
            text.contains("postgres://scip:••••••@db:5432/scip"),
            "{text}"
        );
        assert_eq!(format!("{:?}", c.jwt_secret), "\"••••••\"");
    }

    #[test]
    fn unknown_settings_in_a_file_are_errors() {
        Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "api_prot = 1\n")?;
            let err = load(Some(Path::new("typo.toml")), Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("api_prot"), "{err}");
            Ok(())
        });
    }
}
