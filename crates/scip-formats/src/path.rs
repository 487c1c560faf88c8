//! Entry names of zips, uploads and folders, reduced to safe relative paths.
//!
//! A safe path is `/`-separated, relative, without `.` or `..` segments, and can be joined to
//! any target folder without leaving it. Names that try to escape are refused, never
//! "repaired", so that a hostile archive is reported rather than half-read.

/// Reduces an entry name to a safe relative path, or says why it is refused.
///
/// Refused: absolute paths (`/x`, `\x`), drive letters (`C:x`), backslashes (which mean a
/// folder on Windows and an ordinary character elsewhere), `..` segments, NUL and other
/// control characters, and names with nothing left. `.` segments and doubled slashes are
/// dropped.
pub fn safe_relative_path(name: &str) -> Result<String, String> {
    if name.contains('\\') {
        return Err("it contains a backslash (a Windows folder separator)".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("it contains a control character".to_owned());
    }
    if name.starts_with('/') {
        return Err("it is an absolute path".to_owned());
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("it starts with a drive letter".to_owned());
    }
    let mut segments = Vec::new();
    for segment in name.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err("it climbs out of its folder with '..'".to_owned()),
            s if s.contains(':') => {
                return Err("it contains ':' (a drive or stream marker on Windows)".to_owned());
            }
            s => segments.push(s),
        }
    }
    if segments.is_empty() {
        return Err("it names no file".to_owned());
    }
    Ok(segments.join("/"))
}

/// The folder part of a safe relative path (`""` for a top-level file).
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// The last segment of a path.
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// Joins a folder (`""` for the top) and a relative path.
pub(crate) fn join(dir: &str, rel: &str) -> String {
    if dir.is_empty() {
        rel.to_owned()
    } else {
        format!("{dir}/{rel}")
    }
}

/// The lowercase extension of a path, if any.
pub(crate) fn extension(path: &str) -> Option<String> {
    let name = file_name(path);
    name.rsplit_once('.')
        .filter(|(stem, _)| !stem.is_empty())
        .map(|(_, ext)| ext.to_ascii_lowercase())
}

/// A path's file name without its extension.
pub(crate) fn stem(path: &str) -> &str {
    let name = file_name(path);
    match name.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordinary_names_pass_unchanged_or_tidied() {
        assert_eq!(
            safe_relative_path("teams/red.yaml").as_deref(),
            Ok("teams/red.yaml")
        );
        assert_eq!(
            safe_relative_path("./media//a.png").as_deref(),
            Ok("media/a.png")
        );
        assert_eq!(safe_relative_path("dir/").as_deref(), Ok("dir"));
    }

    #[test]
    fn escaping_names_are_refused_with_a_reason() {
        for (name, reason) in [
            ("../etc/passwd", "'..'"),
            ("a/../../b", "'..'"),
            ("/etc/passwd", "absolute"),
            ("C:/Windows/x", "drive letter"),
            ("c:x", "drive letter"),
            ("..\\..\\x", "backslash"),
            ("a\\b", "backslash"),
            ("a\0b", "control"),
            ("", "no file"),
            ("./", "no file"),
            ("a/b:c", "':'"),
        ] {
            let err = safe_relative_path(name).unwrap_err();
            assert!(err.contains(reason), "{name:?}: {err}");
        }
    }

    #[test]
    fn path_parts_are_split_as_expected() {
        assert_eq!(parent("a/b/c.json"), "a/b");
        assert_eq!(parent("c.json"), "");
        assert_eq!(file_name("a/b/c.json"), "c.json");
        assert_eq!(extension("a/B.XLSX").as_deref(), Some("xlsx"));
        assert_eq!(extension(".hidden"), None);
        assert_eq!(stem("x/plan.v2.csv"), "plan.v2");
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("d", "a"), "d/a");
    }

    proptest! {
        #[test]
        fn an_accepted_path_never_leaves_its_folder(name in "[a-zA-Z0-9./\\\\:_ -]{0,24}") {
            if let Ok(path) = safe_relative_path(&name) {
                let joined = std::path::Path::new("/target").join(&path);
                prop_assert!(!path.starts_with('/'));
                prop_assert!(!path.split('/').any(|s| s == ".." || s == "." || s.is_empty()));
                prop_assert!(joined.starts_with("/target"));
                prop_assert!(joined.components().all(|c| !matches!(c, std::path::Component::ParentDir)));
            }
        }
    }
}
