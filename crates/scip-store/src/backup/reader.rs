//! Reading an archive back: opening it, checking its manifest and every entry against it
//! ([`verify_archive`]), and the entry readers restore uses, which check sizes and checksums
//! again as they go.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Take, Write};
use std::path::{Path, PathBuf};

use zip::ZipArchive;
use zip::read::ZipFile;
use zip::result::ZipError;

use super::ProgressSink;
use super::digest::{EntryDigest, HashingReader};
use super::error::{BackupError, BackupResult};
use super::manifest::{EntryManifest, Manifest, TableManifest, parse_manifest};
use super::names::MANIFEST_ENTRY;
use super::rows::{StoredValue, parse_row};
use super::tables::{ColumnSpec, table};
use super::{Progress, names};
use crate::schema::known_version;

/// The largest manifest read (a manifest lists every entry; this allows millions).
const MANIFEST_LIMIT: u64 = 256 << 20;

/// An open archive.
pub(crate) type Zip = ZipArchive<BufReader<File>>;

/// An archive whose manifest, entries and rows have all been checked; the only way to get
/// one is [`verify_archive`].
#[derive(Debug, Clone)]
pub struct VerifiedArchive {
    path: PathBuf,
    manifest: Manifest,
}

impl VerifiedArchive {
    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }
}

/// Why an entry's bytes could not be read back (the zip's CRC, a broken deflate stream).
fn unreadable(e: &dyn std::fmt::Display) -> String {
    format!("its data does not read back ({e})")
}

/// Opens the zip at `path`.
pub(crate) fn open_zip(path: &Path) -> BackupResult<Zip> {
    let file =
        File::open(path).map_err(BackupError::io(format!("cannot open {}", path.display())))?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| match e {
        ZipError::Io(source) => BackupError::Io {
            what: format!("cannot read {}", path.display()),
            source,
        },
        other => BackupError::Unreadable {
            path: path.to_owned(),
            reason: other.to_string(),
        },
    })
}

/// Checks the archive at `path` completely without changing anything: a readable zip, a
/// manifest of a format and schema this scip reads, exactly the entries it lists, each of
/// the recorded size and SHA-256 (and the zip's own CRC), and every table line a valid row.
pub fn verify_archive(
    path: &Path,
    progress: &mut ProgressSink<'_>,
) -> BackupResult<VerifiedArchive> {
    let mut zip = open_zip(path)?;
    let manifest = read_manifest(&mut zip, path)?;
    check_entry_list(&zip, &manifest)?;
    for t in &manifest.tables {
        let mut reader = RowReader::open(&mut zip, t, &manifest)?;
        let mut malformed = None;
        loop {
            match reader.next_row() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                // A bad line in an entry whose checksum also fails is reported as altered.
                Err(e @ BackupError::Malformed { .. }) => {
                    malformed = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        let size = reader.finish(malformed.is_none())?;
        if let Some(e) = malformed {
            return Err(e);
        }
        progress(Progress::EntryVerified {
            entry: &t.entry,
            bytes: size,
        });
    }
    for entry in manifest.media_entries() {
        copy_entry(&mut zip, entry, &mut io::sink())?;
        progress(Progress::EntryVerified {
            entry: &entry.name,
            bytes: entry.size,
        });
    }
    Ok(VerifiedArchive {
        path: path.to_owned(),
        manifest,
    })
}

fn read_manifest(zip: &mut Zip, path: &Path) -> BackupResult<Manifest> {
    let mut file = match zip.by_name(MANIFEST_ENTRY) {
        Ok(f) => f,
        Err(ZipError::FileNotFound) => {
            return Err(BackupError::WrongFormat {
                path: path.to_owned(),
                reason: "it has no manifest.json".into(),
            });
        }
        Err(e) => return Err(BackupError::altered(MANIFEST_ENTRY, unreadable(&e))),
    };
    let mut bytes = Vec::new();
    (&mut file)
        .take(MANIFEST_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(|e| BackupError::altered(MANIFEST_ENTRY, unreadable(&e)))?;
    parse_manifest(path, &bytes, known_version())
}

/// Every zip entry is the manifest or listed in it, once.
fn check_entry_list(zip: &Zip, manifest: &Manifest) -> BackupResult<()> {
    let mut seen = std::collections::HashSet::new();
    for name in zip.file_names() {
        let name = name.map_err(|e| BackupError::UnexpectedEntry {
            entry: format!("with an unreadable name ({e})"),
        })?;
        if name != MANIFEST_ENTRY && manifest.entry(&name).is_none() {
            return Err(BackupError::UnexpectedEntry {
                entry: name.into_owned(),
            });
        }
        if !seen.insert(name.clone().into_owned()) {
            return Err(BackupError::UnexpectedEntry {
                entry: format!("{name} (a second copy)"),
            });
        }
    }
    if zip.len() != seen.len() {
        return Err(BackupError::UnexpectedEntry {
            entry: "with a duplicate name".into(),
        });
    }
    for e in &manifest.entries {
        if !seen.contains(&e.name) {
            return Err(BackupError::MissingEntry {
                entry: e.name.clone(),
            });
        }
    }
    Ok(())
}

/// An entry opened for reading, at most one byte more than recorded.
fn open_entry<'z>(
    zip: &'z mut Zip,
    entry: &EntryManifest,
) -> BackupResult<HashingReader<Take<ZipFile<'z, BufReader<File>>>>> {
    let file = match zip.by_name(&entry.name) {
        Ok(f) => f,
        Err(ZipError::FileNotFound) => {
            return Err(BackupError::MissingEntry {
                entry: entry.name.clone(),
            });
        }
        Err(e) => return Err(BackupError::altered(&entry.name, unreadable(&e))),
    };
    Ok(HashingReader::new(file.take(entry.size.saturating_add(1))))
}

/// Compares what was read with the manifest's record.
fn check_digest(entry: &EntryManifest, digest: &EntryDigest) -> BackupResult<()> {
    if digest.size > entry.size {
        return Err(BackupError::altered(
            &entry.name,
            format!("larger than the {} bytes the manifest records", entry.size),
        ));
    }
    if digest.size < entry.size {
        return Err(BackupError::altered(
            &entry.name,
            format!("{} bytes, the manifest records {}", digest.size, entry.size),
        ));
    }
    if !digest.sha256.eq_ignore_ascii_case(&entry.sha256) {
        return Err(BackupError::altered(
            &entry.name,
            "its SHA-256 differs from the manifest's",
        ));
    }
    Ok(())
}

/// Copies an entry to `out`, checking its size and checksum; returns its size.
pub(crate) fn copy_entry(
    zip: &mut Zip,
    entry: &EntryManifest,
    out: &mut impl Write,
) -> BackupResult<u64> {
    let mut reader = open_entry(zip, entry)?;
    let mut buf = vec![0_u8; 64 << 10];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| BackupError::altered(&entry.name, unreadable(&e)))?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n])
            .map_err(BackupError::io(format!("cannot write {}", entry.name)))?;
    }
    let digest = reader.finish();
    check_digest(entry, &digest)?;
    Ok(digest.size)
}

/// The rows of one table entry, line by line, checksummed as they are read.
pub(crate) struct RowReader<'z> {
    entry: EntryManifest,
    rows_expected: u64,
    lines: BufReader<HashingReader<Take<ZipFile<'z, BufReader<File>>>>>,
    columns: Vec<&'static ColumnSpec>,
    line: u64,
    buf: Vec<u8>,
}

impl<'z> RowReader<'z> {
    /// Opens the entry of table `t` of `manifest`.
    pub(crate) fn open(
        zip: &'z mut Zip,
        t: &TableManifest,
        manifest: &Manifest,
    ) -> BackupResult<Self> {
        let entry = manifest
            .entry(&t.entry)
            .ok_or_else(|| BackupError::MissingEntry {
                entry: t.entry.clone(),
            })?
            .clone();
        let spec = table(&t.name).ok_or_else(|| BackupError::Malformed {
            entry: t.entry.clone(),
            line: 0,
            reason: format!("table {} is unknown", t.name),
        })?;
        let columns = t
            .columns
            .iter()
            .map(|c| {
                spec.column(&c.name).ok_or_else(|| BackupError::Malformed {
                    entry: t.entry.clone(),
                    line: 0,
                    reason: format!("column {} is unknown", c.name),
                })
            })
            .collect::<BackupResult<Vec<_>>>()?;
        Ok(Self {
            lines: BufReader::new(open_entry(zip, &entry)?),
            entry,
            rows_expected: t.rows,
            columns,
            line: 0,
            buf: Vec::new(),
        })
    }

    /// The columns, in the order of each row's values.
    pub(crate) fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// The next row, `None` at the end of the entry.
    pub(crate) fn next_row(&mut self) -> BackupResult<Option<Vec<StoredValue>>> {
        self.buf.clear();
        let n = self
            .lines
            .read_until(b'\n', &mut self.buf)
            .map_err(|e| BackupError::altered(&self.entry.name, unreadable(&e)))?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        let malformed = |reason: String| BackupError::Malformed {
            entry: self.entry.name.clone(),
            line: self.line,
            reason,
        };
        let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        if bytes.is_empty() {
            return Err(malformed("empty line".into()));
        }
        let text = std::str::from_utf8(bytes).map_err(|e| malformed(format!("not UTF-8: {e}")))?;
        parse_row(text, &self.columns).map(Some).map_err(malformed)
    }

    /// Reads whatever is left, then checks the entry's size and checksum and (when every row
    /// was read) the row count. Returns the entry's size.
    pub(crate) fn finish(mut self, all_rows_read: bool) -> BackupResult<u64> {
        io::copy(&mut self.lines, &mut io::sink())
            .map_err(|e| BackupError::altered(&self.entry.name, unreadable(&e)))?;
        let digest = self.lines.into_inner().finish();
        check_digest(&self.entry, &digest)?;
        if all_rows_read && self.line != self.rows_expected {
            return Err(BackupError::Malformed {
                entry: self.entry.name.clone(),
                line: self.line,
                reason: format!(
                    "{} rows, the manifest records {}",
                    self.line, self.rows_expected
                ),
            });
        }
        Ok(digest.size)
    }
}

/// The path a media entry is restored to, relative to the media folder.
pub(crate) fn media_target(entry: &EntryManifest) -> BackupResult<PathBuf> {
    names::media_relative_path(&entry.name)
        .map_err(|reason| BackupError::altered(&entry.name, reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::manifest::{
        ColumnManifest, FORMAT_NAME, FORMAT_VERSION, MediaSummary, TableManifest,
    };
    use crate::backup::names::{media_entry, table_entry};
    use crate::backup::tables::TABLES;
    use crate::backup::writer::{ArchiveWriter, Packing};
    use proptest::prelude::*;

    /// A small, valid archive: one settings row and one media file.
    fn sample_archive(path: &Path) -> Manifest {
        let mut writer = ArchiveWriter::create(path).unwrap();
        let mut tables = Vec::new();
        for spec in TABLES {
            writer
                .start_entry(&table_entry(spec.name), Packing::Compressed, None)
                .unwrap();
            let rows = if spec.name == "settings" {
                writer.write(b"{\"key\":\"k\",\"value\":\"v\"}\n").unwrap();
                1
            } else {
                0
            };
            writer.finish_entry().unwrap();
            tables.push(TableManifest {
                name: spec.name.into(),
                entry: table_entry(spec.name),
                rows,
                columns: spec
                    .columns
                    .iter()
                    .map(|c| ColumnManifest {
                        name: c.name.into(),
                        column_type: c.column_type,
                    })
                    .collect(),
            });
        }
        let media: Vec<u8> = (0..4_000_u32).map(|i| (i % 253) as u8).collect();
        writer
            .start_entry(&media_entry("a.png"), Packing::Stored, Some(4_000))
            .unwrap();
        writer.write(&media).unwrap();
        writer.finish_entry().unwrap();
        let manifest = Manifest {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            scip_version: "test".into(),
            schema_version: known_version(),
            database: "sqlite".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            created_at_ms: 0,
            tables,
            media: MediaSummary {
                files: 1,
                bytes: 4_000,
            },
            entries: writer.entries().to_vec(),
        };
        writer.finish(&manifest).unwrap();
        manifest
    }

    #[test]
    fn a_written_archive_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        let manifest = sample_archive(&path);
        let mut seen = Vec::new();
        let verified = verify_archive(&path, &mut |p| {
            if let Progress::EntryVerified { entry, .. } = p {
                seen.push(entry.to_owned());
            }
        })
        .unwrap();
        assert_eq!(verified.manifest(), &manifest);
        assert_eq!(seen.len(), TABLES.len() + 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any damaged byte is refused with an error, or (in a part of the zip no check
        /// depends on, such as a timestamp) leaves the same verified content; never a panic.
        #[test]
        fn any_damaged_byte_is_refused_or_harmless(position in any::<prop::sample::Index>(), flip in 1_u8..=255) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.zip");
            let manifest = sample_archive(&path);
            let mut bytes = std::fs::read(&path).unwrap();
            let at = position.index(bytes.len());
            bytes[at] ^= flip;
            std::fs::write(&path, &bytes).unwrap();
            if let Ok(verified) = verify_archive(&path, &mut |_| {}) {
                prop_assert_eq!(verified.manifest(), &manifest);
            }
        }

        #[test]
        fn any_truncation_is_refused(keep in 0.0_f64..1.0) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.zip");
            sample_archive(&path);
            let bytes = std::fs::read(&path).unwrap();
            let cut = ((bytes.len() as f64) * keep) as usize;
            std::fs::write(&path, &bytes[..cut.min(bytes.len() - 1)]).unwrap();
            let refused = verify_archive(&path, &mut |_| {}).is_err();
            prop_assert!(refused);
        }
    }
}
