//! In-memory file sets: what a bundle folder, a zip or a list of uploaded files becomes, and
//! what a bundle writer produces before the files go to a folder or a zip.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::FormatError;
use crate::limits::{Budget, Limits};
use crate::path::safe_relative_path;
use crate::source::FileSource;

/// Files by safe relative path (`teams/red.yaml`), in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSet {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file under `name`, which must be a safe relative path (see
    /// [`safe_relative_path`]); `container` names where it came from in messages. A name given
    /// twice is refused.
    pub fn insert(
        &mut self,
        container: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<(), FormatError> {
        let path = safe_relative_path(name).map_err(|reason| FormatError::UnsafeEntry {
            container: container.to_owned(),
            name: name.to_owned(),
            reason,
        })?;
        if self.files.contains_key(&path) {
            return Err(FormatError::UnsafeEntry {
                container: container.to_owned(),
                name: name.to_owned(),
                reason: "the same name appears twice".to_owned(),
            });
        }
        self.files.insert(path, bytes);
        Ok(())
    }

    /// Adds or replaces a file whose path the caller built from safe parts.
    pub(crate) fn put(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, bytes);
    }

    /// A set from uploaded files (name and bytes, as an HTTP form gives them), within limits.
    /// Junk that operating systems add (`.DS_Store`, `__MACOSX/`, `Thumbs.db`) is skipped.
    pub fn from_uploads(
        uploads: impl IntoIterator<Item = (String, Vec<u8>)>,
        limits: Limits,
    ) -> Result<Self, FormatError> {
        let mut set = Self::new();
        let mut budget = Budget::new("the upload", limits);
        for (name, bytes) in uploads {
            if is_junk(&name) {
                continue;
            }
            budget.take(&name, bytes.len() as u64)?;
            set.insert("the upload", &name, bytes)?;
        }
        Ok(set)
    }

    /// Reads every file under a folder, within limits. Hidden files and folders (`.git`,
    /// `.DS_Store`) are skipped; symbolic links are refused, so that nothing outside the folder
    /// is read through one.
    pub fn read_dir(root: &Path, limits: Limits) -> Result<Self, FormatError> {
        let mut set = Self::new();
        let container = root.display().to_string();
        let mut budget = Budget::new(&container, limits);
        let mut stack = vec![(root.to_path_buf(), String::new())];
        while let Some((dir, prefix)) = stack.pop() {
            let entries = fs::read_dir(&dir).map_err(|e| FormatError::read(&dir, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| FormatError::read(&dir, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = crate::path::join(&prefix, &name);
                if is_junk(&rel) {
                    continue;
                }
                let kind = entry
                    .file_type()
                    .map_err(|e| FormatError::read(entry.path(), e))?;
                if kind.is_symlink() {
                    return Err(FormatError::UnsafeEntry {
                        container,
                        name: rel,
                        reason: "it is a symbolic link".to_owned(),
                    });
                } else if kind.is_dir() {
                    stack.push((entry.path(), rel));
                } else if kind.is_file() {
                    let size = entry
                        .metadata()
                        .map_err(|e| FormatError::read(entry.path(), e))?
                        .len();
                    budget.take(&rel, size)?;
                    let bytes =
                        fs::read(entry.path()).map_err(|e| FormatError::read(entry.path(), e))?;
                    set.insert(&container, &rel, bytes)?;
                }
            }
        }
        Ok(set)
    }

    /// The bytes of a file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    /// Whether a file exists.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Every path, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there is no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Removes and returns a file.
    pub fn remove(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.remove(path)
    }

    /// When every file sits in one top folder (as zips of a folder do), the same files
    /// without it.
    pub fn without_common_folder(self) -> Self {
        let mut top: Option<&str> = None;
        for path in self.files.keys() {
            let Some((first, _)) = path.split_once('/') else {
                return self;
            };
            match top {
                None => top = Some(first),
                Some(t) if t == first => {}
                Some(_) => return self,
            }
        }
        let Some(top) = top.map(|t| format!("{t}/")) else {
            return self;
        };
        Self {
            files: self
                .files
                .into_iter()
                .map(|(p, b)| (p[top.len()..].to_owned(), b))
                .collect(),
        }
    }

    /// The files under a folder, with paths relative to it.
    pub fn subfolder(&self, dir: &str) -> Self {
        let prefix = format!("{dir}/");
        Self {
            files: self
                .files
                .iter()
                .filter_map(|(p, b)| {
                    p.strip_prefix(&prefix)
                        .map(|rest| (rest.to_owned(), b.clone()))
                })
                .collect(),
        }
    }

    /// Writes every file into `target`, which must not exist or be an empty folder. Files go
    /// to a temporary sibling folder first and are moved into place at the end, so a failure
    /// leaves no half-written bundle and nothing is written outside `target`.
    pub fn write_dir(&self, target: &Path) -> Result<(), FormatError> {
        match fs::symlink_metadata(target) {
            Ok(meta) if meta.is_dir() => {
                let mut entries = fs::read_dir(target).map_err(|e| FormatError::read(target, e))?;
                if entries.next().is_some() {
                    return Err(FormatError::OutputNotEmpty(target.to_path_buf()));
                }
            }
            Ok(_) => return Err(FormatError::OutputExists(target.to_path_buf())),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(FormatError::read(target, e)),
        }
        let staging = staging_path(target);
        let result = self.write_files_into(&staging).and_then(|()| {
            if target.exists() {
                fs::remove_dir(target).map_err(|e| FormatError::write(target, e))?;
            }
            fs::rename(&staging, target).map_err(|e| FormatError::write(target, e))
        });
        if result.is_err() {
            // Best effort: the staging folder is ours and holds nothing of value.
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    fn write_files_into(&self, dir: &Path) -> Result<(), FormatError> {
        fs::create_dir_all(dir).map_err(|e| FormatError::write(dir, e))?;
        for (path, bytes) in &self.files {
            // Paths were made safe on insertion; joining them cannot leave `dir`.
            let file = dir.join(path);
            if let Some(parent) = file.parent() {
                fs::create_dir_all(parent).map_err(|e| FormatError::write(parent, e))?;
            }
            fs::write(&file, bytes).map_err(|e| FormatError::write(&file, e))?;
        }
        Ok(())
    }
}

impl FileSource for FileSet {
    fn read_file(&self, path: &str) -> Result<Option<Vec<u8>>, FormatError> {
        Ok(safe_relative_path(path)
            .ok()
            .and_then(|p| self.files.get(&p).cloned()))
    }

    fn describe(&self, dir: &str) -> String {
        if dir.is_empty() {
            "the top of the input".to_owned()
        } else {
            format!("{dir}/ of the input")
        }
    }
}

/// Files that operating systems and tools drop into folders and archives.
pub(crate) fn is_junk(path: &str) -> bool {
    path.split('/').any(|segment| {
        segment.starts_with('.') && segment != "." && segment != ".."
            || segment == "__MACOSX"
            || segment.eq_ignore_ascii_case("Thumbs.db")
    })
}

/// A sibling of `target` to write into before moving into place.
pub(crate) fn staging_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_owned());
    target.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_with_escaping_names_are_refused() {
        let err = FileSet::from_uploads([("../x.png".to_owned(), vec![1])], Limits::default())
            .unwrap_err();
        assert!(err.to_string().contains("'..'"), "{err}");
    }

    #[test]
    fn uploads_skip_operating_system_junk() {
        let set = FileSet::from_uploads(
            [
                ("__MACOSX/._a".to_owned(), vec![1]),
                (".DS_Store".to_owned(), vec![1]),
                ("a.csv".to_owned(), vec![2]),
            ],
            Limits::default(),
        )
        .unwrap();
        assert_eq!(set.paths().collect::<Vec<_>>(), ["a.csv"]);
    }

    #[test]
    fn limits_stop_oversized_inputs() {
        let limits = Limits {
            max_files: 2,
            max_total_bytes: 10,
        };
        let many = (0..3).map(|i| (format!("f{i}"), vec![0]));
        assert!(matches!(
            FileSet::from_uploads(many, limits),
            Err(FormatError::TooLarge { .. })
        ));
        let big = [("a".to_owned(), vec![0; 11])];
        assert!(matches!(
            FileSet::from_uploads(big, limits),
            Err(FormatError::TooLarge { .. })
        ));
    }

    #[test]
    fn a_single_top_folder_is_removed() {
        let mut set = FileSet::new();
        set.insert("t", "b/scenario.yaml", vec![]).unwrap();
        set.insert("t", "b/teams/x.yaml", vec![]).unwrap();
        let set = set.without_common_folder();
        assert_eq!(
            set.paths().collect::<Vec<_>>(),
            ["scenario.yaml", "teams/x.yaml"]
        );
        let mut flat = FileSet::new();
        flat.insert("t", "a.csv", vec![]).unwrap();
        assert_eq!(flat.clone().without_common_folder(), flat);
    }

    #[test]
    fn writing_refuses_a_non_empty_folder_and_leaves_it_alone() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let mut set = FileSet::new();
        set.insert("t", "a/b.txt", b"x".to_vec()).unwrap();
        assert!(matches!(
            set.write_dir(dir.path()),
            Err(FormatError::OutputNotEmpty(_))
        ));
        assert_eq!(
            fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "mine"
        );
        let target = dir.path().join("new");
        set.write_dir(&target).unwrap();
        assert_eq!(fs::read(target.join("a/b.txt")).unwrap(), b"x");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }

    #[test]
    fn folders_are_read_without_hidden_files_and_refuse_links() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("teams")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join("teams/a.yaml"), "x").unwrap();
        fs::write(dir.path().join(".git/config"), "x").unwrap();
        let set = FileSet::read_dir(dir.path(), Limits::default()).unwrap();
        assert_eq!(set.paths().collect::<Vec<_>>(), ["teams/a.yaml"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", dir.path().join("teams/p.yaml")).unwrap();
            let err = FileSet::read_dir(dir.path(), Limits::default()).unwrap_err();
            assert!(err.to_string().contains("symbolic link"), "{err}");
        }
    }
}
