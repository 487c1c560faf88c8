//! Our model in SCIP v3's shapes: state names, the `T+MM:SS` clock (minutes not wrapped into
//! hours), scenario and timeline JSON, media paths; and the media library as a file source for
//! reading SCIP v3 timelines.

use scip_core::engine::ExerciseState;
use scip_core::model::document::InjectDoc;
use scip_core::model::sanitize_media_name;
use scip_core::{Scenario, Team};
use scip_formats::FormatError;
use scip_formats::source::FileSource;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::media::MediaLibrary;

/// SCIP v3's name of a state.
pub fn v3_state(state: ExerciseState) -> &'static str {
    match state {
        ExerciseState::Deployed => "NOT_STARTED",
        ExerciseState::Running => "RUNNING",
        ExerciseState::Paused => "PAUSED",
        ExerciseState::Finished => "FINISHED",
        ExerciseState::Stopped => "STOPPED",
    }
}

/// `T+MM:SS` with total minutes, as SCIP v3 showed it (`T+125:05`).
pub fn v3_clock(elapsed_ms: u64) -> String {
    let seconds = elapsed_ms / 1000;
    format!("T+{:02}:{:02}", seconds / 60, seconds % 60)
}

/// The path SCIP v3 clients use to fetch a media file (served by `/api/v2/media/{name}`).
pub fn media_url(name: &str) -> String {
    scip_engine::step::media_path(name)
}

/// Library names from SCIP v3 media references (`/api/media/…/x.png`, `/api/v2/media/x.png`
/// or a bare name): the last path segment, which must already be a library name.
pub fn media_names(references: &[String]) -> Result<Vec<String>, ApiError> {
    references
        .iter()
        .map(|r| {
            let last = r.trim().rsplit('/').next().unwrap_or_default();
            match sanitize_media_name(last) {
                Some(name) if name == last => Ok(name),
                _ => Err(ApiError::unprocessable(format!(
                    "media {r:?} does not name a file of the media library"
                ))),
            }
        })
        .collect()
}

/// Seconds as SCIP v3 wrote them: a whole number when exact.
fn v3_seconds(ms: u64) -> Value {
    if ms.is_multiple_of(1000) {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// The `timeline_file` a team gets in SCIP v3 shapes.
pub fn timeline_file(scenario: &Scenario, team: &Team) -> String {
    format!("{}/teams/{}/timeline.json", scenario.id, team.id)
}

/// A scenario as the SCIP v3 scenario file.
pub fn v3_scenario(scenario: &Scenario, version: u32) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), json!(scenario.id));
    out.insert("name".into(), json!(scenario.name));
    out.insert("description".into(), json!(scenario.description));
    out.insert(
        "duration_minutes".into(),
        json!(scenario.duration_ms.map_or(60, |ms| ms.div_ceil(60_000))),
    );
    out.insert(
        "turn_based".into(),
        json!(scenario.mode.total_turns().is_some()),
    );
    if let Some(total) = scenario.mode.total_turns() {
        out.insert("total_turns".into(), json!(total));
    }
    out.insert("version".into(), json!(version.to_string()));
    let teams: Vec<Value> = scenario
        .teams
        .iter()
        .map(|t| {
            let mut team = Map::new();
            team.insert("id".into(), json!(t.id));
            team.insert("name".into(), json!(t.name));
            team.insert("timeline_file".into(), json!(timeline_file(scenario, t)));
            if let Some(port) = t.dashboard_port {
                team.insert("dashboard_port".into(), json!(port));
            }
            if let Some(d) = &t.description {
                team.insert("description".into(), json!(d));
            }
            Value::Object(team)
        })
        .collect();
    out.insert("teams".into(), Value::Array(teams));
    Value::Object(out)
}

/// A team's timeline as a SCIP v3 timeline file.
pub fn v3_timeline(scenario: &Scenario, team: &Team) -> Value {
    let injects: Vec<Value> = team
        .timeline
        .iter()
        .map(|inject| {
            let doc = InjectDoc::from_inject(inject);
            let mut out = Map::new();
            out.insert("id".into(), json!(doc.id));
            if let Some(turn) = doc.turn {
                out.insert("turn".into(), json!(turn));
            }
            out.insert("time".into(), v3_seconds(inject.at_ms));
            out.insert("type".into(), json!(doc.kind));
            out.insert("priority".into(), json!(inject.priority.as_str()));
            out.insert("content".into(), Value::Object(doc.content));
            out.insert(
                "media".into(),
                json!(doc.media.iter().map(|m| media_url(m)).collect::<Vec<_>>()),
            );
            Value::Object(out)
        })
        .collect();
    json!({
        "scenario_id": scenario.id,
        "team": team.id,
        "injects": injects,
    })
}

/// The media library as a source for SCIP v3 media references: whatever folders the path
/// names, the file is the library file of its last segment.
pub struct LibrarySource<'a>(pub &'a MediaLibrary);

impl FileSource for LibrarySource<'_> {
    fn read_file(&self, path: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let last = path.rsplit('/').next().unwrap_or_default();
        let Some(file) = self.0.file_path(last) else {
            return Ok(None);
        };
        match std::fs::read(&file) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(FormatError::Read {
                path: file,
                source: e,
            }),
        }
    }

    fn describe(&self, _dir: &str) -> String {
        "the media library".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_counts_whole_minutes_as_scip_v3_did() {
        assert_eq!(v3_clock(0), "T+00:00");
        assert_eq!(v3_clock(65_999), "T+01:05");
        assert_eq!(v3_clock((125 * 60 + 5) * 1000), "T+125:05");
    }

    #[test]
    fn media_references_become_library_names() {
        let names = media_names(&[
            "/api/media/library/map.png".into(),
            "/api/v2/media/photo-1.jpg".into(),
            "chart.svg".into(),
        ])
        .unwrap();
        assert_eq!(names, ["map.png", "photo-1.jpg", "chart.svg"]);
        assert!(media_names(&["/api/media/../../etc/passwd".into()]).is_err());
        assert!(media_names(&["/api/media/My Photo.png".into()]).is_err());
    }

    #[test]
    fn states_have_their_scip_v3_names() {
        assert_eq!(v3_state(ExerciseState::Deployed), "NOT_STARTED");
        assert_eq!(v3_state(ExerciseState::Finished), "FINISHED");
    }
}
