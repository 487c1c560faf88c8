//! The media library page (`/media`): a grid of thumbnails with search and kind filters,
//! uploads of several files with progress, each file's details and where it is used, and
//! delete when no scenario version uses it.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use scip_core::model::MediaKind;
use scip_store::{MediaRecord, MediaUse, Paging, Role, StoreError};
use serde::Deserialize;

use super::flash::{FlashCookie, flash_redirect};
use super::page::{CsrfForm, PageResult, PortalUser, page_response, portal_shell, wall_time};
use crate::api::v2::media::receive_files;
use crate::state::AppState;
use crate::view::{FlashKind, PortalSection, PortalShell};

/// Filters of the page.
#[derive(Debug, Default, Deserialize)]
pub struct MediaQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    open: String,
}

/// A file in the grid.
pub struct Tile {
    /// Name.
    pub name: String,
    /// URL of the file.
    pub url: String,
    /// `image`, `video` or `document`.
    pub kind: &'static str,
    /// "PNG · 1.2 MB · 800×600".
    pub meta: String,
    /// Scenarios using it.
    pub used_by: usize,
    /// Open in the details panel.
    pub open: bool,
}

/// The details of the open file.
pub struct Details {
    /// Name.
    pub name: String,
    /// URL.
    pub url: String,
    /// Kind.
    pub kind: &'static str,
    /// MIME type.
    pub content_type: String,
    /// Size.
    pub size: String,
    /// Pixels, if known.
    pub dimensions: String,
    /// Uploaded by and when.
    pub uploaded: String,
    /// SHA-256 (start).
    pub sha: String,
    /// Scenarios using it, each with its versions.
    pub uses: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal/media.html")]
struct MediaPage {
    shell: PortalShell,
    can_edit: bool,
    q: String,
    kind: String,
    total: usize,
    total_size: String,
    counts: [usize; 3],
    tiles: Vec<Tile>,
    details: Option<Details>,
    upload_limit: u64,
}

impl MediaPage {
    fn filter_href(&self, kind: &str) -> String {
        let mut href = format!("/media?kind={kind}");
        if !self.q.is_empty() {
            href.push_str("&q=");
            href.push_str(&super::urlencode(&self.q));
        }
        href
    }

    fn open_href(&self, name: &str) -> String {
        format!(
            "{}&open={}",
            self.filter_href(&self.kind),
            super::urlencode(name)
        )
    }
}

/// Bytes for people: `1.2 MB`.
pub fn human_size(bytes: u64) -> String {
    let units = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < units.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else if value >= 10.0 {
        format!("{value:.0} {}", units[unit])
    } else {
        format!("{value:.1} {}", units[unit])
    }
}

fn kind_name(kind: MediaKind) -> &'static str {
    scip_store::media::media_kind_name(kind)
}

fn grouped(uses: &[MediaUse]) -> Vec<(String, String)> {
    let mut out: Vec<(String, Vec<u32>)> = Vec::new();
    for u in uses {
        match out.iter_mut().find(|(id, _)| id == u.scenario_id.as_str()) {
            Some((_, versions)) => versions.push(u.version),
            None => out.push((u.scenario_id.to_string(), vec![u.version])),
        }
    }
    out.into_iter()
        .map(|(id, mut versions)| {
            versions.sort_unstable();
            let list = versions
                .iter()
                .map(|v| format!("v{v}"))
                .collect::<Vec<_>>()
                .join(", ");
            (id, list)
        })
        .collect()
}

fn meta_of(m: &MediaRecord) -> String {
    let ext = m
        .name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_uppercase())
        .unwrap_or_default();
    let mut meta = format!("{ext} · {}", human_size(m.size_bytes));
    if let (Some(w), Some(h)) = (m.width, m.height) {
        meta.push_str(&format!(" · {w}×{h}"));
    }
    meta
}

/// `GET /media`.
pub async fn library(
    State(state): State<AppState>,
    user: PortalUser,
    flash: FlashCookie,
    Query(query): Query<MediaQuery>,
) -> PageResult {
    let shell = portal_shell(&state, &user, PortalSection::Media, flash).await?;
    let all = state
        .store
        .list_media(None, Paging::first(Paging::MAX_LIMIT))
        .await?
        .items;
    let q = query.q.trim().to_lowercase();
    let mut counts = [0usize; 3];
    for m in &all {
        counts[match m.kind {
            MediaKind::Image => 0,
            MediaKind::Video => 1,
            MediaKind::Document => 2,
        }] += 1;
    }
    let total_size = human_size(all.iter().map(|m| m.size_bytes).sum());
    let kind = match query.kind.as_str() {
        "image" | "video" | "document" => query.kind.clone(),
        _ => "all".to_owned(),
    };
    let now = state.engine.clock.now();
    let mut tiles = Vec::new();
    let mut details = None;
    for m in &all {
        let is_open = m.name == query.open;
        let shown = (q.is_empty() || m.name.to_lowercase().contains(&q))
            && (kind == "all" || kind_name(m.kind) == kind);
        if !shown && !is_open {
            continue;
        }
        let uses = state.store.media_usage(&m.name).await?;
        let scenarios = grouped(&uses);
        if is_open {
            details = Some(Details {
                name: m.name.clone(),
                url: scip_engine::step::media_path(&m.name),
                kind: kind_name(m.kind),
                content_type: m.content_type.clone(),
                size: format!("{} ({} bytes)", human_size(m.size_bytes), m.size_bytes),
                dimensions: match (m.width, m.height) {
                    (Some(w), Some(h)) => format!("{w} × {h} px"),
                    _ => String::new(),
                },
                uploaded: format!(
                    "{}{}",
                    wall_time(m.created_at, now),
                    m.created_by
                        .as_ref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default()
                ),
                sha: m.sha256.chars().take(16).collect(),
                uses: scenarios.clone(),
            });
        }
        if shown {
            tiles.push(Tile {
                name: m.name.clone(),
                url: scip_engine::step::media_path(&m.name),
                kind: kind_name(m.kind),
                meta: meta_of(m),
                used_by: scenarios.len(),
                open: is_open,
            });
        }
    }
    page_response(&MediaPage {
        shell,
        can_edit: user.can_edit(),
        q: query.q.trim().to_owned(),
        kind,
        total: all.len(),
        total_size,
        counts,
        tiles,
        details,
        upload_limit: state.media.limit(),
    })
}

/// `POST /media/{name}/delete`: deletes a file no scenario version uses.
pub async fn delete(
    State(state): State<AppState>,
    user: PortalUser,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    user.check_csrf(&form.csrf)?;
    user.require(Role::Controller)?;
    let uses = state.store.media_usage(&name).await?;
    let back = format!("/media?open={}", super::urlencode(&name));
    if !uses.is_empty() {
        let list = grouped(&uses)
            .into_iter()
            .map(|(id, versions)| format!("{id} ({versions})"))
            .collect::<Vec<_>>()
            .join(", ");
        return Ok(flash_redirect(
            &back,
            FlashKind::Error,
            format!(
                "{name} was not deleted: it is used by {list}. Remove it from those scenarios (or delete them) first; older versions count too."
            ),
        ));
    }
    match state.store.delete_media(&name).await {
        Ok(()) => {
            state
                .media
                .remove_file(&name)
                .await
                .map_err(crate::error::ApiError::from)?;
            tracing::info!(media = %name, by = user.actor(), "media deleted");
            Ok(flash_redirect(
                "/media",
                FlashKind::Success,
                format!("Deleted {name}."),
            ))
        }
        Err(StoreError::NotFound(_)) => Ok(flash_redirect(
            "/media",
            FlashKind::Warning,
            format!("{name} was already deleted."),
        )),
        Err(StoreError::InUse(message)) => Ok(flash_redirect(
            &back,
            FlashKind::Error,
            format!("{name} was not deleted: {message}"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The CSRF value of the no-script upload form (in the query: the body is the files).
#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

/// `POST /media/upload?_csrf=…` (multipart): the upload form for browsers without script.
pub async fn upload(
    State(state): State<AppState>,
    user: PortalUser,
    Query(query): Query<UploadQuery>,
    multipart: Multipart,
) -> PageResult {
    user.check_csrf(&query.csrf)?;
    user.require(Role::Controller)?;
    let results = receive_files(&state, multipart, user.actor()).await?;
    let stored: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|f| f.media.name.clone())
        .collect();
    let refused: Vec<String> = results
        .iter()
        .filter_map(|r| r.as_ref().err())
        .map(|(name, e)| format!("{name}: {}", e.message))
        .collect();
    let (kind, message) = match (stored.is_empty(), refused.is_empty()) {
        (true, true) => (
            FlashKind::Warning,
            "Choose at least one file to upload.".to_owned(),
        ),
        (_, true) => (
            FlashKind::Success,
            format!("Uploaded {}.", stored.join(", ")),
        ),
        (true, false) => (
            FlashKind::Error,
            format!("Not uploaded: {}", refused.join("; ")),
        ),
        (false, false) => (
            FlashKind::Warning,
            format!(
                "Uploaded {}. Not uploaded: {}",
                stored.join(", "),
                refused.join("; ")
            ),
        ),
    };
    Ok(flash_redirect("/media", kind, message))
}
