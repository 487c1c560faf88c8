//! SCIP v3's media endpoints: the media list, multi-file upload (field `files`) and delete by
//! path — over the same checked library as `/api/v2/media`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use scip_store::MediaRecord;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use crate::api::extract::{ApiMultipart, ApiQuery};
use crate::api::v1::legacy::{media_names, media_url};
use crate::api::v2::media::receive_files;
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

fn item(m: &MediaRecord) -> Value {
    json!({
        "filename": m.name,
        "path": media_url(&m.name),
        "size": m.size_bytes,
        "width": m.width,
        "height": m.height,
        "modified": m.created_at as f64 / 1000.0,
        "mime_type": m.content_type,
    })
}

/// Every media file, by name (SCIP v3 #15).
#[utoipa::path(get, path = "/api/v1/media", tag = "v1",
    responses((status = 200, description = "`{media: [{filename, path, size, width, height, modified, mime_type}]}`")))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
) -> Result<Json<Value>, ApiError> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = state
            .store
            .list_media(None, scip_store::Paging::new(500, offset))
            .await?;
        let n = page.items.len();
        all.extend(page.items);
        offset += n as u64;
        if n < 500 {
            break;
        }
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(
        json!({ "media": all.iter().map(item).collect::<Vec<_>>() }),
    ))
}

/// Uploads files (SCIP v3 #16). Each file is accepted or refused on its own; when none is
/// accepted the status is the first refusal's (413, 415 or 422).
#[utoipa::path(post, path = "/api/v1/media/upload", tag = "v1",
    request_body(content_type = "multipart/form-data", description = "Field `files`, one or more"),
    responses(
        (status = 200, description = "`{success, uploaded, errors, total, successful, failed}`"),
        (status = 400, description = "No files"),
        (status = 413, description = "Too large"),
        (status = 415, description = "Not an accepted type"),
        (status = 422, description = "Refused content"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiMultipart(multipart): ApiMultipart,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let results = receive_files(&state, multipart, user.actor()).await?;
    if results.is_empty() {
        return Err(ApiError::bad_request("No files provided"));
    }
    let mut uploaded = Vec::new();
    let mut errors = Vec::new();
    let mut first_error = None;
    for r in results {
        match r {
            Ok(f) => {
                let mut v = json!({
                    "filename": f.media.name,
                    "original_filename": f.original_name,
                    "path": f.media.url,
                    "size": f.media.size_bytes,
                    "width": f.media.width,
                    "height": f.media.height,
                    "modified": f.media.created_at as f64 / 1000.0,
                    "mime_type": f.media.content_type,
                });
                v["created"] = json!(f.created);
                uploaded.push(v);
            }
            Err((name, e)) => {
                errors.push(json!({ "filename": name, "error": e.message }));
                first_error.get_or_insert(e);
            }
        }
    }
    let body = json!({
        "success": errors.is_empty(),
        "total": uploaded.len() + errors.len(),
        "successful": uploaded.len(),
        "failed": errors.len(),
        "uploaded": uploaded,
        "errors": errors,
    });
    match first_error {
        Some(e) if uploaded.is_empty() => Err(e.with_details(body)),
        _ => Ok((StatusCode::OK, Json(body))),
    }
}

/// Which file to delete.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Its path (`/api/media/library/x.png`, `/api/v2/media/x.png`) or name.
    pub path: String,
}

/// Deletes a media file no scenario uses (SCIP v3 #17).
#[utoipa::path(delete, path = "/api/v1/media", tag = "v1",
    params(DeleteQuery),
    responses(
        (status = 200, description = "`{success: true, message, path}`"),
        (status = 404, description = "No such file"),
        (status = 409, description = "Scenarios use it"),
        (status = 422, description = "The path names no library file"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    _user: RequireRole<Controller>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> Result<Json<Value>, ApiError> {
    let name = media_names(std::slice::from_ref(&query.path))?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::unprocessable("no file named"))?;
    state.store.delete_media(&name).await?;
    state.media.remove_file(&name).await?;
    Ok(Json(json!({
        "success": true,
        "message": format!("Deleted {name}"),
        "path": query.path,
    })))
}
