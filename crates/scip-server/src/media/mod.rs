//! The media library's files under `MEDIA_PATH`. An upload is streamed into a temporary file
//! in that folder, checked (size, type by content and name, SVG safety), and only then given
//! its final name — never overwriting another file — and recorded in the store. A rejected or
//! abandoned upload leaves nothing behind: the temporary file is removed when the [`Upload`]
//! is dropped. Names are sanitised, so no file is ever written or read outside the folder.
//!
//! - [`sniff`]: the type a file's content really has.
//! - [`svg`]: what an SVG may contain.

pub mod sniff;
pub mod svg;

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use scip_core::engine::WallMs;
use scip_core::model::{MediaKind, sanitize_media_name};
use scip_store::{MediaRecord, Store, StoreError};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::error::ApiError;

/// Bytes kept from the start of a file for type and dimension checks.
const HEAD_BYTES: usize = 64 * 1024;

/// Why a file was not accepted.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// Larger than the configured limit.
    #[error("the file is larger than the upload limit of {limit} bytes")]
    TooLarge {
        /// The limit, bytes.
        limit: u64,
    },
    /// No usable name could be made from the one given.
    #[error("{0:?} is not a usable file name: it needs letters or digits and an extension")]
    Name(String),
    /// Not an accepted type, or content and name disagree.
    #[error(transparent)]
    Type(#[from] sniff::SniffError),
    /// Active or external content (an SVG with script, …).
    #[error("{name:?} is refused: {reason}")]
    Unsafe {
        /// The file name.
        name: String,
        /// What was found.
        reason: String,
    },
    /// The media folder could not be written or read.
    #[error("media folder: {0}")]
    Io(String),
}

impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        match &e {
            MediaError::TooLarge { .. } => Self::too_large(e.to_string()),
            MediaError::Name(_) => Self::unprocessable(e.to_string()),
            MediaError::Type(_) => Self::unsupported_media_type(e.to_string()),
            MediaError::Unsafe { .. } => Self::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "unsafe_content",
                e.to_string(),
            ),
            MediaError::Io(_) => Self::internal(e),
        }
    }
}

/// The media folder and its upload limit.
#[derive(Debug, Clone)]
pub struct MediaLibrary {
    root: PathBuf,
    limit: u64,
}

/// A file being received into a temporary file in the media folder. Dropped without being
/// placed, it removes its temporary file.
#[derive(Debug)]
pub struct Upload {
    temp: PathBuf,
    file: Option<tokio::fs::File>,
    size: u64,
    limit: u64,
    hasher: Sha256,
    head: Vec<u8>,
}

/// An upload whose name, type and content were accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Sanitised name asked for.
    pub name: String,
    /// MIME type.
    pub content_type: &'static str,
    /// Image, video or document.
    pub kind: MediaKind,
    /// Bytes.
    pub size_bytes: u64,
    /// Pixel size of raster images.
    pub dimensions: Option<(u32, u32)>,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

impl Upload {
    /// Appends bytes; fails once the file passes the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), MediaError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(MediaError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| MediaError::Io("the upload was already finished".into()))?;
        file.write_all(chunk)
            .await
            .map_err(|e| MediaError::Io(format!("cannot write {}: {e}", self.temp.display())))
    }

    async fn finish_writing(&mut self) -> Result<(), MediaError> {
        if let Some(mut file) = self.file.take() {
            file.flush().await.map_err(|e| {
                MediaError::Io(format!("cannot write {}: {e}", self.temp.display()))
            })?;
            file.sync_all().await.map_err(|e| {
                MediaError::Io(format!("cannot write {}: {e}", self.temp.display()))
            })?;
        }
        Ok(())
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // The temporary file is only a staging copy: whether the upload was placed (linked
        // under its final name) or refused, it goes.
        let _ = std::fs::remove_file(&self.temp);
    }
}

/// `stem-n.ext` for the n-th candidate (n ≥ 2).
fn numbered(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
        None => format!("{name}-{n}"),
    }
}

impl MediaLibrary {
    /// The library in `root` accepting files up to `limit` bytes.
    pub fn new(root: impl Into<PathBuf>, limit: u64) -> Self {
        Self {
            root: root.into(),
            limit,
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The upload limit, bytes.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Where a library file lives, for a name that is already a sanitised library name;
    /// `None` for anything else (paths, `..`, odd characters).
    pub fn file_path(&self, name: &str) -> Option<PathBuf> {
        (sanitize_media_name(name).as_deref() == Some(name)).then(|| self.root.join(name))
    }

    /// Starts receiving a file.
    pub async fn start_upload(&self) -> Result<Upload, MediaError> {
        tokio::fs::create_dir_all(&self.root)
            .await
            .map_err(|e| MediaError::Io(format!("cannot create {}: {e}", self.root.display())))?;
        let temp = self
            .root
            .join(format!(".upload-{}.part", ulid::Ulid::generate()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .await
            .map_err(|e| MediaError::Io(format!("cannot create {}: {e}", temp.display())))?;
        Ok(Upload {
            temp,
            file: Some(file),
            size: 0,
            limit: self.limit,
            hasher: Sha256::new(),
            head: Vec::new(),
        })
    }

    /// Receives a whole file given as bytes.
    pub async fn upload_bytes(&self, bytes: &[u8]) -> Result<Upload, MediaError> {
        let mut upload = self.start_upload().await?;
        upload.write(bytes).await?;
        Ok(upload)
    }

    /// Checks a received file against the name it came with.
    pub async fn check(
        &self,
        upload: &mut Upload,
        original_name: &str,
    ) -> Result<Checked, MediaError> {
        upload.finish_writing().await?;
        let name = sanitize_media_name(original_name)
            .ok_or_else(|| MediaError::Name(original_name.to_owned()))?;
        let accepted = sniff::check_content(&name, &upload.head)?;
        if accepted.content_type == "image/svg+xml" {
            let bytes = tokio::fs::read(&upload.temp).await.map_err(|e| {
                MediaError::Io(format!("cannot read {}: {e}", upload.temp.display()))
            })?;
            svg::check_svg(&bytes).map_err(|reason| MediaError::Unsafe {
                name: name.clone(),
                reason,
            })?;
        }
        let dimensions =
            if accepted.kind == MediaKind::Image && accepted.content_type != "image/svg+xml" {
                imagesize::blob_size(&upload.head).ok().and_then(|s| {
                    Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?))
                })
            } else {
                None
            };
        Ok(Checked {
            name,
            content_type: accepted.content_type,
            kind: accepted.kind,
            size_bytes: upload.size,
            dimensions,
            sha256: hex::encode(upload.hasher.clone().finalize()),
        })
    }

    /// Gives a checked upload its final name and records it. The same bytes under the same
    /// name are not stored twice (the existing record is returned with `false`); another file
    /// holding the name makes this one `name-2.ext`, `name-3.ext`, ….
    pub async fn place(
        &self,
        upload: Upload,
        checked: &Checked,
        store: &Store,
        created_by: Option<&str>,
        now: WallMs,
    ) -> Result<(MediaRecord, bool), ApiError> {
        for n in 1..=200 {
            let candidate = if n == 1 {
                checked.name.clone()
            } else {
                numbered(&checked.name, n)
            };
            match store.get_media(&candidate).await {
                Ok(existing) if existing.sha256 == checked.sha256 => {
                    let target = self.root.join(&candidate);
                    if tokio::fs::metadata(&target).await.is_err() {
                        match link_or_copy(&upload.temp, &target).await {
                            Ok(()) | Err(LinkError::Exists) => {}
                            Err(LinkError::Io(e)) => return Err(ApiError::internal(e)),
                        }
                    }
                    return Ok((existing, false));
                }
                Ok(_) => continue,
                Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
            let target = self.root.join(&candidate);
            match link_or_copy(&upload.temp, &target).await {
                Ok(()) => {}
                Err(LinkError::Exists) => continue,
                Err(LinkError::Io(e)) => return Err(ApiError::internal(e)),
            }
            let record = MediaRecord {
                name: candidate,
                content_type: checked.content_type.to_owned(),
                kind: checked.kind,
                size_bytes: checked.size_bytes,
                width: checked.dimensions.map(|d| d.0),
                height: checked.dimensions.map(|d| d.1),
                sha256: checked.sha256.clone(),
                created_by: created_by.map(str::to_owned),
                created_at: now,
            };
            match store.insert_media(&record).await {
                Ok(()) => return Ok((record, true)),
                Err(StoreError::Conflict { .. }) => {
                    let _ = tokio::fs::remove_file(&target).await;
                    continue;
                }
                Err(e) => {
                    let _ = tokio::fs::remove_file(&target).await;
                    return Err(e.into());
                }
            }
        }
        Err(ApiError::conflict(format!(
            "too many files are named like {:?}; rename the file",
            checked.name
        )))
    }

    /// Adds a whole file given as bytes, checked exactly as an upload is (scenario imports,
    /// the demo). Returns the record under which the library holds it.
    pub async fn add_bytes(
        &self,
        store: &Store,
        name: &str,
        bytes: &[u8],
        created_by: Option<&str>,
        now: WallMs,
    ) -> Result<MediaRecord, ApiError> {
        let mut upload = self.upload_bytes(bytes).await?;
        let checked = self.check(&mut upload, name).await?;
        let (record, _) = self.place(upload, &checked, store, created_by, now).await?;
        Ok(record)
    }

    /// Removes a library file from disk (its record is the store's business).
    pub async fn remove_file(&self, name: &str) -> Result<(), MediaError> {
        let Some(path) = self.file_path(name) else {
            return Ok(());
        };
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(MediaError::Io(format!(
                "cannot remove {}: {e}",
                path.display()
            ))),
        }
    }
}

enum LinkError {
    Exists,
    Io(String),
}

/// Puts the staged file at `target` without ever replacing an existing file: a hard link
/// where the file system has them, otherwise a copy into a newly created file.
async fn link_or_copy(temp: &Path, target: &Path) -> Result<(), LinkError> {
    match tokio::fs::hard_link(temp, target).await {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(LinkError::Exists),
        Err(_) => {}
    }
    let mut out = match tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(target)
        .await
    {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(LinkError::Exists),
        Err(e) => {
            return Err(LinkError::Io(format!(
                "cannot create {}: {e}",
                target.display()
            )));
        }
    };
    let mut input = tokio::fs::File::open(temp)
        .await
        .map_err(|e| LinkError::Io(format!("cannot read {}: {e}", temp.display())))?;
    let copied = tokio::io::copy(&mut input, &mut out).await;
    let synced = out.sync_all().await;
    if let Err(e) = copied.and(synced) {
        let _ = tokio::fs::remove_file(target).await;
        return Err(LinkError::Io(format!(
            "cannot write {}: {e}",
            target.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sanitised_names_map_to_paths_inside_the_folder() {
        let lib = MediaLibrary::new("/srv/media", 10);
        assert_eq!(
            lib.file_path("map.png"),
            Some(PathBuf::from("/srv/media/map.png"))
        );
        assert_eq!(lib.file_path("../etc/passwd.png"), None);
        assert_eq!(lib.file_path("a/b.png"), None);
        assert_eq!(lib.file_path(".hidden.png"), None);
        assert_eq!(lib.file_path("My Photo.png"), None);
    }

    #[test]
    fn numbered_names_keep_the_extension() {
        assert_eq!(numbered("map.png", 2), "map-2.png");
        assert_eq!(numbered("noext", 3), "noext-3");
    }

    #[tokio::test]
    async fn an_oversized_or_refused_upload_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let lib = MediaLibrary::new(dir.path(), 8);
        let mut upload = lib.start_upload().await.unwrap();
        upload.write(b"12345").await.unwrap();
        assert!(matches!(
            upload.write(b"6789").await,
            Err(MediaError::TooLarge { limit: 8 })
        ));
        drop(upload);
        let mut refused = lib.upload_bytes(b"<html>").await.unwrap();
        assert!(matches!(
            lib.check(&mut refused, "page.png").await,
            Err(MediaError::Type(_))
        ));
        drop(refused);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
