//! Writing the archive: entries one after another, each checksummed as it is written, the
//! manifest last, into a file that is synced before anyone renames it into place.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::digest::{EntryDigest, Hasher};
use super::error::{BackupError, BackupResult};
use super::manifest::{EntryManifest, Manifest};
use super::names::MANIFEST_ENTRY;

/// How an entry is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Packing {
    /// Deflated (table rows and the manifest compress well).
    Compressed,
    /// As is (media files are usually compressed already).
    Stored,
}

fn zip_failed(path: &Path, e: zip::result::ZipError) -> BackupError {
    BackupError::Io {
        what: format!("cannot write {}", path.display()),
        source: std::io::Error::other(e),
    }
}

/// A zip archive being written.
pub(crate) struct ArchiveWriter {
    path: PathBuf,
    zip: ZipWriter<BufWriter<File>>,
    current: Option<(String, Hasher)>,
    entries: Vec<EntryManifest>,
}

impl ArchiveWriter {
    /// Creates (or truncates) the file at `path`.
    pub(crate) fn create(path: &Path) -> BackupResult<Self> {
        let file = File::create(path)
            .map_err(BackupError::io(format!("cannot create {}", path.display())))?;
        Ok(Self {
            path: path.to_owned(),
            zip: ZipWriter::new(BufWriter::new(file)),
            current: None,
            entries: Vec::new(),
        })
    }

    fn zip_failed(&self, e: zip::result::ZipError) -> BackupError {
        zip_failed(&self.path, e)
    }

    /// Starts the entry `name`; `size_hint` decides whether it needs 64-bit sizes (unknown:
    /// assume it may).
    pub(crate) fn start_entry(
        &mut self,
        name: &str,
        packing: Packing,
        size_hint: Option<u64>,
    ) -> BackupResult<()> {
        self.finish_entry()?;
        let method = match packing {
            Packing::Compressed => CompressionMethod::Deflated,
            Packing::Stored => CompressionMethod::Stored,
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(0o644)
            .large_file(size_hint.is_none_or(|s| s >= u64::from(u32::MAX)));
        self.zip
            .start_file(name, options)
            .map_err(|e| self.zip_failed(e))?;
        self.current = Some((name.to_owned(), Hasher::default()));
        Ok(())
    }

    /// Appends bytes to the current entry.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> BackupResult<()> {
        let Some((_, hasher)) = self.current.as_mut() else {
            return Err(BackupError::Io {
                what: format!("cannot write {}", self.path.display()),
                source: std::io::Error::other("no entry started"),
            });
        };
        hasher.update(bytes);
        self.zip.write_all(bytes).map_err(BackupError::io(format!(
            "cannot write {}",
            self.path.display()
        )))
    }

    /// Ends the current entry (if any) and records its size and checksum.
    pub(crate) fn finish_entry(&mut self) -> BackupResult<Option<EntryDigest>> {
        let Some((name, hasher)) = self.current.take() else {
            return Ok(None);
        };
        let digest = hasher.finish();
        self.entries.push(EntryManifest {
            name,
            size: digest.size,
            sha256: digest.sha256.clone(),
        });
        Ok(Some(digest))
    }

    /// The entries written so far.
    pub(crate) fn entries(&self) -> &[EntryManifest] {
        &self.entries
    }

    /// Writes the manifest, completes the zip and syncs the file to disk. Returns the
    /// archive's size in bytes.
    pub(crate) fn finish(mut self, manifest: &Manifest) -> BackupResult<u64> {
        self.finish_entry()?;
        let json = serde_json::to_vec_pretty(manifest).map_err(|e| BackupError::Io {
            what: "cannot write the manifest".into(),
            source: std::io::Error::other(e),
        })?;
        self.start_entry(MANIFEST_ENTRY, Packing::Compressed, Some(json.len() as u64))?;
        self.write(&json)?;
        self.current = None;
        let what = format!("cannot write {}", self.path.display());
        let path = self.path;
        let buffered = self.zip.finish().map_err(|e| zip_failed(&path, e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| BackupError::io(what.clone())(e.into_error()))?;
        file.sync_all().map_err(BackupError::io(what.clone()))?;
        let size = file.metadata().map_err(BackupError::io(what))?.len();
        Ok(size)
    }
}
