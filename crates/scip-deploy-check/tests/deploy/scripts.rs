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

/// A stand-in `docker` command for the operations scripts: it logs each call, answers as a
/// healthy deployment would, writes the files `docker cp` and `docker run … tar` would write,
/// and fails the calls whose arguments contain `$FAKE_DOCKER_FAIL`.
const FAKE_DOCKER: &str = r#"#!/bin/sh
echo "docker $*" >>"$FAKE_DOCKER_LOG"
case " $* " in *" $FAKE_DOCKER_FAIL "*) echo "simulated failure" >&2; exit 1 ;; esac
case $1 in
  inspect) case " $* " in *Health*) echo healthy ;; *) echo running ;; esac ;;
  cp) : >"$3" ;;
  exec) case " $* " in *pg_dump*) echo "PGDMP" ;; esac ;;
  run)
    for arg in "$@"; do
      case $arg in *:/backup) dest=${arg%:/backup} ;; /backup/*) out=${arg#/backup/} ;; esac
    done
    : >"$dest/$out" ;;
esac
exit 0
"#;

struct FakeDocker {
    dir: tempfile::TempDir,
}

impl FakeDocker {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::fs::write(bin.join("docker"), FAKE_DOCKER).unwrap();
        let mut permissions = std::fs::metadata(bin.join("docker")).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(bin.join("docker"), permissions).unwrap();
        Self { dir }
    }

    fn command(&self, script: &std::path::Path, fail: &str) -> Command {
        let path = format!(
            "{}:{}",
            self.dir.path().join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut command = Command::new(script);
        command
            .env("PATH", path)
            .env("FAKE_DOCKER_LOG", self.dir.path().join("calls.log"))
            .env("FAKE_DOCKER_FAIL", fail)
            .current_dir(self.dir.path());
        command
    }

    fn calls(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("calls.log")).unwrap_or_default()
    }
}

#[test]
fn a_backup_writes_every_part_and_their_checksums() {
    let docker = FakeDocker::new();
    let dest = docker.dir.path().join("out");
    let (ok, output) = run(docker
        .command(&repo("scripts/backup-volumes.sh"), "never-matches")
        .arg("--dest")
        .arg(&dest));
    assert!(ok, "{output}");
    let folder = std::fs::read_dir(&dest)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 8, "{files:?}");
    assert!(files.contains(&"SHA256SUMS".to_owned()), "{files:?}");
    for part in [
        "postgres.dump",
        "redis_data.tar.gz",
        "mqtt_data.tar.gz",
        "mqtt_auth.tar.gz",
        "media_files.tar.gz",
        "scip_data.tar.gz",
    ] {
        assert!(
            files.contains(&part.to_owned()),
            "{part} missing: {files:?}"
        );
    }
    assert!(files.iter().any(|f| f.starts_with("scip-backup-")));
    assert_eq!(read(&folder.join("postgres.dump")), "PGDMP\n");
    let sums = read(&folder.join("SHA256SUMS"));
    assert_eq!(sums.lines().count(), 7, "{sums}");
    let calls = docker.calls();
    assert!(calls.contains("docker exec scip-api scip backup --output /data/backups/scip-backup-"));
    // The raw PostgreSQL volume only on request, and PostgreSQL is not stopped otherwise.
    assert!(!calls.contains("docker stop"));
}

#[test]
fn a_failed_backup_step_fails_the_script_and_names_the_step() {
    let docker = FakeDocker::new();
    let (ok, output) = run(docker
        .command(&repo("scripts/backup-volumes.sh"), "BGREWRITEAOF")
        .arg("--dest")
        .arg(docker.dir.path().join("out")));
    assert!(!ok, "{output}");
    assert!(
        output.contains("backup FAILED during: Redis AOF rewrite"),
        "{output}"
    );
}

#[test]
fn the_raw_postgres_volume_copy_restarts_postgres_even_when_it_fails() {
    let docker = FakeDocker::new();
    let (ok, output) = run(docker
        .command(
            &repo("scripts/backup-volumes.sh"),
            "/var/lib/postgresql/data",
        )
        .arg("--dest")
        .arg(docker.dir.path().join("out"))
        .arg("--postgres-volume"));
    assert!(!ok, "{output}");
    let calls = docker.calls();
    let stop = calls
        .find("docker stop scip-postgres")
        .expect("postgres stopped");
    let start = calls
        .find("docker start scip-postgres")
        .expect("postgres started again");
    assert!(stop < start);
}

#[test]
fn the_health_check_reports_each_failure_and_exits_non_zero() {
    let docker = FakeDocker::new();
    let script = repo("scripts/check-health.sh");
    // Redis fails inside its container, and nothing answers at the API URL.
    let (ok, output) = run(docker
        .command(&script, "scip-redis")
        .arg("--url")
        .arg("http://127.0.0.1:9"));
    assert!(!ok, "{output}");
    assert!(output.contains("FAIL  Redis answers PING"), "{output}");
    assert!(
        output.contains("simulated failure"),
        "the failing command's output is shown: {output}"
    );
    assert!(
        output.contains("OK    PostgreSQL accepts connections"),
        "{output}"
    );
    assert!(
        output.contains("FAIL  API answers http://127.0.0.1:9/health"),
        "{output}"
    );
    assert!(output.contains("check(s) FAILED"), "{output}");
}

#[test]
fn the_health_check_passes_when_everything_answers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 1024];
            let _ = std::io::Read::read(&mut stream, &mut request);
            let _ = std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
            );
        }
    });
    let docker = FakeDocker::new();
    let (ok, output) = run(docker
        .command(&repo("scripts/check-health.sh"), "never-matches")
        .arg("--url")
        .arg(&url));
    assert!(ok, "{output}");
    assert!(!output.contains("FAIL"), "{output}");
    assert!(output.contains("all checks passed"), "{output}");
    assert!(output.contains(&format!(
        "OK    API is ready: database, broker, Redis ({url}/ready)"
    )));
}
