//! The media folder on disk: listing its files for a backup, and for a restore a staging
//! folder that is swapped with the live one by renames once the database has committed.
//!
//! The staging folder sits beside the media folder when possible, so the swap is two renames.
//! When the media folder is a mount point (a Docker volume) or its parent is not writable,
//! renaming the folder itself is impossible; the staging folder then sits inside it (same
//! file system) and the swap moves its top-level entries one rename at a time. Either way the
//! names used start with [`RESERVED_MEDIA_PREFIX`], which backups leave out.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use tracing::warn;

use super::error::{BackupError, BackupResult};
use super::names::{RESERVED_MEDIA_PREFIX, media_entry, media_relative_path};

/// A file found in the media folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MediaFile {
    /// Path relative to the media folder, `/`-separated.
    pub relative: String,
    /// Full path.
    pub path: PathBuf,
}

/// Something in the media folder a backup cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// Full path.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// Every regular file under `dir`, sorted by relative path; a missing folder has none.
/// Symbolic links, special files and names that are not UTF-8 are reported as skipped;
/// restore's own leftovers (reserved names at the top level) are ignored.
pub(crate) fn list_media_files(dir: &Path) -> io::Result<(Vec<MediaFile>, Vec<Skipped>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    if !dir.exists() {
        return Ok((files, skipped));
    }
    walk(dir, "", &mut files, &mut skipped)?;
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, skipped))
}

fn walk(
    dir: &Path,
    prefix: &str,
    files: &mut Vec<MediaFile>,
    skipped: &mut Vec<Skipped>,
) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            skipped.push(Skipped {
                path,
                reason: "its name is not UTF-8".into(),
            });
            continue;
        };
        if prefix.is_empty() && name.starts_with(RESERVED_MEDIA_PREFIX) {
            continue;
        }
        let relative = format!("{prefix}{name}");
        let kind = entry.file_type()?;
        if kind.is_dir() {
            walk(&path, &format!("{relative}/"), files, skipped)?;
        } else if kind.is_file() {
            // A name restore would refuse (a backslash, say) would make the whole archive
            // unrestorable: leave the file out and say so instead.
            match media_relative_path(&media_entry(&relative)) {
                Ok(_) => files.push(MediaFile { relative, path }),
                Err(reason) => skipped.push(Skipped {
                    path,
                    reason: format!("its name cannot be restored safely: {reason}"),
                }),
            }
        } else {
            skipped.push(Skipped {
                path,
                reason: "not a regular file (symbolic link or special file)".into(),
            });
        }
    }
    Ok(())
}

/// Whether `file` (which need not exist yet) is inside the media folder `dir`. A missing
/// media folder contains nothing.
pub(crate) fn is_inside(dir: &Path, file: &Path) -> bool {
    let Ok(dir) = fs::canonicalize(dir) else {
        return false;
    };
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::canonicalize(parent).is_ok_and(|p| p.starts_with(dir))
}

/// Number of files under `dir` (restore's own leftovers not counted).
pub(crate) fn count_media_files(dir: &Path) -> io::Result<u64> {
    let (files, skipped) = list_media_files(dir)?;
    Ok((files.len() + skipped.len()) as u64)
}

/// Where the staging folder lives relative to the media folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// A sibling of the media folder; swapped by renaming both folders.
    Beside,
    /// Inside the media folder; swapped entry by entry.
    Inside,
}

/// A folder being filled with restored media, to replace the media folder.
#[derive(Debug)]
pub(crate) struct StagedMedia {
    media_dir: PathBuf,
    staging: PathBuf,
    layout: Layout,
    token: String,
}

fn io_error(what: String) -> impl FnOnce(io::Error) -> BackupError {
    BackupError::io(what)
}

/// Whether `dir` is on another file system than its parent (a mount point).
#[cfg(unix)]
fn is_mount_point(dir: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(dir), fs::metadata(parent)) {
        (Ok(d), Ok(p)) => d.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount_point(_dir: &Path, _parent: &Path) -> bool {
    false
}

impl StagedMedia {
    /// Creates an empty staging folder for `media_dir`, beside it when the folder can be
    /// renamed, inside it otherwise.
    pub(crate) fn prepare(media_dir: &Path) -> BackupResult<Self> {
        let parent = media_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let beside_possible = media_dir.file_name().is_some()
            && !(media_dir.exists() && is_mount_point(media_dir, parent));
        if beside_possible {
            fs::create_dir_all(parent)
                .map_err(io_error(format!("cannot create {}", parent.display())))?;
            match Self::prepare_with(media_dir, Layout::Beside) {
                Ok(staged) => return Ok(staged),
                Err(BackupError::Io { source, .. })
                    if matches!(
                        source.kind(),
                        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
                    ) => {}
                Err(other) => return Err(other),
            }
        }
        Self::prepare_with(media_dir, Layout::Inside)
    }

    /// Creates the staging folder in the given layout.
    pub(crate) fn prepare_with(media_dir: &Path, layout: Layout) -> BackupResult<Self> {
        let token = ulid::Ulid::generate().to_string().to_lowercase();
        let staging = match layout {
            Layout::Beside => sibling(media_dir, &format!("restore-{token}")),
            Layout::Inside => {
                fs::create_dir_all(media_dir)
                    .map_err(io_error(format!("cannot create {}", media_dir.display())))?;
                media_dir.join(format!("{RESERVED_MEDIA_PREFIX}restore-{token}"))
            }
        };
        fs::create_dir(&staging).map_err(io_error(format!(
            "cannot create the staging folder {}",
            staging.display()
        )))?;
        Ok(Self {
            media_dir: media_dir.to_owned(),
            staging,
            layout,
            token,
        })
    }

    /// Where a file restored to `relative` (inside the media folder) is staged.
    pub(crate) fn path_for(&self, relative: &Path) -> PathBuf {
        self.staging.join(relative)
    }

    /// The staging folder.
    #[cfg(test)]
    pub(crate) fn staging(&self) -> &Path {
        &self.staging
    }

    /// Removes the staging folder and everything in it (after a failed restore).
    pub(crate) fn discard(self) {
        if let Err(e) = fs::remove_dir_all(&self.staging) {
            warn!(path = %self.staging.display(), error = %e, "cannot remove the media staging folder");
        }
    }

    /// Puts the staged files in place of the media folder's. On failure the staged files are
    /// kept and the error says where.
    pub(crate) fn swap_into_place(self) -> BackupResult<()> {
        let result = match self.layout {
            Layout::Beside => self.swap_folders(),
            Layout::Inside => self.swap_entries(),
        };
        result.map_err(|reason| BackupError::MediaSwap {
            media: self.media_dir.clone(),
            staged: self.staging.clone(),
            reason,
        })
    }

    fn swap_folders(&self) -> Result<(), String> {
        let replaced = sibling(&self.media_dir, &format!("replaced-{}", self.token));
        let had_folder = self.media_dir.exists();
        if had_folder {
            fs::rename(&self.media_dir, &replaced).map_err(|e| {
                format!(
                    "cannot move {} aside to {}: {e}",
                    self.media_dir.display(),
                    replaced.display()
                )
            })?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.media_dir) {
            if had_folder && let Err(back) = fs::rename(&replaced, &self.media_dir) {
                return Err(format!(
                    "cannot rename {} to {}: {e}; the previous files are in {} ({back})",
                    self.staging.display(),
                    self.media_dir.display(),
                    replaced.display()
                ));
            }
            return Err(format!(
                "cannot rename {} to {}: {e}",
                self.staging.display(),
                self.media_dir.display()
            ));
        }
        if had_folder && let Err(e) = fs::remove_dir_all(&replaced) {
            warn!(path = %replaced.display(), error = %e, "cannot remove the replaced media folder");
        }
        Ok(())
    }

    fn swap_entries(&self) -> Result<(), String> {
        let replaced = self
            .media_dir
            .join(format!("{RESERVED_MEDIA_PREFIX}replaced-{}", self.token));
        fs::create_dir(&replaced)
            .map_err(|e| format!("cannot create {}: {e}", replaced.display()))?;
        let move_all = |from: &Path, to: &Path, skip_reserved: bool| -> Result<(), String> {
            let entries =
                fs::read_dir(from).map_err(|e| format!("cannot list {}: {e}", from.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot list {}: {e}", from.display()))?;
                let name = entry.file_name();
                if skip_reserved && name.to_string_lossy().starts_with(RESERVED_MEDIA_PREFIX) {
                    continue;
                }
                fs::rename(entry.path(), to.join(&name)).map_err(|e| {
                    format!(
                        "cannot move {} to {}: {e}",
                        entry.path().display(),
                        to.display()
                    )
                })?;
            }
            Ok(())
        };
        move_all(&self.media_dir, &replaced, true)?;
        move_all(&self.staging, &self.media_dir, false)?;
        if let Err(e) = fs::remove_dir(&self.staging) {
            warn!(path = %self.staging.display(), error = %e, "cannot remove the media staging folder");
        }
        if let Err(e) = fs::remove_dir_all(&replaced) {
            warn!(path = %replaced.display(), error = %e, "cannot remove the replaced media files");
        }
        Ok(())
    }
}

/// `<parent>/.<name>.scip-<suffix>` for the folder `dir`.
fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.with_file_name(format!(".{name}.scip-{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn contents(dir: &Path) -> Vec<(String, String)> {
        let (files, skipped) = list_media_files(dir).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        files
            .into_iter()
            .map(|f| (f.relative, fs::read_to_string(f.path).unwrap()))
            .collect()
    }

    #[test]
    fn files_are_listed_sorted_with_relative_paths() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("b.png"), "b");
        write(&dir.path().join("a/z.pdf"), "z");
        write(&dir.path().join(".scip-restore-x/left.png"), "old");
        assert_eq!(
            contents(dir.path()),
            [("a/z.pdf".into(), "z".into()), ("b.png".into(), "b".into())]
        );
        assert_eq!(count_media_files(dir.path()).unwrap(), 2);
        let missing = dir.path().join("nothing-here");
        assert_eq!(count_media_files(&missing).unwrap(), 0);
    }

    #[test]
    fn files_in_the_media_folder_are_recognised() {
        let root = tempfile::tempdir().unwrap();
        let media = root.path().join("media");
        fs::create_dir_all(media.join("sub")).unwrap();
        assert!(is_inside(&media, &media.join("backup.zip")));
        assert!(is_inside(&media, &media.join("sub/../sub/backup.zip")));
        assert!(!is_inside(&media, &root.path().join("backup.zip")));
        assert!(!is_inside(
            &root.path().join("none"),
            &root.path().join("none/b.zip")
        ));
    }

    #[test]
    fn names_restore_would_refuse_are_left_out() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("ok.png"), "ok");
        write(&dir.path().join("back\\slash.png"), "x");
        let (files, skipped) = list_media_files(dir.path()).unwrap();
        assert_eq!(files.len(), 1);
        assert!(skipped[0].reason.contains("backslash"), "{skipped:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link.png")).unwrap();
        let (files, skipped) = list_media_files(dir.path()).unwrap();
        assert!(files.is_empty());
        assert_eq!(skipped.len(), 1);
    }

    fn swap_replaces_the_folder(layout: Layout) {
        let root = tempfile::tempdir().unwrap();
        let media = root.path().join("media");
        write(&media.join("old.png"), "old");
        write(&media.join("keep/nested.pdf"), "old nested");
        let staged = StagedMedia::prepare_with(&media, layout).unwrap();
        write(&staged.path_for(Path::new("new.png")), "new");
        write(&staged.path_for(Path::new("sub/more.pdf")), "more");
        assert_eq!(contents(&media).len(), 2, "nothing changes before the swap");
        staged.swap_into_place().unwrap();
        assert_eq!(
            contents(&media),
            [
                ("new.png".into(), "new".into()),
                ("sub/more.pdf".into(), "more".into())
            ]
        );
        let leftovers: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            leftovers,
            ["media"],
            "no staging or replaced folder is left"
        );
        let inside: Vec<_> = fs::read_dir(&media)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(RESERVED_MEDIA_PREFIX))
            .collect();
        assert!(inside.is_empty(), "{inside:?}");
    }

    #[test]
    fn a_staged_folder_beside_replaces_the_media_folder() {
        swap_replaces_the_folder(Layout::Beside);
    }

    #[test]
    fn a_staged_folder_inside_replaces_the_media_files() {
        swap_replaces_the_folder(Layout::Inside);
    }

    #[test]
    fn a_missing_media_folder_is_created_by_the_swap() {
        let root = tempfile::tempdir().unwrap();
        let media = root.path().join("deep/media");
        let staged = StagedMedia::prepare(&media).unwrap();
        write(&staged.path_for(Path::new("a.png")), "a");
        staged.swap_into_place().unwrap();
        assert_eq!(contents(&media), [("a.png".into(), "a".into())]);
    }

    #[test]
    fn discarding_leaves_the_media_folder_as_it_was() {
        let root = tempfile::tempdir().unwrap();
        let media = root.path().join("media");
        write(&media.join("old.png"), "old");
        for layout in [Layout::Beside, Layout::Inside] {
            let staged = StagedMedia::prepare_with(&media, layout).unwrap();
            write(&staged.path_for(Path::new("new.png")), "new");
            let staging = staged.staging().to_owned();
            staged.discard();
            assert!(!staging.exists());
            assert_eq!(contents(&media), [("old.png".into(), "old".into())]);
        }
    }
}
