//! Names of the entries inside a backup archive, and the check that keeps a media entry
//! inside the media folder it is restored into.

use std::path::PathBuf;

/// The manifest entry.
pub const MANIFEST_ENTRY: &str = "manifest.json";
/// Prefix of table entries.
const DB_PREFIX: &str = "db/";
/// Prefix of media entries.
pub(crate) const MEDIA_PREFIX: &str = "media/";
/// Top-level names in the media folder that restore uses for its own work (staging and
/// replaced folders); backups leave them out.
pub(crate) const RESERVED_MEDIA_PREFIX: &str = ".scip-";

/// `db/<table>.jsonl`.
pub fn table_entry(table: &str) -> String {
    format!("{DB_PREFIX}{table}.jsonl")
}

/// `media/<relative path>` for a file of the media folder (`/`-separated).
pub fn media_entry(relative: &str) -> String {
    format!("{MEDIA_PREFIX}{relative}")
}

/// Whether an entry name is in the media part of the archive.
pub fn is_media_entry(entry: &str) -> bool {
    entry.starts_with(MEDIA_PREFIX)
}

/// The path, relative to the media folder, a media entry restores to. Refuses names that
/// would leave the folder (`..`, absolute paths, backslashes), empty components and the
/// folder names restore reserves for itself.
pub fn media_relative_path(entry: &str) -> Result<PathBuf, String> {
    let relative = entry
        .strip_prefix(MEDIA_PREFIX)
        .ok_or_else(|| format!("{entry:?} is not a media entry"))?;
    if relative.is_empty() {
        return Err(format!("{entry:?} names no file"));
    }
    let mut path = PathBuf::new();
    for (i, component) in relative.split('/').enumerate() {
        if component.is_empty() || component == "." || component == ".." {
            return Err(format!(
                "{entry:?} has an empty, \".\" or \"..\" path component"
            ));
        }
        if component.contains(['\\', '\0']) {
            return Err(format!("{entry:?} contains a backslash or NUL"));
        }
        if i == 0 && component.starts_with(RESERVED_MEDIA_PREFIX) {
            return Err(format!(
                "{entry:?} uses the reserved name prefix {RESERVED_MEDIA_PREFIX:?}"
            ));
        }
        path.push(component);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn entries_are_named_by_table_and_file() {
        assert_eq!(table_entry("events"), "db/events.jsonl");
        assert_eq!(media_entry("maps/flood.png"), "media/maps/flood.png");
        assert!(is_media_entry("media/a.png"));
        assert!(!is_media_entry("db/users.jsonl"));
    }

    #[test]
    fn media_entries_stay_inside_the_folder() {
        assert_eq!(
            media_relative_path("media/maps/flood.png").unwrap(),
            PathBuf::from("maps").join("flood.png")
        );
        for bad in [
            "media/",
            "media//etc/passwd",
            "media/../evil",
            "media/a/../../evil",
            "media/./a",
            "media/a\\..\\evil",
            "media/.scip-restore-1/a.png",
            "db/users.jsonl",
        ] {
            assert!(media_relative_path(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn accepted_media_paths_never_climb_out(name in "[a-z./\\\\]{0,30}") {
            if let Ok(path) = media_relative_path(&format!("media/{name}")) {
                prop_assert!(path.is_relative());
                for c in path.components() {
                    prop_assert!(matches!(c, std::path::Component::Normal(_)), "{path:?}");
                }
            }
        }
    }
}
