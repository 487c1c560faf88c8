//! `scip import` stores a scenario with its media, or nothing when the input has errors;
//! `scip export` writes it back out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

fn scip(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scip"))
        .args(args)
        .env("SCIP_DATA", data)
        .env_remove("DATABASE_URL")
        .env_remove("MEDIA_PATH")
        .output()
        .unwrap()
}

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo")
}

#[test]
fn import_stores_once_refuses_duplicates_and_exports_back() {
    let data = tempfile::tempdir().unwrap();
    let demo = demo();
    let dry = scip(
        data.path(),
        &["import", demo.to_str().unwrap(), "--dry-run"],
    );
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("would store scenario grey-tide version 1")
    );
    assert!(!data.path().join("media").exists(), "a dry run wrote media");

    let first = scip(data.path(), &["import", demo.to_str().unwrap()]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        std::fs::read_dir(data.path().join("media"))
            .unwrap()
            .count(),
        39
    );

    let again = scip(data.path(), &["import", demo.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let out = data.path().join("export.zip");
    let export = scip(
        data.path(),
        &["export", "grey-tide", "--out", out.to_str().unwrap()],
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    // The exported zip imports as the same scenario under another id.
    let round = scip(
        data.path(),
        &["import", out.to_str().unwrap(), "--as", "grey-tide-copy"],
    );
    assert!(
        round.status.success(),
        "{}",
        String::from_utf8_lossy(&round.stderr)
    );
    let a = scip(
        data.path(),
        &[
            "export",
            "grey-tide",
            "--out",
            data.path().join("a.xlsx").to_str().unwrap(),
        ],
    );
    let b = scip(
        data.path(),
        &[
            "export",
            "grey-tide-copy",
            "--out",
            data.path().join("b.csv").to_str().unwrap(),
        ],
    );
    assert!(a.status.success() && b.status.success());
}

#[test]
fn an_input_with_errors_stores_nothing() {
    let data = tempfile::tempdir().unwrap();
    let bundle = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(bundle.path().join("teams")).unwrap();
    std::fs::write(
        bundle.path().join("scenario.yaml"),
        "format: scip-bundle/1\nid: broken\nname: Broken\nteams:\n  - id: blue\n    name: Blue\n",
    )
    .unwrap();
    std::fs::write(
        bundle.path().join("teams/blue.yaml"),
        "team: blue\ninjects:\n  - id: b1\n    at: \"00:10\"\n    type: sms\n    content: {from: Ops}\n    media: [missing.png]\n",
    )
    .unwrap();
    let out = scip(data.path(), &["import", bundle.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("inject b1") && stderr.contains("body"),
        "{stderr}"
    );
    assert!(stderr.contains("missing.png"), "{stderr}");
    let list = scip(
        data.path(),
        &[
            "export",
            "broken",
            "--out",
            data.path().join("x.zip").to_str().unwrap(),
        ],
    );
    assert!(!list.status.success(), "the broken scenario was stored");
}
