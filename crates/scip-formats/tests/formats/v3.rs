//! SCIP v3 import: the three timeline shapes, every synonym, a full-size scenario, and
//! precise messages for bad input.

use std::fs;
use std::path::Path;

use scip_core::model::Content;
use scip_core::{InjectType, Mode, Scenario, Severity, TeamKind};
use scip_formats::{Format, LoadOptions, Loaded, OutputFormat, load_path, write_path};
use serde_json::json;

use crate::v3_fixture;

fn write_json(path: &Path, value: serde_json::Value) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

fn errors(loaded: &Loaded) -> Vec<String> {
    loaded
        .report
        .problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect()
}

fn inject<'a>(scenario: &'a Scenario, team: &str, id: &str) -> &'a scip_core::Inject {
    scenario
        .teams
        .iter()
        .find(|t| t.id.as_str() == team)
        .and_then(|t| t.timeline.iter().find(|i| i.id.as_str() == id))
        .unwrap_or_else(|| panic!("no inject {team}/{id}"))
}

#[test]
fn a_full_size_turn_based_scenario_imports_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = v3_fixture::write(dir.path());
    let loaded = load_path(&path, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.format, Format::ScipV3);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let scenario = loaded.scenario.as_ref().unwrap();
    assert_eq!(scenario.id.as_str(), v3_fixture::SCENARIO);
    assert_eq!(
        scenario.mode,
        Mode::Turns {
            total_turns: 3,
            turn_length_ms: None
        }
    );
    assert_eq!(scenario.duration_ms, Some(300 * 60_000));
    assert_eq!(scenario.teams.len(), 9);
    assert_eq!(scenario.inject_count(), 245);
    let public: Vec<&str> = scenario
        .teams
        .iter()
        .filter(|t| t.kind == TeamKind::Public)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(
        public,
        [
            "hw-public",
            "rp-public",
            "ro-public",
            "rc-public",
            "public-feed"
        ]
    );
    let per_turn = |n| {
        scenario
            .teams
            .iter()
            .flat_map(|t| &t.timeline)
            .filter(|i| i.turn == Some(n))
            .count()
    };
    assert_eq!(per_turn(1) + per_turn(2) + per_turn(3), 245);
    assert_eq!(scenario.teams[0].dashboard_port, Some(3127));
    // Every referenced file was found and flattened into the library.
    let refs = scenario.media_refs();
    // 31 player news × (photo + card), 31 mirror cards, 15 feed photos, 22 social cards.
    assert_eq!(refs.len(), 130);
    assert!(
        refs.iter()
            .all(|name| loaded.media.contains(name) && !name.contains('/'))
    );
    // Synonyms: e-mail headline → subject (harbour-watch), SMS text → body (red-cell).
    let hw_email = scenario.teams[0]
        .timeline
        .iter()
        .find(|i| i.inject_type() == InjectType::Email)
        .unwrap();
    assert!(matches!(&hw_email.content, Content::Email(e) if e.subject.starts_with("Update: ")));
    let rc_sms = scenario
        .teams
        .iter()
        .find(|t| t.id.as_str() == "red-cell")
        .unwrap()
        .timeline
        .iter()
        .find(|i| i.inject_type() == InjectType::Sms)
        .unwrap();
    assert!(
        matches!(&rc_sms.content, Content::Sms(s) if s.body.ends_with("Call in when you can."))
    );
    // Warnings say what was dropped.
    let warnings: Vec<String> = loaded
        .report
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(ToString::to_string)
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("thumbnail dropped")),
        "{warnings:#?}"
    );
}

#[test]
fn an_imported_v3_scenario_survives_a_bundle_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let path = v3_fixture::write(&dir.path().join("scenarios"));
    let loaded = load_path(&path, &LoadOptions::default()).unwrap();
    let scenario = loaded.importable().unwrap();
    let bundle = dir.path().join("bundle.zip");
    write_path(scenario, &loaded.media, &bundle, OutputFormat::Zip, false).unwrap();
    let again = load_path(&bundle, &LoadOptions::default()).unwrap();
    assert_eq!(errors(&again), Vec::<String>::new());
    assert_eq!(again.scenario.as_ref(), Some(scenario));
    assert_eq!(again.media, loaded.media);
}

/// Shape A with `scenario` + `team`, shape B (id/name/version) and shape C (documented
/// metadata) in one scenario; a clock scenario, so turns are ignored.
#[test]
fn the_three_timeline_shapes_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_json(
        &root.join("timelines/drill-blue.json"),
        json!({"id": "timeline-blue", "name": "Blue", "description": "d", "version": "1.0.0",
               "injects": [{"id": "b-001", "time": 5, "type": "alert", "priority": "high",
                            "content": {"severity": "warning", "title": "Radar fault", "message": "Primary radar offline."}}]}),
    );
    write_json(
        &root.join("drill/teams/red/timeline.json"),
        json!({"scenario": "drill", "team": "red",
               "injects": [{"id": "r-001", "time": 30, "type": "sms", "content": {"from": "Pilot", "text": "Steering lost."}}]}),
    );
    write_json(
        &root.join("timelines/drill-green.json"),
        json!({"id": "drill-green", "name": "Green", "duration_minutes": 45, "total_injects": 1,
               "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-02T00:00:00Z",
               "tags": ["port"], "difficulty": "hard",
               "injects": [{"id": "g-001", "time": 90, "type": "news",
                            "content": {"headline": "Quay closed", "body": "The north quay is closed.", "source": "Quay News",
                                        "author": "A. Writer", "breaking": "true"}}]}),
    );
    write_json(
        &root.join("drill.json"),
        json!({"id": "drill-internal", "name": "Drill", "duration_minutes": 45,
        "teams": [
            {"id": "blue", "name": "Blue", "timeline_file": "timelines/drill-blue.json"},
            {"id": "red", "name": "Red", "timeline_file": "drill/teams/red/timeline.json", "color": "red"},
            {"id": "green", "name": "Green", "timeline_file": "timelines/drill-green.json"}
        ]}),
    );
    let loaded = load_path(&root.join("drill.json"), &LoadOptions::default()).unwrap();
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let s = loaded.scenario.as_ref().unwrap();
    assert_eq!(s.id.as_str(), "drill", "the id comes from the file name");
    assert_eq!(s.mode, Mode::Clock);
    assert_eq!(s.teams[1].color, "#dc2626");
    assert_eq!(inject(s, "blue", "b-001").at_ms, 5_000);
    assert!(
        matches!(&inject(s, "red", "r-001").content, Content::Sms(c) if c.body == "Steering lost.")
    );
    assert!(
        matches!(&inject(s, "green", "g-001").content, Content::News(c) if c.breaking && c.author.as_deref() == Some("A. Writer"))
    );
    let warning = loaded
        .report
        .problems
        .iter()
        .find(|p| p.location.field.as_deref() == Some("id"))
        .unwrap();
    assert!(
        warning.message.contains("not \"drill-internal\""),
        "{warning}"
    );
}

#[test]
fn timelines_are_found_under_a_scenarios_root_given_by_the_caller() {
    let dir = tempfile::tempdir().unwrap();
    write_json(
        &dir.path().join("library/t.json"),
        json!({"injects": [{"id": "a", "time": 1, "type": "sms", "content": {"from": "F", "body": "B"}}]}),
    );
    write_json(
        &dir.path().join("elsewhere/s.json"),
        json!({"name": "S", "teams": [{"id": "a", "name": "A", "timeline_file": "library/t.json"}]}),
    );
    let path = dir.path().join("elsewhere/s.json");
    let without = load_path(&path, &LoadOptions::default()).unwrap();
    assert!(
        errors(&without)[0].contains("timeline file \"library/t.json\" is missing"),
        "{:?}",
        errors(&without)
    );
    let options = LoadOptions {
        scenarios_root: Some(dir.path().to_path_buf()),
        ..LoadOptions::default()
    };
    let with = load_path(&path, &options).unwrap();
    assert_eq!(errors(&with), Vec::<String>::new());
}

fn scenario_with(dir: &Path, injects: serde_json::Value) -> Loaded {
    write_json(
        &dir.join("s/teams/ops/timeline.json"),
        json!({"scenario_id": "s", "injects": injects}),
    );
    write_json(
        &dir.join("s.json"),
        json!({"name": "S", "turn_based": true, "total_turns": 2,
               "teams": [{"id": "ops", "name": "Ops", "timeline_file": "s/teams/ops/timeline.json"}]}),
    );
    load_path(&dir.join("s.json"), &LoadOptions::default()).unwrap()
}

#[test]
fn a_wrong_type_for_time_names_file_team_inject_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = scenario_with(
        dir.path(),
        json!([{"id": "ops-t1-001", "turn": 1, "time": "01:30", "type": "sms", "content": {"from": "F", "body": "B"}}]),
    );
    assert_eq!(
        errors(&loaded),
        [
            "s/teams/ops/timeline.json: team ops inject ops-t1-001 field time: error: time must be whole seconds (a number such as 90), not the text \"01:30\""
        ]
    );
}

#[test]
fn truncated_json_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.json");
    fs::write(
        &path,
        r#"{"name": "Cut", "teams": [{"id": "a", "timeline_file": "#,
    )
    .unwrap();
    let loaded = load_path(&path, &LoadOptions::default()).unwrap();
    let errors = errors(&loaded);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!(
            "{}: error: is not valid JSON: EOF while parsing",
            path.display()
        )),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains("line 1 column") && errors[0].contains("truncated"),
        "{}",
        errors[0]
    );
}

#[test]
fn a_truncated_timeline_is_reported_in_its_file() {
    let dir = tempfile::tempdir().unwrap();
    scenario_with(dir.path(), json!([]));
    fs::write(
        dir.path().join("s/teams/ops/timeline.json"),
        r#"{"injects": [{"id": "x", "time": 3"#,
    )
    .unwrap();
    let loaded = load_path(&dir.path().join("s.json"), &LoadOptions::default()).unwrap();
    let errors = errors(&loaded);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("s/teams/ops/timeline.json: team ops: error: is not valid JSON"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("truncated"), "{}", errors[0]);
}

#[test]
fn a_missing_media_file_is_one_precise_error() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("media/s")).unwrap();
    fs::write(dir.path().join("media/s/here.png"), "png").unwrap();
    let loaded = scenario_with(
        dir.path(),
        json!([{"id": "a", "turn": 1, "time": 10, "type": "news",
                "content": {"headline": "H", "body": "B", "source": "S"},
                "media": ["/api/media/s/here.png", "/api/media/s/gone.png"]}]),
    );
    let errors = errors(&loaded);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("s/teams/ops/timeline.json: team ops inject a field media: error: media file \"/api/media/s/gone.png\" is not in the media folder"),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].ends_with(&format!(
            "(looked in {})",
            dir.path().join("media").display()
        )),
        "{}",
        errors[0]
    );
    assert_eq!(
        inject(loaded.scenario.as_ref().unwrap(), "ops", "a").media,
        ["here.png", "gone.png"]
    );
}

#[test]
fn device_commands_and_unknown_types_are_errors_naming_the_inject() {
    let dir = tempfile::tempdir().unwrap();
    let loaded = scenario_with(
        dir.path(),
        json!([
            {"id": "sat-1", "turn": 1, "time": 5, "type": "trigger", "content": {"command": "jam", "parameters": {}}},
            {"id": "sys-1", "turn": 1, "time": 6, "type": "system", "content": {"command": "reboot"}},
            {"id": "odd-1", "turn": 2, "time": 7, "type": "hologram", "content": {}}
        ]),
    );
    let errors = errors(&loaded);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].contains(
        "inject sat-1 field type: error: type \"trigger\" is a SCIP v3 device or system command"
    ));
    assert!(errors[1].contains("inject sys-1 field type"));
    assert!(errors[2].contains("inject odd-1 field type: error: type \"hologram\" is unknown"));
}

#[test]
fn missing_total_turns_is_taken_from_the_injects_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write_json(
        &dir.path().join("t.json"),
        json!({"injects": [{"id": "a", "turn": 3, "time": 1, "type": "sms", "content": {"from": "F", "body": "B"}}]}),
    );
    write_json(
        &dir.path().join("s.json"),
        json!({"name": "S", "turn_based": true, "teams": [{"id": "a", "name": "A", "timeline_file": "t.json"}]}),
    );
    let loaded = load_path(&dir.path().join("s.json"), &LoadOptions::default()).unwrap();
    assert_eq!(errors(&loaded), Vec::<String>::new());
    assert_eq!(loaded.scenario.unwrap().mode.total_turns(), Some(3));
    assert!(loaded.report.problems[0].message.contains("using 3"));
}

#[test]
fn a_timeline_given_alone_is_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    write_json(
        &dir.path().join("timeline.json"),
        json!({"scenario_id": "s", "injects": []}),
    );
    let err = load_path(&dir.path().join("timeline.json"), &LoadOptions::default()).unwrap_err();
    assert!(
        err.to_string().contains("is a timeline, not a scenario"),
        "{err}"
    );
}

#[test]
fn files_with_the_same_name_in_different_folders_get_distinct_names() {
    let dir = tempfile::tempdir().unwrap();
    for (rel, bytes) in [
        ("s/library/map.png", "photo"),
        ("s/generated/map.png", "card"),
    ] {
        let file = dir.path().join("media").join(rel);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, bytes).unwrap();
    }
    let loaded = scenario_with(
        dir.path(),
        json!([
            {"id": "a", "turn": 1, "time": 10, "type": "news", "content": {"headline": "H", "body": "B", "source": "S"},
             "media": ["/api/media/s/library/map.png", "/api/media/s/generated/map.png"]},
            {"id": "b", "turn": 1, "time": 20, "type": "news", "content": {"headline": "H", "body": "B", "source": "S"},
             "media": ["/api/media/s/generated/map.png"]}
        ]),
    );
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let s = loaded.scenario.as_ref().unwrap();
    assert_eq!(inject(s, "ops", "a").media, ["map.png", "map-2.png"]);
    assert_eq!(inject(s, "ops", "b").media, ["map-2.png"]);
    assert_eq!(loaded.media.get("map.png"), Some(&b"photo"[..]));
    assert_eq!(loaded.media.get("map-2.png"), Some(&b"card"[..]));
}

/// The HTTP API's path: the SCIP v3 scenarios folder zipped and uploaded as one file.
#[test]
fn an_uploaded_zip_of_a_v3_scenarios_folder_imports() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("scenarios");
    v3_fixture::write(&root);
    let files = scip_formats::FileSet::read_dir(&root, scip_formats::Limits::default()).unwrap();
    let zip = scip_formats::archive::write_zip(&files).unwrap();
    let upload = scip_formats::FileSet::from_uploads(
        [("scenarios.zip".to_owned(), zip)],
        scip_formats::Limits::default(),
    )
    .unwrap();
    let loaded = scip_formats::load_files("upload", upload, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.format, Format::ScipV3);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    assert_eq!(loaded.scenario.as_ref().unwrap().inject_count(), 245);
    assert_eq!(loaded.media.len(), 130);
}
