//! Team colours: validated `#rrggbb` values that are safe to put in a `style` attribute, with
//! the text colour that reads on them.

use std::fmt;

/// A colour that is not `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("team colour {0:?} is not #rrggbb")]
pub struct ColourError(pub String);

/// A team's accent colour, always `#rrggbb` in lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamColour([u8; 3]);

impl TeamColour {
    /// The accent used when a team has none: SCIP blue.
    pub const DEFAULT: TeamColour = TeamColour([0x25, 0x63, 0xeb]);

    /// Reads `#rrggbb` (either case).
    pub fn parse(text: &str) -> Result<Self, ColourError> {
        let err = || ColourError(text.to_owned());
        if !scip_core::model::is_hex_color(text) {
            return Err(err());
        }
        let bytes = hex::decode(&text[1..]).map_err(|_| err())?;
        match <[u8; 3]>::try_from(bytes.as_slice()) {
            Ok(rgb) => Ok(Self(rgb)),
            Err(_) => Err(err()),
        }
    }

    /// `#rrggbb`.
    pub fn hex(&self) -> String {
        format!("#{}", hex::encode(self.0))
    }

    /// Black or white, whichever contrasts more with this colour (WCAG relative luminance).
    pub fn on_colour(&self) -> &'static str {
        let l = relative_luminance(self.0);
        // Contrast with white is 1.05 / (l + 0.05); with near-black (#111) about (l + 0.05) / 0.056.
        if 1.05 / (l + 0.05) >= (l + 0.05) / 0.0556 {
            "#ffffff"
        } else {
            "#111111"
        }
    }

    /// The CSS custom properties the dashboard stylesheet reads, for a `style` attribute:
    /// `--team:#rrggbb;--team-on:#ffffff`.
    pub fn css_vars(&self) -> String {
        format!("--team:{};--team-on:{}", self.hex(), self.on_colour())
    }
}

impl Default for TeamColour {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl fmt::Display for TeamColour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

fn relative_luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_and_normalises_hex_colours() {
        assert_eq!(TeamColour::parse("#C0392B").unwrap().hex(), "#c0392b");
    }

    #[test]
    fn refuses_anything_that_could_escape_a_style_attribute() {
        for bad in [
            "red",
            "#fff",
            "#12345g",
            "#123456;x",
            "#123456\"",
            "",
            "123456",
        ] {
            let err = TeamColour::parse(bad).unwrap_err();
            assert!(err.to_string().contains("is not #rrggbb"), "{bad}: {err}");
        }
    }

    #[test]
    fn dark_colours_get_white_text_and_light_ones_black() {
        assert_eq!(TeamColour::parse("#1e3a8a").unwrap().on_colour(), "#ffffff");
        assert_eq!(TeamColour::parse("#facc15").unwrap().on_colour(), "#111111");
        assert_eq!(TeamColour::DEFAULT.on_colour(), "#ffffff");
    }

    proptest! {
        #[test]
        fn any_valid_colour_round_trips(r: u8, g: u8, b: u8) {
            let text = format!("#{r:02x}{g:02x}{b:02x}");
            let colour = TeamColour::parse(&text).unwrap();
            prop_assert_eq!(colour.hex(), text.clone());
            prop_assert_eq!(colour.css_vars().matches(';').count(), 1);
        }

        #[test]
        fn arbitrary_text_never_panics_and_never_passes_unless_hex(s in ".{0,12}") {
            if let Ok(c) = TeamColour::parse(&s) {
                prop_assert_eq!(c.hex(), s.to_ascii_lowercase());
            }
        }
    }
}
