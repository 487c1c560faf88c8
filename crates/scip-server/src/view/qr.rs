//! QR codes for dashboard links and access codes, as inline SVG that scales with its container.

use std::fmt;

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Text too long to fit in a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot make a QR code of {len} bytes: {reason}")]
pub struct QrError {
    /// Length of the refused text.
    pub len: usize,
    /// What the encoder said.
    pub reason: String,
}

/// A QR code as an inline `<svg>` element; writes itself unescaped in templates (`{{ qr }}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSvg(String);

impl QrSvg {
    /// The SVG markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QrSvg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// Safe: the markup is produced by the QR encoder from fixed fragments and numbers only; the
// encoded text never appears in it.
impl askama::filters::HtmlSafe for QrSvg {}

/// An `<svg>` element (no XML declaration) encoding `data`, black on white with the standard
/// quiet zone, sized by CSS (`.qr svg`). Medium error correction survives a projector's glare.
pub fn qr_svg(data: &str) -> Result<QrSvg, QrError> {
    let code =
        QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| QrError {
            len: data.len(),
            reason: e.to_string(),
        })?;
    let image = code
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    let start = image.find("<svg").unwrap_or(0);
    Ok(QrSvg(image[start..].replacen(
        "<svg ",
        "<svg aria-hidden=\"true\" focusable=\"false\" ",
        1,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_inline_svg_element() {
        let svg = qr_svg("http://10.0.0.5:3101/?code=K7P4-QX2M")
            .unwrap()
            .to_string();
        assert!(svg.starts_with("<svg aria-hidden=\"true\""), "{svg:.60}");
        assert!(svg.ends_with("</svg>"));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn too_much_data_is_a_clear_error() {
        let err = qr_svg(&"x".repeat(5000)).unwrap_err();
        assert_eq!(err.len, 5000);
        assert!(
            err.to_string()
                .contains("cannot make a QR code of 5000 bytes")
        );
    }
}
