#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;

use super::*;

pub(crate) fn sample_spec() -> DashboardSpec {
    DashboardSpec {
        exercise: ExerciseId::new("ex-7k2m9q4d").unwrap(),
        team: DashboardTeam {
            id: TeamId::new("port-ops").unwrap(),
            name: "Port Operations".into(),
            color: "#2563eb".into(),
            kind: TeamKind::Player,
            resources: TeamResources::default(),
        },
        host_port: 3105,
        docker: DockerSettings::default(),
        services: ServiceEndpoints {
            api_url: "http://api:8000".into(),
            mqtt_ws_url: "ws://mqtt:9001".into(),
            mqtt_host: "mqtt".into(),
            mqtt_port: 1883,
            mqtt_topic_prefix: String::new(),
            public_host: "scip.example.org".into(),
        },
        credentials: DashboardCredentials {
            mqtt_username: "team-ex-7k2m9q4d-port-ops".into(),
            mqtt_password: "s3cret-mqtt".into(),
            dashboard_token: "tok-123".into(),
            session_key: "0badc0de".into(),
        },
    }
}

fn env_map(container: &DashboardContainer) -> HashMap<String, String> {
    container
        .body
        .env
        .as_ref()
        .unwrap()
        .iter()
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn host_config(container: &DashboardContainer) -> &HostConfig {
    container.body.host_config.as_ref().unwrap()
}

#[test]
fn name_is_team_exercise_team() {
    let container = container_spec(&sample_spec()).unwrap();
    assert_eq!(container.name, "team-ex-7k2m9q4d-port-ops");
}

#[test]
fn runs_scip_dashboard_for_the_team_on_port_3000_in_the_default_image() {
    let container = container_spec(&sample_spec()).unwrap();
    assert_eq!(container.body.image.as_deref(), Some("scip:latest"));
    assert_eq!(
        container.body.cmd.as_deref().unwrap(),
        [
            "dashboard",
            "--exercise",
            "ex-7k2m9q4d",
            "--team",
            "port-ops",
            "--port",
            "3000"
        ]
    );
}

#[test]
fn environment_names_team_exercise_feed_topic_and_services() {
    let env = env_map(&container_spec(&sample_spec()).unwrap());
    let expected = [
        ("TEAM_ID", "port-ops"),
        ("TEAM_NAME", "Port Operations"),
        ("TEAM_COLOR", "#2563eb"),
        ("TEAM_KIND", "player"),
        ("EXERCISE_ID", "ex-7k2m9q4d"),
        ("MQTT_WS_URL", "ws://mqtt:9001"),
        ("MQTT_TOPIC", "/exercise/ex-7k2m9q4d/team/port-ops/feed"),
        ("MQTT_TOPIC_PREFIX", ""),
        ("MQTT_HOST", "mqtt"),
        ("MQTT_PORT", "1883"),
        ("MQTT_USER", "team-ex-7k2m9q4d-port-ops"),
        ("MQTT_PASSWORD", "s3cret-mqtt"),
        ("SCIP_API_URL", "http://api:8000"),
        ("SCIP_DASHBOARD_TOKEN", "tok-123"),
        ("SCIP_SESSION_KEY", "0badc0de"),
        ("PUBLIC_HOST", "scip.example.org"),
    ];
    assert_eq!(env.len(), expected.len(), "{env:?}");
    for (key, value) in expected {
        assert_eq!(env.get(key).map(String::as_str), Some(value), "{key}");
    }
}

#[test]
fn feed_topic_follows_the_prefix_without_doubling_slashes() {
    let e = ExerciseId::new("ex-1").unwrap();
    let t = TeamId::new("red").unwrap();
    assert_eq!(feed_topic("", &e, &t), "/exercise/ex-1/team/red/feed");
    assert_eq!(
        feed_topic("scip", &e, &t),
        "scip/exercise/ex-1/team/red/feed"
    );
    assert_eq!(
        feed_topic("scip/", &e, &t),
        "scip/exercise/ex-1/team/red/feed"
    );
}

#[test]
fn labels_mark_type_exercise_and_team() {
    let container = container_spec(&sample_spec()).unwrap();
    let labels = container.body.labels.unwrap();
    assert_eq!(
        labels,
        HashMap::from([
            ("scip.type".to_owned(), "team-dashboard".to_owned()),
            ("scip.exercise".to_owned(), "ex-7k2m9q4d".to_owned()),
            ("scip.team".to_owned(), "port-ops".to_owned()),
        ])
    );
}

#[test]
fn default_limits_are_256_mib_without_swap_and_a_quarter_cpu() {
    let container = container_spec(&sample_spec()).unwrap();
    let host = host_config(&container);
    assert_eq!(host.memory, Some(256 * 1024 * 1024));
    assert_eq!(host.memory_swap, Some(256 * 1024 * 1024));
    assert_eq!(host.cpu_quota, Some(25_000));
    assert_eq!(host.cpu_period, Some(100_000));
}

#[test]
fn team_resources_override_the_default_limits() {
    let mut spec = sample_spec();
    spec.team.resources = TeamResources {
        memory_limit: Some("1g".into()),
        cpu_quota: Some(50_000),
    };
    let container = container_spec(&spec).unwrap();
    let host = host_config(&container);
    assert_eq!(host.memory, Some(1024 * 1024 * 1024));
    assert_eq!(host.cpu_quota, Some(50_000));
}

#[test]
fn restarts_on_failure_three_times() {
    let container = container_spec(&sample_spec()).unwrap();
    assert_eq!(
        host_config(&container).restart_policy,
        Some(RestartPolicy {
            name: Some(RestartPolicyNameEnum::ON_FAILURE),
            maximum_retry_count: Some(3),
        })
    );
}

#[test]
fn joins_the_configured_network_at_creation() {
    let mut spec = sample_spec();
    spec.docker.network = "scip-team-network".into();
    let container = container_spec(&spec).unwrap();
    assert_eq!(
        host_config(&container).network_mode.as_deref(),
        Some("scip-team-network")
    );
    let endpoints = container
        .body
        .networking_config
        .unwrap()
        .endpoints_config
        .unwrap();
    assert_eq!(
        endpoints.keys().collect::<Vec<_>>(),
        vec!["scip-team-network"]
    );
}

#[test]
fn publishes_container_port_3000_on_the_host_port() {
    let container = container_spec(&sample_spec()).unwrap();
    assert_eq!(
        container.body.exposed_ports.as_deref(),
        Some(&["3000/tcp".to_owned()][..])
    );
    let bindings = host_config(&container).port_bindings.clone().unwrap();
    assert_eq!(
        bindings,
        HashMap::from([(
            "3000/tcp".to_owned(),
            Some(vec![PortBinding {
                host_ip: None,
                host_port: Some("3105".into()),
            }])
        )])
    );
}

#[test]
fn health_check_runs_scip_health_every_30_seconds() {
    let container = container_spec(&sample_spec()).unwrap();
    let health = container.body.healthcheck.unwrap();
    assert_eq!(
        health.test.unwrap(),
        ["CMD", "scip", "health", "--port", "3000"]
    );
    assert_eq!(health.interval, Some(30_000_000_000));
    assert_eq!(health.timeout, Some(3_000_000_000));
    assert_eq!(health.start_period, Some(5_000_000_000));
    assert_eq!(health.retries, Some(3));
}

#[test]
fn drops_every_capability_and_privilege_escalation() {
    let container = container_spec(&sample_spec()).unwrap();
    let host = host_config(&container);
    assert_eq!(host.cap_drop.as_deref(), Some(&["ALL".to_owned()][..]));
    assert_eq!(
        host.security_opt.as_deref(),
        Some(&["no-new-privileges:true".to_owned()][..])
    );
}

#[test]
fn engine_json_uses_dockers_field_names_and_units() {
    let container = container_spec(&sample_spec()).unwrap();
    let body = serde_json::to_value(&container.body).unwrap();
    assert_eq!(body["ExposedPorts"], json!({"3000/tcp": {}}));
    assert_eq!(body["HostConfig"]["Memory"], json!(268_435_456));
    assert_eq!(body["HostConfig"]["CpuQuota"], json!(25_000));
    assert_eq!(body["HostConfig"]["CpuPeriod"], json!(100_000));
    assert_eq!(
        body["HostConfig"]["RestartPolicy"],
        json!({"Name": "on-failure", "MaximumRetryCount": 3})
    );
    assert_eq!(
        body["HostConfig"]["PortBindings"],
        json!({"3000/tcp": [{"HostPort": "3105"}]})
    );
    assert_eq!(body["HostConfig"]["NetworkMode"], json!("scip-network"));
    assert_eq!(body["Healthcheck"]["Interval"], json!(30_000_000_000i64));
    assert_eq!(body["Labels"]["scip.type"], json!("team-dashboard"));
}

#[test]
fn a_bad_memory_limit_names_the_team_and_the_value() {
    let mut spec = sample_spec();
    spec.team.resources.memory_limit = Some("256x".into());
    let err = container_spec(&spec).unwrap_err();
    assert_eq!(
        err.to_string(),
        "team port-ops: memory limit \"256x\" is not a size such as 256m, 512MiB or 1g"
    );
}

#[test]
fn a_cpu_quota_below_docker_minimum_is_refused() {
    let mut spec = sample_spec();
    spec.team.resources.cpu_quota = Some(10);
    let err = container_spec(&spec).unwrap_err();
    assert!(matches!(
        err,
        SpecError::Limit {
            source: LimitError::CpuQuotaTooSmall { value: 10 },
            ..
        }
    ));
}

#[test]
fn empty_settings_nul_characters_and_port_zero_are_refused() {
    let mut spec = sample_spec();
    spec.docker.image = " ".into();
    assert_eq!(
        container_spec(&spec).unwrap_err().to_string(),
        "image is empty"
    );

    let mut spec = sample_spec();
    spec.team.name = "Port\0Ops".into();
    assert_eq!(
        container_spec(&spec).unwrap_err(),
        SpecError::Nul { field: "team name" }
    );

    let mut spec = sample_spec();
    spec.host_port = 0;
    assert_eq!(container_spec(&spec).unwrap_err(), SpecError::ZeroPort);
}

#[test]
fn dashboard_url_brackets_ipv6_hosts() {
    assert_eq!(
        dashboard_url("scip.example.org", 3105),
        "http://scip.example.org:3105"
    );
    assert_eq!(dashboard_url("::1", 3105), "http://[::1]:3105");
    assert_eq!(dashboard_url("[::1]", 3105), "http://[::1]:3105");
}

#[test]
fn credentials_never_show_in_debug_output() {
    let text = format!("{:?}", sample_spec());
    assert!(!text.contains("s3cret-mqtt"), "{text}");
    assert!(!text.contains("tok-123"), "{text}");
}

#[test]
fn team_from_scenario_keeps_identity_and_limits() {
    let team = Team {
        id: TeamId::new("press").unwrap(),
        name: "Press".into(),
        color: "#dc2626".into(),
        kind: TeamKind::Public,
        dashboard_port: None,
        resources: TeamResources {
            memory_limit: Some("128m".into()),
            cpu_quota: None,
        },
        description: None,
        timeline: Vec::new(),
    };
    let dashboard_team = DashboardTeam::from(&team);
    assert_eq!(dashboard_team.id.as_str(), "press");
    assert_eq!(dashboard_team.kind, TeamKind::Public);
    assert_eq!(
        dashboard_team.resources.memory_limit.as_deref(),
        Some("128m")
    );
}
