//! The media library's metadata. The files themselves live under `MEDIA_PATH`; the API moves
//! the bytes, the store remembers what they are and which scenarios use them.

use scip_core::engine::WallMs;
use scip_core::ids::ScenarioId;
use scip_core::model::MediaKind;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::error::{StoreError, StoreResult};
use crate::page::{Page, Paging};
use crate::row::{contains_pattern, db_i64, get, get_opt_u32, get_parsed, get_u32, get_u64};
use crate::store::Store;

/// The stored name of a media kind.
pub fn media_kind_name(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Video => "video",
        MediaKind::Document => "document",
    }
}

/// Reads a stored media kind name.
pub fn parse_media_kind(name: &str) -> Option<MediaKind> {
    match name {
        "image" => Some(MediaKind::Image),
        "video" => Some(MediaKind::Video),
        "document" => Some(MediaKind::Document),
        _ => None,
    }
}

/// One file of the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaRecord {
    /// Sanitised file name, unique; scenarios refer to it.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Image, video or document.
    #[serde(serialize_with = "serialize_kind")]
    pub kind: MediaKind,
    /// Size in bytes.
    pub size_bytes: u64,
    /// Pixel width (images).
    pub width: Option<u32>,
    /// Pixel height (images).
    pub height: Option<u32>,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// Who uploaded it.
    pub created_by: Option<String>,
    /// Wall ms.
    pub created_at: WallMs,
}

fn serialize_kind<S: serde::Serializer>(kind: &MediaKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(media_kind_name(*kind))
}

/// A scenario version that refers to a media file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaUse {
    /// The scenario.
    pub scenario_id: ScenarioId,
    /// The version referring to the file.
    pub version: u32,
}

const MEDIA_COLUMNS: &str =
    "name, content_type, kind, size_bytes, width, height, sha256, created_by, created_at";

fn media_from_row(row: &AnyRow) -> StoreResult<MediaRecord> {
    let kind: String = get(row, "kind")?;
    Ok(MediaRecord {
        name: get(row, "name")?,
        content_type: get(row, "content_type")?,
        kind: parse_media_kind(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("media kind {kind:?} is unknown")))?,
        size_bytes: get_u64(row, "size_bytes")?,
        width: get_opt_u32(row, "width")?,
        height: get_opt_u32(row, "height")?,
        sha256: get(row, "sha256")?,
        created_by: get(row, "created_by")?,
        created_at: get(row, "created_at")?,
    })
}

impl Store {
    /// Records a new media file. [`StoreError::Conflict`] when the name is taken.
    pub async fn insert_media(&self, media: &MediaRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO media (name, content_type, kind, size_bytes, width, height, sha256, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&media.name)
        .bind(&media.content_type)
        .bind(media_kind_name(media.kind))
        .bind(db_i64(media.size_bytes, "media size")?)
        .bind(media.width.map(i64::from))
        .bind(media.height.map(i64::from))
        .bind(&media.sha256)
        .bind(media.created_by.as_deref())
        .bind(media.created_at)
        .execute(self.pool())
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Conflict { .. } => {
                StoreError::conflict(format!("a media file named {:?} exists", media.name))
            }
            other => other,
        })?;
        Ok(())
    }

    /// A media file by name.
    pub async fn get_media(&self, name: &str) -> StoreResult<MediaRecord> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(name)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("media file {name:?}")))?;
        media_from_row(&row)
    }

    /// A media file with these exact bytes, if one exists (to avoid storing a file twice).
    pub async fn find_media_by_sha256(&self, sha256: &str) -> StoreResult<Option<MediaRecord>> {
        let sql = format!(
            "SELECT {MEDIA_COLUMNS} FROM media WHERE sha256 = $1 ORDER BY created_at, name LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(sha256.to_ascii_lowercase())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(media_from_row).transpose()
    }

    /// The library, newest first; with `search`, only names containing it (ignoring case).
    pub async fn list_media(
        &self,
        search: Option<&str>,
        paging: Paging,
    ) -> StoreResult<Page<MediaRecord>> {
        let (limit, offset) = paging.bounds()?;
        let pattern = search
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(contains_pattern)
            .unwrap_or_else(|| "%".to_owned());
        let sql = format!(
            "SELECT {MEDIA_COLUMNS} FROM media WHERE LOWER(name) LIKE $1 ESCAPE '\\' \
             ORDER BY created_at DESC, name LIMIT $2 OFFSET $3"
        );
        let items = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(media_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let total: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM media WHERE LOWER(name) LIKE $1 ESCAPE '\\'")
                .bind(&pattern)
                .fetch_one(self.pool())
                .await?;
        Ok(Page {
            items,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Which scenario versions refer to a media file, by scenario and version.
    pub async fn media_usage(&self, name: &str) -> StoreResult<Vec<MediaUse>> {
        sqlx::query(
            "SELECT scenario_id, version FROM scenario_media WHERE media_name = $1 \
             ORDER BY scenario_id, version",
        )
        .bind(name)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(MediaUse {
                scenario_id: get_parsed(row, "scenario_id")?,
                version: get_u32(row, "version")?,
            })
        })
        .collect()
    }

    /// Forgets a media file. [`StoreError::InUse`] (naming the scenarios) while any scenario
    /// version refers to it; [`StoreError::NotFound`] when there is no such file.
    pub async fn delete_media(&self, name: &str) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let users: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT scenario_id FROM scenario_media WHERE media_name = $1 \
             ORDER BY scenario_id",
        )
        .bind(name)
        .fetch_all(&mut *tx)
        .await?;
        if !users.is_empty() {
            return Err(StoreError::InUse(format!(
                "media file {name:?} is used by scenario(s) {}",
                users.join(", ")
            )));
        }
        let done = sqlx::query("DELETE FROM media WHERE name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("media file {name:?}")));
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kind_names_round_trip() {
        for kind in [MediaKind::Image, MediaKind::Video, MediaKind::Document] {
            assert_eq!(parse_media_kind(media_kind_name(kind)), Some(kind));
        }
        assert_eq!(parse_media_kind("audio"), None);
    }
}
