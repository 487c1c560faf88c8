//! Media file names as scenarios refer to them.

/// What a media file is, judged by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// PNG, JPEG, GIF, WebP or SVG.
    Image,
    /// MP4 or WebM.
    Video,
    /// PDF.
    Document,
}

/// The kind of a media file by its extension, or `None` for a type SCIP does not accept.
pub fn media_kind(name: &str) -> Option<MediaKind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" => Some(MediaKind::Image),
        "mp4" | "webm" => Some(MediaKind::Video),
        "pdf" => Some(MediaKind::Document),
        _ => None,
    }
}

/// Longest media file name.
pub const MEDIA_NAME_MAX: usize = 120;

/// Reduces a file name to a safe library name: the last path segment, letters, digits, `-`,
/// `_` and `.` only, no leading dot, lowercase extension. `None` when nothing usable remains.
pub fn sanitize_media_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut out = String::with_capacity(last.len());
    for c in last.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c);
        } else if c.is_whitespace() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_start_matches(['.', '-']).to_owned();
    let (stem, ext) = out.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() || stem.contains("..") {
        return None;
    }
    let name = format!(
        "{}.{}",
        stem.trim_end_matches('.'),
        ext.to_ascii_lowercase()
    );
    if name.len() > MEDIA_NAME_MAX {
        let keep = MEDIA_NAME_MAX - ext.len() - 1;
        return Some(format!(
            "{}.{}",
            &stem[..keep.min(stem.len())],
            ext.to_ascii_lowercase()
        ));
    }
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_and_odd_characters() {
        assert_eq!(
            sanitize_media_name("../../etc/passwd.png").as_deref(),
            Some("passwd.png")
        );
        assert_eq!(
            sanitize_media_name("C:\\x\\My Photo (1).JPG").as_deref(),
            Some("My-Photo-1.jpg")
        );
        assert_eq!(
            sanitize_media_name(".hidden.png").as_deref(),
            Some("hidden.png")
        );
        assert_eq!(sanitize_media_name("noext"), None);
        assert_eq!(sanitize_media_name("../"), None);
    }

    #[test]
    fn kinds_follow_extensions() {
        assert_eq!(media_kind("a.PNG"), Some(MediaKind::Image));
        assert_eq!(media_kind("clip.webm"), Some(MediaKind::Video));
        assert_eq!(media_kind("brief.pdf"), Some(MediaKind::Document));
        assert_eq!(media_kind("run.exe"), None);
    }
}
