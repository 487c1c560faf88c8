//! Scenario files: import (bundle folder or zip, SCIP v3 JSON, MSEL CSV or XLSX) with a
//! dry-run report of every problem, then all or nothing; export in every format.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scip_core::model::document::scenario_to_json;
use scip_core::{Problem, Report, Scenario};
use scip_formats::{FileSet, Folder, Limits, LoadOptions, OutputFormat, load_files};
use scip_store::{StoreError, VersionNote};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiMultipart, ApiPath, ApiQuery, scenario_id};
use crate::api::v2::scenarios::load_version;
use crate::api::validation::ReportView;
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::media::Upload;
use crate::state::AppState;

/// How to import.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `false` (default): only report what would happen. `true`: import, all or nothing.
    pub commit: Option<bool>,
    /// Save as a new version when a scenario with the imported id exists.
    pub replace: Option<bool>,
    /// An existing scenario to import into: a CSV takes its settings and teams from it, and
    /// the result is saved as its next version.
    pub into: Option<String>,
}

/// What happens to one media file of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportMediaView {
    /// Library name.
    pub name: String,
    /// Bytes.
    pub size_bytes: u64,
    /// `new` (added), `existing` (the library has these bytes) or `refused`.
    pub status: &'static str,
}

/// The outcome of an import (dry run or commit).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportView {
    /// The format recognised: `bundle`, `scip-v3`, `msel-csv`, `msel-xlsx`.
    pub format: String,
    /// The scenario id read, if one could be built.
    pub scenario_id: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// Teams read.
    pub team_count: usize,
    /// Injects read.
    pub inject_count: usize,
    /// `create`, `new_version` or `none` (errors).
    pub action: &'static str,
    /// True when the import was carried out.
    pub committed: bool,
    /// The version written (committed imports).
    pub version: Option<u32>,
    /// Media files and what becomes of them.
    pub media: Vec<ImportMediaView>,
    /// Every problem found.
    pub report: ReportView,
}

/// A checked media file of an import, staged in the media folder.
struct StagedMedia {
    name: String,
    size: u64,
    staged: Option<(Upload, crate::media::Checked)>,
    status: &'static str,
}

/// Reads every file part of a multipart body (any field name; the file name is its path).
async fn read_uploads(mut multipart: Multipart) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let mut uploads = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let Some(name) = field.file_name().map(str::to_owned) else {
            continue;
        };
        let bytes = field.bytes().await?;
        uploads.push((name, bytes.to_vec()));
    }
    if uploads.is_empty() {
        return Err(ApiError::bad_request(
            "no files in the upload: send the scenario files as multipart file parts",
        ));
    }
    Ok(uploads)
}

async fn stage_media(
    state: &AppState,
    media: &FileSet,
    report: &mut Report,
) -> Result<Vec<StagedMedia>, ApiError> {
    let mut out = Vec::new();
    for (name, bytes) in media.iter() {
        let mut upload = match state.media.upload_bytes(bytes).await {
            Ok(u) => u,
            Err(e) => {
                report.push(Problem::error(format!("media file {name}: {e}")).on_field("media"));
                out.push(StagedMedia {
                    name: name.to_owned(),
                    size: bytes.len() as u64,
                    staged: None,
                    status: "refused",
                });
                continue;
            }
        };
        let checked = match state.media.check(&mut upload, name).await {
            Ok(c) => c,
            Err(e) => {
                report.push(Problem::error(format!("media file {name}: {e}")).on_field("media"));
                out.push(StagedMedia {
                    name: name.to_owned(),
                    size: bytes.len() as u64,
                    staged: None,
                    status: "refused",
                });
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
        let status = match state.store.get_media(name).await {
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
        out.push(StagedMedia {
            name: name.to_owned(),
            size: checked.size_bytes,
            staged: (status == "new").then_some((upload, checked)),
            status,
        });
    }
    Ok(out)
}

/// Imports scenario files. By default only reports (`commit=false`); with `commit=true`
/// everything is imported — scenario and new media — or nothing is.
#[utoipa::path(post, path = "/api/v2/scenarios/import", tag = "scenarios",
    params(ImportQuery),
    request_body(content_type = "multipart/form-data", description = "The scenario's files: a bundle (folder files with their paths, or one .zip), a SCIP v3 scenario .json with its timelines and media, a .csv or an .xlsx"),
    responses(
        (status = 200, description = "Dry-run report", body = ImportView),
        (status = 201, description = "Imported", body = ImportView),
        (status = 400, description = "An unsafe file name (path traversal) or a damaged zip"),
        (status = 409, description = "A scenario with that id exists (use replace=true)"),
        (status = 413, description = "The upload is too large"),
        (status = 415, description = "Not a scenario format SCIP reads"),
        (status = 422, description = "commit=true and the files have errors; details.import holds the report"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiQuery(query): ApiQuery<ImportQuery>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<Response, ApiError> {
    let into = query.into.as_deref().map(scenario_id).transpose()?;
    let base = match &into {
        Some(id) => Some(state.store.latest_scenario(id).await?.0),
        None => None,
    };
    let uploads = read_uploads(multipart).await?;
    let limits = Limits {
        max_files: 10_000,
        max_total_bytes: u64::try_from(state.settings.import_limit).unwrap_or(u64::MAX),
    };
    let files = FileSet::from_uploads(uploads, limits)?;
    let options = LoadOptions {
        media_dir: Some(state.media.root().to_path_buf()),
        scenarios_root: None,
        base,
        limits,
    };
    let loaded = tokio::task::spawn_blocking(move || load_files("the upload", files, &options))
        .await
        .map_err(ApiError::internal)??;
    let mut report = loaded.report.clone();
    let mut staged = stage_media(&state, &loaded.media, &mut report).await?;
    let scenario = loaded.scenario.clone();
    let action = match &scenario {
        None => "none",
        Some(s) => {
            let exists = match state.store.latest_scenario(&s.id).await {
                Ok(_) => true,
                Err(StoreError::NotFound(_)) => false,
                Err(e) => return Err(e.into()),
            };
            if let Some(target) = &into
                && target != &s.id
            {
                report.push(Problem::error(format!(
                    "the files hold scenario {}, not {target} they are imported into",
                    s.id
                )));
            }
            if exists && query.replace != Some(true) && into.is_none() {
                report.push(Problem::error(format!(
                    "a scenario with id {} already exists; import with replace=true to save a new version of it",
                    s.id
                )));
            }
            if exists { "new_version" } else { "create" }
        }
    };
    let mut view = ImportView {
        format: loaded.format.as_str().to_owned(),
        scenario_id: scenario.as_ref().map(|s| s.id.to_string()),
        name: scenario.as_ref().map(|s| s.name.clone()),
        team_count: scenario.as_ref().map_or(0, |s| s.teams.len()),
        inject_count: scenario.as_ref().map_or(0, Scenario::inject_count),
        action: if report.has_errors() { "none" } else { action },
        committed: false,
        version: None,
        media: staged
            .iter()
            .map(|m| ImportMediaView {
                name: m.name.clone(),
                size_bytes: m.size,
                status: m.status,
            })
            .collect(),
        report: ReportView::from(&report),
    };
    if query.commit != Some(true) {
        return Ok((StatusCode::OK, Json(view)).into_response());
    }
    let Some(scenario) = scenario.filter(|_| !report.has_errors()) else {
        let count = report.error_count().max(1);
        return Err(ApiError::unprocessable(format!(
            "the import has {count} error(s); nothing was imported"
        ))
        .with_details(serde_json::json!({ "import": view })));
    };
    let now = state.engine.clock.now();
    let mut added = Vec::new();
    for m in &mut staged {
        if let Some((upload, checked)) = m.staged.take() {
            match state
                .media
                .place(upload, &checked, &state.store, Some(user.actor()), now)
                .await
            {
                Ok((record, true)) => added.push(record.name),
                Ok((_, false)) => {}
                Err(e) => {
                    undo_media(&state, &added).await;
                    return Err(e);
                }
            }
        }
    }
    let note = VersionNote {
        created_by: Some(user.actor().to_owned()),
        comment: Some(format!("imported from {}", loaded.format)),
    };
    let saved = if action == "new_version" {
        let (_, latest) = state.store.latest_scenario(&scenario.id).await?;
        state
            .store
            .save_scenario(&scenario, latest, &note, now)
            .await
    } else {
        state.store.create_scenario(&scenario, &note, now).await
    };
    match saved {
        Ok(version) => {
            tracing::info!(scenario.id = %scenario.id, version, by = user.actor(), "scenario imported");
            view.committed = true;
            view.version = Some(version);
            Ok((StatusCode::CREATED, Json(view)).into_response())
        }
        Err(e) => {
            undo_media(&state, &added).await;
            Err(e.into())
        }
    }
}

/// Removes media an import added before it failed.
async fn undo_media(state: &AppState, names: &[String]) {
    for name in names {
        if state.store.delete_media(name).await.is_ok() {
            let _ = state.media.remove_file(name).await;
        }
    }
}

/// Export formats.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A bundle zip with media (lossless).
    Zip,
    /// An MSEL workbook.
    Xlsx,
    /// An MSEL CSV (injects only).
    Csv,
    /// The canonical document as JSON.
    Json,
}

/// What to export.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `zip` (default), `xlsx`, `csv` or `json`.
    #[param(value_type = Option<String>)]
    pub format: Option<ExportFormat>,
    /// A version (default: the latest).
    pub version: Option<u32>,
}

/// Exports a scenario version as a file.
#[utoipa::path(get, path = "/api/v2/scenarios/{id}/export", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ExportQuery),
    responses(
        (status = 200, description = "The file (Content-Disposition: attachment)"),
        (status = 400, description = "Unknown format"),
        (status = 404, description = "No such scenario or version"),
        (status = 422, description = "A media file the scenario uses is missing from the library"),
    ))]
pub async fn export(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let id = scenario_id(&id)?;
    let (scenario, version, _) = load_version(&state, &id, query.version).await?;
    let format = query.format.unwrap_or(ExportFormat::Zip);
    let (bytes, content_type, ext) = match format {
        ExportFormat::Json => (
            scenario_to_json(&scenario).into_bytes(),
            "application/json",
            "json",
        ),
        other => {
            let (output, content_type, ext) = match other {
                ExportFormat::Zip => (OutputFormat::Zip, "application/zip", "zip"),
                ExportFormat::Xlsx => (
                    OutputFormat::Xlsx,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "xlsx",
                ),
                _ => (OutputFormat::Csv, "text/csv; charset=utf-8", "csv"),
            };
            let root = state.media.root().to_path_buf();
            let bytes = tokio::task::spawn_blocking(move || {
                scip_formats::to_bytes(&scenario, &Folder::new(root), output)
            })
            .await
            .map_err(ApiError::internal)??;
            (bytes, content_type, ext)
        }
    };
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{id}-v{version}.{ext}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
