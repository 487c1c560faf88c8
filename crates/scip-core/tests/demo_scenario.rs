//! The demo scenario bundle (`scenarios/demo`, loaded by `scip demo`) must read, build and
//! validate with no problem at all, and keep the shape a new user is promised: turn-based,
//! five cells and a public feed, every inject type, a steady rhythm of injects, and a set of
//! small self-contained SVG images that are all used.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use scip_core::model::document::{BUNDLE_FORMAT, ScenarioDoc, TimelineDoc};
use scip_core::model::{
    Content, Inject, InjectType, Mode, PLATFORMS, Priority, Scenario, TeamKind,
};
use scip_core::validate_scenario;

const MAX_MEDIA_BYTES: usize = 200 * 1024;

struct Bundle {
    scenario: Scenario,
    /// File name → contents, for every file in `media/`.
    media: BTreeMap<String, String>,
}

fn bundle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn load() -> Bundle {
    let dir = bundle_dir();
    let header: ScenarioDoc = serde_norway::from_str(&read(&dir.join("scenario.yaml")))
        .unwrap_or_else(|e| panic!("scenario.yaml: {e}"));
    assert_eq!(header.format.as_deref(), Some(BUNDLE_FORMAT));
    let mut read_errors = Vec::new();
    let (scenario, problems) = header.into_scenario(|team| {
        let file = team
            .timeline
            .clone()
            .unwrap_or_else(|| format!("teams/{}.yaml", team.id));
        match serde_norway::from_str::<TimelineDoc>(&read(&dir.join(&file))) {
            Ok(timeline) if timeline.team == team.id => Some(timeline.injects),
            Ok(timeline) => {
                read_errors.push(format!("{file}: names team {}", timeline.team));
                None
            }
            Err(e) => {
                read_errors.push(format!("{file}: {e}"));
                None
            }
        }
    });
    assert!(read_errors.is_empty(), "{read_errors:#?}");
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        lines.is_empty(),
        "building the scenario:\n{}",
        lines.join("\n")
    );
    let mut media = BTreeMap::new();
    for entry in fs::read_dir(dir.join("media")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        media.insert(name, read(&entry.path()));
    }
    Bundle {
        scenario: scenario.expect("the scenario builds"),
        media,
    }
}

fn all_injects(scenario: &Scenario) -> impl Iterator<Item = &Inject> {
    scenario.teams.iter().flat_map(|t| t.timeline.iter())
}

#[test]
fn the_bundle_validates_with_no_errors_and_no_warnings() {
    let bundle = load();
    let report = validate_scenario(&bundle.scenario, &|name| bundle.media.contains_key(name));
    let lines: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{}", lines.join("\n"));
}

#[test]
fn the_exercise_has_three_turns_five_cells_a_public_feed_and_every_inject_type() {
    let Bundle { scenario, .. } = load();
    let Mode::Turns {
        total_turns,
        turn_length_ms,
    } = scenario.mode
    else {
        panic!("the demo must be turn-based");
    };
    assert_eq!(total_turns, 3);
    let turn_ms = turn_length_ms.expect("turn_length is set");
    assert!(
        (8 * 60_000..=12 * 60_000).contains(&turn_ms),
        "turn length {turn_ms} ms"
    );

    let players = scenario
        .teams
        .iter()
        .filter(|t| t.kind == TeamKind::Player)
        .count();
    let public = scenario
        .teams
        .iter()
        .filter(|t| t.kind == TeamKind::Public)
        .count();
    assert!(players >= 4, "{players} player teams");
    assert!(public >= 1, "no public feed");
    let colours: BTreeSet<_> = scenario.teams.iter().map(|t| t.color.as_str()).collect();
    assert_eq!(
        colours.len(),
        scenario.teams.len(),
        "team colours must differ"
    );

    let injects: Vec<&Inject> = all_injects(&scenario).collect();
    assert!(injects.len() >= 120, "{} injects", injects.len());
    let types: BTreeSet<InjectType> = injects.iter().map(|i| i.inject_type()).collect();
    assert_eq!(types.len(), InjectType::ALL.len(), "types used: {types:?}");
    let priorities: BTreeSet<Priority> = injects.iter().map(|i| i.priority).collect();
    assert_eq!(
        priorities.len(),
        Priority::ALL.len(),
        "priorities used: {priorities:?}"
    );
    let urgent = injects
        .iter()
        .filter(|i| i.priority == Priority::Urgent)
        .count();
    assert!(
        (5..=20).contains(&urgent),
        "{urgent} urgent injects: banners must stay rare"
    );

    let severities: BTreeSet<&str> = injects
        .iter()
        .filter_map(|i| match &i.content {
            Content::Alert(a) => a.severity.as_deref(),
            _ => None,
        })
        .collect();
    assert_eq!(severities, BTreeSet::from(["critical", "info", "warning"]));
    let platforms: BTreeSet<&str> = injects
        .iter()
        .filter_map(|i| match &i.content {
            Content::Social(s) => s.platform.as_deref(),
            _ => None,
        })
        .collect();
    assert!(platforms.len() >= 4, "social platforms used: {platforms:?}");
    assert!(platforms.iter().all(|p| PLATFORMS.contains(p)));
    let breaking = injects
        .iter()
        .filter(|i| matches!(&i.content, Content::News(n) if n.breaking))
        .count();
    assert!(breaking >= 5, "{breaking} breaking news injects");
}

#[test]
fn every_team_keeps_a_steady_rhythm_and_numbered_ids() {
    let Bundle { scenario, .. } = load();
    for team in &scenario.teams {
        let prefixes: BTreeSet<&str> = team
            .timeline
            .iter()
            .map(|i| {
                i.id.as_str()
                    .split_once("-t")
                    .expect("id <prefix>-t<turn>-<nnn>")
                    .0
            })
            .collect();
        assert_eq!(
            prefixes.len(),
            1,
            "team {} uses prefixes {prefixes:?}",
            team.id
        );
        let prefix = prefixes.first().unwrap();

        let mut by_turn: BTreeMap<u32, Vec<&Inject>> = BTreeMap::new();
        for inject in &team.timeline {
            by_turn
                .entry(inject.turn.unwrap())
                .or_default()
                .push(inject);
        }
        assert_eq!(by_turn.len(), 3, "team {} must play in every turn", team.id);
        for (turn, injects) in by_turn {
            let first_ms = injects[0].at_ms;
            let allowed_first: &[u64] = match team.kind {
                TeamKind::Player => &[60_000],
                TeamKind::Public => &[60_000, 120_000],
            };
            assert!(
                allowed_first.contains(&first_ms),
                "team {} turn {turn} starts at {first_ms} ms",
                team.id
            );
            for (n, inject) in injects.iter().enumerate() {
                let expected = format!("{prefix}-t{turn}-{:03}", n + 1);
                assert_eq!(
                    inject.id.as_str(),
                    expected,
                    "ids run in order within a turn"
                );
            }
            for pair in injects.windows(2) {
                let gap_s = (pair[1].at_ms - pair[0].at_ms) / 1000;
                assert!(
                    (60..=80).contains(&gap_s),
                    "team {} turn {turn}: {gap_s} s between {} and {}",
                    team.id,
                    pair[0].id,
                    pair[1].id
                );
            }
        }
    }
}

#[test]
fn content_is_complete_with_no_stray_fields_and_bodies_of_a_readable_length() {
    let Bundle { scenario, .. } = load();
    let mut within = 0;
    let mut total = 0;
    let mut facilitated = 0;
    for inject in all_injects(&scenario) {
        let id = inject.id.as_str();
        let extra = match &inject.content {
            Content::News(c) => {
                assert!(c.author.is_some() && c.location.is_some(), "{id}: by-line");
                &c.extra
            }
            Content::Social(c) => {
                assert!(
                    c.platform.is_some() && c.display_name.is_some(),
                    "{id}: author"
                );
                assert!(!c.engagement.is_empty(), "{id}: engagement counts");
                &c.extra
            }
            Content::Email(c) => {
                assert!(c.to.is_some(), "{id}: recipient");
                &c.extra
            }
            Content::Sms(c) => &c.extra,
            Content::Intel(c) => {
                assert!(c.source.is_some(), "{id}: source");
                assert!(c.classification.is_some(), "{id}: classification");
                assert!(c.report_id.is_some(), "{id}: report id");
                &c.extra
            }
            Content::Alert(c) => {
                assert!(c.severity.is_some(), "{id}: severity");
                &c.extra
            }
            Content::Media(c) => {
                assert!(c.caption.is_some(), "{id}: caption");
                &c.extra
            }
        };
        // A misspelt field name would land here instead of being shown.
        assert!(
            extra.is_empty(),
            "{id}: unknown content fields {:?}",
            extra.keys()
        );
        let len = inject.content.body().chars().count();
        assert!(len >= 60, "{id}: body of {len} characters is too thin");
        within += usize::from((80..=600).contains(&len));
        total += 1;
        facilitated += usize::from(inject.notes.is_some() || inject.expected_action.is_some());
    }
    assert!(
        within * 100 >= total * 80,
        "{within} of {total} bodies are 80-600 characters"
    );
    assert!(
        facilitated >= 50,
        "only {facilitated} injects carry facilitator guidance"
    );
}

#[test]
fn media_files_are_small_self_contained_svgs_and_every_one_is_used() {
    let Bundle { scenario, media } = load();
    assert!(media.len() >= 25, "{} media files", media.len());
    let referenced: BTreeSet<&str> = all_injects(&scenario)
        .flat_map(|i| i.media.iter().map(String::as_str))
        .collect();
    let files: BTreeSet<&str> = media.keys().map(String::as_str).collect();
    assert_eq!(
        referenced, files,
        "every file is referenced and every reference exists"
    );

    for (name, svg) in &media {
        assert!(
            name.ends_with(".svg"),
            "{name}: only SVG drawings belong here"
        );
        assert!(svg.len() < MAX_MEDIA_BYTES, "{name}: {} bytes", svg.len());
        if let Err(why) = check_svg(svg) {
            panic!("{name}: {why}");
        }
    }

    let injects: Vec<&Inject> = all_injects(&scenario).collect();
    for inject in &injects {
        if inject.inject_type() == InjectType::Media {
            assert!(
                !inject.media.is_empty(),
                "{}: a media inject needs its file",
                inject.id
            );
        }
    }
    let news: Vec<_> = injects
        .iter()
        .filter(|i| i.inject_type() == InjectType::News)
        .collect();
    let illustrated = news.iter().filter(|i| !i.media.is_empty()).count();
    assert!(
        illustrated * 4 >= news.len() * 3,
        "{illustrated} of {} news injects have an image",
        news.len()
    );
}

/// Well-formed XML with a single `svg` root in the SVG namespace, and nothing that runs code
/// or reaches outside the file.
fn check_svg(svg: &str) -> Result<(), String> {
    let mut reader = Reader::from_str(svg);
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not well-formed at byte {}: {e}", reader.buffer_position()))?;
        let opens = matches!(event, Event::Start(_));
        match event {
            Event::Start(element) | Event::Empty(element) if depth == 0 => {
                roots += 1;
                check_element(&element)?;
                if element.name().as_ref() != "svg" {
                    return Err(format!("root element is {}", element.name().as_ref()));
                }
                let xmlns = attribute(&element, "xmlns")?;
                if xmlns.as_deref() != Some("http://www.w3.org/2000/svg") {
                    return Err(format!("root xmlns is {xmlns:?}"));
                }
                depth += usize::from(opens);
            }
            Event::Start(element) => {
                check_element(&element)?;
                depth += 1;
            }
            Event::Empty(element) => check_element(&element)?,
            Event::End(_) => depth -= 1,
            Event::DocType(_) => return Err("a DOCTYPE may pull in external entities".into()),
            Event::PI(_) => return Err("processing instructions are not allowed".into()),
            Event::Eof => break,
            _ => {}
        }
    }
    if roots != 1 || depth != 0 {
        return Err(format!("{roots} root elements, {depth} left open"));
    }
    Ok(())
}

fn check_element(element: &BytesStart<'_>) -> Result<(), String> {
    let name = element.name().as_ref().to_ascii_lowercase();
    if matches!(
        name.as_str(),
        "script" | "foreignobject" | "image" | "iframe" | "use" | "a"
    ) {
        return Err(format!("element <{name}> is not allowed"));
    }
    for attr in element.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute in <{name}>: {e}"))?;
        let key = attr.key.as_ref().to_ascii_lowercase();
        let value = attr.value.to_ascii_lowercase();
        if key.starts_with("on") || key.ends_with("href") {
            return Err(format!("attribute {key} on <{name}> is not allowed"));
        }
        if value.contains("url(") && !value.contains("url(#") {
            return Err(format!(
                "{key} on <{name}> references outside the file: {value}"
            ));
        }
        if value.contains("javascript:") || value.contains("@import") {
            return Err(format!("{key} on <{name}> holds {value}"));
        }
    }
    Ok(())
}

fn attribute(element: &BytesStart<'_>, key: &str) -> Result<Option<String>, String> {
    for attr in element.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        if attr.key.as_ref() == key {
            return Ok(Some(attr.value.into_owned()));
        }
    }
    Ok(None)
}

#[test]
fn the_svg_check_refuses_what_it_should() {
    let ok = r##"<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/></svg>"##;
    assert_eq!(check_svg(ok), Ok(()));
    for bad in [
        r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect onclick="x()"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://example.invalid/a.png"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(http://x/y)"/></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><g></svg>"#,
        r#"<svg xmlns="http://www.w3.org/2000/svg"><g>"#,
        r#"<svg><rect/></svg>"#,
        r#"<html xmlns="http://www.w3.org/2000/svg"/>"#,
    ] {
        assert!(check_svg(bad).is_err(), "accepted {bad}");
    }
}
