//! Restoring a verified backup: every table emptied and refilled inside one write
//! transaction, the media unpacked into a staging folder, the transaction committed, and only
//! then the staging folder swapped with the media folder. Any failure before the commit rolls
//! everything back and removes the staging folder, so the target is as it was.

use std::fs::{self, File};
use std::path::Path;

use sqlx::{Any, AnyConnection, Transaction};
use tracing::{info, warn};

use super::error::{BackupError, BackupResult};
use super::manifest::Manifest;
use super::media_files::{StagedMedia, count_media_files, is_inside};
use super::reader::{RowReader, VerifiedArchive, Zip, copy_entry, media_target, open_zip};
use super::rows::StoredValue;
use super::tables::TABLES;
use super::{Progress, ProgressSink};
use crate::bulk::insert_all;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;

/// Rows inserted per batch while loading a table.
const BATCH_ROWS: usize = 500;

/// Where to restore, and whether existing data may be replaced.
#[derive(Debug, Clone)]
pub struct RestoreRequest<'a> {
    /// The media folder (`MEDIA_PATH`) to replace with the backup's files.
    pub media_dir: &'a Path,
    /// Replace a database or media folder that holds data (otherwise
    /// [`BackupError::NotEmpty`], naming what is there).
    pub replace: bool,
}

/// What a restore loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestoreSummary {
    /// Tables loaded.
    pub tables: usize,
    /// Rows loaded over all tables.
    pub rows: u64,
    /// Media files restored.
    pub media_files: u64,
    /// Their total size.
    pub media_bytes: u64,
}

async fn count_rows(conn: &mut AnyConnection) -> StoreResult<Vec<(&'static str, u64)>> {
    let mut counts = Vec::with_capacity(TABLES.len());
    for spec in TABLES {
        let sql = format!("SELECT COUNT(*) FROM {}", spec.name);
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut *conn)
            .await?;
        counts.push((spec.name, u64::try_from(n).unwrap_or(0)));
    }
    Ok(counts)
}

/// `users: 3, scenarios: 2, media files: 4`: what is non-empty.
fn describe_contents(counts: &[(&str, u64)], media_files: u64) -> String {
    let mut parts: Vec<String> = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(table, n)| format!("{table}: {n}"))
        .collect();
    if media_files > 0 {
        parts.push(format!("media files: {media_files}"));
    }
    parts.join(", ")
}

impl Store {
    /// Row count of every SCIP table, parents first.
    pub async fn table_row_counts(&self) -> StoreResult<Vec<(&'static str, u64)>> {
        let mut conn = self.pool().acquire().await?;
        count_rows(&mut conn).await
    }

    /// Replaces the database's rows and the media folder with those of a verified backup.
    ///
    /// Refuses with [`BackupError::NotEmpty`] when the database has rows or the media folder
    /// files and `replace` is false. Rows are loaded in one transaction: every table is
    /// emptied and refilled, and each entry's size and checksum are checked again as it is
    /// read (the file could have changed since it was verified). Media files are unpacked
    /// into a staging folder before the commit and swapped in by renames after it. Whatever
    /// fails before the commit leaves the database and the media folder untouched; only a
    /// failed swap after the commit ([`BackupError::MediaSwap`]) leaves the restored files in
    /// the staging folder it names.
    pub async fn restore(
        &self,
        archive: &VerifiedArchive,
        request: &RestoreRequest<'_>,
        progress: &mut ProgressSink<'_>,
    ) -> BackupResult<RestoreSummary> {
        let manifest = archive.manifest();
        // Swapping the media folder would remove the archive being read.
        if is_inside(request.media_dir, archive.path()) {
            return Err(BackupError::InsideMedia {
                path: archive.path().to_owned(),
                media: request.media_dir.to_owned(),
            });
        }
        let mut zip = open_zip(archive.path())?;
        let media_files =
            count_media_files(request.media_dir).map_err(BackupError::io(format!(
                "cannot list the media folder {}",
                request.media_dir.display()
            )))?;
        let mut tx = self.begin_write().await?;
        let loaded = self
            .load_tables(&mut tx, &mut zip, manifest, request, media_files, progress)
            .await;
        let staged = loaded.and_then(|rows| {
            stage_media(&mut zip, manifest, request.media_dir, progress).map(|s| (rows, s))
        });
        let (rows, staged) = match staged {
            Ok(done) => done,
            Err(e) => {
                if let Err(rollback) = tx.rollback().await {
                    warn!(error = %rollback, "rolling back the restore failed; the database drops it");
                }
                return Err(e);
            }
        };
        if let Err(e) = tx.commit().await {
            staged.discard();
            return Err(StoreError::from(e).into());
        }
        staged.swap_into_place()?;
        let summary = RestoreSummary {
            tables: manifest.tables.len(),
            rows,
            media_files: manifest.media.files,
            media_bytes: manifest.media.bytes,
        };
        info!(
            path = %archive.path().display(),
            rows = summary.rows,
            media.files = summary.media_files,
            "backup restored"
        );
        Ok(summary)
    }

    /// Empties every table and loads the archive's rows, inside `tx`.
    async fn load_tables(
        &self,
        tx: &mut Transaction<'static, Any>,
        zip: &mut Zip,
        manifest: &Manifest,
        request: &RestoreRequest<'_>,
        media_files: u64,
        progress: &mut ProgressSink<'_>,
    ) -> BackupResult<u64> {
        let target_schema = crate::schema::applied_version_in(tx, self.kind()).await?;
        if target_schema < manifest.schema_version {
            return Err(BackupError::SchemaMismatch(format!(
                "the target database is at schema version {target_schema}, older than the \
                 backup's {}; migrate it first",
                manifest.schema_version
            )));
        }
        let counts = count_rows(tx).await?;
        let occupied = counts.iter().any(|(_, n)| *n > 0) || media_files > 0;
        if occupied && !request.replace {
            return Err(BackupError::NotEmpty {
                contents: describe_contents(&counts, media_files),
            });
        }
        for spec in TABLES.iter().rev() {
            let sql = format!("DELETE FROM {}", spec.name);
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await
                .map_err(StoreError::from)?;
        }
        let mut total = 0;
        for spec in TABLES {
            // A backup of an older schema may lack a table added since: it stays empty.
            let Some(t) = manifest.tables.iter().find(|t| t.name == spec.name) else {
                continue;
            };
            let mut reader = RowReader::open(zip, t, manifest)?;
            let columns = reader.column_names();
            let mut batch: Vec<Vec<StoredValue>> = Vec::with_capacity(BATCH_ROWS);
            let mut rows = 0_u64;
            loop {
                let row = reader.next_row()?;
                let done = row.is_none();
                batch.extend(row);
                if batch.len() >= BATCH_ROWS || (done && !batch.is_empty()) {
                    insert_all(tx, spec.name, &columns, &batch, |values, cells| {
                        cells.extend(values.iter().map(StoredValue::cell));
                        Ok(())
                    })
                    .await
                    .map_err(|source| BackupError::Refused {
                        table: spec.name.to_owned(),
                        source,
                    })?;
                    rows += batch.len() as u64;
                    batch.clear();
                }
                if done {
                    break;
                }
            }
            reader.finish(true)?;
            progress(Progress::TableLoaded {
                table: spec.name,
                rows,
            });
            total += rows;
        }
        Ok(total)
    }
}

/// Unpacks every media entry into a new staging folder for `media_dir`, checking each
/// against the manifest; on failure the staging folder is removed.
fn stage_media(
    zip: &mut Zip,
    manifest: &Manifest,
    media_dir: &Path,
    progress: &mut ProgressSink<'_>,
) -> BackupResult<StagedMedia> {
    let staged = StagedMedia::prepare(media_dir)?;
    let unpacked = (|| {
        for entry in manifest.media_entries() {
            let relative = media_target(entry)?;
            let path = staged.path_for(&relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(BackupError::io(format!(
                    "cannot create {}",
                    parent.display()
                )))?;
            }
            let what = format!("cannot write {}", path.display());
            let mut file = File::create_new(&path).map_err(BackupError::io(what.clone()))?;
            let bytes = copy_entry(zip, entry, &mut file)?;
            file.sync_all().map_err(BackupError::io(what))?;
            progress(Progress::MediaExtracted {
                name: relative.to_str().unwrap_or(&entry.name),
                bytes,
            });
        }
        Ok(())
    })();
    match unpacked {
        Ok(()) => Ok(staged),
        Err(e) => {
            staged.discard();
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contents_name_what_is_there() {
        assert_eq!(
            describe_contents(&[("users", 2), ("scenarios", 0), ("events", 14)], 3),
            "users: 2, events: 14, media files: 3"
        );
        assert_eq!(describe_contents(&[("users", 0)], 0), "");
    }
}
