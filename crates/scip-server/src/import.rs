//! Importing a scenario read by `scip-formats` into the store, with its media into the
//! library — the one implementation behind the import upload of the API, `scip import` and
//! `scip demo`.
//!
//! Every media file is staged and checked first, so a dry run reports refused files too. A
//! commit writes nothing when the report holds an error, and undoes the media it added when
//! storing the scenario fails.

use scip_core::engine::WallMs;
use scip_core::{Problem, Report, Scenario, ScenarioId};
use scip_formats::{Format, Loaded};
use scip_store::{Store, StoreError, VersionNote};

use crate::error::ApiError;
use crate::media::{Checked, MediaLibrary, Upload};

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Store under this id instead of the scenario's own.
    pub as_id: Option<ScenarioId>,
    /// The files are imported into this existing scenario (its next version).
    pub into: Option<ScenarioId>,
    /// When the scenario exists, save a new version instead of refusing.
    pub new_version: bool,
    /// Carry the import out; otherwise only report.
    pub commit: bool,
    /// Who imports.
    pub actor: Option<String>,
    /// A comment for the version.
    pub comment: Option<String>,
}

/// What becomes of one media file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaPlan {
    /// Library name.
    pub name: String,
    /// Bytes.
    pub size_bytes: u64,
    /// `new` (added), `existing` (the library already has these bytes) or `refused`.
    pub status: &'static str,
}

/// What an import did, or would do.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The format recognised.
    pub format: Format,
    /// The scenario read, if one could be built (with `as_id` applied).
    pub scenario: Option<Scenario>,
    /// `create`, `new_version`, or `none` when the report holds errors.
    pub action: &'static str,
    /// True when the import was carried out.
    pub committed: bool,
    /// The version written.
    pub version: Option<u32>,
    /// Media files and what becomes of them.
    pub media: Vec<MediaPlan>,
    /// Every problem found: reading, validation, media and the store's rules.
    pub report: Report,
}

struct Staged {
    plan: MediaPlan,
    upload: Option<(Upload, Checked)>,
}

/// Checks every media file into the media folder's staging area, reporting refusals.
async fn stage_media(
    store: &Store,
    library: &MediaLibrary,
    media: &scip_formats::FileSet,
    report: &mut Report,
) -> Result<Vec<Staged>, ApiError> {
    let mut out = Vec::new();
    for (name, bytes) in media.iter() {
        let refused = |report: &mut Report, why: String| {
            report.push(Problem::error(format!("media file {name}: {why}")).on_field("media"));
            Staged {
                plan: MediaPlan {
                    name: name.to_owned(),
                    size_bytes: bytes.len() as u64,
                    status: "refused",
                },
                upload: None,
            }
        };
        let mut upload = match library.upload_bytes(bytes).await {
            Ok(u) => u,
            Err(e) => {
                out.push(refused(report, e.to_string()));
                continue;
            }
        };
        let checked = match library.check(&mut upload, name).await {
            Ok(c) => c,
            Err(e) => {
                out.push(refused(report, e.to_string()));
                continue;
            }
        };
        if checked.name != name {
            report.push(
                Problem::error(format!(
                    "media file {name:?} would be stored as {:?}; rename it in the scenario",
                    checked.name
                ))
                .on_field("media"),
            );
        }
        let status = match store.get_media(name).await {
            Ok(existing) if existing.sha256 == checked.sha256 => "existing",
            Ok(_) => {
                report.push(
                    Problem::error(format!(
                        "the media library already has a different file named {name}; rename one of them"
                    ))
                    .on_field("media"),
                );
                "refused"
            }
            Err(StoreError::NotFound(_)) => "new",
            Err(e) => return Err(e.into()),
        };
        out.push(Staged {
            plan: MediaPlan {
                name: name.to_owned(),
                size_bytes: checked.size_bytes,
                status,
            },
            upload: (status == "new").then_some((upload, checked)),
        });
    }
    Ok(out)
}

/// Imports what a reader loaded (see the module documentation).
pub async fn import_loaded(
    store: &Store,
    library: &MediaLibrary,
    loaded: Loaded,
    options: &ImportOptions,
    now: WallMs,
) -> Result<ImportOutcome, ApiError> {
    let Loaded {
        format,
        mut scenario,
        media,
        mut report,
    } = loaded;
    if let (Some(s), Some(id)) = (&mut scenario, &options.as_id) {
        s.id = id.clone();
    }
    let mut staged = stage_media(store, library, &media, &mut report).await?;
    let action = match &scenario {
        None => "none",
        Some(s) => {
            let exists = match store.latest_scenario(&s.id).await {
                Ok(_) => true,
                Err(StoreError::NotFound(_)) => false,
                Err(e) => return Err(e.into()),
            };
            if let Some(target) = &options.into
                && target != &s.id
            {
                report.push(Problem::error(format!(
                    "the files hold scenario {}, not {target} they are imported into",
                    s.id
                )));
            }
            if exists && !options.new_version && options.into.is_none() {
                report.push(Problem::error(format!(
                    "a scenario with id {} already exists; import it as a new version of it, or under another id",
                    s.id
                )));
            }
            if exists { "new_version" } else { "create" }
        }
    };
    let mut outcome = ImportOutcome {
        format,
        scenario: scenario.clone(),
        action: if report.has_errors() { "none" } else { action },
        committed: false,
        version: None,
        media: staged.iter().map(|s| s.plan.clone()).collect(),
        report,
    };
    let Some(scenario) = scenario.filter(|_| options.commit && !outcome.report.has_errors()) else {
        return Ok(outcome);
    };
    let actor = options.actor.as_deref();
    let mut added = Vec::new();
    for s in &mut staged {
        if let Some((upload, checked)) = s.upload.take() {
            match library.place(upload, &checked, store, actor, now).await {
                Ok((record, true)) => added.push(record.name),
                Ok((_, false)) => {}
                Err(e) => {
                    undo_media(store, library, &added).await;
                    return Err(e);
                }
            }
        }
    }
    let note = VersionNote {
        created_by: options.actor.clone(),
        comment: options
            .comment
            .clone()
            .or_else(|| Some(format!("imported from {format}"))),
    };
    let saved = if action == "new_version" {
        match store.latest_scenario(&scenario.id).await {
            Ok((_, latest)) => store.save_scenario(&scenario, latest, &note, now).await,
            Err(e) => Err(e),
        }
    } else {
        store.create_scenario(&scenario, &note, now).await
    };
    match saved {
        Ok(version) => {
            tracing::info!(scenario.id = %scenario.id, version, by = actor.unwrap_or("-"), "scenario imported");
            outcome.committed = true;
            outcome.version = Some(version);
            Ok(outcome)
        }
        Err(e) => {
            undo_media(store, library, &added).await;
            Err(e.into())
        }
    }
}

/// Removes media an import added before it failed.
async fn undo_media(store: &Store, library: &MediaLibrary, names: &[String]) {
    for name in names {
        if store.delete_media(name).await.is_ok() {
            let _ = library.remove_file(name).await;
        }
    }
}
