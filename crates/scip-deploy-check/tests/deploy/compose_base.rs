//! deploy/docker-compose.yml against the seed's main compose file.

use std::collections::BTreeSet;

use scip_deploy_check::compose::Command;

use crate::support::*;

#[test]
fn has_the_seeds_services_and_images() {
    let file = base();
    let names: BTreeSet<&str> = file.services.keys().map(String::as_str).collect();
    let seed: BTreeSet<&str> = SEED_SERVICES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, seed);
    for (name, image) in SEED_SERVICES {
        if let Some(image) = image {
            assert_eq!(
                service(&file, name).image.as_deref(),
                Some(*image),
                "{name}"
            );
        }
    }
    let nginx = service(&file, "nginx").image.clone().unwrap();
    assert!(
        nginx.starts_with("nginx:") && nginx.ends_with("-alpine") && nginx != "nginx:alpine",
        "nginx must be a pinned alpine release, got {nginx}"
    );
    for (name, container) in SEED_CONTAINER_NAMES {
        assert_eq!(
            service(&file, name).container_name.as_deref(),
            Some(*container)
        );
    }
}

#[test]
fn scip_roles_run_the_scip_image_built_from_our_dockerfile() {
    let file = base();
    for (name, role, port) in SCIP_ROLES {
        let s = service(&file, name);
        let build = s
            .build
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no build"));
        assert_eq!(
            build.context, "..",
            "{name}: the build context is the repository"
        );
        assert_eq!(build.dockerfile.as_deref(), Some("deploy/Dockerfile"));
        assert!(deploy("Dockerfile").is_file());
        assert_eq!(
            defaults(s.image.as_deref().unwrap()),
            "scip:latest",
            "{name}"
        );
        assert_eq!(
            s.command.as_ref().map(Command::words),
            Some(vec!["serve".into(), "--role".into(), (*role).into()]),
            "{name}"
        );
        let check = s.healthcheck.as_ref().unwrap().test.words();
        assert_eq!(check, ["CMD", "scip", "health", "--port", port], "{name}");
        assert_eq!(
            s.init,
            Some(true),
            "{name}: PID 1 reaps dashboard processes"
        );
    }
}

#[test]
fn publishes_the_seeds_ports() {
    let file = base();
    for (name, ports) in SEED_PORTS {
        let published: Vec<String> = service(&file, name)
            .port_strings()
            .iter()
            .map(|p| defaults(p))
            .collect();
        for port in *ports {
            assert!(
                published.contains(&(*port).to_owned()),
                "{name} publishes {published:?}, the seed {port}"
            );
        }
    }
    // Team dashboards, served by the orchestration service with the embedded runtime.
    let orchestration = service(&file, "orchestration").port_strings();
    assert!(
        orchestration
            .iter()
            .any(|p| defaults(p) == "3100-3200:3100-3200")
    );
}

#[test]
fn postgres_matches_the_seed() {
    let file = base();
    let pg = service(&file, "postgres");
    let env = |k: &str| defaults(pg.env(k).unwrap_or_else(|| panic!("postgres lacks {k}")));
    assert_eq!(env("POSTGRES_DB"), "scip_v3");
    assert_eq!(env("POSTGRES_USER"), "scip_user");
    assert_eq!(env("POSTGRES_PASSWORD"), "scip_password");
    assert_eq!(
        env("POSTGRES_INITDB_ARGS"),
        "--encoding=UTF-8 --locale=en_US.UTF-8"
    );
    assert!(
        pg.volumes
            .contains(&"postgres_data:/var/lib/postgresql/data".to_owned())
    );
    let check = pg.healthcheck.as_ref().unwrap();
    assert_eq!(
        check
            .test
            .words()
            .iter()
            .map(|w| defaults(w))
            .collect::<Vec<_>>(),
        ["CMD-SHELL", "pg_isready -U scip_user -d scip_v3"]
    );
    assert_eq!(check.start_period.as_deref(), Some("60s"));
}

#[test]
fn redis_persists_and_evicts_as_the_seed() {
    let file = base();
    let redis = service(&file, "redis");
    let words: Vec<String> = redis
        .command
        .as_ref()
        .unwrap()
        .words()
        .iter()
        .map(|w| defaults(w))
        .collect();
    let joined = words.join(" ");
    for flag in [
        "redis-server",
        "--requirepass redis_password",
        "--appendonly yes",
        "--appendfsync everysec",
        "--maxmemory 2gb",
        "--maxmemory-policy allkeys-lru",
    ] {
        assert!(
            joined.contains(flag),
            "redis command lacks {flag}: {joined}"
        );
    }
    assert!(redis.volumes.contains(&"redis_data:/data".to_owned()));
    // The health check authenticates (REDISCLI_AUTH) and writes nothing.
    assert_eq!(
        defaults(redis.env("REDISCLI_AUTH").unwrap()),
        "redis_password"
    );
    let test = redis.healthcheck.as_ref().unwrap().test.words().join(" ");
    assert!(
        test.contains("redis-cli ping") && !test.contains("incr"),
        "{test}"
    );
}

#[test]
fn mqtt_uses_our_mosquitto_configuration_and_shared_accounts() {
    let file = base();
    let mqtt = service(&file, "mqtt");
    for mount in [
        "./mqtt/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro",
        "./mqtt/run-mosquitto.sh:/mosquitto/scip/run-mosquitto.sh:ro",
        "mqtt_auth:/mosquitto/auth",
        "mqtt_data:/mosquitto/data",
        "mqtt_logs:/mosquitto/log",
    ] {
        assert!(
            mqtt.volumes.contains(&mount.to_owned()),
            "mqtt lacks {mount}"
        );
    }
    assert_eq!(
        mqtt.entrypoint.as_ref().unwrap().words(),
        ["/bin/sh", "/mosquitto/scip/run-mosquitto.sh"]
    );
    // The health check logs in with SCIP's account ($$ keeps the variables for the container).
    let test = mqtt.healthcheck.as_ref().unwrap().test.words().join(" ");
    assert!(test.contains("-u \"$$MQTT_USER\""), "{test}");
    assert!(test.contains("$$SYS/broker/uptime"), "{test}");
    assert!(mqtt.env("MQTT_USER").is_some() && mqtt.env("MQTT_PASSWORD").is_some());
    // SCIP writes the team accounts into the same volume the broker reads.
    for (name, _, _) in SCIP_ROLES.iter().take(2) {
        let s = service(&file, name);
        assert!(
            s.volumes
                .contains(&"mqtt_auth:/var/lib/scip/mqtt-auth".to_owned()),
            "{name}"
        );
        let passwd = s.env("MOSQUITTO_PASSWORD_FILE").unwrap();
        let acl = s.env("MOSQUITTO_ACL_FILE").unwrap();
        assert!(
            passwd.starts_with("/var/lib/scip/mqtt-auth/")
                && acl.starts_with("/var/lib/scip/mqtt-auth/")
        );
    }
}

#[test]
fn long_running_services_restart_rotate_logs_and_check_health() {
    let file = base();
    for (name, s) in &file.services {
        assert_eq!(s.restart.as_deref(), Some("unless-stopped"), "{name}");
        let logging = s
            .logging
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no logging"));
        assert_eq!(logging.driver, "json-file", "{name}");
        assert_eq!(
            logging.options.get("max-size").map(String::as_str),
            Some("10m")
        );
        assert_eq!(
            logging.options.get("max-file").map(String::as_str),
            Some("3")
        );
        let check = s
            .healthcheck
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no healthcheck"));
        assert_eq!(check.interval.as_deref(), Some("30s"), "{name}");
        assert_eq!(check.timeout.as_deref(), Some("10s"), "{name}");
        assert_eq!(check.retries, Some(3), "{name}");
        let words = check.test.words();
        assert!(
            !words.iter().any(|w| w == "curl"),
            "{name}: images carry no curl; use `scip health`"
        );
        assert_eq!(s.network_names(), ["scip-network"], "{name}");
    }
}

#[test]
fn dependencies_wait_for_health_and_every_dependency_has_a_check() {
    let file = base();
    let expected: &[(&str, &[&str])] = &[
        ("api", &["postgres", "redis", "mqtt"]),
        ("orchestration", &["postgres", "redis", "mqtt", "api"]),
        ("client-dashboard", &["api"]),
        (
            "nginx",
            &["api", "orchestration", "client-dashboard", "mqtt"],
        ),
    ];
    for (name, deps) in expected {
        let conditions = service(&file, name)
            .depends_on
            .as_ref()
            .unwrap()
            .conditions();
        for dep in *deps {
            assert_eq!(
                conditions.get(*dep).map(String::as_str),
                Some("service_healthy"),
                "{name} must wait for {dep} to be healthy"
            );
        }
    }
    for (name, s) in &file.services {
        if let Some(depends) = &s.depends_on {
            for dep in depends.conditions().keys() {
                let target = service(&file, dep);
                assert!(
                    target.healthcheck.is_some(),
                    "{name} waits for {dep}, which has no check"
                );
            }
        }
    }
}

#[test]
fn scip_roles_get_the_whole_environment_with_the_seeds_defaults() {
    let file = base();
    for (name, _, _) in SCIP_ROLES {
        let s = service(&file, name);
        for var in SCIP_ENVIRONMENT {
            assert!(s.env(var).is_some(), "{name} lacks {var}");
        }
        let env = |k: &str| defaults(s.env(k).unwrap());
        assert_eq!(
            env("DATABASE_URL"),
            "postgres://scip_user:scip_password@postgres:5432/scip_v3"
        );
        assert_eq!(env("REDIS_URL"), "redis://:redis_password@redis:6379/0");
        assert_eq!(env("MQTT_HOST"), "mqtt");
        assert_eq!(env("MQTT_PORT"), "1883");
        assert_eq!(env("MQTT_WS_PORT"), "9001");
        assert_eq!(env("MQTT_USER"), "scip_user");
        assert_eq!(env("MQTT_PASSWORD"), "mqtt_password");
        assert_eq!(env("JWT_SECRET"), "jwt_secret_key");
        assert_eq!(env("APP_ENV"), "development");
        assert_eq!(env("MEDIA_PATH"), "/media");
        assert_eq!(env("DASHBOARD_RUNTIME"), "embedded");
        assert_eq!(env("DASHBOARD_PORT_RANGE"), "3100-3200");
        assert_eq!(env("DASHBOARD_IMAGE"), "scip:latest");
        assert_eq!(env("DOCKER_NETWORK"), "scip-network");
        assert_eq!(env("API_PORT"), "8000");
        assert_eq!(env("ORCHESTRATION_PORT"), "8001");
        assert_eq!(env("CLIENT_PORT"), "3000");
        assert!(
            s.volumes
                .iter()
                .any(|v| v.starts_with("media_files:/media"))
        );
    }
    // Only the api writes media; the others read it.
    assert!(
        service(&file, "orchestration")
            .volumes
            .contains(&"media_files:/media:ro".to_owned())
    );
}

#[test]
fn network_and_volumes_are_the_seeds() {
    let file = base();
    let network = file.networks["scip-network"].as_ref().unwrap();
    assert_eq!(
        network.name.as_deref(),
        Some("scip-network"),
        "fixed name for DOCKER_NETWORK"
    );
    assert_eq!(network.driver.as_deref(), Some("bridge"));
    assert_eq!(
        network.ipam.as_ref().unwrap().config[0].subnet,
        "172.20.0.0/16"
    );
    let declared: BTreeSet<&str> = file.volumes.keys().map(String::as_str).collect();
    assert_eq!(declared, NAMED_VOLUMES.iter().copied().collect());
    let used: BTreeSet<String> = file
        .services
        .values()
        .flat_map(|s| s.named_volumes())
        .collect();
    let used: BTreeSet<&str> = used.iter().map(String::as_str).collect();
    assert_eq!(
        used, declared,
        "every declared volume is used and every used one declared"
    );
}

#[test]
fn bind_mounts_point_at_files_we_ship() {
    let file = base();
    for (name, s) in &file.services {
        for volume in &s.volumes {
            let source = volume.split(':').next().unwrap();
            if let Some(relative) = source.strip_prefix("./") {
                assert!(
                    deploy(relative).exists(),
                    "{name} mounts {source}, which is not in deploy/"
                );
            }
        }
    }
}

#[test]
fn nginx_runs_in_the_production_profile_only_and_no_socket_is_mounted() {
    let file = base();
    assert_eq!(service(&file, "nginx").profiles, ["production"]);
    for (name, s) in &file.services {
        assert!(
            !s.volumes.iter().any(|v| v.contains("docker.sock")),
            "{name}: the Docker socket belongs in docker-compose.docker-runtime.yml only"
        );
    }
}
