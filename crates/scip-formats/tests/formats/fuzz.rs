//! Any bytes given to any reader give a scenario or problems, never a panic.

use proptest::prelude::*;
use scip_formats::archive::read_zip;
use scip_formats::bundle::read_bundle;
use scip_formats::msel::{MselOptions, read_csv, read_xlsx, write_xlsx};
use scip_formats::v3::{V3Sources, read_v3};
use scip_formats::{FileSet, Limits, Loaded, Lookup, load_files};

/// Bytes: fully random, or text built from the characters each syntax cares about.
fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        "[ -~\n\t]{0,300}".prop_map(String::into_bytes),
        "[\\[\\]{}:,\"'\\- \n|>#&*!a-z0-9\r;]{0,300}".prop_map(String::into_bytes),
        any::<String>().prop_map(String::into_bytes),
    ]
}

/// JSON values of any shape, to reach the SCIP v3 reader's mapping code.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "news",
            "sms",
            "social",
            "email",
            "intel",
            "alert",
            "trigger",
            "01:30",
            "/api/media/a.png",
            "https://x/a.png",
            "../x.png",
            "t.json",
            "id",
            "",
        ])
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "id",
                    "name",
                    "time",
                    "turn",
                    "type",
                    "content",
                    "media",
                    "priority",
                    "message",
                    "teams",
                    "timeline_file",
                    "injects",
                    "turn_based",
                    "total_turns",
                    "duration_minutes",
                    "dashboard_port",
                    "from",
                    "text",
                    "body",
                    "headline",
                    "engagement",
                    "action",
                    "x",
                ])
                .prop_map(str::to_owned),
                inner,
                0..6,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn one_file(name: &str, bytes: Vec<u8>) -> FileSet {
    let mut set = FileSet::new();
    set.insert("fuzz", name, bytes).unwrap();
    set
}

fn v3(scenario: &[u8], timeline: &[u8]) -> Loaded {
    let files = one_file("t.json", timeline.to_vec());
    read_v3(
        "fuzz.json",
        scenario,
        V3Sources {
            timelines: Lookup::new().with(&files, ""),
            media: Lookup::new().with(&files, ""),
        },
    )
}

const SCENARIO_WITH_ONE_TEAM: &str =
    "format: scip-bundle/1\nid: f\nname: F\nteams:\n  - id: x\n    name: X\n";
const V3_WITH_ONE_TEAM: &str =
    r#"{"name":"F","teams":[{"id":"x","name":"X","timeline_file":"t.json"}]}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::cases(256), ..ProptestConfig::default() })]

    #[test]
    fn the_zip_reader_never_panics(bytes in input()) {
        let _ = read_zip("fuzz.zip", &bytes, Limits::default());
    }

    #[test]
    fn the_bundle_reader_never_panics(bytes in input()) {
        let _ = read_bundle(&one_file("scenario.yaml", bytes.clone()));
        let _ = read_bundle(&one_file("scenario.json", bytes.clone()));
        let mut set = one_file("scenario.yaml", SCENARIO_WITH_ONE_TEAM.as_bytes().to_vec());
        set.insert("fuzz", "teams/x.yaml", bytes).unwrap();
        let loaded = read_bundle(&set);
        prop_assert!(loaded.scenario.is_some(), "the scenario file is fine");
    }

    #[test]
    fn the_v3_reader_never_panics_on_bytes(bytes in input()) {
        let _ = v3(&bytes, b"{}");
        let loaded = v3(V3_WITH_ONE_TEAM.as_bytes(), &bytes);
        prop_assert!(loaded.scenario.is_some());
    }

    #[test]
    fn the_v3_reader_never_panics_on_json_of_any_shape(scenario in json(), timeline in json()) {
        let _ = v3(scenario.to_string().as_bytes(), timeline.to_string().as_bytes());
        let loaded = v3(V3_WITH_ONE_TEAM.as_bytes(), timeline.to_string().as_bytes());
        prop_assert!(loaded.scenario.is_some());
    }

    #[test]
    fn the_csv_reader_never_panics(bytes in input()) {
        let _ = read_csv("fuzz.csv", &bytes, MselOptions::default());
        let mut with_header = b"ID,Team,T+,Type,From,Subject,Body,Likes,Breaking,Extra,Turn\n".to_vec();
        with_header.extend_from_slice(&bytes);
        let _ = read_csv("fuzz.csv", &with_header, MselOptions::default());
    }

    #[test]
    fn the_workbook_reader_never_panics(bytes in input()) {
        let _ = read_xlsx("fuzz.xlsx", &bytes, MselOptions::default(), Limits::default());
    }

    #[test]
    fn the_loader_never_panics_on_uploads(names in prop::collection::vec("[a-z./]{1,12}", 1..4), bytes in input()) {
        let uploads = names.into_iter().map(|n| (n, bytes.clone()));
        if let Ok(set) = FileSet::from_uploads(uploads, Limits::default()) {
            let _ = load_files("upload", set, &Default::default());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: crate::cases(64), ..ProptestConfig::default() })]

    /// A real workbook with bytes flipped reaches deep into the workbook reader.
    #[test]
    fn a_damaged_workbook_is_a_problem_not_a_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        (scenario, _) in crate::generate::scenario_with_media(),
    ) {
        let mut bytes = write_xlsx(&scenario).unwrap();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        let _ = read_xlsx("damaged.xlsx", &bytes, MselOptions::default(), Limits::default());
    }

    /// A real zip with bytes flipped.
    #[test]
    fn a_damaged_zip_is_an_error_not_a_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        (scenario, media) in crate::generate::scenario_with_media(),
    ) {
        let files = scip_formats::bundle::bundle_files(&scenario, &media).unwrap();
        let mut bytes = scip_formats::archive::write_zip(&files).unwrap();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if let Ok(set) = read_zip("damaged.zip", &bytes, Limits::default()) {
            let _ = read_bundle(&set);
        }
    }
}
