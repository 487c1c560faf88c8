//! Importing a scenario read by `scip-formats` into the store, with its media into the
//! library. Used by `scip import`, the import upload of the API and `scip demo`. Nothing is
//! written when the report holds an error; media references are rewritten to the names the
//! library gave the files.

use scip_core::engine::WallMs;
use scip_core::{Report, Scenario, ScenarioId};
use scip_formats::Loaded;
use scip_store::{Store, StoreError, VersionNote};

use crate::media::{MediaError, MediaLibrary};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Store under this id instead of the scenario's own.
    pub as_id: Option<ScenarioId>,
    /// When the id exists, save a new version instead of refusing.
    pub new_version: bool,
    /// Check only; write nothing.
    pub dry_run: bool,
    /// Who imports.
    pub actor: Option<String>,
    /// A comment for the version.
    pub comment: Option<String>,
}

/// What an import did (or would do, in a dry run).
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The scenario's id in the store.
    pub scenario: ScenarioId,
    /// The version written (the next one, in a dry run).
    pub version: u32,
    /// Whether the scenario is new.
    pub created: bool,
    /// Media files in the scenario.
    pub media_files: usize,
    /// Every problem found (warnings only, when the import happened).
    pub report: Report,
    /// Nothing was written.
    pub dry_run: bool,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The input has errors; the report lists them.
    #[error("the scenario has {} errors; nothing was imported", .0.error_count())]
    Invalid(Report),
    /// The id exists and a new version was not asked for.
    #[error(
        "scenario {0} already exists (version {1}); import it as a new version, or under another id"
    )]
    Exists(ScenarioId, u32),
    /// A media file was refused.
    #[error(transparent)]
    Media(#[from] MediaError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports what a reader loaded.
pub async fn import_loaded(
    store: &Store,
    library: &MediaLibrary,
    loaded: Loaded,
    options: &ImportOptions,
    now: WallMs,
) -> Result<ImportOutcome, ImportError> {
    let Loaded {
        scenario,
        media,
        report,
        ..
    } = loaded;
    let Some(mut scenario) = scenario.filter(|_| !report.has_errors()) else {
        return Err(ImportError::Invalid(report));
    };
    if let Some(id) = &options.as_id {
        scenario.id = id.clone();
    }
    let existing = match store.latest_scenario(&scenario.id).await {
        Ok((_, version)) => Some(version),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(version) = existing
        && !options.new_version
    {
        return Err(ImportError::Exists(scenario.id, version));
    }
    let media_files = media.len();
    let outcome = |version, created, dry_run| ImportOutcome {
        scenario: scenario.id.clone(),
        version,
        created,
        media_files,
        report: report.clone(),
        dry_run,
    };
    if options.dry_run {
        return Ok(outcome(
            existing.map_or(1, |v| v + 1),
            existing.is_none(),
            true,
        ));
    }
    let renames = library
        .add_all(media.iter(), options.actor.as_deref(), now)
        .await?;
    rename_media(&mut scenario, &renames);
    let note = VersionNote {
        created_by: options.actor.clone(),
        comment: options.comment.clone().or_else(|| Some("imported".into())),
    };
    let version = match existing {
        None => store.create_scenario(&scenario, &note, now).await?,
        Some(v) => store.save_scenario(&scenario, v, &note, now).await?,
    };
    Ok(ImportOutcome {
        scenario: scenario.id.clone(),
        version,
        created: existing.is_none(),
        media_files,
        report,
        dry_run: false,
    })
}

fn rename_media(scenario: &mut Scenario, renames: &std::collections::BTreeMap<String, String>) {
    for team in &mut scenario.teams {
        for inject in &mut team.timeline {
            for name in &mut inject.media {
                if let Some(new) = renames.get(name.as_str()) {
                    name.clone_from(new);
                }
            }
        }
    }
}
