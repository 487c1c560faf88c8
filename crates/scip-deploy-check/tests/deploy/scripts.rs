//! The shell scripts: syntax (bash -n / sh -n), shellcheck, strict mode, usage errors.

use std::path::PathBuf;
use std::process::Command;

use crate::support::*;

/// (path, shell dialect).
fn scripts() -> Vec<(PathBuf, &'static str)> {
    vec![
        (repo("scripts/backup-volumes.sh"), "bash"),
        (repo("scripts/check-health.sh"), "bash"),
        (deploy("check-dockerfile-steps.sh"), "bash"),
        (deploy("docker/workspace-skeleton.sh"), "bash"),
        (deploy("mqtt/run-mosquitto.sh"), "sh"),
    ]
}

#[test]
fn scripts_parse_and_run_in_strict_mode() {
    for (path, shell) in scripts() {
        let (ok, output) = run(Command::new(shell).arg("-n").arg(&path));
        assert!(ok, "{shell} -n {}: {output}", path.display());
        let text = read(&path);
        let strict = if shell == "bash" {
            "set -euo pipefail"
        } else {
            "set -eu"
        };
        assert!(text.contains(strict), "{} lacks `{strict}`", path.display());
        assert!(
            text.starts_with(&format!("#!/usr/bin/env {shell}"))
                || text.starts_with(&format!("#!/bin/{shell}")),
            "{}: shebang",
            path.display()
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&path).unwrap().permissions(),
        );
        assert!(mode & 0o111 != 0, "{} is not executable", path.display());
    }
}

#[test]
fn shellcheck_finds_nothing() {
    let shellcheck = tool("shellcheck", "apt-get install shellcheck");
    for (path, shell) in scripts() {
        let (ok, output) = run(Command::new(&shellcheck)
            .arg("--shell")
            .arg(shell)
            .arg("--severity=info")
            .arg(&path));
        assert!(ok, "shellcheck {}:\n{output}", path.display());
    }
}

#[test]
fn scripts_refuse_unknown_arguments_and_explain_themselves() {
    for path in [
        repo("scripts/backup-volumes.sh"),
        repo("scripts/check-health.sh"),
        deploy("check-dockerfile-steps.sh"),
    ] {
        let (ok, output) = run(Command::new(&path).arg("--no-such-option"));
        assert!(!ok, "{} accepted an unknown option", path.display());
        assert!(
            output.contains("--no-such-option"),
            "{}: {output}",
            path.display()
        );
        let (ok, help) = run(Command::new(&path).arg("--help"));
        assert!(ok && help.contains("Usage:"), "{}: {help}", path.display());
    }
}

#[test]
fn the_backup_uses_scip_backup_pg_dump_and_volume_tarballs() {
    let text = read(&repo("scripts/backup-volumes.sh"));
    assert!(text.contains("docker exec scip-api scip backup --output"));
    assert!(text.contains("pg_dump"));
    for volume in [
        "redis_data",
        "mqtt_data",
        "mqtt_auth",
        "media_files",
        "scip_data",
        "postgres_data",
    ] {
        assert!(text.contains(volume), "backup misses {volume}");
    }
    assert!(text.contains("SHA256SUMS"));
}

#[test]
fn the_health_check_covers_every_service() {
    let text = read(&repo("scripts/check-health.sh"));
    for container in [
        "scip-postgres",
        "scip-redis",
        "scip-mqtt",
        "scip-api",
        "scip-orchestration",
        "scip-client-dashboard",
        "scip-nginx",
    ] {
        assert!(
            text.contains(container),
            "check-health.sh does not check {container}"
        );
    }
    assert!(text.contains("label=scip.type=team-dashboard"));
    assert!(text.contains("/ready"));
}
