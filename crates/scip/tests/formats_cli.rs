//! `scip validate` and `scip convert`, run as the real binary: exit codes, output lines,
//! and what is (not) written.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scip"))
        .args(args)
        .output()
        .expect("the scip binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A small bundle folder; `body` is the SMS body of its one inject.
fn bundle(dir: &Path, body: &str) -> PathBuf {
    let root = dir.join("bundle");
    fs::create_dir_all(root.join("teams")).unwrap();
    fs::write(
        root.join("scenario.yaml"),
        "format: scip-bundle/1\nid: quay\nname: Quay\nteams:\n  - id: ops\n    name: Ops\n",
    )
    .unwrap();
    fs::write(
        root.join("teams/ops.yaml"),
        format!("team: ops\ninjects:\n  - id: o-1\n    at: \"00:30\"\n    type: sms\n    content: {{from: Pilot, body: \"{body}\"}}\n"),
    )
    .unwrap();
    root
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scip-formats/tests/fixtures/northwind-flood")
}

#[test]
fn validate_exits_0_for_a_clean_scenario() {
    let out = scip(&["validate", p(&example())]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("bundle scenario northwind-flood: 2 teams, 5 injects, 1 media file; 0 errors, 0 warnings (valid)"), "{}", stdout(&out));
}

#[test]
fn validate_exits_1_with_one_line_per_problem() {
    let dir = tempfile::tempdir().unwrap();
    let root = bundle(dir.path(), "");
    fs::write(root.join("notes.txt"), "stray").unwrap();
    let out = scip(&["validate", p(&root)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            format!("{}/notes.txt: warning: not part of the bundle; ignored", root.display()).as_str(),
            format!("{}/teams/ops.yaml: team ops inject o-1 field body: error: Message is required for SMS injects", root.display()).as_str(),
            format!("{}: bundle scenario quay: 1 team, 1 inject, 0 media files; 1 error, 1 warning (not valid)", root.display()).as_str(),
        ]
    );
}

#[test]
fn validate_exits_2_for_unreadable_input() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.zip");
    let clean = bundle(dir.path(), "ok");
    let out = scip(&["validate", p(&clean), p(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{}: error: cannot be read: cannot read {}",
            missing.display(),
            missing.display()
        )),
        "{text}"
    );
    assert!(
        text.ends_with("checked 2 inputs: 0 with errors, 1 unreadable\n"),
        "{text}"
    );
}

#[test]
fn validate_prints_json_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let root = bundle(dir.path(), "");
    let out = scip(&["validate", "--format", "json", p(&root)]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"], 1);
    let input = &doc["inputs"][0];
    assert_eq!(input["format"], "bundle");
    assert_eq!(input["scenario"], "quay");
    let problem = &input["problems"][0];
    assert_eq!(problem["severity"], "error");
    assert_eq!(problem["team"], "ops");
    assert_eq!(problem["inject"], "o-1");
    assert_eq!(problem["field"], "body");
    assert_eq!(
        problem["file"],
        format!("{}/teams/ops.yaml", root.display())
    );
}

#[test]
fn convert_refuses_an_input_with_errors_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = bundle(dir.path(), "");
    let target = dir.path().join("out.xlsx");
    let out = scip(&["convert", p(&root), p(&target)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("was not converted: 1 error, 0 warnings"),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists());
}

#[test]
fn convert_goes_through_every_format_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let steps = [
        (example(), d.join("a.zip")),
        (d.join("a.zip"), d.join("sheets/plan.xlsx")),
        (d.join("sheets/plan.xlsx"), d.join("b")),
    ];
    fs::create_dir_all(d.join("sheets")).unwrap();
    for (from, to) in &steps {
        let out = scip(&["convert", p(from), p(to)]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}{}",
            stdout(&out),
            stderr(&out)
        );
    }
    assert!(
        d.join("sheets/media/kessel-point.svg").is_file(),
        "media go beside the workbook"
    );
    let load = |path: &Path| scip_formats::load_path(path, &Default::default()).unwrap();
    let (original, converted) = (load(&example()), load(&d.join("b")));
    assert_eq!(
        converted.scenario, original.scenario,
        "nothing was lost on the way"
    );
    assert_eq!(converted.media, original.media);
    let out = scip(&["validate", p(&d.join("b"))]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // A CSV keeps the injects; imported --into the scenario it gives the same bundle back.
    let out = scip(&[
        "convert",
        "--to",
        "csv",
        p(&d.join("b")),
        p(&d.join("plan.csv")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("note: CSV holds the injects only"));
    let out = scip(&[
        "convert",
        "--into",
        p(&d.join("b")),
        p(&d.join("plan.csv")),
        p(&d.join("c")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for file in [
        "scenario.yaml",
        "teams/harbour-authority.yaml",
        "teams/delta-public.yaml",
        "media/kessel-point.svg",
    ] {
        assert_eq!(
            fs::read(d.join("b").join(file)).unwrap(),
            fs::read(d.join("c").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn convert_refuses_a_zip_with_parent_paths_and_writes_nothing_outside_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("in/evil.zip");
    fs::create_dir_all(zip_path.parent().unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
    for (name, text) in [
        (
            "scenario.yaml",
            "format: scip-bundle/1\nid: e\nname: E\nteams: [{id: ops, name: Ops}]\n",
        ),
        ("teams/ops.yaml", "team: ops\ninjects: []\n"),
        ("../../escaped.txt", "gotcha"),
    ] {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    let target = dir.path().join("out/bundle");
    let out = scip(&["convert", p(&zip_path), p(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "entry \"../../escaped.txt\" is refused: it climbs out of its folder with '..'"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!target.exists());
    let mut seen = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            seen.push(
                e.path()
                    .strip_prefix(dir.path())
                    .unwrap()
                    .display()
                    .to_string(),
            );
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    seen.sort();
    assert_eq!(seen, ["in", "in/evil.zip"]);
    assert!(!dir.path().parent().unwrap().join("escaped.txt").exists());
}

#[test]
fn convert_replaces_an_existing_file_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.zip");
    fs::write(&target, "mine").unwrap();
    let out = scip(&["convert", p(&example()), p(&target)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("already exists; choose another name or pass --force"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read(&target).unwrap(), b"mine");
    let out = scip(&["convert", "--force", p(&example()), p(&target)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(fs::read(&target).unwrap(), b"mine");
}
