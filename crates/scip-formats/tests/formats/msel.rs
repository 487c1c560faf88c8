//! MSEL spreadsheets: planners' headers and notations, and precise messages for bad rows.

use std::path::PathBuf;

use rust_xlsxwriter::{Format as CellFormat, Workbook};
use scip_core::model::Content;
use scip_core::{Mode, Priority, Severity};
use scip_formats::msel::{MselOptions, read_csv, read_xlsx, write_csv};
use scip_formats::{FileSet, Format, Limits, LoadOptions, Loaded, Lookup, load_path};

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

fn csv(text: &str) -> Loaded {
    read_csv("plan.csv", text.as_bytes(), MselOptions::default())
}

#[test]
fn a_planners_csv_with_their_own_headers_imports() {
    let path = fixture("planner/north-delta.csv");
    let loaded = load_path(&path, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.format, Format::MselCsv);
    assert_eq!(lines(&loaded, Severity::Error), Vec::<String>::new());
    assert_eq!(
        lines(&loaded, Severity::Warning),
        [format!(
            "{}:1: column Weather: warning: column \"Weather\" is not an MSEL column; ignored",
            path.display()
        )]
    );
    let s = loaded.scenario.as_ref().unwrap();
    assert_eq!(s.id.as_str(), "north-delta");
    assert_eq!(
        s.mode,
        Mode::Turns {
            total_turns: 2,
            turn_length_ms: None
        }
    );
    let teams: Vec<(&str, &str)> = s
        .teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        teams,
        [
            ("harbour-authority", "Harbour Authority"),
            ("city-council", "City Council")
        ]
    );
    let ha = &s.teams[0].timeline;
    assert_eq!(ha[0].id.as_str(), "PX-1");
    assert_eq!(ha[0].at_ms, 60_000);
    assert_eq!(ha[0].priority, Priority::High);
    assert_eq!(ha[0].media, ["port-map.png"]);
    assert_eq!(ha[0].expected_action.as_deref(), Some("Warn the east bank"));
    assert_eq!(ha[0].notes.as_deref(), Some("Check they call the council"));
    assert!(
        matches!(&ha[0].content, Content::News(n) if n.source == "Delta Courier" && n.headline.starts_with("Levee"))
    );
    assert_eq!(ha[1].id.as_str(), "harbour-authority-001", "generated id");
    assert_eq!(ha[1].at_ms, 150_000);
    assert!(matches!(&ha[1].content, Content::Sms(m) if m.body.contains("\"before\"")));
    let cc = &s.teams[1].timeline;
    assert_eq!(cc[0].at_ms, 240_000);
    assert!(matches!(&cc[0].content, Content::Email(e) if e.body.contains("berths.\nCan you")));
    assert_eq!(
        (cc[1].id.as_str(), cc[1].turn, cc[1].at_ms),
        ("CX-9", Some(2), 30_000)
    );
    assert_eq!(
        loaded.media.get("port-map.png"),
        Some(&b"PNG-placeholder"[..])
    );
}

#[test]
fn an_unknown_team_in_a_workbook_row_is_an_error_naming_the_row() {
    let mut workbook = Workbook::new();
    let injects = workbook.add_worksheet().set_name("Injects").unwrap();
    for (c, h) in ["Team", "T+", "Type", "From", "Body"].iter().enumerate() {
        injects.write_string(0, c as u16, *h).unwrap();
    }
    for (r, team) in ["red", "Green", "Blue Team"].iter().enumerate() {
        let r = r as u32 + 1;
        injects.write_string(r, 0, *team).unwrap();
        injects.write_string(r, 1, "00:01:00").unwrap();
        injects.write_string(r, 2, "sms").unwrap();
        injects.write_string(r, 3, "Ops").unwrap();
        injects.write_string(r, 4, "Go").unwrap();
    }
    let teams = workbook.add_worksheet().set_name("Teams").unwrap();
    for (r, row) in [["ID", "Name"], ["red", "Red Team"], ["blue", "Blue Team"]]
        .iter()
        .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            teams.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let loaded = read_xlsx(
        "plan.xlsx",
        &bytes,
        MselOptions::default(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "plan.xlsx:3: column Team: error: team \"Green\" is not one of the teams of the Teams sheet (red, blue)"
        ]
    );
    // "Blue Team" is blue's name: teams are found by id or name.
    assert_eq!(loaded.scenario.unwrap().teams[1].timeline.len(), 1);
}

#[test]
fn a_csv_imported_into_a_scenario_must_name_its_teams() {
    let base = read_csv(
        "base.csv",
        b"Team,T+,Type,From,Body\nred,1,sms,a,b\n",
        MselOptions::default(),
    )
    .scenario
    .unwrap();
    let loaded = read_csv(
        "more.csv",
        b"Team,T+,Type,From,Body\nred,5,sms,a,b\nyellow,6,sms,a,b\n",
        MselOptions {
            base: Some(&base),
            media: Lookup::new(),
        },
    );
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "more.csv:3: column Team: error: team \"yellow\" is not one of the scenario's teams (red)"
        ]
    );
}

#[test]
fn workbook_time_and_number_cells_are_read() {
    let mut workbook = Workbook::new();
    let ws = workbook.add_worksheet();
    let clock = CellFormat::new().set_num_format("hh:mm:ss");
    let duration = CellFormat::new().set_num_format("[h]:mm:ss");
    for (c, h) in ["ID", "Team", "Time", "Type", "From", "Body", "Likes"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let day = 86_400.0;
    type Row<'a> = (&'a str, Option<(f64, &'a CellFormat)>, f64);
    let rows: [Row; 4] = [
        ("a", Some((90.0 / day, &clock)), 1.0),
        ("b", Some((26.0 * 3600.0 / day, &duration)), 2.0),
        ("c", None, 45.0),
        ("d", None, 12.5),
    ];
    for (r, (id, time, number)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, "ops").unwrap();
        match time {
            Some((value, format)) => ws
                .write_number_with_format(r, 2, *value, format)
                .map(|_| ())
                .unwrap(),
            None => ws.write_number(r, 2, *number).map(|_| ()).unwrap(),
        }
        ws.write_string(r, 3, "social").unwrap();
        ws.write_string(r, 4, "@ops").unwrap();
        ws.write_string(r, 5, "Post").unwrap();
        ws.write_number(r, 6, 1200.0).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let loaded = read_xlsx(
        "times.xlsx",
        &bytes,
        MselOptions::default(),
        Limits::default(),
    )
    .unwrap();
    assert_eq!(lines(&loaded, Severity::Error), Vec::<String>::new());
    let timeline = &loaded.scenario.as_ref().unwrap().teams[0].timeline;
    let times: Vec<u64> = timeline.iter().map(|i| i.at_ms).collect();
    assert_eq!(times, [90_000, 26 * 3_600_000, 45_000, 12_500]);
    assert!(matches!(&timeline[0].content, Content::Social(s) if s.engagement.likes == Some(1200)));
}

#[test]
fn bad_cells_name_file_row_and_column() {
    let loaded = csv(concat!(
        "ID,Team,T+,Type,From,Subject,Body,Likes,Breaking,Extra,Turn\n",
        "a,red,soon,sms,F,,B,,,,\n",
        "b,red,00:01:00,tweet,F,,B,,,,\n",
        "c,red,00:02:00,social,@f,,B,lots,,,\n",
        "d,red,00:03:00,news,S,H,B,,maybe,,\n",
        "e,red,00:04:00,news,S,H,B,,,{oops,\n",
        "f,red,00:05:00,news,S,H,B,,,,zero\n",
        "g,red,1:60,sms,F,,B,,,,\n",
    ));
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "plan.csv:2: column T+: error: time \"soon\" is not a time; write T+MM:SS, T+H:MM:SS, HH:MM:SS, MM:SS or whole seconds",
            "plan.csv:3: column Type: error: type \"tweet\" is unknown; use news, social, email, sms, intel, alert or media",
            "plan.csv:4: column Likes: error: \"lots\" is not a whole number of at least 0",
            "plan.csv:5: column Breaking: error: \"maybe\" is not yes or no",
            "plan.csv:6: column Extra: error: is not valid JSON: key must be a string at line 1 column 2",
            "plan.csv:7: column Turn: error: turn \"zero\" is not a whole number from 1",
            "plan.csv:8: column T+: error: time \"1:60\" has a minutes or seconds field of 60 or more",
        ]
    );
}

#[test]
fn missing_and_repeated_columns_are_errors() {
    let loaded = csv("Team,From,Body\nred,a,b\n");
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "plan.csv:1: error: the sheet has no Type column (see the MSEL columns in docs/scenario-format.md)",
            "plan.csv:1: error: the sheet has no T+ column (see the MSEL columns in docs/scenario-format.md)",
        ]
    );
    assert!(loaded.scenario.is_none());
    let loaded = csv("Team,Time,Type,Subject,Headline\nred,1,news,a,b\n");
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "plan.csv:1: column Headline: error: columns \"Subject\" and \"Headline\" both mean Subject; keep one"
        ]
    );
}

#[test]
fn validation_problems_point_at_the_row_and_the_column_as_written() {
    let loaded = csv(concat!(
        "Ref,Team,Time,Type,Source,Headline,Text,Files\n",
        "n1,red,00:01:00,news,,Quay closed,The quay is closed.,gone.png\n",
        "n1,red,00:02:00,news,S,H,B,\n",
    ));
    assert_eq!(
        lines(&loaded, Severity::Error),
        [
            "plan.csv:3: column Ref: error: ID n1 is already used by row 2 for team red",
            "plan.csv:2: team red inject n1 column Source: error: Source (outlet) is required for News injects",
            "plan.csv:2: team red inject n1 column Files: error: media file \"gone.png\" is missing",
        ]
    );
}

#[test]
fn a_column_a_type_does_not_use_is_kept_with_a_warning() {
    let loaded = csv("Team,T+,Type,From,Subject,Body\nred,1,sms,Ops,Fuel,Low on fuel\n");
    assert_eq!(
        lines(&loaded, Severity::Warning),
        [
            "plan.csv:2: column Subject: warning: SMS injects have no such field; the value is kept as extra field subject"
        ]
    );
    let inject = &loaded.scenario.unwrap().teams[0].timeline[0];
    assert!(matches!(&inject.content, Content::Sms(s) if s.extra["subject"] == "Fuel"));
}

#[test]
fn csv_exports_guard_formulas_and_keep_the_text() {
    let loaded = csv("Team,T+,Type,From,Body\nred,1,sms,=HYPERLINK(1),@everyone -check\n");
    let scenario = loaded.scenario.unwrap();
    let bytes = write_csv(&scenario).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains(",'=HYPERLINK(1),") && text.contains(",'@everyone -check,"),
        "{text}"
    );
    let back = read_csv(
        "plan.csv",
        &bytes,
        MselOptions {
            base: Some(&scenario),
            media: Lookup::new(),
        },
    );
    assert_eq!(back.scenario.unwrap(), scenario);
}

#[test]
fn media_are_found_in_the_media_folder_of_an_upload() {
    let files = FileSet::from_uploads(
        [
            (
                "plan.csv".to_owned(),
                b"Team,T+,Type,Title,Media\nred,1,media,Map,map.png; photo.jpg\n".to_vec(),
            ),
            ("media/map.png".to_owned(), b"m".to_vec()),
            ("photo.jpg".to_owned(), b"p".to_vec()),
        ],
        Limits::default(),
    )
    .unwrap();
    let loaded = scip_formats::load_files("upload", files, &LoadOptions::default()).unwrap();
    assert_eq!(lines(&loaded, Severity::Error), Vec::<String>::new());
    assert_eq!(
        loaded.media.paths().collect::<Vec<_>>(),
        ["map.png", "photo.jpg"]
    );
}
