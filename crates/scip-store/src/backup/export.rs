//! Taking a backup: every table read inside one snapshot transaction, streamed row by row
//! into the archive, then the media folder, then the manifest; written to a temporary file
//! that is renamed into place only when complete.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use scip_core::engine::WallMs;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tracing::info;

use super::error::{BackupError, BackupResult};
use super::manifest::{
    ColumnManifest, FORMAT_NAME, FORMAT_VERSION, Manifest, MediaSummary, TableManifest,
};
use super::media_files::{is_inside, list_media_files};
use super::names::{media_entry, table_entry};
use super::rows::row_to_json;
use super::schema_check::{differences, live_schema};
use super::tables::{ColumnType, TABLES, TableSpec};
use super::writer::{ArchiveWriter, Packing};
use super::{Progress, ProgressSink};
use crate::store::{DbKind, Store};

/// What to back up, and where to.
#[derive(Debug, Clone)]
pub struct BackupRequest<'a> {
    /// The archive to write.
    pub output: &'a Path,
    /// Replace `output` if it exists (otherwise [`BackupError::OutputExists`]).
    pub replace: bool,
    /// The media folder (`MEDIA_PATH`); a missing folder backs up no media.
    pub media_dir: &'a Path,
    /// The version of scip writing it, recorded in the manifest.
    pub scip_version: &'a str,
    /// The time recorded as the backup's (the store never reads a clock).
    pub now: WallMs,
}

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    /// The manifest written into the archive.
    pub manifest: Manifest,
    /// Size of the archive file.
    pub archive_bytes: u64,
}

/// The ORDER BY clause that sorts a table's rows the same way on both databases: text by
/// byte value (PostgreSQL's default collation depends on the locale), NULLs last.
pub(crate) fn order_clause(spec: &TableSpec, kind: DbKind) -> String {
    spec.order_by
        .iter()
        .map(|name| {
            let column = spec.column(name);
            let collate = match (kind, column.map(|c| c.column_type)) {
                (DbKind::Postgres, Some(ColumnType::Text)) => " COLLATE \"C\"",
                _ => "",
            };
            if column.is_some_and(|c| c.nullable) {
                format!("({name} IS NULL), {name}{collate}")
            } else {
                format!("{name}{collate}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `<folder>/.<name>.partial-<id>` beside the output.
fn temporary_path(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".into());
    let id = ulid::Ulid::generate().to_string().to_lowercase();
    output.with_file_name(format!(".{name}.partial-{id}"))
}

fn rfc3339(ms: WallMs) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

impl Store {
    /// Writes a backup of every table and the media folder to `request.output`.
    ///
    /// The tables are read in one snapshot (PostgreSQL `REPEATABLE READ READ ONLY`; SQLite one
    /// read transaction, which in WAL mode sees one instant while writers go on), so the
    /// backup is consistent while an exercise runs. Media files are copied as they are: they
    /// are written once and never changed in place. The archive is written to a temporary
    /// file beside the output and renamed over it only when complete, so a failed backup
    /// leaves no partial file. Fails with [`BackupError::OutputExists`] when the output exists
    /// and `replace` is false, and [`BackupError::SchemaMismatch`] when the database has
    /// tables or columns this format does not carry.
    ///
    /// The archive is written with blocking file I/O; call it from a command-line tool or a
    /// blocking-friendly task.
    pub async fn backup(
        &self,
        request: &BackupRequest<'_>,
        progress: &mut ProgressSink<'_>,
    ) -> BackupResult<BackupSummary> {
        if !request.replace && request.output.exists() {
            return Err(BackupError::OutputExists {
                path: request.output.to_owned(),
            });
        }
        if let Some(folder) = request
            .output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            && !folder.is_dir()
        {
            return Err(BackupError::Io {
                what: format!("cannot write {}", request.output.display()),
                source: std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    format!("the folder {} does not exist", folder.display()),
                ),
            });
        }
        // The archive would copy itself while it grows.
        if is_inside(request.media_dir, request.output) {
            return Err(BackupError::InsideMedia {
                path: request.output.to_owned(),
                media: request.media_dir.to_owned(),
            });
        }
        let temporary = temporary_path(request.output);
        let result = self.write_archive(request, &temporary, progress).await;
        let result = result.and_then(|summary| {
            if !request.replace && request.output.exists() {
                return Err(BackupError::OutputExists {
                    path: request.output.to_owned(),
                });
            }
            std::fs::rename(&temporary, request.output).map_err(BackupError::io(format!(
                "cannot rename {} to {}",
                temporary.display(),
                request.output.display()
            )))?;
            sync_parent(request.output);
            Ok(summary)
        });
        if result.is_err() {
            // Best effort: the temporary file may not exist yet.
            let _ = std::fs::remove_file(&temporary);
        }
        let summary = result?;
        info!(
            path = %request.output.display(),
            rows = summary.manifest.total_rows(),
            media.files = summary.manifest.media.files,
            bytes = summary.archive_bytes,
            "backup written"
        );
        Ok(summary)
    }

    async fn write_archive(
        &self,
        request: &BackupRequest<'_>,
        temporary: &Path,
        progress: &mut ProgressSink<'_>,
    ) -> BackupResult<BackupSummary> {
        let mut writer = ArchiveWriter::create(temporary)?;
        let mut tx = self.begin_snapshot().await?;
        let problems = differences(&live_schema(&mut tx, self.kind()).await?);
        if !problems.is_empty() {
            return Err(BackupError::SchemaMismatch(problems.join("; ")));
        }
        let schema_version = crate::schema::applied_version_in(&mut tx, self.kind()).await?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for spec in TABLES {
            let rows = self.write_table(&mut tx, spec, &mut writer).await?;
            progress(Progress::TableSaved {
                table: spec.name,
                rows,
            });
            tables.push(TableManifest {
                name: spec.name.to_owned(),
                entry: table_entry(spec.name),
                rows,
                columns: spec
                    .columns
                    .iter()
                    .map(|c| ColumnManifest {
                        name: c.name.to_owned(),
                        column_type: c.column_type,
                    })
                    .collect(),
            });
        }
        // Read-only: ending it changes nothing.
        tx.commit().await.map_err(crate::error::StoreError::from)?;
        let media = write_media(request.media_dir, &mut writer, progress)?;
        let manifest = Manifest {
            format: FORMAT_NAME.to_owned(),
            format_version: FORMAT_VERSION,
            scip_version: request.scip_version.to_owned(),
            schema_version,
            database: self.kind().as_str().to_owned(),
            created_at: rfc3339(request.now),
            created_at_ms: request.now,
            tables,
            media,
            entries: writer.entries().to_vec(),
        };
        let archive_bytes = writer.finish(&manifest)?;
        Ok(BackupSummary {
            manifest,
            archive_bytes,
        })
    }

    /// A read-only transaction that sees one instant of the database.
    async fn begin_snapshot(&self) -> BackupResult<Transaction<'static, Any>> {
        let begin = match self.kind() {
            DbKind::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
            // Deferred: the snapshot is taken at the first read and held to the end.
            DbKind::Sqlite => "BEGIN DEFERRED",
        };
        let tx = self
            .pool()
            .begin_with(begin)
            .await
            .map_err(crate::error::StoreError::from)?;
        Ok(tx)
    }

    /// Streams every row of one table into its entry; returns the row count.
    async fn write_table(
        &self,
        tx: &mut Transaction<'static, Any>,
        spec: &TableSpec,
        writer: &mut ArchiveWriter,
    ) -> BackupResult<u64> {
        writer.start_entry(&table_entry(spec.name), Packing::Compressed, None)?;
        let columns: Vec<&str> = spec.columns.iter().map(|c| c.name).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            columns.join(", "),
            spec.name,
            order_clause(spec, self.kind())
        );
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut **tx);
        let mut count = 0_u64;
        while let Some(row) = rows
            .try_next()
            .await
            .map_err(crate::error::StoreError::from)?
        {
            let mut line = row_to_json(&row, spec.columns)?;
            line.push('\n');
            writer.write(line.as_bytes())?;
            count += 1;
        }
        writer.finish_entry()?;
        Ok(count)
    }
}

/// Copies every file of the media folder into the archive.
fn write_media(
    media_dir: &Path,
    writer: &mut ArchiveWriter,
    progress: &mut ProgressSink<'_>,
) -> BackupResult<MediaSummary> {
    let (files, skipped) = list_media_files(media_dir).map_err(BackupError::io(format!(
        "cannot list the media folder {}",
        media_dir.display()
    )))?;
    for s in &skipped {
        progress(Progress::MediaSkipped {
            path: &s.path,
            reason: s.reason.clone(),
        });
    }
    let mut summary = MediaSummary::default();
    let mut buf = vec![0_u8; 64 << 10];
    for f in files {
        let mut file = match File::open(&f.path) {
            Ok(file) => file,
            // Deleted since the listing (only unused files are deleted): nothing to keep.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                progress(Progress::MediaSkipped {
                    path: &f.path,
                    reason: "deleted while the backup ran".into(),
                });
                continue;
            }
            Err(e) => {
                return Err(BackupError::io(format!("cannot read {}", f.path.display()))(e));
            }
        };
        let size_hint = file.metadata().map(|m| m.len()).ok();
        writer.start_entry(&media_entry(&f.relative), Packing::Stored, size_hint)?;
        loop {
            let n = file
                .read(&mut buf)
                .map_err(BackupError::io(format!("cannot read {}", f.path.display())))?;
            if n == 0 {
                break;
            }
            writer.write(&buf[..n])?;
        }
        let digest = writer.finish_entry()?;
        let bytes = digest.map_or(0, |d| d.size);
        summary.files += 1;
        summary.bytes += bytes;
        progress(Progress::MediaSaved {
            name: &f.relative,
            bytes,
        });
    }
    Ok(summary)
}

/// Makes the rename durable (best effort: not every platform can sync a folder).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::tables::table;

    #[test]
    fn rows_are_ordered_bytewise_with_nulls_last() {
        let receipts = table("receipts").unwrap();
        assert_eq!(
            order_clause(receipts, DbKind::Postgres),
            "delivery_id COLLATE \"C\", stored_at, at, kind COLLATE \"C\", \
             (viewer IS NULL), viewer COLLATE \"C\""
        );
        assert_eq!(
            order_clause(receipts, DbKind::Sqlite),
            "delivery_id, stored_at, at, kind, (viewer IS NULL), viewer"
        );
    }

    #[test]
    fn times_are_written_in_rfc3339() {
        assert_eq!(rfc3339(1_767_225_600_000), "2026-01-01T00:00:00Z");
    }

    #[test]
    fn the_temporary_file_is_hidden_beside_the_output() {
        let tmp = temporary_path(Path::new("/backups/scip.zip"));
        assert_eq!(tmp.parent(), Some(Path::new("/backups")));
        let name = tmp.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".scip.zip.partial-"), "{name}");
    }
}
