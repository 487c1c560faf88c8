//! What a media file really is, judged by its bytes (never by its name alone), and whether it
//! is safe to serve: executable content (HTML, SVG with scripts or external references) is
//! refused.

use scip_core::model::MediaKind;

/// An accepted media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// MIME type.
    pub content_type: &'static str,
    /// Image, video or document.
    pub kind: MediaKind,
    /// The file extension that goes with it.
    pub extension: &'static str,
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SniffError {
    /// Not a type SCIP accepts.
    #[error("{0} is not an accepted media type (PNG, JPEG, GIF, WebP, SVG, MP4, WebM or PDF)")]
    Unsupported(String),
    /// Executable or active content.
    #[error("the file holds active content ({0}); only plain images, video and PDF are accepted")]
    Active(String),
    /// The name's extension does not match the content.
    #[error("the file name ends in .{extension} but the content is {actual}")]
    Mismatch {
        /// Extension of the name.
        extension: String,
        /// What the bytes are.
        actual: &'static str,
    },
}

const fn sniffed(content_type: &'static str, kind: MediaKind, extension: &'static str) -> Sniffed {
    Sniffed {
        content_type,
        kind,
        extension,
    }
}

/// Identifies the content and checks it is safe.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, SniffError> {
    // Text formats (XML, HTML) are judged by the text checks below.
    if let Some(t) = infer::get(bytes)
        .filter(|t| !t.mime_type().starts_with("text/") && !t.mime_type().ends_with("xml"))
    {
        return match t.mime_type() {
            "image/png" => Ok(sniffed("image/png", MediaKind::Image, "png")),
            "image/jpeg" => Ok(sniffed("image/jpeg", MediaKind::Image, "jpg")),
            "image/gif" => Ok(sniffed("image/gif", MediaKind::Image, "gif")),
            "image/webp" => Ok(sniffed("image/webp", MediaKind::Image, "webp")),
            "video/mp4" => Ok(sniffed("video/mp4", MediaKind::Video, "mp4")),
            "video/webm" => Ok(sniffed("video/webm", MediaKind::Video, "webm")),
            "application/pdf" => Ok(sniffed("application/pdf", MediaKind::Document, "pdf")),
            other => Err(SniffError::Unsupported(other.to_owned())),
        };
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| SniffError::Unsupported("unrecognised binary data".into()))?;
    let head = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body") {
        return Err(SniffError::Active("HTML".into()));
    }
    if is_svg(&head) {
        check_svg(text)?;
        return Ok(sniffed("image/svg+xml", MediaKind::Image, "svg"));
    }
    Err(SniffError::Unsupported("text".into()))
}

fn is_svg(head: &str) -> bool {
    let mut rest = head;
    // Skip an XML declaration, comments and a doctype before the root element.
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?xml") {
            rest = after.split_once("?>").map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->").map_or("", |(_, r)| r);
        } else if let Some(after) = rest.strip_prefix("<!doctype svg") {
            rest = after.split_once('>').map_or("", |(_, r)| r);
        } else {
            break;
        }
    }
    rest.starts_with("<svg")
}

/// Refuses SVG with scripts, event handlers, `javascript:` URLs, embedded foreign content or
/// references outside the file.
fn check_svg(text: &str) -> Result<(), SniffError> {
    let lower = text.to_ascii_lowercase();
    let forbidden = [
        ("<script", "a script"),
        ("<foreignobject", "foreign HTML content"),
        ("javascript:", "a javascript: URL"),
        ("<iframe", "an embedded frame"),
        ("<embed", "embedded content"),
        ("<object", "embedded content"),
        ("<!entity", "XML entities"),
        ("data:text/html", "embedded HTML"),
    ];
    for (needle, what) in forbidden {
        if lower.contains(needle) {
            return Err(SniffError::Active(format!("SVG with {what}")));
        }
    }
    // Event handler attributes: on…= inside a tag.
    let bytes = lower.as_bytes();
    for (i, w) in lower.match_indices("on") {
        let before_ok = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let name: String = lower[i + w.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let after = lower[i + w.len() + name.len()..].trim_start();
        if before_ok && !name.is_empty() && after.starts_with('=') {
            return Err(SniffError::Active(format!(
                "SVG with an on{name} event handler"
            )));
        }
    }
    // References to anything outside the file (images, fonts, stylesheets).
    for attr in [
        "href=\"http",
        "href='http",
        "href=\"//",
        "href='//",
        "url(http",
        "url(//",
        "@import",
    ] {
        if lower.contains(attr) {
            return Err(SniffError::Active(
                "SVG that loads an external resource".into(),
            ));
        }
    }
    Ok(())
}

/// Checks that a file name's extension matches the sniffed content.
pub fn check_extension(name: &str, sniffed: &Sniffed) -> Result<(), SniffError> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let same = ext == sniffed.extension || (sniffed.extension == "jpg" && ext == "jpeg");
    if same {
        Ok(())
    } else {
        Err(SniffError::Mismatch {
            extension: ext,
            actual: sniffed.content_type,
        })
    }
}

/// Pixel size of an image: raster headers, or the SVG's `width`/`height` (or `viewBox`).
pub fn dimensions(bytes: &[u8], sniffed: &Sniffed) -> Option<(u32, u32)> {
    match sniffed.extension {
        "svg" => svg_dimensions(std::str::from_utf8(bytes).ok()?),
        "png" | "jpg" | "gif" | "webp" => {
            let size = imagesize::blob_size(bytes).ok()?;
            Some((
                u32::try_from(size.width).ok()?,
                u32::try_from(size.height).ok()?,
            ))
        }
        _ => None,
    }
}

fn svg_dimensions(text: &str) -> Option<(u32, u32)> {
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| -> Option<&str> {
        let key = format!(" {name}=");
        let at = tag.find(&key)? + key.len();
        let quote = tag[at..].chars().next()?;
        let rest = &tag[at + 1..];
        Some(&rest[..rest.find(quote)?])
    };
    let number = |s: &str| -> Option<u32> {
        let digits: String = s
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let value: f64 = digits.parse().ok()?;
        (value > 0.0 && value < 100_000.0).then(|| value.round() as u32)
    };
    if let (Some(w), Some(h)) = (
        attr("width").and_then(number),
        attr("height").and_then(number),
    ) {
        return Some((w, h));
    }
    let view: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    match view.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 && *w < 100_000.0 && *h < 100_000.0 => {
            Some((w.round() as u32, h.round() as u32))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0,
        0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0,
    ];

    #[test]
    fn raster_images_are_recognised_with_their_size() {
        let s = sniff(PNG).unwrap();
        assert_eq!(s.content_type, "image/png");
        assert_eq!(dimensions(PNG, &s), Some((3, 2)));
        assert!(check_extension("map.png", &s).is_ok());
        assert!(check_extension("map.jpg", &s).is_err());
    }

    #[test]
    fn plain_svg_is_accepted_and_measured() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect width="10" height="10"/></svg>"#;
        let s = sniff(svg).unwrap();
        assert_eq!(s.extension, "svg");
        assert_eq!(dimensions(svg, &s), Some((640, 360)));
    }

    #[test]
    fn active_content_is_refused() {
        for bad in [
            &br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#[..],
            br#"<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x()"/></svg>"#,
            br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="http://evil.example/x.png"/></svg>"#,
            br#"<svg><foreignObject><div/></foreignObject></svg>"#,
            b"<!DOCTYPE html><html><body>hi</body></html>",
        ] {
            assert!(matches!(sniff(bad), Err(SniffError::Active(_))), "{}", String::from_utf8_lossy(bad));
        }
        assert!(matches!(
            sniff(b"MZ\x90\x00"),
            Err(SniffError::Unsupported(_))
        ));
        assert!(matches!(
            sniff(b"just text"),
            Err(SniffError::Unsupported(_))
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_are_sniffed_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(s) = sniff(&bytes) {
                let _ = dimensions(&bytes, &s);
            }
        }
    }
}
