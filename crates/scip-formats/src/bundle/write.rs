//! Writing a bundle into a file set.

use scip_core::Scenario;
use scip_core::model::document::{BUNDLE_FORMAT, InjectDoc, ScenarioDoc, TimelineDoc};

use super::MEDIA_DIR;
use super::yaml::to_yaml;
use crate::error::FormatError;
use crate::fileset::FileSet;
use crate::path::safe_relative_path;
use crate::source::FileSource;

/// The files of a bundle for `scenario`: `scenario.yaml`, `teams/<id>.yaml` and every media
/// file an inject refers to, fetched from `media`. A media file the source lacks is an error:
/// a bundle is complete or not written.
pub fn bundle_files(scenario: &Scenario, media: &dyn FileSource) -> Result<FileSet, FormatError> {
    let mut files = FileSet::new();
    let mut header = ScenarioDoc::header(scenario);
    header.format = Some(BUNDLE_FORMAT.to_owned());
    files.put("scenario.yaml".to_owned(), to_yaml(&header)?.into_bytes());
    for team in &scenario.teams {
        let timeline = TimelineDoc {
            team: team.id.to_string(),
            injects: team.timeline.iter().map(InjectDoc::from_inject).collect(),
        };
        files.put(
            format!("teams/{}.yaml", team.id),
            to_yaml(&timeline)?.into_bytes(),
        );
    }
    for name in scenario.media_refs() {
        if safe_relative_path(name).as_deref() != Ok(name) || name.contains('/') {
            return Err(FormatError::Unwritable(format!(
                "media {name:?} is not a plain file name, so it cannot go into media/"
            )));
        }
        let bytes = media
            .read_file(name)?
            .ok_or_else(|| FormatError::MissingMedia(name.to_owned()))?;
        files.put(format!("{MEDIA_DIR}/{name}"), bytes);
    }
    Ok(files)
}
