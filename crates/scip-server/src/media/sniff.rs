//! What a media file really is: judged by its content (magic bytes), which must agree with
//! its name's extension. A PNG name on HTML, an executable or a PDF is refused.

use scip_core::model::MediaKind;

/// A media type SCIP accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// MIME type served back.
    pub content_type: &'static str,
    /// Image, video or document.
    pub kind: MediaKind,
}

/// The accepted type an extension promises, if any.
pub fn type_for_extension(extension: &str) -> Option<Accepted> {
    let (content_type, kind) = match extension.to_ascii_lowercase().as_str() {
        "png" => ("image/png", MediaKind::Image),
        "jpg" | "jpeg" => ("image/jpeg", MediaKind::Image),
        "gif" => ("image/gif", MediaKind::Image),
        "webp" => ("image/webp", MediaKind::Image),
        "svg" => ("image/svg+xml", MediaKind::Image),
        "mp4" => ("video/mp4", MediaKind::Video),
        "webm" => ("video/webm", MediaKind::Video),
        "pdf" => ("application/pdf", MediaKind::Document),
        _ => return None,
    };
    Some(Accepted { content_type, kind })
}

/// The file types accepted, for messages.
pub const ACCEPTED_EXTENSIONS: &str = "png, jpg, gif, webp, svg, mp4, webm, pdf";

/// Why content does not match.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    /// The extension is not one SCIP accepts.
    #[error("{name:?} is not an accepted media type (accepted: {ACCEPTED_EXTENSIONS})")]
    Extension {
        /// The file name.
        name: String,
    },
    /// The bytes are something else than the name says.
    #[error("{name:?} is named as {expected} but its content is {found}")]
    Mismatch {
        /// The file name.
        name: String,
        /// What the name promises.
        expected: &'static str,
        /// What the content is.
        found: String,
    },
}

/// Checks that `head` (the first bytes of the file, at least 512 when the file is that long)
/// is what `name`'s extension says.
pub fn check_content(name: &str, head: &[u8]) -> Result<Accepted, SniffError> {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    let accepted = type_for_extension(extension).ok_or_else(|| SniffError::Extension {
        name: name.to_owned(),
    })?;
    let found = if accepted.content_type == "image/svg+xml" {
        looks_like_svg(head).then_some("image/svg+xml")
    } else {
        infer::get(head).map(|t| t.mime_type())
    };
    match found {
        Some(found) if found == accepted.content_type => Ok(accepted),
        other => Err(SniffError::Mismatch {
            name: name.to_owned(),
            expected: accepted.content_type,
            found: other.map_or_else(|| describe_unknown(head), describe_mime),
        }),
    }
}

/// An SVG is XML text whose first element is `<svg`, after an optional declaration, comments
/// and doctype.
fn looks_like_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if !text.starts_with('<') {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let Some(svg_at) = lower.find("<svg") else {
        return false;
    };
    // Nothing but a prologue (declaration, comments, doctype) may come before the root.
    let before = &lower[..svg_at];
    !before.contains("<html") && !before.contains("<body") && !before.contains("<script")
}

/// A detected type in words, calling out the dangerous ones.
fn describe_mime(mime: &str) -> String {
    match mime {
        "text/html" | "application/xhtml+xml" => "HTML".to_owned(),
        "application/vnd.microsoft.portable-executable"
        | "application/x-executable"
        | "application/x-elf"
        | "application/x-mach-binary"
        | "application/x-msdownload" => format!("an executable ({mime})"),
        other => other.to_owned(),
    }
}

fn describe_unknown(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(&head[..head.len().min(256)]).to_ascii_lowercase();
    if text.contains("<html") || text.contains("<!doctype html") || text.contains("<script") {
        "HTML".to_owned()
    } else if head.starts_with(b"\x7fELF") || head.starts_with(b"MZ") {
        "an executable".to_owned()
    } else if head.is_empty() {
        "empty".to_owned()
    } else {
        "not a recognised media type".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

    #[test]
    fn content_must_match_the_extension() {
        assert_eq!(
            check_content("a.png", PNG).unwrap().content_type,
            "image/png"
        );
        assert_eq!(check_content("A.PNG", PNG).unwrap().kind, MediaKind::Image);
        let err = check_content("a.jpg", PNG).unwrap_err();
        assert!(
            err.to_string()
                .contains("image/jpeg but its content is image/png"),
            "{err}"
        );
        let err =
            check_content("page.png", b"<!DOCTYPE html><html><script>x</script>").unwrap_err();
        assert!(err.to_string().contains("HTML"), "{err}");
        let err = check_content("tool.png", b"MZ\x90\0\x03\0\0\0").unwrap_err();
        assert!(err.to_string().contains("content is"), "{err}");
    }

    #[test]
    fn unaccepted_extensions_are_named() {
        let err = check_content("page.html", b"<html>").unwrap_err();
        assert!(matches!(err, SniffError::Extension { .. }));
        assert!(check_content("run.exe", b"MZ").is_err());
        assert!(check_content("noext", PNG).is_err());
    }

    #[test]
    fn svg_is_recognised_by_its_root_element() {
        assert!(check_content("d.svg", b"<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>").is_ok());
        assert!(check_content("d.svg", b"\xef\xbb\xbf  <svg/>").is_ok());
        assert!(check_content("d.svg", b"<html><svg/></html>").is_err());
        assert!(check_content("d.svg", PNG).is_err());
    }

    #[test]
    fn pdf_and_video_are_recognised() {
        assert!(check_content("brief.pdf", b"%PDF-1.7\n%\xe2\xe3").is_ok());
        let mut webm =
            b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm"
                .to_vec();
        webm.resize(300, 0);
        assert!(check_content("clip.webm", &webm).is_ok());
    }
}
