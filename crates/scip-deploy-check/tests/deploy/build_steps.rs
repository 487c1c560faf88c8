//! The Dockerfile's build steps outside Docker: the dependency skeleton and
//! deploy/check-dockerfile-steps.sh (without its release build, which takes minutes).

use std::process::Command;

use crate::support::*;

#[test]
fn the_skeleton_has_every_manifest_the_lock_file_and_only_stub_sources() {
    let dest = tempfile::tempdir().unwrap();
    let (ok, output) = run(Command::new("bash")
        .arg(deploy("docker/workspace-skeleton.sh"))
        .arg(repo(""))
        .arg(dest.path()));
    assert!(ok, "{output}");
    assert_eq!(
        read(&dest.path().join("Cargo.lock")),
        read(&repo("Cargo.lock"))
    );
    assert_eq!(
        read(&dest.path().join("Cargo.toml")),
        read(&repo("Cargo.toml"))
    );
    let mut manifests = 0;
    for crate_dir in std::fs::read_dir(repo("crates")).unwrap() {
        let crate_dir = crate_dir.unwrap().path();
        let name = crate_dir.file_name().unwrap().to_owned();
        let copy = dest.path().join("crates").join(&name);
        assert_eq!(
            read(&copy.join("Cargo.toml")),
            read(&crate_dir.join("Cargo.toml")),
            "{name:?}"
        );
        manifests += 1;
        for (target, stub) in [("src/lib.rs", ""), ("src/main.rs", "fn main() {}\n")] {
            if crate_dir.join(target).is_file() {
                assert_eq!(read(&copy.join(target)), stub, "{name:?} {target}");
            }
        }
    }
    assert!(manifests >= 5);
    // Cargo accepts the skeleton with the unchanged lock file.
    let (ok, output) = run(Command::new("cargo")
        .args([
            "metadata",
            "--locked",
            "--offline",
            "--format-version",
            "1",
            "--no-deps",
        ])
        .current_dir(dest.path()));
    assert!(ok, "cargo metadata on the skeleton: {output}");
}

#[test]
fn the_skeleton_script_explains_wrong_usage() {
    let (ok, output) = run(Command::new("bash").arg(deploy("docker/workspace-skeleton.sh")));
    assert!(!ok && output.contains("usage:"), "{output}");
    let empty = tempfile::tempdir().unwrap();
    let (ok, output) = run(Command::new("bash")
        .arg(deploy("docker/workspace-skeleton.sh"))
        .arg(empty.path())
        .arg(empty.path().join("out")));
    assert!(
        !ok && output.contains("no Cargo.toml and Cargo.lock"),
        "{output}"
    );
}

#[test]
fn the_dockerfile_steps_prepare_a_locked_workspace() {
    let (ok, output) = run(Command::new(deploy("check-dockerfile-steps.sh")).arg("--no-build"));
    assert!(ok, "check-dockerfile-steps.sh --no-build:\n{output}");
    assert!(output.contains("skeleton and workspace OK"), "{output}");
}

#[test]
fn the_steps_script_runs_the_dockerfiles_commands() {
    let script = read(&deploy("check-dockerfile-steps.sh"));
    let dockerfile = read(&deploy("Dockerfile"));
    for command in [
        "cargo build --release --locked -p scip",
        "find crates bench -name '*.rs' -exec touch {} +",
        "strip --strip-all target/release/scip",
        "target/release/scip --version",
        "install -D -m 0755 target/release/scip",
        "workspace-skeleton.sh",
    ] {
        assert!(dockerfile.contains(command), "Dockerfile lacks {command}");
        assert!(
            script.contains(command),
            "check-dockerfile-steps.sh lacks {command}"
        );
    }
}
