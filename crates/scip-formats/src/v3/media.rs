//! SCIP v3 media references (`/api/media/<folder>/<file>`) flattened into a media library.
//!
//! The library holds flat file names. Each referenced file gets the sanitised form of its
//! base name; a second, different file with the same base name gets `-2`, `-3`, … and every
//! reference to it is rewritten accordingly. The same file referenced twice keeps one name.

use std::collections::{BTreeMap, BTreeSet};

use scip_core::model::sanitize_media_name;

use crate::fileset::FileSet;
use crate::path::{file_name, safe_relative_path};
use crate::source::Lookup;

/// The URL prefix under which SCIP v3 served media.
pub const V3_MEDIA_PREFIX: &str = "/api/media/";

/// What became of one media reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapped {
    /// The library name of the file.
    Found(String),
    /// The name the file would have, and why it is not there.
    Missing(String, String),
    /// The reference cannot be used at all, and why.
    Refused(String),
}

/// Collects the media files of a SCIP v3 scenario under flat library names.
pub(crate) struct MediaFlattener<'a> {
    lookup: Lookup<'a>,
    /// Source path → library name.
    by_source: BTreeMap<String, String>,
    /// Library names given to files that are missing.
    missing: BTreeSet<String>,
    files: FileSet,
}

impl<'a> MediaFlattener<'a> {
    /// A flattener that fetches files from `lookup`.
    pub(crate) fn new(lookup: Lookup<'a>) -> Self {
        Self {
            lookup,
            by_source: BTreeMap::new(),
            missing: BTreeSet::new(),
            files: FileSet::new(),
        }
    }

    /// Maps one reference to its library name, fetching the file the first time.
    pub(crate) fn map(&mut self, reference: &str) -> Mapped {
        let trimmed = reference.trim();
        let lower = trimmed.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Mapped::Refused(format!(
                "media {trimmed:?} is a web address; put the file in the media folder and refer to it as {V3_MEDIA_PREFIX}<path>"
            ));
        }
        let rel = trimmed
            .strip_prefix(V3_MEDIA_PREFIX)
            .or_else(|| trimmed.strip_prefix(&V3_MEDIA_PREFIX[1..]))
            .unwrap_or(trimmed);
        let rel = match safe_relative_path(rel.trim_start_matches('/')) {
            Ok(rel) => rel,
            Err(reason) => {
                return Mapped::Refused(format!("media {trimmed:?} is refused: {reason}"));
            }
        };
        if let Some(name) = self.by_source.get(&rel) {
            return if self.missing.contains(name) {
                Mapped::Missing(name.clone(), self.missing_message(trimmed))
            } else {
                Mapped::Found(name.clone())
            };
        }
        let Some(base) = sanitize_media_name(file_name(&rel)) else {
            return Mapped::Refused(format!(
                "media {trimmed:?} has no usable file name (it needs a name and an extension)"
            ));
        };
        let bytes = match self.lookup.find(&rel) {
            Ok(found) => found,
            Err(e) => return Mapped::Refused(format!("media {trimmed:?} cannot be read: {e}")),
        };
        let name = self.free_name(&base, bytes.as_deref());
        self.by_source.insert(rel, name.clone());
        match bytes {
            Some(bytes) => {
                if !self.files.contains(&name) {
                    self.files.put(name.clone(), bytes);
                }
                Mapped::Found(name)
            }
            None => {
                self.missing.insert(name.clone());
                Mapped::Missing(name, self.missing_message(trimmed))
            }
        }
    }

    fn missing_message(&self, reference: &str) -> String {
        format!(
            "media file {reference:?} is not in the media folder (looked in {})",
            self.lookup
        )
    }

    /// `base`, or `stem-2.ext`, `stem-3.ext`, … : the first name that is free or already
    /// holds exactly these bytes.
    fn free_name(&self, base: &str, bytes: Option<&[u8]>) -> String {
        let (stem, ext) = base.rsplit_once('.').unwrap_or((base, ""));
        let mut n = 1;
        loop {
            let candidate = if n == 1 {
                base.to_owned()
            } else {
                format!("{stem}-{n}.{ext}")
            };
            let taken_by_missing = self.missing.contains(&candidate);
            match (self.files.get(&candidate), bytes) {
                (None, _) if !taken_by_missing => return candidate,
                (Some(existing), Some(new)) if existing == new => return candidate,
                _ => n += 1,
            }
        }
    }

    /// Library names of the files that were referenced but not found.
    #[cfg(test)]
    pub(crate) fn missing(&self) -> &BTreeSet<String> {
        &self.missing
    }

    /// The library: flat names → bytes.
    pub(crate) fn into_files(self) -> (FileSet, BTreeSet<String>) {
        (self.files, self.missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn media() -> FileSet {
        let mut set = FileSet::new();
        set.insert("t", "storm/library/photo.png", vec![1]).unwrap();
        set.insert("t", "storm/generated/photo.png", vec![2])
            .unwrap();
        set.insert("t", "other/photo.png", vec![1]).unwrap();
        set.insert("t", "storm/library/My Map.JPG", vec![3])
            .unwrap();
        set
    }

    #[test]
    fn same_base_names_get_distinct_library_names() {
        let set = media();
        let mut f = MediaFlattener::new(Lookup::new().with(&set, ""));
        assert_eq!(
            f.map("/api/media/storm/library/photo.png"),
            Mapped::Found("photo.png".into())
        );
        assert_eq!(
            f.map("/api/media/storm/generated/photo.png"),
            Mapped::Found("photo-2.png".into())
        );
        assert_eq!(
            f.map("/api/media/storm/library/photo.png"),
            Mapped::Found("photo.png".into())
        );
        // Identical bytes under another path share the name.
        assert_eq!(
            f.map("/api/media/other/photo.png"),
            Mapped::Found("photo.png".into())
        );
        assert_eq!(
            f.map("/api/media/storm/library/My Map.JPG"),
            Mapped::Found("My-Map.jpg".into())
        );
        let (files, missing) = f.into_files();
        assert_eq!(
            files.paths().collect::<Vec<_>>(),
            ["My-Map.jpg", "photo-2.png", "photo.png"]
        );
        assert!(missing.is_empty());
    }

    #[test]
    fn missing_and_refused_references_are_explained() {
        let set = media();
        let mut f = MediaFlattener::new(Lookup::new().with(&set, ""));
        let Mapped::Missing(name, why) = f.map("/api/media/storm/gone.png") else {
            panic!("not missing")
        };
        assert_eq!(name, "gone.png");
        assert!(why.contains("/api/media/storm/gone.png"), "{why}");
        assert!(
            matches!(f.map("https://example.org/a.png"), Mapped::Refused(m) if m.contains("web address"))
        );
        assert!(
            matches!(f.map("/api/media/../../etc/passwd"), Mapped::Refused(m) if m.contains("'..'"))
        );
        assert!(f.missing().contains("gone.png"));
    }
}
