//! Importing scenario files from the portal (`/scenarios/import`): upload, a dry-run report of
//! every problem (nothing written), then "Import now". The files are held between the two
//! steps by [`super::import_store`]; both steps use the API's import service.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use scip_core::{Scenario, ScenarioId};
use scip_store::Role;
use serde::Deserialize;

use super::flash::{FlashCookie, flash_redirect};
use super::import_store::{self, Held};
use super::page::{PageError, PageResult, PortalUser, page_response, portal_shell};
use crate::api::v2::scenario_files::{ImportRequest, ImportView, import_uploads};
use crate::error::ApiError;
use crate::import::ImportOutcome;
use crate::state::AppState;
use crate::view::{Flash, FlashKind, PortalSection, PortalShell, SelectOption};

/// A team of the scenario read, for the report.
pub struct TeamLine {
    /// Name.
    pub name: String,
    /// Colour.
    pub colour: String,
    /// Injects.
    pub injects: usize,
    /// `player` or `public`.
    pub kind: &'static str,
}

/// The import form with its choices.
pub struct ImportForm {
    /// `new` or `version`.
    pub target: String,
    /// Id for a new scenario.
    pub as_id: String,
    /// Existing scenarios for a new version.
    pub scenarios: Vec<SelectOption>,
}

#[derive(Template)]
#[template(path = "portal/scenario_import.html")]
struct ImportPage {
    shell: PortalShell,
    form: ImportForm,
    /// A problem reading the upload at all.
    error: Option<String>,
    /// The dry-run (or failed commit) outcome.
    report: Option<ImportView>,
    teams: Vec<TeamLine>,
    files: Vec<String>,
    token: String,
}

impl ImportPage {
    fn warnings(r: &ImportView) -> String {
        match r.report.warning_count {
            1 => "and 1 warning".to_owned(),
            n => format!("and {n} warnings"),
        }
    }

    fn tone(r: &ImportView) -> &'static str {
        if r.report.error_count > 0 {
            "danger"
        } else if r.report.warning_count > 0 {
            "warning"
        } else {
            "success"
        }
    }

    fn new_media(r: &ImportView) -> String {
        let new = r.media.iter().filter(|m| m.status == "new").count();
        format!("{new} new to the library")
    }

    fn name_of(r: &ImportView) -> String {
        r.name.clone().unwrap_or_else(|| "–".to_owned())
    }

    fn where_of(p: &crate::api::validation::ProblemView) -> String {
        let mut parts = Vec::new();
        if let Some(file) = &p.file {
            parts.push(match p.row {
                Some(row) => format!("{file}:{row}"),
                None => file.clone(),
            });
        } else if let Some(row) = p.row {
            parts.push(format!("row {row}"));
        }
        if let Some(team) = &p.team {
            parts.push(format!("team {team}"));
        }
        if let Some(inject) = &p.inject {
            parts.push(format!("inject {inject}"));
        }
        if let Some(field) = &p.field {
            parts.push(format!("field {field}"));
        }
        parts.join(" · ")
    }
}

async fn form_for(
    state: &AppState,
    target: &str,
    as_id: &str,
    into: &str,
) -> Result<ImportForm, PageError> {
    let scenarios = state
        .store
        .list_scenarios(None)
        .await?
        .into_iter()
        .map(|s| SelectOption {
            selected: s.id.as_str() == into,
            label: format!("{} ({}, v{})", s.name, s.id, s.latest_version),
            value: s.id.to_string(),
        })
        .collect();
    Ok(ImportForm {
        target: if target == "version" {
            "version"
        } else {
            "new"
        }
        .to_owned(),
        as_id: as_id.to_owned(),
        scenarios,
    })
}

/// `GET /scenarios/import`.
pub async fn import_form(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
) -> PageResult {
    user.require(Role::Controller)?;
    let shell = portal_shell(&state, &user, PortalSection::Scenarios, flash).await?;
    page_response(&ImportPage {
        shell,
        form: form_for(&state, "new", "", "").await?,
        error: None,
        report: None,
        teams: Vec::new(),
        files: Vec::new(),
        token: String::new(),
    })
}

struct Upload {
    csrf: String,
    target: String,
    as_id: String,
    into: String,
    files: Vec<(String, Vec<u8>)>,
}

async fn read_upload(mut multipart: Multipart, limit: usize) -> Result<Upload, String> {
    let mut up = Upload {
        csrf: String::new(),
        target: String::new(),
        as_id: String::new(),
        into: String::new(),
        files: Vec::new(),
    };
    let mut total = 0usize;
    let too_large = |limit: usize| {
        format!(
            "The upload is larger than the import limit of {} MB; nothing was read.",
            limit / (1024 * 1024)
        )
    };
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(format!("The upload could not be read: {e}")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len();
                    if total > limit {
                        return Err(too_large(limit));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(format!("The upload could not be read: {e}")),
            }
        }
        match (name.as_str(), file_name) {
            (_, Some(file)) if !file.is_empty() => up.files.push((file, bytes)),
            (_, Some(_)) => {}
            ("_csrf", None) => up.csrf = String::from_utf8_lossy(&bytes).into_owned(),
            ("target", None) => up.target = String::from_utf8_lossy(&bytes).into_owned(),
            ("as_id", None) => up.as_id = String::from_utf8_lossy(&bytes).trim().to_owned(),
            ("into", None) => up.into = String::from_utf8_lossy(&bytes).trim().to_owned(),
            _ => {}
        }
    }
    Ok(up)
}

fn request_of(held: &Held, commit: bool) -> Result<ImportRequest, String> {
    let parse = |raw: &str, what: &str| {
        ScenarioId::new(raw)
            .map_err(|e| format!("The {what} {raw:?} is not a valid scenario id: it {e}."))
    };
    if held.target == "version" {
        let into = held
            .into
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or("Choose the scenario the files become a new version of.")?;
        let id = parse(into, "scenario")?;
        Ok(ImportRequest {
            into: Some(id.clone()),
            as_id: Some(id),
            new_version: true,
            commit,
        })
    } else {
        let as_id = match held.as_id.as_deref().filter(|s| !s.is_empty()) {
            Some(raw) => Some(parse(raw, "id")?),
            None => None,
        };
        Ok(ImportRequest {
            into: None,
            as_id,
            new_version: false,
            commit,
        })
    }
}

fn teams_of(outcome: &ImportOutcome) -> Vec<TeamLine> {
    outcome
        .scenario
        .iter()
        .flat_map(|s: &Scenario| s.teams.iter())
        .map(|t| TeamLine {
            name: t.name.clone(),
            colour: t.color.clone(),
            injects: t.timeline.len(),
            kind: t.kind.as_str(),
        })
        .collect()
}

/// Renders the import page with a report or an error.
#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    held: &Held,
    error: Option<String>,
    outcome: Option<&ImportOutcome>,
    token: String,
    flash: Option<Flash>,
) -> PageResult {
    let mut shell = portal_shell(
        state,
        user,
        PortalSection::Scenarios,
        FlashCookie::default(),
    )
    .await?;
    if let Some(f) = flash {
        shell = super::with_flash(shell, f);
    }
    let page = ImportPage {
        shell,
        form: form_for(
            state,
            &held.target,
            held.as_id.as_deref().unwrap_or_default(),
            held.into.as_deref().unwrap_or_default(),
        )
        .await?,
        error,
        report: outcome.map(ImportView::from),
        teams: outcome.map(teams_of).unwrap_or_default(),
        files: held.names.clone(),
        token,
    };
    let mut response = page_response(&page)?;
    *response.status_mut() = status;
    Ok(response)
}

/// The import page again with `message` as its error (nothing imported, nothing held).
async fn refuse(
    state: &AppState,
    user: &PortalUser,
    status: StatusCode,
    held: &Held,
    message: String,
) -> PageResult {
    render(
        state,
        user,
        status,
        held,
        Some(message),
        None,
        String::new(),
        None,
    )
    .await
}

/// `POST /scenarios/import` (multipart): holds the files and shows the dry-run report.
pub async fn dry_run(
    State(state): State<AppState>,
    user: PortalUser,
    multipart: Multipart,
) -> PageResult {
    let upload = read_upload(multipart, state.settings.import_limit).await;
    let upload = match upload {
        Ok(u) => u,
        Err(message) => {
            user.require(Role::Controller)?;
            let held = empty_held(&user);
            return refuse(&state, &user, StatusCode::PAYLOAD_TOO_LARGE, &held, message).await;
        }
    };
    user.check_csrf(&upload.csrf)?;
    user.require(Role::Controller)?;
    let held = Held {
        user: user.user.username.clone(),
        names: upload.files.iter().map(|(n, _)| n.clone()).collect(),
        target: upload.target.clone(),
        as_id: Some(upload.as_id.clone()).filter(|s| !s.is_empty()),
        into: Some(upload.into.clone()).filter(|s| !s.is_empty()),
    };
    if upload.files.is_empty() {
        return refuse(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, &held, "Choose at least one file: a bundle .zip, a SCIP v3 scenario .json with its timeline files, or an MSEL .csv or .xlsx.".into()).await;
    }
    let request = match request_of(&held, false) {
        Ok(r) => r,
        Err(message) => {
            return refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                &held,
                message,
            )
            .await;
        }
    };
    match import_uploads(&state, user.actor(), upload.files.clone(), &request).await {
        Ok(outcome) => {
            let token = if outcome.report.has_errors() {
                String::new()
            } else {
                import_store::hold(&held, &upload.files).await?
            };
            let status = if outcome.report.has_errors() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            render(
                &state,
                &user,
                status,
                &held,
                None,
                Some(&outcome),
                token,
                None,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                &held,
                read_error(&e),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn read_error(e: &ApiError) -> String {
    format!(
        "These files cannot be imported: {}. Nothing was written.",
        e.message
    )
}

fn empty_held(user: &PortalUser) -> Held {
    Held {
        user: user.user.username.clone(),
        names: Vec::new(),
        target: "new".into(),
        as_id: None,
        into: None,
    }
}

/// The "Import now" form.
#[derive(Debug, Deserialize)]
pub struct CommitForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

/// `POST /scenarios/import/commit`: imports the held files, all or nothing.
pub async fn commit(
    State(state): State<AppState>,
    user: PortalUser,
    Form(form): Form<CommitForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Controller)?;
    let Some((held, files)) = import_store::take(&form.token, &user.user.username).await else {
        return Ok(flash_redirect(
            "/scenarios/import",
            FlashKind::Warning,
            "The uploaded files are no longer held (they are kept for an hour). Choose them again.",
        ));
    };
    let request = match request_of(&held, true) {
        Ok(r) => r,
        Err(message) => {
            return refuse(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                &held,
                message,
            )
            .await;
        }
    };
    match import_uploads(&state, user.actor(), files, &request).await {
        Ok(outcome) if outcome.committed => {
            import_store::forget(&form.token).await;
            let id = outcome
                .scenario
                .as_ref()
                .map(|s| s.id.to_string())
                .unwrap_or_default();
            let name = outcome
                .scenario
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            let new_media = outcome.media.iter().filter(|m| m.status == "new").count();
            Ok(flash_redirect(
                &format!("/scenarios/{id}"),
                FlashKind::Success,
                format!(
                    "Imported {name} as version {}{}.",
                    outcome.version.unwrap_or(1),
                    if new_media > 0 {
                        format!(
                            " with {new_media} new media file{}",
                            if new_media == 1 { "" } else { "s" }
                        )
                    } else {
                        String::new()
                    }
                ),
            ))
        }
        Ok(outcome) => {
            import_store::forget(&form.token).await;
            render(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, &held, None, Some(&outcome), String::new(),
                Some(Flash::new(FlashKind::Error, "Nothing was imported: the files now have errors (the library or the scenarios changed since the check)."))).await
        }
        Err(e) if e.status.is_client_error() => {
            import_store::forget(&form.token).await;
            refuse(&state, &user, e.status, &held, read_error(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}
