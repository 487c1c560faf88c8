//! The override files, layered over the base file with Compose's merge rules.

use scip_deploy_check::compose::{self, Resources};
use scip_deploy_check::interpolate::{self, Fallback};

use crate::support::*;

#[test]
fn override_files_use_only_compose_tags_and_known_keys() {
    for file in [
        "docker-compose.dev.yml",
        "docker-compose.prod.yml",
        "docker-compose.docker-runtime.yml",
    ] {
        let merged = layered(&[file]);
        assert!(merged.services.contains_key("api"), "{file}");
    }
    let all = layered(&[
        "docker-compose.prod.yml",
        "docker-compose.docker-runtime.yml",
    ]);
    assert!(all.services.contains_key("nginx"));
}

#[test]
fn development_logs_at_debug_and_offers_mailhog_as_a_tool() {
    let dev = layered(&["docker-compose.dev.yml"]);
    for (name, _, _) in SCIP_ROLES {
        let s = service(&dev, name);
        assert_eq!(s.env("LOG_LEVEL"), Some("debug"), "{name}");
        assert_eq!(s.env("APP_ENV"), Some("development"), "{name}");
        // The base settings are still there.
        assert_eq!(s.env("MQTT_HOST"), Some("mqtt"), "{name}");
    }
    let mailhog = service(&dev, "mailhog");
    assert_eq!(mailhog.profiles, ["dev-tools"]);
    assert_eq!(mailhog.port_strings(), ["1025:1025", "8025:8025"]);
    assert_ne!(
        mailhog.image.as_deref(),
        Some("mailhog/mailhog"),
        "pin a tag"
    );
}

fn limits(resources: &Option<Resources>) -> (Option<&str>, Option<&str>) {
    let r = resources.as_ref().unwrap();
    (r.cpus.as_deref(), r.memory.as_deref())
}

#[test]
fn production_sets_the_seeds_limits_and_production_settings() {
    let prod = layered(&["docker-compose.prod.yml"]);
    for (name, _, _) in SCIP_ROLES {
        let s = service(&prod, name);
        assert_eq!(s.env("APP_ENV"), Some("production"), "{name}");
        assert_eq!(s.env("LOG_LEVEL"), Some("warn"), "{name}");
        let resources = s.deploy.as_ref().unwrap().resources.as_ref().unwrap();
        assert_eq!(
            limits(&resources.limits),
            (Some("2.0"), Some("2G")),
            "{name}"
        );
        assert_eq!(
            limits(&resources.reservations),
            (Some("1.0"), Some("1G")),
            "{name}"
        );
        // Everything else from the base file survives the override.
        assert_eq!(s.env("MQTT_HOST"), Some("mqtt"), "{name}");
        assert!(s.healthcheck.is_some(), "{name}");
    }
    for (name, s) in &prod.services {
        assert!(
            s.deploy
                .as_ref()
                .and_then(|d| d.resources.as_ref())
                .is_some(),
            "{name} has no resource limits in production"
        );
    }
}

#[test]
fn production_runs_nginx_always_and_publishes_only_through_it() {
    let prod = layered(&["docker-compose.prod.yml"]);
    let nginx = service(&prod, "nginx");
    assert!(
        nginx.profiles.is_empty(),
        "nginx must always run in production"
    );
    let ports: Vec<String> = nginx.port_strings().iter().map(|p| defaults(p)).collect();
    assert_eq!(ports, ["80:80", "443:443", "3100-3200:3100-3200"]);
    for name in [
        "postgres",
        "redis",
        "api",
        "orchestration",
        "client-dashboard",
    ] {
        assert!(
            service(&prod, name).ports.is_empty(),
            "{name} must not be published in production"
        );
    }
    let mqtt: Vec<String> = service(&prod, "mqtt")
        .port_strings()
        .iter()
        .map(|p| defaults(p))
        .collect();
    assert_eq!(mqtt, ["1883:1883"], "WebSocket goes through nginx at /mqtt");
}

/// The variables a file requires (`${VAR:?message}`).
fn required_variables(file: &str) -> Vec<String> {
    let text = read(&deploy(file));
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .flat_map(|line| interpolate::references(line).unwrap())
        .filter(|r| matches!(r.fallback, Fallback::Required(_)))
        .map(|r| r.name)
        .collect()
}

#[test]
fn production_refuses_to_start_with_default_secrets() {
    let required = required_variables("docker-compose.prod.yml");
    for secret in [
        "DB_PASSWORD",
        "REDIS_PASSWORD",
        "MQTT_PASSWORD",
        "JWT_SECRET",
        "PUBLIC_HOST",
    ] {
        assert!(
            required.contains(&secret.to_owned()),
            "prod must require {secret}"
        );
    }
    let prod = layered(&["docker-compose.prod.yml"]);
    let api = service(&prod, "api");
    let err = interpolate::with_defaults(api.env("JWT_SECRET").unwrap()).unwrap_err();
    assert!(err.to_string().contains("JWT_SECRET"), "{err}");
    // With the secrets given, the values resolve.
    let given = |name: &str| match name {
        "DB_PASSWORD" => Some("s3cret".to_owned()),
        _ => None,
    };
    assert_eq!(
        interpolate::resolve(api.env("DATABASE_URL").unwrap(), &given).unwrap(),
        "postgres://scip_user:s3cret@postgres:5432/scip_v3"
    );
    let pg = service(&prod, "postgres");
    assert!(interpolate::with_defaults(pg.env("POSTGRES_PASSWORD").unwrap()).is_err());
}

#[test]
fn the_docker_socket_is_mounted_only_by_the_docker_runtime_override() {
    let runtime = layered(&["docker-compose.docker-runtime.yml"]);
    let orchestration = service(&runtime, "orchestration");
    assert!(
        orchestration
            .volumes
            .contains(&"/var/run/docker.sock:/var/run/docker.sock".to_owned())
    );
    assert_eq!(orchestration.env("DASHBOARD_RUNTIME"), Some("docker"));
    assert!(
        !orchestration.group_add.is_empty(),
        "the scip user needs the socket's group"
    );
    // Team containers publish their own ports: the orchestrator no longer does.
    let ports: Vec<String> = orchestration
        .port_strings()
        .iter()
        .map(|p| defaults(p))
        .collect();
    assert_eq!(ports, ["8001:8001"]);
    for (name, s) in &runtime.services {
        if name != "orchestration" {
            assert!(
                !s.volumes.iter().any(|v| v.contains("docker.sock")),
                "{name}"
            );
        }
    }
    let text = read(&deploy("docker-compose.docker-runtime.yml"));
    assert!(
        text.contains("RISK"),
        "the override must state the risk of the socket"
    );
}

#[test]
fn the_team_network_is_internal_as_in_the_seed() {
    let runtime = layered(&["docker-compose.docker-runtime.yml"]);
    let team = runtime.networks["team-network"].as_ref().unwrap();
    assert_eq!(team.internal, Some(true));
    assert_eq!(team.driver.as_deref(), Some("bridge"));
    assert_eq!(
        team.ipam.as_ref().unwrap().config[0].subnet,
        "172.21.0.0/16"
    );
    for name in ["api", "mqtt", "orchestration"] {
        let networks = service(&runtime, name).network_names();
        assert!(networks.contains(&"team-network".to_owned()), "{name}");
        assert!(networks.contains(&"scip-network".to_owned()), "{name}");
    }
    for name in ["postgres", "redis"] {
        assert!(
            !service(&runtime, name)
                .network_names()
                .contains(&"team-network".to_owned())
        );
    }
}

#[test]
fn overrides_do_not_change_the_base_files_meaning_when_absent() {
    // The base file alone has no !reset/!override and loads as is.
    let value = compose::read_value(&deploy("docker-compose.yml")).unwrap();
    assert!(!compose::has_tags(&value));
}
