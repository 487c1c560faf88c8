//! Scenario files: import (bundle folder or zip, SCIP v3 JSON, MSEL CSV or XLSX) with a
//! dry-run report of every problem, then all or nothing; export in every format.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use scip_core::model::document::scenario_to_json;
use scip_core::{Scenario, ScenarioId};
use scip_formats::{FileSet, Folder, Limits, LoadOptions, OutputFormat, load_files};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiMultipart, ApiPath, ApiQuery, scenario_id};
use crate::api::v2::scenarios::load_version;
use crate::api::validation::ReportView;
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::import::{ImportOptions, ImportOutcome, import_loaded};
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
    let uploads = read_uploads(multipart).await?;
    let request = ImportRequest {
        into,
        as_id: None,
        new_version: query.replace == Some(true),
        commit: query.commit == Some(true),
    };
    let outcome = import_uploads(&state, user.actor(), uploads, &request).await?;
    let view = ImportView::from(&outcome);
    if !request.commit {
        return Ok((StatusCode::OK, Json(view)).into_response());
    }
    if !outcome.committed {
        let count = outcome.report.error_count().max(1);
        return Err(ApiError::unprocessable(format!(
            "the import has {count} error(s); nothing was imported"
        ))
        .with_details(serde_json::json!({ "import": view })));
    }
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// What an import upload asks for.
#[derive(Debug, Clone, Default)]
pub struct ImportRequest {
    /// An existing scenario the files go into (its next version; a CSV takes its settings).
    pub into: Option<ScenarioId>,
    /// Store under this id instead of the files' own.
    pub as_id: Option<ScenarioId>,
    /// Save a new version when the scenario exists.
    pub new_version: bool,
    /// Carry it out (otherwise only report).
    pub commit: bool,
}

/// Reads uploaded files (a bundle, a zip, SCIP v3 JSON, CSV or XLSX) and imports them with
/// the one import service: a dry-run report, or all or nothing when `commit`.
pub async fn import_uploads(
    state: &AppState,
    actor: &str,
    uploads: Vec<(String, Vec<u8>)>,
    request: &ImportRequest,
) -> Result<ImportOutcome, ApiError> {
    let base = match &request.into {
        Some(id) => Some(state.store.latest_scenario(id).await?.0),
        None => None,
    };
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
    let import_options = ImportOptions {
        into: request.into.clone(),
        as_id: request.as_id.clone(),
        new_version: request.new_version,
        commit: request.commit,
        actor: Some(actor.to_owned()),
        ..ImportOptions::default()
    };
    let now = state.engine.clock.now();
    import_loaded(&state.store, &state.media, loaded, &import_options, now).await
}

impl From<&ImportOutcome> for ImportView {
    fn from(o: &ImportOutcome) -> Self {
        Self {
            format: o.format.as_str().to_owned(),
            scenario_id: o.scenario.as_ref().map(|s| s.id.to_string()),
            name: o.scenario.as_ref().map(|s| s.name.clone()),
            team_count: o.scenario.as_ref().map_or(0, |s| s.teams.len()),
            inject_count: o.scenario.as_ref().map_or(0, Scenario::inject_count),
            action: o.action,
            committed: o.committed,
            version: o.version,
            media: o
                .media
                .iter()
                .map(|m| ImportMediaView {
                    name: m.name.clone(),
                    size_bytes: m.size_bytes,
                    status: m.status,
                })
                .collect(),
            report: ReportView::from(&o.report),
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
