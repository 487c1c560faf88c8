//! deploy/docker-stack.yml: the Swarm deployment.

use std::collections::BTreeSet;

use crate::support::*;

#[test]
fn api_replicas_roll_one_at_a_time_as_the_seed() {
    let stack = stack();
    assert_eq!(stack.version.as_deref(), Some("3.8"));
    let deploy = service(&stack, "api").deploy.as_ref().unwrap();
    assert_eq!(deploy.replicas, Some(3));
    let update = deploy.update_config.as_ref().unwrap();
    assert_eq!(update.parallelism, Some(1));
    assert_eq!(update.delay.as_deref(), Some("10s"));
    assert_eq!(
        deploy.restart_policy.as_ref().unwrap().condition,
        "on-failure"
    );
}

#[test]
fn at_least_two_orchestrators_share_the_exercises() {
    let stack = stack();
    let deploy = service(&stack, "orchestration").deploy.as_ref().unwrap();
    assert!(deploy.replicas.unwrap() >= 2);
    assert_eq!(
        deploy.restart_policy.as_ref().unwrap().condition,
        "on-failure"
    );
}

#[test]
fn has_the_same_services_as_compose_with_swarm_settings_only() {
    let stack = stack();
    let compose = base();
    let a: BTreeSet<&String> = stack.services.keys().collect();
    let b: BTreeSet<&String> = compose.services.keys().collect();
    assert_eq!(a, b);
    for (name, s) in &stack.services {
        // Swarm ignores these; their presence would suggest they work.
        assert!(s.build.is_none(), "{name}: build");
        assert!(s.container_name.is_none(), "{name}: container_name");
        assert!(s.depends_on.is_none(), "{name}: depends_on");
        assert!(
            s.restart.is_none(),
            "{name}: restart (use deploy.restart_policy)"
        );
        assert!(s.profiles.is_empty(), "{name}: profiles");
        assert!(s.init.is_none(), "{name}: init");
        assert!(s.healthcheck.is_some(), "{name}: healthcheck");
        assert!(
            s.deploy
                .as_ref()
                .and_then(|d| d.restart_policy.as_ref())
                .is_some(),
            "{name}"
        );
        assert!(s.image.is_some(), "{name}: Swarm pulls images");
        assert_eq!(s.network_names(), ["scip-network"], "{name}");
    }
    for (name, _, _) in SCIP_ROLES {
        let s = service(&stack, name);
        for var in SCIP_ENVIRONMENT {
            assert!(s.env(var).is_some(), "{name} lacks {var}");
        }
        assert_eq!(s.env("APP_ENV"), Some("production"));
    }
}

#[test]
fn stateful_services_are_pinned_to_the_data_node() {
    let stack = stack();
    for name in ["postgres", "redis", "mqtt"] {
        let deploy = service(&stack, name).deploy.as_ref().unwrap();
        assert!(deploy.replicas.unwrap_or(1) == 1, "{name} runs once");
        let constraints = &deploy.placement.as_ref().unwrap().constraints;
        assert_eq!(constraints, &["node.labels.scip.data == true"], "{name}");
    }
}

#[test]
fn shared_volumes_are_on_nfs_and_configs_exist() {
    let stack = stack();
    for name in ["media_files", "scip_data", "mqtt_auth"] {
        let volume = stack.volumes[name].as_ref().unwrap();
        assert_eq!(
            volume.driver_opts.get("type").map(String::as_str),
            Some("nfs"),
            "{name}"
        );
    }
    let network = stack.networks["scip-network"].as_ref().unwrap();
    assert_eq!(network.driver.as_deref(), Some("overlay"));
    assert_eq!(network.attachable, Some(true));
    for (name, source) in &stack.configs {
        assert!(
            deploy(&source.file).is_file(),
            "config {name}: {} missing",
            source.file
        );
    }
    for (name, source) in &stack.secrets {
        assert!(
            source.file.starts_with("./nginx/ssl/"),
            "secret {name} must come from nginx/ssl/ (documented there)"
        );
    }
    let used: BTreeSet<String> = stack
        .services
        .values()
        .flat_map(|s| s.configs.iter().chain(&s.secrets).map(|r| r.source.clone()))
        .collect();
    let declared: BTreeSet<String> = stack
        .configs
        .keys()
        .chain(stack.secrets.keys())
        .cloned()
        .collect();
    assert_eq!(used, declared);
}

#[test]
fn nginx_in_the_stack_gets_every_file_compose_mounts() {
    let stack = stack();
    let targets: BTreeSet<String> = service(&stack, "nginx")
        .configs
        .iter()
        .map(|c| c.target.clone())
        .collect();
    for snippet in std::fs::read_dir(deploy("nginx/snippets")).unwrap() {
        let name = snippet.unwrap().file_name().into_string().unwrap();
        assert!(
            targets.contains(&format!("/etc/nginx/snippets/{name}")),
            "snippet {name} is not a config of the nginx service"
        );
    }
    assert!(targets.contains("/etc/nginx/nginx.conf"));
    assert!(targets.contains("/etc/nginx/sites-enabled/scip.conf"));
}

fn docker_stack_config(env: &[(&str, &str)]) -> (bool, String) {
    let docker = tool(
        "docker",
        "install the Docker CLI (docker.io); no engine is needed",
    );
    let mut command = std::process::Command::new(docker);
    command
        .args(["stack", "config", "-c", "docker-stack.yml"])
        .current_dir(deploy(""));
    for (name, _) in STACK_SECRETS {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    run(&mut command)
}

const STACK_SECRETS: &[(&str, &str)] = &[
    ("DB_PASSWORD", "db-secret"),
    ("REDIS_PASSWORD", "redis-secret"),
    ("MQTT_PASSWORD", "mqtt-secret"),
    ("JWT_SECRET", "0123456789abcdef0123456789abcdef"),
    ("PUBLIC_HOST", "scip.example.org"),
    ("NFS_SERVER", "nfs.example.org"),
];

#[test]
fn docker_accepts_the_stack_file() {
    // The Docker CLI validates the file against its schema and interpolates it offline.
    let (ok, output) = docker_stack_config(STACK_SECRETS);
    assert!(ok, "docker stack config:\n{output}");
    assert!(output.contains("replicas: 3"), "{output}");
    assert!(
        output.contains("postgres://scip_user:db-secret@postgres:5432/scip_v3"),
        "{output}"
    );
    assert!(
        output.contains("addr=nfs.example.org,rw,nfsvers=4"),
        "{output}"
    );
}

#[test]
fn the_stack_refuses_to_deploy_without_its_secrets() {
    for (missing, _) in STACK_SECRETS {
        let given: Vec<(&str, &str)> = STACK_SECRETS
            .iter()
            .copied()
            .filter(|(name, _)| name != missing)
            .collect();
        let (ok, output) = docker_stack_config(&given);
        assert!(!ok, "deployed without {missing}");
        assert!(
            output.contains(missing),
            "the error must name {missing}: {output}"
        );
    }
}
