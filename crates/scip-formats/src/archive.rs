//! Zip archives to and from [`FileSet`]s, with the checks a hostile archive calls for.
//!
//! Reading refuses entries whose names would leave the folder they are unpacked into
//! (`../`, absolute paths, drive letters, backslashes), symbolic links and encrypted
//! entries, and stops at the [`Limits`] on entry count and unpacked size while it
//! decompresses, whatever sizes the archive's headers claim.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::error::FormatError;
use crate::fileset::{FileSet, is_junk};
use crate::limits::{Budget, Limits};
use crate::path::{extension, safe_relative_path};

/// Unpacks a zip held in memory. `container` names it in messages. Directories and operating
/// system junk (`__MACOSX/`, `.DS_Store`) are skipped.
pub fn read_zip(container: &str, bytes: &[u8], limits: Limits) -> Result<FileSet, FormatError> {
    let zip_error = |reason: String| FormatError::Zip {
        container: container.to_owned(),
        reason,
    };
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| zip_error(e.to_string()))?;
    if archive.len() > limits.max_files {
        return Err(FormatError::TooLarge {
            container: container.to_owned(),
            reason: format!(
                "holds {} entries; at most {} are accepted",
                archive.len(),
                limits.max_files
            ),
        });
    }
    let refuse = |name: &str, reason: &str| FormatError::UnsafeEntry {
        container: container.to_owned(),
        name: name.to_owned(),
        reason: reason.to_owned(),
    };
    let mut budget = Budget::new(container, limits);
    let mut set = FileSet::new();
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|e| zip_error(format!("entry {index}: {e}")))?;
        let name = entry
            .name()
            .map_err(|e| zip_error(format!("entry {index} has an unreadable name: {e}")))?
            .into_owned();
        if entry.is_symlink() {
            return Err(refuse(&name, "it is a symbolic link"));
        }
        if entry.is_dir() {
            // Still check the name: a hostile archive is refused as a whole.
            if let Err(reason) = safe_relative_path(&name)
                && name != "./"
            {
                return Err(refuse(&name, &reason));
            }
            continue;
        }
        if let Err(reason) = safe_relative_path(&name) {
            return Err(refuse(&name, &reason));
        }
        if is_junk(&name) {
            continue;
        }
        if entry.encrypted() {
            return Err(refuse(&name, "it is encrypted"));
        }
        let allowed = budget.remaining();
        let mut data = Vec::new();
        (&mut entry)
            .take(allowed.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| zip_error(format!("entry {name:?} cannot be unpacked: {e}")))?;
        budget.take(&name, data.len() as u64)?;
        set.insert(container, &name, data)?;
    }
    Ok(set)
}

/// Packs a file set into a zip, in path order, with fixed timestamps so the same files always
/// give the same archive. Already-compressed media are stored as they are.
pub fn write_zip(files: &FileSet) -> Result<Vec<u8>, FormatError> {
    let fail =
        |e: zip::result::ZipError| FormatError::Unwritable(format!("cannot build the zip: {e}"));
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (path, bytes) in files.iter() {
        let method = match extension(path).as_deref() {
            Some("png" | "jpg" | "jpeg" | "gif" | "webp" | "mp4" | "webm" | "zip" | "xlsx") => {
                CompressionMethod::Stored
            }
            _ => CompressionMethod::Deflated,
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .unix_permissions(0o644)
            .large_file(bytes.len() as u64 >= u32::MAX as u64);
        writer.start_file(path, options).map_err(fail)?;
        writer
            .write_all(bytes)
            .map_err(|e| FormatError::Unwritable(format!("cannot build the zip: {e}")))?;
    }
    Ok(writer.finish().map_err(fail)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_round_trips_its_files() {
        let mut set = FileSet::new();
        set.insert("t", "scenario.yaml", b"id: x".to_vec()).unwrap();
        set.insert("t", "media/a.png", vec![0, 1, 2]).unwrap();
        let bytes = write_zip(&set).unwrap();
        assert_eq!(read_zip("x.zip", &bytes, Limits::default()).unwrap(), set);
        assert_eq!(write_zip(&set).unwrap(), bytes, "writing is deterministic");
    }

    #[test]
    fn traversal_entries_are_refused_by_name() {
        for name in [
            "../evil.txt",
            "/etc/evil",
            "C:/evil",
            "a\\..\\..\\evil",
            "ok/../../evil",
        ] {
            let bytes = zip_of(&[("scenario.yaml", b"x"), (name, b"evil")]);
            let err = read_zip("bad.zip", &bytes, Limits::default()).unwrap_err();
            assert!(
                matches!(&err, FormatError::UnsafeEntry { name: n, .. } if n == name),
                "{name}: {err}"
            );
            assert!(err.to_string().starts_with("bad.zip: entry"), "{err}");
        }
    }

    #[test]
    fn symbolic_links_are_refused() {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .add_symlink("media/a.png", "/etc/passwd", SimpleFileOptions::default())
            .unwrap();
        let bytes = writer.finish().unwrap().into_inner();
        let err = read_zip("l.zip", &bytes, Limits::default()).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }

    #[test]
    fn a_zip_bomb_stops_at_the_size_limit() {
        let zeros = vec![0u8; 4 << 20];
        let bytes = zip_of(&[("a.bin", &zeros), ("b.bin", &zeros)]);
        assert!(bytes.len() < 64 << 10, "compresses well: {}", bytes.len());
        let limits = Limits {
            max_files: 10,
            max_total_bytes: 6 << 20,
        };
        let err = read_zip("bomb.zip", &bytes, limits).unwrap_err();
        assert!(matches!(err, FormatError::TooLarge { .. }), "{err}");
        let limits = Limits {
            max_files: 1,
            max_total_bytes: 1 << 30,
        };
        let err = read_zip("bomb.zip", &bytes, limits).unwrap_err();
        assert!(err.to_string().contains("2 entries"), "{err}");
    }

    #[test]
    fn garbage_is_not_a_zip() {
        let err = read_zip("x.zip", b"not a zip", Limits::default()).unwrap_err();
        assert!(matches!(err, FormatError::Zip { .. }), "{err}");
    }
}
