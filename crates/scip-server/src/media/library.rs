//! The media library: files in the media folder, metadata in the store. Every way media comes
//! in — an upload, a scenario import, the demo — goes through [`MediaLibrary::add`], so every
//! file is checked the same way and written the same way: into a temporary file in the media
//! folder, renamed into place only when everything succeeded, never outside the folder.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use scip_core::engine::WallMs;
use scip_core::model::sanitize_media_name;
use scip_store::{MediaRecord, Store, StoreError};
use sha2::{Digest, Sha256};

use super::sniff::{SniffError, check_extension, dimensions, sniff};

/// Why a file could not be added, read or removed.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The name is unusable after sanitising.
    #[error("{0:?} is not a usable file name")]
    BadName(String),
    /// The content is refused.
    #[error("{name}: {reason}")]
    Refused {
        /// The file.
        name: String,
        /// Why.
        reason: SniffError,
    },
    /// Larger than allowed.
    #[error("{name} is {size} bytes; at most {limit} are accepted")]
    TooLarge {
        /// The file.
        name: String,
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Empty file.
    #[error("{0} is empty")]
    Empty(String),
    /// Not in the library.
    #[error("media file {0} is not in the library")]
    NotFound(String),
    /// Still used by a scenario.
    #[error("{0}")]
    InUse(String),
    /// Storage failure.
    #[error(transparent)]
    Store(StoreError),
    /// File-system failure.
    #[error("media folder: {0}")]
    Io(String),
}

impl From<StoreError> for MediaError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::InUse(what) => Self::InUse(what),
            other => Self::Store(other),
        }
    }
}

/// The media folder and its metadata.
#[derive(Debug, Clone)]
pub struct MediaLibrary {
    root: PathBuf,
    store: Store,
    limit: usize,
}

/// Suffixes tried when a name is taken by a different file.
const MAX_SUFFIX: u32 = 999;

impl MediaLibrary {
    /// A library over `root` (created if missing) accepting files up to `limit` bytes.
    pub fn new(root: impl Into<PathBuf>, store: Store, limit: usize) -> Self {
        Self {
            root: root.into(),
            store,
            limit,
        }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The largest accepted file, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Adds a file. The same bytes already in the library are not stored twice: the existing
    /// record is returned (possibly under another name). A different file of the same name gets
    /// `-2`, `-3`… before its extension.
    pub async fn add(
        &self,
        name: &str,
        bytes: &[u8],
        actor: Option<&str>,
        now: WallMs,
    ) -> Result<MediaRecord, MediaError> {
        let clean =
            sanitize_media_name(name).ok_or_else(|| MediaError::BadName(name.to_owned()))?;
        if bytes.is_empty() {
            return Err(MediaError::Empty(clean));
        }
        if bytes.len() > self.limit {
            return Err(MediaError::TooLarge {
                name: clean,
                size: bytes.len(),
                limit: self.limit,
            });
        }
        let sniffed = sniff(bytes).map_err(|reason| MediaError::Refused {
            name: clean.clone(),
            reason,
        })?;
        check_extension(&clean, &sniffed).map_err(|reason| MediaError::Refused {
            name: clean.clone(),
            reason,
        })?;
        let sha256 = hex::encode(Sha256::digest(bytes));
        if let Some(existing) = self.store.find_media_by_sha256(&sha256).await? {
            return Ok(existing);
        }
        let (width, height) = dimensions(bytes, &sniffed).unzip();
        std::fs::create_dir_all(&self.root)
            .map_err(|e| MediaError::Io(format!("cannot create {}: {e}", self.root.display())))?;
        let mut candidate = clean.clone();
        for n in 2..=MAX_SUFFIX + 1 {
            let record = MediaRecord {
                name: candidate.clone(),
                content_type: sniffed.content_type.to_owned(),
                kind: sniffed.kind,
                size_bytes: bytes.len() as u64,
                width,
                height,
                sha256: sha256.clone(),
                created_by: actor.map(str::to_owned),
                created_at: now,
            };
            match self.store.get_media(&candidate).await {
                Ok(_) => {}
                Err(StoreError::NotFound(_)) => {
                    self.write_file(&candidate, bytes)?;
                    match self.store.insert_media(&record).await {
                        Ok(()) => return Ok(record),
                        // Someone took the name between the check and the insert: try the next.
                        Err(StoreError::Conflict { .. }) => {}
                        Err(e) => {
                            let _ = std::fs::remove_file(self.root.join(&candidate));
                            return Err(e.into());
                        }
                    }
                }
                Err(e) => return Err(e.into()),
            }
            candidate = with_suffix(&clean, n);
        }
        Err(MediaError::BadName(format!(
            "{clean} (too many files of that name)"
        )))
    }

    /// Adds several files (a scenario's media) and returns how each name maps to its name in
    /// the library, so the scenario's references can be rewritten.
    pub async fn add_all<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
        actor: Option<&str>,
        now: WallMs,
    ) -> Result<BTreeMap<String, String>, MediaError> {
        let mut renames = BTreeMap::new();
        for (name, bytes) in files {
            let record = self.add(name, bytes, actor, now).await?;
            let file = name.rsplit('/').next().unwrap_or(name).to_owned();
            renames.insert(file, record.name);
        }
        Ok(renames)
    }

    /// The path of a library file (only names the store knows; never a path outside the
    /// folder).
    pub async fn path_of(&self, name: &str) -> Result<(MediaRecord, PathBuf), MediaError> {
        let record = self.store.get_media(name).await?;
        let path = self.root.join(&record.name);
        if !path.starts_with(&self.root) || record.name.contains(['/', '\\']) {
            return Err(MediaError::NotFound(name.to_owned()));
        }
        Ok((record, path))
    }

    /// Removes a file no scenario refers to.
    pub async fn remove(&self, name: &str) -> Result<(), MediaError> {
        let (record, path) = self.path_of(name).await?;
        self.store.delete_media(&record.name).await?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(MediaError::Io(format!(
                "cannot remove {}: {e}",
                path.display()
            ))),
        }
    }

    fn write_file(&self, name: &str, bytes: &[u8]) -> Result<(), MediaError> {
        let target = self.root.join(name);
        let mut tmp = tempfile::NamedTempFile::new_in(&self.root)
            .map_err(|e| MediaError::Io(format!("cannot write in {}: {e}", self.root.display())))?;
        tmp.write_all(bytes)
            .map_err(|e| MediaError::Io(format!("cannot write {name}: {e}")))?;
        tmp.persist(&target)
            .map_err(|e| MediaError::Io(format!("cannot write {name}: {e}")))?;
        Ok(())
    }
}

fn with_suffix(name: &str, n: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
        None => format!("{name}-{n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG_A: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="1" height="1"/></svg>"#;
    const SVG_B: &[u8] = br#"<svg xmlns="http://www.w3.org/2000/svg" width="30" height="10"><rect width="2" height="1"/></svg>"#;

    async fn library() -> (tempfile::TempDir, MediaLibrary) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!(
            "sqlite://{}",
            dir.path().join("db.sqlite").display()
        ))
        .await
        .unwrap();
        let lib = MediaLibrary::new(dir.path().join("media"), store, 1024);
        (dir, lib)
    }

    #[tokio::test]
    async fn files_are_stored_once_renamed_on_clash_and_refused_when_unsafe() {
        let (_dir, lib) = library().await;
        let a = lib
            .add("../../etc/Map.svg", SVG_A, Some("ann"), 1)
            .await
            .unwrap();
        assert_eq!(a.name, "Map.svg");
        assert_eq!((a.width, a.height), (Some(20), Some(10)));
        assert!(lib.root().join("Map.svg").exists());
        // The same bytes again: the existing record.
        assert_eq!(
            lib.add("copy.svg", SVG_A, None, 2).await.unwrap().name,
            "Map.svg"
        );
        // Another file of the same name.
        assert_eq!(
            lib.add("Map.svg", SVG_B, None, 3).await.unwrap().name,
            "Map-2.svg"
        );
        let err = lib
            .add("x.svg", br#"<svg><script>1</script></svg>"#, None, 4)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("script"), "{err}");
        let err = lib
            .add("big.svg", &[b' '; 2048], None, 5)
            .await
            .unwrap_err();
        assert!(matches!(err, MediaError::TooLarge { .. }));
        // Nothing but the two accepted files was left in the folder.
        let mut left: Vec<String> = std::fs::read_dir(lib.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, ["Map-2.svg", "Map.svg"]);
        lib.remove("Map-2.svg").await.unwrap();
        assert!(!lib.root().join("Map-2.svg").exists());
    }
}
