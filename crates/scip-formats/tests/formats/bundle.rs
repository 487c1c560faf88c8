//! Bundles: the documented example, what writing looks like, and precise messages.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use scip_core::Severity;
use scip_formats::bundle::{bundle_files, read_bundle};
use scip_formats::{
    FileSet, FormatError, LoadOptions, Loaded, OutputFormat, load_path, write_path,
};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn lines(loaded: &Loaded, severity: Severity) -> Vec<String> {
    loaded
        .report
        .problems
        .iter()
        .filter(|p| p.severity == severity)
        .map(ToString::to_string)
        .collect()
}

fn set(entries: &[(&str, &str)]) -> FileSet {
    let mut files = FileSet::new();
    for (name, text) in entries {
        files
            .insert("test", name, text.as_bytes().to_vec())
            .unwrap();
    }
    files
}

const SCENARIO: &str =
    "format: scip-bundle/1\nid: s\nname: S\nteams:\n  - id: ops\n    name: Ops\n";

#[test]
fn the_example_bundle_is_clean_and_writes_back_identically_in_meaning() {
    let loaded = load_path(&fixture("northwind-flood"), &LoadOptions::default()).unwrap();
    assert!(
        loaded.report.problems.is_empty(),
        "{:#?}",
        loaded.report.problems
    );
    let scenario = loaded.scenario.as_ref().unwrap();
    assert_eq!(scenario.inject_count(), 5);
    let files = bundle_files(scenario, &loaded.media).unwrap();
    let again = read_bundle(&files);
    assert_eq!(again.scenario.as_ref(), Some(scenario));
    let yaml =
        String::from_utf8(files.get("teams/harbour-authority.yaml").unwrap().to_vec()).unwrap();
    assert!(yaml.contains("at: \"01:00\""), "times are quoted:\n{yaml}");
    assert!(
        yaml.contains("    body: |\n      KESSEL POINT"),
        "multi-line text stays readable:\n{yaml}"
    );
    let header = String::from_utf8(files.get("scenario.yaml").unwrap().to_vec()).unwrap();
    assert!(
        header.contains("duration: \"1:00:00\"") && header.contains("turn_length: \"20:00\""),
        "{header}"
    );
}

#[test]
fn a_missing_media_file_names_file_team_inject_and_field() {
    let loaded = read_bundle(&set(&[
        ("scenario.yaml", SCENARIO),
        (
            "teams/ops.yaml",
            "team: ops\ninjects:\n  - id: o-1\n    at: \"00:10\"\n    type: media\n    content: {title: Map}\n    media: [map.png]\n",
        ),
    ]));
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "teams/ops.yaml: team ops inject o-1 field media: error: media file \"map.png\" is missing"
        ]
    );
}

#[test]
fn yaml_mistakes_are_reported_with_their_line() {
    let loaded = read_bundle(&set(&[
        ("scenario.yaml", SCENARIO),
        (
            "teams/ops.yaml",
            "team: ops\ninjects:\n  - id: o-1\n    at: \"00:10\"\n    typ: sms\n",
        ),
    ]));
    let errors = lines(&loaded, Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].starts_with("teams/ops.yaml: team ops: error: is not a valid bundle document: injects[0]: unknown field `typ`"), "{}", errors[0]);
    assert!(errors[0].contains("line 5 column 5"), "{}", errors[0]);
}

#[test]
fn a_timeline_of_another_team_or_none_at_all_is_an_error() {
    let loaded = read_bundle(&set(&[
        ("scenario.yaml", SCENARIO),
        ("teams/ops.yaml", "team: red\ninjects: []\n"),
    ]));
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "teams/ops.yaml: team ops field team: error: says team \"red\" but belongs to team \"ops\""
        ]
    );
    let loaded = read_bundle(&set(&[("scenario.yaml", SCENARIO)]));
    assert_eq!(
        lines(&loaded, Severity::Error),
        ["scenario.yaml: team ops: error: timeline file teams/ops.yaml is missing"]
    );
}

#[test]
fn stray_and_unused_files_are_warnings() {
    let loaded = read_bundle(&set(&[
        ("scenario.yaml", SCENARIO),
        ("teams/ops.yaml", "team: ops\ninjects: []\n"),
        ("media/unused.png", "x"),
        ("notes.txt", "x"),
        ("README.md", "x"),
        ("tools/draw.py", "x"),
        ("tools/lib/svg.py", "x"),
    ]));
    assert_eq!(
        lines(&loaded, Severity::Warning),
        [
            "media/unused.png: warning: no inject uses this media file",
            "notes.txt: warning: not part of the bundle; ignored",
            "tools/: warning: not part of the bundle (2 files); ignored"
        ]
    );
}

/// Builds a zip whose entries are written as given, whatever they are.
fn hostile_zip(path: &Path, entries: &[(&str, &str)]) {
    let mut writer = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, text) in entries {
        writer
            .start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        out.push(entry.file_name().to_string_lossy().into_owned());
        if entry.file_type().unwrap().is_dir() {
            out.extend(
                tree(&entry.path())
                    .into_iter()
                    .map(|p| format!("{}/{p}", entry.file_name().to_string_lossy())),
            );
        }
    }
    out.sort();
    out
}

#[test]
fn a_zip_with_parent_paths_is_refused_and_nothing_is_written_outside_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    fs::create_dir_all(&work).unwrap();
    let zip = work.join("evil.zip");
    hostile_zip(
        &zip,
        &[
            ("scenario.yaml", SCENARIO),
            ("teams/ops.yaml", "team: ops\ninjects: []\n"),
            ("media/../../../escaped.txt", "gotcha"),
        ],
    );
    let before = tree(dir.path());
    let err = load_path(&zip, &LoadOptions::default()).unwrap_err();
    assert!(matches!(err, FormatError::UnsafeEntry { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: entry \"media/../../../escaped.txt\" is refused: it climbs out of its folder with '..'",
            zip.display()
        )
    );
    assert_eq!(tree(dir.path()), before, "nothing was written anywhere");
}

#[test]
fn a_zip_of_a_folder_is_read_from_inside_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("wrapped.zip");
    hostile_zip(
        &zip,
        &[
            ("northwind/scenario.yaml", SCENARIO),
            ("northwind/teams/ops.yaml", "team: ops\ninjects: []\n"),
            ("__MACOSX/northwind/._scenario.yaml", "junk"),
        ],
    );
    let loaded = load_path(&zip, &LoadOptions::default()).unwrap();
    assert!(
        loaded.report.problems.is_empty(),
        "{:?}",
        loaded.report.problems
    );
    assert_eq!(loaded.scenario.unwrap().teams.len(), 1);
}

#[test]
fn problems_in_a_folder_bundle_name_the_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("b");
    fs::create_dir_all(bundle.join("teams")).unwrap();
    fs::write(bundle.join("scenario.yaml"), SCENARIO).unwrap();
    fs::write(
        bundle.join("teams/ops.yaml"),
        "team: ops\ninjects:\n  - {id: x, at: \"00:01\", type: sms, content: {from: F}}\n",
    )
    .unwrap();
    let loaded = load_path(&bundle, &LoadOptions::default()).unwrap();
    assert_eq!(
        lines(&loaded, Severity::Error),
        [format!(
            "{}/teams/ops.yaml: team ops inject x field body: error: Message is required for SMS injects",
            bundle.display()
        )]
    );
}

#[test]
fn writing_a_bundle_refuses_a_folder_with_files_and_a_file_without_force() {
    let loaded = load_path(&fixture("northwind-flood"), &LoadOptions::default()).unwrap();
    let scenario = loaded.scenario.as_ref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("mine.txt"), "keep").unwrap();
    let err = write_path(
        scenario,
        &loaded.media,
        dir.path(),
        OutputFormat::Bundle,
        false,
    )
    .unwrap_err();
    assert!(matches!(err, FormatError::OutputNotEmpty(_)), "{err}");
    let out = dir.path().join("out.zip");
    write_path(scenario, &loaded.media, &out, OutputFormat::Zip, false).unwrap();
    let err = write_path(scenario, &loaded.media, &out, OutputFormat::Zip, false).unwrap_err();
    assert!(matches!(err, FormatError::OutputExists(_)), "{err}");
    write_path(scenario, &loaded.media, &out, OutputFormat::Zip, true).unwrap();
    assert_eq!(tree(dir.path()), ["mine.txt", "out.zip"]);
}

#[test]
fn a_spreadsheet_export_puts_its_media_beside_it() {
    let loaded = load_path(&fixture("northwind-flood"), &LoadOptions::default()).unwrap();
    let scenario = loaded.scenario.as_ref().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new-folder/plan.xlsx");
    let written = write_path(scenario, &loaded.media, &out, OutputFormat::Xlsx, false).unwrap();
    assert_eq!(
        written.media,
        Some((dir.path().join("new-folder/media"), 1))
    );
    let back = load_path(&out, &LoadOptions::default()).unwrap();
    assert!(
        back.report.problems.is_empty(),
        "{:?}",
        back.report.problems
    );
    assert_eq!(back.scenario.as_ref(), Some(scenario));
    assert_eq!(back.media, loaded.media);
}
