//! `/api/v2/media`: the media library — upload (multipart, size limit, type checked by
//! content), list, download, details and delete when unused. Files are served only to signed-in
//! users and to teams that have received them.

use axum::Json;
use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use scip_store::{MediaRecord, MediaUse, media::media_kind_name};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiMultipart, ApiPath, ApiQuery};
use crate::api::paging::{Page, PageParams};
use axum_extra::extract::cookie::CookieJar;

use crate::auth::extract::{bearer_token_from, user_from_token};
use crate::auth::session::SESSION_COOKIE;
use crate::auth::team::{TEAM_COOKIE, team_from_token};
use crate::auth::token::TokenKind;
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// A file of the media library.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaView {
    /// Library name; scenarios refer to it.
    pub name: String,
    /// Where to fetch it.
    pub url: String,
    /// MIME type.
    pub content_type: String,
    /// `image`, `video` or `document`.
    pub kind: String,
    /// Bytes.
    pub size_bytes: u64,
    /// Pixels (raster images).
    pub width: Option<u32>,
    /// Pixels (raster images).
    pub height: Option<u32>,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who uploaded it.
    pub created_by: Option<String>,
    /// Wall ms.
    pub created_at: i64,
}

impl From<&MediaRecord> for MediaView {
    fn from(m: &MediaRecord) -> Self {
        Self {
            name: m.name.clone(),
            url: scip_engine::step::media_path(&m.name),
            content_type: m.content_type.clone(),
            kind: media_kind_name(m.kind).to_owned(),
            size_bytes: m.size_bytes,
            width: m.width,
            height: m.height,
            sha256: m.sha256.clone(),
            created_by: m.created_by.clone(),
            created_at: m.created_at,
        }
    }
}

/// A scenario version using a file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaUseView {
    /// Scenario slug.
    pub scenario_id: String,
    /// Version.
    pub version: u32,
}

impl From<MediaUse> for MediaUseView {
    fn from(u: MediaUse) -> Self {
        Self {
            scenario_id: u.scenario_id.to_string(),
            version: u.version,
        }
    }
}

/// A file's details and where it is used.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MediaInfoView {
    /// The file.
    pub media: MediaView,
    /// Scenario versions referring to it.
    pub used_by: Vec<MediaUseView>,
}

/// Uploaded files.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadedView {
    /// Each file, in upload order.
    pub files: Vec<UploadedFileView>,
}

/// One uploaded file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadedFileView {
    /// The name the file was sent with.
    pub original_name: String,
    /// True when new; false when the library already had these bytes under this name.
    pub created: bool,
    /// The library file.
    pub media: MediaView,
}

/// Filters of the media list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MediaListQuery {
    /// Only names containing this (ignoring case).
    pub search: Option<String>,
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// The library, newest first.
#[utoipa::path(get, path = "/api/v2/media", tag = "media",
    params(MediaListQuery),
    responses(
        (status = 200, description = "A page of files", body = Page<MediaView>),
        (status = 401, description = "Not signed in"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiQuery(query): ApiQuery<MediaListQuery>,
) -> Result<Json<Page<MediaView>>, ApiError> {
    let paging = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .paging()?;
    let page = state
        .store
        .list_media(query.search.as_deref(), paging)
        .await?;
    Ok(Json(Page::new(
        page.items.iter().map(MediaView::from).collect(),
        page.total,
        paging,
    )))
}

/// Receives the file parts of a multipart body into the library: each is streamed to a
/// temporary file, checked and placed, or refused with nothing left behind.
pub async fn receive_files(
    state: &AppState,
    mut multipart: Multipart,
    actor: &str,
) -> Result<Vec<Result<UploadedFileView, (String, ApiError)>>, ApiError> {
    let mut out = Vec::new();
    while let Some(mut field) = multipart.next_field().await? {
        let Some(original) = field.file_name().map(str::to_owned) else {
            continue;
        };
        let mut upload = state.media.start_upload().await?;
        let mut failed = None;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if let Err(e) = upload.write(&chunk).await {
                        failed = Some(ApiError::from(e));
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    // The body itself broke (or passed the request limit): stop reading.
                    return Err(e.into());
                }
            }
        }
        if let Some(e) = failed {
            out.push(Err((original, e)));
            // Drain the rest of this part so the next one can be read.
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        }
        let checked = match state.media.check(&mut upload, &original).await {
            Ok(c) => c,
            Err(e) => {
                out.push(Err((original, e.into())));
                continue;
            }
        };
        match state
            .media
            .place(
                upload,
                &checked,
                &state.store,
                Some(actor),
                state.engine.clock.now(),
            )
            .await
        {
            Ok((record, created)) => {
                tracing::info!(media = %record.name, created, by = actor, "media uploaded");
                out.push(Ok(UploadedFileView {
                    original_name: original,
                    created,
                    media: MediaView::from(&record),
                }));
            }
            Err(e) => out.push(Err((original, e))),
        }
    }
    Ok(out)
}

/// Uploads files (multipart, any field name). All or nothing is not promised across files:
/// each file is accepted or refused on its own; the first refusal is the error returned and
/// files accepted before it stay.
#[utoipa::path(post, path = "/api/v2/media", tag = "media",
    request_body(content_type = "multipart/form-data", description = "One or more file parts"),
    responses(
        (status = 201, description = "Stored", body = UploadedView),
        (status = 400, description = "No file in the body"),
        (status = 413, description = "A file is larger than the upload limit"),
        (status = 415, description = "Not an accepted type, or content and name disagree"),
        (status = 422, description = "Unusable name, or active content (an SVG with script)"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<(StatusCode, Json<UploadedView>), ApiError> {
    let results = receive_files(&state, multipart, user.actor()).await?;
    if results.is_empty() {
        return Err(ApiError::bad_request("no file parts in the upload"));
    }
    let mut files = Vec::new();
    for result in results {
        match result {
            Ok(f) => files.push(f),
            Err((name, e)) => {
                let mut e = e;
                e.details = serde_json::json!({
                    "file": name,
                    "stored": files.iter().map(|f: &UploadedFileView| f.media.name.clone()).collect::<Vec<_>>(),
                });
                return Err(e);
            }
        }
    }
    Ok((StatusCode::CREATED, Json(UploadedView { files })))
}

/// True when the team has been delivered something that shows this file in the current run.
pub async fn team_received_media(
    state: &AppState,
    exercise: &scip_core::ExerciseId,
    team: &scip_core::TeamId,
    name: &str,
) -> Result<bool, ApiError> {
    let wanted = scip_engine::step::media_path(name);
    let mut after = 0;
    loop {
        let now = state.engine.clock.now();
        let feed = state
            .store
            .team_feed(exercise, team, after, now, 1_000)
            .await?;
        for item in &feed {
            let payload: serde_json::Value =
                serde_json::from_str(&item.payload).unwrap_or_default();
            let shows = payload
                .get("media")
                .and_then(serde_json::Value::as_array)
                .is_some_and(|list| list.iter().any(|m| m.as_str() == Some(wanted.as_str())));
            if shows {
                return Ok(true);
            }
        }
        match feed.last() {
            Some(last) if feed.len() == 1_000 => after = last.seq,
            _ => return Ok(false),
        }
    }
}

/// Who may download a file: any signed-in user, or a team that has received it.
async fn may_download(state: &AppState, headers: &HeaderMap, name: &str) -> Result<(), ApiError> {
    let team_check = |member: scip_store::ExerciseTeam| async move {
        if team_received_media(state, &member.exercise_id, &member.team_id, name).await? {
            Ok(())
        } else {
            Err(ApiError::not_found(format!(
                "media file {name:?} not found"
            )))
        }
    };
    if let Some(token) = bearer_token_from(headers) {
        if user_from_token(state, token, TokenKind::Access)
            .await
            .is_ok()
        {
            return Ok(());
        }
        let (member, _) = team_from_token(state, token, TokenKind::Team).await?;
        return team_check(member).await;
    }
    let jar = CookieJar::from_headers(headers);
    if let Some(cookie) = jar.get(SESSION_COOKIE)
        && user_from_token(state, cookie.value(), TokenKind::Session)
            .await
            .is_ok()
    {
        return Ok(());
    }
    if let Some(cookie) = jar.get(TEAM_COOKIE) {
        let (member, _) = team_from_token(state, cookie.value(), TokenKind::Team).await?;
        return team_check(member).await;
    }
    Err(ApiError::unauthorized(
        "sign in, or enter your team's access code",
    ))
}

/// Downloads a file. Signed-in users may fetch any file; a team only files it has been
/// delivered.
#[utoipa::path(get, path = "/api/v2/media/{name}", tag = "media",
    params(("name" = String, Path, description = "Library name", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,118}$")),
    responses(
        (status = 200, description = "The file"),
        (status = 401, description = "Neither a user nor a team"),
        (status = 404, description = "No such file (or not delivered to this team)"),
    ))]
pub async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(name): ApiPath<String>,
) -> Result<Response, ApiError> {
    may_download(&state, &headers, &name).await?;
    let Some(path) = state.media.file_path(&name) else {
        return Err(ApiError::not_found(format!(
            "media file {name:?} not found"
        )));
    };
    let record = state.store.get_media(&name).await?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ApiError::not_found(format!(
                "media file {name:?} is recorded but missing from the media folder"
            )));
        }
        Err(e) => {
            return Err(ApiError::internal(format!(
                "cannot open {}: {e}",
                path.display()
            )));
        }
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&record.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(record.size_bytes));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // Even a file that slipped through the checks cannot run script in our origin.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// A file's details and the scenario versions using it.
#[utoipa::path(get, path = "/api/v2/media/{name}/info", tag = "media",
    params(("name" = String, Path, description = "Library name", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,118}$")),
    responses(
        (status = 200, description = "Details", body = MediaInfoView),
        (status = 404, description = "No such file"),
    ))]
pub async fn info(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(name): ApiPath<String>,
) -> Result<Json<MediaInfoView>, ApiError> {
    let record = state.store.get_media(&name).await?;
    let used_by = state.store.media_usage(&name).await?;
    Ok(Json(MediaInfoView {
        media: MediaView::from(&record),
        used_by: used_by.into_iter().map(MediaUseView::from).collect(),
    }))
}

/// Deletes a file no scenario version uses.
#[utoipa::path(delete, path = "/api/v2/media/{name}", tag = "media",
    params(("name" = String, Path, description = "Library name", pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,118}$")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such file"),
        (status = 409, description = "Scenarios use it"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state.store.delete_media(&name).await?;
    state.media.remove_file(&name).await?;
    tracing::info!(media = %name, by = user.actor(), "media deleted");
    Ok(StatusCode::NO_CONTENT)
}
