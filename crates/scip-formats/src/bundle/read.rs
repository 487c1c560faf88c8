//! Reading a bundle from a file set.

use std::collections::{BTreeMap, BTreeSet};

use scip_core::Problem;
use scip_core::model::document::{BUNDLE_FORMAT, InjectDoc, ScenarioDoc, TeamDoc, TimelineDoc};

use super::{MEDIA_DIR, SCENARIO_FILES};
use crate::detect::Format;
use crate::fileset::FileSet;
use crate::loaded::{Loaded, finish};
use crate::path::{extension, safe_relative_path};

/// Reads a bundle: `scenario.yaml` (or `.yml`, `.json`), `teams/<id>.yaml` timelines and
/// `media/`. Every problem names its file; nothing stops at the first problem.
pub fn read_bundle(files: &FileSet) -> Loaded {
    let mut problems = Vec::new();
    let Some(scenario_file) = SCENARIO_FILES.iter().copied().find(|f| files.contains(f)) else {
        problems.push(Problem::error(
            "this bundle has no scenario.yaml or scenario.json at its top",
        ));
        return finish(
            Format::Bundle,
            None,
            FileSet::new(),
            problems,
            &BTreeSet::new(),
            &|_| {},
        );
    };
    for other in SCENARIO_FILES
        .iter()
        .filter(|f| **f != scenario_file && files.contains(f))
    {
        problems.push(
            Problem::warning(format!("ignored: the bundle's scenario is {scenario_file}"))
                .in_file(*other),
        );
    }
    let bytes = files.get(scenario_file).unwrap_or_default();
    let doc: ScenarioDoc = match parse_document(scenario_file, bytes) {
        Ok(doc) => doc,
        Err(message) => {
            problems.push(Problem::error(message).in_file(scenario_file));
            return finish(
                Format::Bundle,
                None,
                media_of(files, &mut problems),
                problems,
                &BTreeSet::new(),
                &|_| {},
            );
        }
    };
    match doc.format.as_deref() {
        Some(BUNDLE_FORMAT) => {}
        None => problems.push(
            Problem::warning(format!(
                "format is missing; bundles say format: {BUNDLE_FORMAT}"
            ))
            .in_file(scenario_file)
            .on_field("format"),
        ),
        Some(other) => problems.push(
            Problem::error(format!(
                "format {other:?} is not one this version reads ({BUNDLE_FORMAT})"
            ))
            .in_file(scenario_file)
            .on_field("format"),
        ),
    }

    let mut used: BTreeSet<String> = BTreeSet::from([scenario_file.to_owned()]);
    let mut team_files: BTreeMap<String, String> = BTreeMap::new();
    let mut timeline_problems = Vec::new();
    let (scenario, doc_problems) = doc.into_scenario(|team: &TeamDoc| {
        let found = timeline_path(files, team);
        let path = match found {
            Ok(path) => path,
            Err(problem) => {
                timeline_problems.push((*problem).for_team(&team.id));
                return None;
            }
        };
        used.insert(path.clone());
        team_files.insert(team.id.clone(), path.clone());
        read_timeline(&path, files.get(&path).unwrap_or_default(), &team.id)
            .map_err(|p| timeline_problems.push((*p).in_file(&path).for_team(&team.id)))
            .ok()
    });
    problems.extend(timeline_problems);
    problems.extend(doc_problems);

    let media = media_of(files, &mut problems);
    used.extend(media.paths().map(|name| format!("{MEDIA_DIR}/{name}")));
    if let Some(scenario) = &scenario {
        let referenced = scenario.media_refs();
        for name in media.paths().filter(|n| !referenced.contains(n)) {
            problems.push(
                Problem::warning("no inject uses this media file")
                    .in_file(format!("{MEDIA_DIR}/{name}")),
            );
        }
    }
    // Stray files are reported one by one at the top and in teams/, and once per other
    // folder (a folder of tools or drafts next to the bundle is common).
    let mut stray_folders: BTreeMap<String, usize> = BTreeMap::new();
    for path in files
        .paths()
        .filter(|p| !used.contains(*p) && !is_documentation(p))
    {
        match path.split_once('/') {
            Some((MEDIA_DIR, _)) => {}
            Some((folder, _)) if folder != "teams" => {
                *stray_folders.entry(folder.to_owned()).or_default() += 1;
            }
            _ => problems.push(Problem::warning("not part of the bundle; ignored").in_file(path)),
        }
    }
    for (folder, count) in stray_folders {
        problems.push(
            Problem::warning(format!(
                "not part of the bundle ({count} file{}); ignored",
                if count == 1 { "" } else { "s" }
            ))
            .in_file(format!("{folder}/")),
        );
    }

    let locate = |p: &mut Problem| {
        if p.location.file.is_some() {
            return;
        }
        let team_file = p
            .location
            .inject
            .as_ref()
            .and(p.location.team.as_ref())
            .and_then(|team| team_files.get(team));
        p.location.file = Some(
            team_file
                .cloned()
                .unwrap_or_else(|| scenario_file.to_owned()),
        );
    };
    finish(
        Format::Bundle,
        scenario,
        media,
        problems,
        &BTreeSet::new(),
        &locate,
    )
}

/// Where a team's timeline is: its `timeline` path, or `teams/<id>.yaml` (`.yml`, `.json`).
fn timeline_path(files: &FileSet, team: &TeamDoc) -> Result<String, Box<Problem>> {
    if let Some(given) = &team.timeline {
        let path = safe_relative_path(given).map_err(|reason| {
            Box::new(
                Problem::error(format!("timeline path {given:?} is refused: {reason}"))
                    .on_field("timeline"),
            )
        })?;
        return if files.contains(&path) {
            Ok(path)
        } else {
            Err(Box::new(
                Problem::error(format!("timeline file {path} is missing")).on_field("timeline"),
            ))
        };
    }
    let candidates = ["yaml", "yml", "json"].map(|ext| format!("teams/{}.{ext}", team.id));
    candidates
        .iter()
        .find(|c| files.contains(c))
        .cloned()
        .ok_or_else(|| {
            Box::new(Problem::error(format!(
                "timeline file {} is missing",
                candidates[0]
            )))
        })
}

/// Reads one timeline file and checks it belongs to `team`.
fn read_timeline(path: &str, bytes: &[u8], team: &str) -> Result<Vec<InjectDoc>, Box<Problem>> {
    let doc: TimelineDoc = parse_document(path, bytes).map_err(|m| Box::new(Problem::error(m)))?;
    if doc.team != team {
        return Err(Box::new(
            Problem::error(format!(
                "says team {:?} but belongs to team {team:?}",
                doc.team
            ))
            .on_field("team"),
        ));
    }
    Ok(doc.injects)
}

/// Parses a YAML or JSON bundle document, by extension.
fn parse_document<T: serde::de::DeserializeOwned>(path: &str, bytes: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("is not UTF-8 text: {e}"))?;
    if extension(path).as_deref() == Some("json") {
        serde_json::from_str(text).map_err(|e| format!("is not a valid bundle document: {e}"))
    } else {
        serde_norway::from_str(text).map_err(|e| format!("is not a valid bundle document: {e}"))
    }
}

/// The media files of a bundle: every file directly in `media/`. Files in sub-folders are
/// reported and left out (inject media lists name files, not paths).
fn media_of(files: &FileSet, problems: &mut Vec<Problem>) -> FileSet {
    let mut media = FileSet::new();
    for (path, bytes) in files.iter() {
        let Some(name) = path
            .strip_prefix(MEDIA_DIR)
            .and_then(|p| p.strip_prefix('/'))
        else {
            continue;
        };
        if name.contains('/') {
            problems.push(
                Problem::warning("media files must sit directly in media/; ignored").in_file(path),
            );
            continue;
        }
        media.put(name.to_owned(), bytes.to_vec());
    }
    media
}

fn is_documentation(path: &str) -> bool {
    let upper = path.to_ascii_uppercase();
    !path.contains('/') && (upper.starts_with("README") || upper.starts_with("LICENSE"))
}
