//! What a team dashboard container looks like, as data: [`container_spec`] turns a
//! [`DashboardSpec`] into the name and the Engine API create body. Pure, so every field is
//! checked by unit tests without an engine.

use std::collections::HashMap;
use std::fmt;

use bollard::models::{
    ContainerCreateBody, EndpointSettings, HealthConfig, HostConfig, NetworkingConfig, PortBinding,
    RestartPolicy, RestartPolicyNameEnum,
};
use scip_core::model::TeamResources;
use scip_core::{ExerciseId, Team, TeamId, TeamKind};

use super::limits::{
    CPU_PERIOD_US, DEFAULT_CPU_QUOTA, DEFAULT_MEMORY_LIMIT, LimitError, check_cpu_quota,
    parse_memory_limit,
};

/// Image when none is configured (`DASHBOARD_IMAGE`).
pub const DEFAULT_IMAGE: &str = "scip:latest";
/// Docker network when none is configured (`DOCKER_NETWORK`).
pub const DEFAULT_NETWORK: &str = "scip-network";
/// The port the dashboard listens on inside its container.
pub const CONTAINER_PORT: u16 = 3000;
/// Label marking every team dashboard container.
pub const LABEL_TYPE: &str = "scip.type";
/// Value of [`LABEL_TYPE`] on team dashboard containers.
pub const TYPE_TEAM_DASHBOARD: &str = "team-dashboard";
/// Label holding the exercise id.
pub const LABEL_EXERCISE: &str = "scip.exercise";
/// Label holding the team id.
pub const LABEL_TEAM: &str = "scip.team";
/// Times Docker restarts a dashboard that exits with an error before giving up.
pub const RESTART_RETRIES: i64 = 3;

const SECOND_NS: i64 = 1_000_000_000;

/// The image and network team containers use, the same for every team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerSettings {
    /// Image running `scip` (`DASHBOARD_IMAGE`, default `scip:latest`).
    pub image: String,
    /// Network the containers join (`DOCKER_NETWORK`, default `scip-network`).
    pub network: String,
}

impl Default for DockerSettings {
    fn default() -> Self {
        Self {
            image: DEFAULT_IMAGE.to_owned(),
            network: DEFAULT_NETWORK.to_owned(),
        }
    }
}

/// Where a dashboard finds SCIP's services, as seen from inside the Docker network; the same
/// for every team of an exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEndpoints {
    /// API base URL (`SCIP_API_URL`), such as `http://api:8000`.
    pub api_url: String,
    /// MQTT over WebSocket (`MQTT_WS_URL`), such as `ws://mqtt:9001`.
    pub mqtt_ws_url: String,
    /// MQTT broker host (`MQTT_HOST`).
    pub mqtt_host: String,
    /// MQTT broker TCP port (`MQTT_PORT`).
    pub mqtt_port: u16,
    /// Prefix of every MQTT topic (`MQTT_TOPIC_PREFIX`, usually empty).
    pub mqtt_topic_prefix: String,
    /// Host name participants use to reach the dashboards (`PUBLIC_HOST`).
    pub public_host: String,
}

/// A team's secrets. `Debug` masks them.
#[derive(Clone, PartialEq, Eq)]
pub struct DashboardCredentials {
    /// The team's MQTT user name (`MQTT_USER`).
    pub mqtt_username: String,
    /// The team's MQTT password (`MQTT_PASSWORD`).
    pub mqtt_password: String,
    /// Token the dashboard presents to the API (`SCIP_DASHBOARD_TOKEN`).
    pub dashboard_token: String,
    /// Key that signs the team's browser sessions, hex (`SCIP_SESSION_KEY`).
    pub session_key: String,
}

impl fmt::Debug for DashboardCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DashboardCredentials")
            .field("mqtt_username", &self.mqtt_username)
            .field("mqtt_password", &"***")
            .field("dashboard_token", &"***")
            .field("session_key", &"***")
            .finish()
    }
}

/// The team as its dashboard container needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardTeam {
    /// Team slug.
    pub id: TeamId,
    /// Display name.
    pub name: String,
    /// Colour, `#rrggbb`.
    pub color: String,
    /// Player team or public feed.
    pub kind: TeamKind,
    /// Memory and CPU limits from the scenario; unset ones take the defaults.
    pub resources: TeamResources,
}

impl From<&Team> for DashboardTeam {
    fn from(team: &Team) -> Self {
        Self {
            id: team.id.clone(),
            name: team.name.clone(),
            color: team.color.clone(),
            kind: team.kind,
            resources: team.resources.clone(),
        }
    }
}

/// Everything needed to run one team's dashboard container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DashboardSpec {
    /// The exercise.
    pub exercise: ExerciseId,
    /// The team.
    pub team: DashboardTeam,
    /// Host port published for the dashboard (see [`crate::runtime::ports`]).
    pub host_port: u16,
    /// Image and network.
    pub docker: DockerSettings,
    /// Where the services are.
    pub services: ServiceEndpoints,
    /// The team's secrets.
    pub credentials: DashboardCredentials,
}

/// A container ready to be created: its name and the Engine API create body.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardContainer {
    /// `team-{exercise}-{team}`.
    pub name: String,
    /// The body of `POST /containers/create`.
    pub body: ContainerCreateBody,
}

/// A [`DashboardSpec`] that cannot become a container.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A required setting is empty.
    #[error("{field} is empty")]
    Empty {
        /// The setting.
        field: &'static str,
    },
    /// A value holds a NUL character, which environment variables cannot carry.
    #[error("{field} contains a NUL character")]
    Nul {
        /// The setting.
        field: &'static str,
    },
    /// Host port 0 would let Docker pick a random port.
    #[error("host port is 0; choose one with the dashboard port allocator")]
    ZeroPort,
    /// A resource limit the engine would refuse.
    #[error("team {team}: {source}")]
    Limit {
        /// The team whose scenario sets it.
        team: TeamId,
        /// What is wrong.
        #[source]
        source: LimitError,
    },
}

/// The container name of a team's dashboard: `team-{exercise}-{team}`.
pub fn container_name(exercise: &ExerciseId, team: &TeamId) -> String {
    format!("team-{exercise}-{team}")
}

/// The MQTT topic carrying the team's deliveries: `{prefix}/exercise/{e}/team/{t}/feed`.
pub fn feed_topic(prefix: &str, exercise: &ExerciseId, team: &TeamId) -> String {
    format!(
        "{}/exercise/{exercise}/team/{team}/feed",
        prefix.trim_end_matches('/')
    )
}

/// The address participants open: `http://{public_host}:{port}` (IPv6 hosts in brackets).
pub fn dashboard_url(public_host: &str, port: u16) -> String {
    if public_host.contains(':') && !public_host.starts_with('[') {
        format!("http://[{public_host}]:{port}")
    } else {
        format!("http://{public_host}:{port}")
    }
}

/// The labels that mark a team's dashboard container.
pub fn dashboard_labels(exercise: &ExerciseId, team: &TeamId) -> HashMap<String, String> {
    HashMap::from([
        (LABEL_TYPE.to_owned(), TYPE_TEAM_DASHBOARD.to_owned()),
        (LABEL_EXERCISE.to_owned(), exercise.to_string()),
        (LABEL_TEAM.to_owned(), team.to_string()),
    ])
}

/// Builds the team dashboard container: `scip dashboard --exercise E --team T --port 3000` in
/// the configured image, with the team's identity and service addresses in its environment,
/// the three `scip.*` labels, the team's memory and CPU limits (defaults 256 MiB without swap
/// and a quarter of a CPU), on-failure restarts (3), the configured network, container port
/// 3000 published on the host port, and a `scip health` check every 30 s.
pub fn container_spec(spec: &DashboardSpec) -> Result<DashboardContainer, SpecError> {
    check_text(spec)?;
    if spec.host_port == 0 {
        return Err(SpecError::ZeroPort);
    }
    let team = &spec.team;
    let limit_error = |source| SpecError::Limit {
        team: team.id.clone(),
        source,
    };
    let memory = parse_memory_limit(
        team.resources
            .memory_limit
            .as_deref()
            .unwrap_or(DEFAULT_MEMORY_LIMIT),
    )
    .map_err(limit_error)?;
    let cpu_quota = check_cpu_quota(team.resources.cpu_quota.unwrap_or(DEFAULT_CPU_QUOTA))
        .map_err(limit_error)?;

    let port_key = format!("{CONTAINER_PORT}/tcp");
    let network = spec.docker.network.clone();
    let host_config = HostConfig {
        memory: Some(memory),
        // Equal to the memory limit: no swap on top, so the limit is what the team gets.
        memory_swap: Some(memory),
        cpu_period: Some(CPU_PERIOD_US),
        cpu_quota: Some(cpu_quota),
        restart_policy: Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::ON_FAILURE),
            maximum_retry_count: Some(RESTART_RETRIES),
        }),
        network_mode: Some(network.clone()),
        port_bindings: Some(HashMap::from([(
            port_key.clone(),
            Some(vec![PortBinding {
                host_ip: None,
                host_port: Some(spec.host_port.to_string()),
            }]),
        )])),
        // The dashboard serves an unprivileged port and needs no kernel capability.
        cap_drop: Some(vec!["ALL".to_owned()]),
        security_opt: Some(vec!["no-new-privileges:true".to_owned()]),
        ..Default::default()
    };
    let body = ContainerCreateBody {
        image: Some(spec.docker.image.clone()),
        cmd: Some(
            [
                "dashboard",
                "--exercise",
                spec.exercise.as_str(),
                "--team",
                team.id.as_str(),
                "--port",
                &CONTAINER_PORT.to_string(),
            ]
            .map(str::to_owned)
            .to_vec(),
        ),
        env: Some(environment(spec)),
        labels: Some(dashboard_labels(&spec.exercise, &team.id)),
        exposed_ports: Some(vec![port_key]),
        healthcheck: Some(HealthConfig {
            test: Some(
                [
                    "CMD",
                    "scip",
                    "health",
                    "--port",
                    &CONTAINER_PORT.to_string(),
                ]
                .map(str::to_owned)
                .to_vec(),
            ),
            interval: Some(30 * SECOND_NS),
            timeout: Some(3 * SECOND_NS),
            start_period: Some(5 * SECOND_NS),
            retries: Some(3),
            ..Default::default()
        }),
        host_config: Some(host_config),
        // What `docker run --network N` sends: the container is created on N (and not on the
        // default bridge), so no separate network connect is needed before it starts.
        networking_config: Some(NetworkingConfig {
            endpoints_config: Some(HashMap::from([(network, EndpointSettings::default())])),
        }),
        ..Default::default()
    };
    Ok(DashboardContainer {
        name: container_name(&spec.exercise, &team.id),
        body,
    })
}

/// The container's environment, `KEY=value` in a fixed order.
fn environment(spec: &DashboardSpec) -> Vec<String> {
    let team = &spec.team;
    let services = &spec.services;
    let credentials = &spec.credentials;
    [
        ("TEAM_ID", team.id.to_string()),
        ("TEAM_NAME", team.name.clone()),
        ("TEAM_COLOR", team.color.clone()),
        ("TEAM_KIND", team.kind.to_string()),
        ("EXERCISE_ID", spec.exercise.to_string()),
        ("MQTT_WS_URL", services.mqtt_ws_url.clone()),
        (
            "MQTT_TOPIC",
            feed_topic(&services.mqtt_topic_prefix, &spec.exercise, &team.id),
        ),
        ("MQTT_TOPIC_PREFIX", services.mqtt_topic_prefix.clone()),
        ("MQTT_HOST", services.mqtt_host.clone()),
        ("MQTT_PORT", services.mqtt_port.to_string()),
        ("MQTT_USER", credentials.mqtt_username.clone()),
        ("MQTT_PASSWORD", credentials.mqtt_password.clone()),
        ("SCIP_API_URL", services.api_url.clone()),
        ("SCIP_DASHBOARD_TOKEN", credentials.dashboard_token.clone()),
        ("SCIP_SESSION_KEY", credentials.session_key.clone()),
        ("PUBLIC_HOST", services.public_host.clone()),
    ]
    .into_iter()
    .map(|(key, value)| format!("{key}={value}"))
    .collect()
}

/// Refuses empty required settings and NUL characters anywhere.
fn check_text(spec: &DashboardSpec) -> Result<(), SpecError> {
    let required = [
        ("image", spec.docker.image.as_str()),
        ("network", spec.docker.network.as_str()),
        ("API URL", spec.services.api_url.as_str()),
        ("MQTT WebSocket URL", spec.services.mqtt_ws_url.as_str()),
        ("MQTT host", spec.services.mqtt_host.as_str()),
        ("public host", spec.services.public_host.as_str()),
        ("MQTT user name", spec.credentials.mqtt_username.as_str()),
        ("MQTT password", spec.credentials.mqtt_password.as_str()),
        ("dashboard token", spec.credentials.dashboard_token.as_str()),
        ("session key", spec.credentials.session_key.as_str()),
    ];
    let optional = [
        ("team name", spec.team.name.as_str()),
        ("team colour", spec.team.color.as_str()),
        (
            "MQTT topic prefix",
            spec.services.mqtt_topic_prefix.as_str(),
        ),
    ];
    for (field, value) in required {
        if value.trim().is_empty() {
            return Err(SpecError::Empty { field });
        }
    }
    for (field, value) in required.into_iter().chain(optional) {
        if value.contains('\0') {
            return Err(SpecError::Nul { field });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
