//! Where readers fetch files from: a [`FileSource`] is anything that hands out one file by
//! path (an in-memory [`crate::FileSet`] or a [`Folder`] on disk); a [`Lookup`] tries several
//! places in order.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::FormatError;
use crate::path::safe_relative_path;

/// Something a reader can fetch one file from.
pub trait FileSource {
    /// The bytes of the file at a relative path, or `None` when there is no such file.
    /// Paths that try to leave the source are errors.
    fn read_file(&self, path: &str) -> Result<Option<Vec<u8>>, FormatError>;

    /// Where a folder of this source is, for messages (`/srv/media`, `media/ of the input`).
    fn describe(&self, dir: &str) -> String;
}

/// A folder on disk read file by file (a SCIP v3 scenarios folder, a media folder).
/// Relative paths that try to leave it are refused.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    /// A source reading under `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl FileSource for Folder {
    fn read_file(&self, path: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let rel = safe_relative_path(path).map_err(|reason| FormatError::UnsafeEntry {
            container: self.root.display().to_string(),
            name: path.to_owned(),
            reason,
        })?;
        let file = self.root.join(rel);
        match fs::read(&file) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::IsADirectory) => Ok(None),
            Err(_) if file.is_dir() => Ok(None),
            Err(e) => Err(FormatError::read(file, e)),
        }
    }

    fn describe(&self, dir: &str) -> String {
        if dir.is_empty() {
            self.root.display().to_string()
        } else {
            self.root.join(dir).display().to_string()
        }
    }
}

/// Places to look for a file, tried in order: a source and a folder inside it (`""` for its
/// top). SCIP v3 timeline paths, for example, are relative to the scenario's folder or to
/// the scenarios root.
#[derive(Default)]
pub struct Lookup<'a> {
    places: Vec<(&'a dyn FileSource, String)>,
}

impl<'a> Lookup<'a> {
    /// Nowhere to look yet.
    pub fn new() -> Self {
        Self { places: Vec::new() }
    }

    /// Also looks in `dir` of `source`, after the places added before.
    pub fn with(mut self, source: &'a dyn FileSource, dir: impl Into<String>) -> Self {
        self.places.push((source, dir.into()));
        self
    }

    /// The first file found at `rel` in the places, in order.
    pub fn find(&self, rel: &str) -> Result<Option<Vec<u8>>, FormatError> {
        for (source, dir) in &self.places {
            if let Some(bytes) = source.read_file(&crate::path::join(dir, rel))? {
                return Ok(Some(bytes));
            }
        }
        Ok(None)
    }
}

impl std::fmt::Display for Lookup<'_> {
    /// The places, in order: `/srv/media, media/ of the input`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.places.is_empty() {
            return f.write_str("nowhere");
        }
        let places: Vec<String> = self
            .places
            .iter()
            .map(|(source, dir)| source.describe(dir))
            .collect();
        f.write_str(&places.join(", "))
    }
}

impl std::fmt::Debug for Lookup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lookup({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_source_refuses_paths_that_leave_it() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Folder::new(dir.path());
        assert!(folder.read_file("../secret").is_err());
        assert_eq!(folder.read_file("absent.png").unwrap(), None);
    }

    #[test]
    fn a_lookup_tries_its_places_in_order_and_names_them() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.png"), "disk").unwrap();
        let mut set = crate::FileSet::new();
        set.insert("t", "media/a.png", b"set".to_vec()).unwrap();
        set.insert("t", "media/b.png", b"set".to_vec()).unwrap();
        let folder = Folder::new(dir.path());
        let lookup = Lookup::new().with(&folder, "").with(&set, "media");
        assert_eq!(lookup.find("a.png").unwrap().as_deref(), Some(&b"disk"[..]));
        assert_eq!(lookup.find("b.png").unwrap().as_deref(), Some(&b"set"[..]));
        assert_eq!(lookup.find("c.png").unwrap(), None);
        assert_eq!(
            lookup.to_string(),
            format!("{}, media/ of the input", dir.path().display())
        );
    }
}
