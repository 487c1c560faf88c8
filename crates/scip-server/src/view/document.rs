//! The document every page renders into: where assets live and the flash messages to show.

use crate::assets;

/// Document-level data read by `base.html`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    asset_base: String,
    /// Messages from the previous request (saved, failed, signed out), shown as toasts.
    pub flashes: Vec<Flash>,
}

impl Document {
    /// A document whose assets are served under `asset_base` (normally `/assets`; a relative
    /// base such as `assets` works for static copies of pages).
    pub fn new(asset_base: impl Into<String>) -> Self {
        let mut asset_base = asset_base.into();
        while asset_base.ends_with('/') {
            asset_base.pop();
        }
        Self {
            asset_base,
            flashes: Vec::new(),
        }
    }

    /// Adds a flash message.
    pub fn with_flash(mut self, flash: Flash) -> Self {
        self.flashes.push(flash);
        self
    }

    /// SCIP's version, shown in page footers.
    pub fn product_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// The cache-busting URL of an asset (`css/scip.css` → `/assets/css/scip.css?v=…`).
    pub fn asset(&self, path: &str) -> String {
        assets::versioned_url(&self.asset_base, path)
    }
}

impl Default for Document {
    /// Assets under `/assets`, no flash messages.
    fn default() -> Self {
        Self::new("/assets")
    }
}

/// A one-off message carried to the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// How it reads: success, information, warning or error.
    pub kind: FlashKind,
    /// The text, shown as is (escaped).
    pub message: String,
}

impl Flash {
    /// A flash of the given kind.
    pub fn new(kind: FlashKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// The tone of a flash message or toast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    /// Something was done.
    Success,
    /// Neutral information.
    Info,
    /// Done, but look at this.
    Warning,
    /// Not done.
    Error,
}

impl FlashKind {
    /// The CSS modifier and icon name (`success`, `info`, `warning`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }

    /// The sprite icon shown in the toast.
    pub fn icon(self) -> &'static str {
        match self {
            Self::Success => "check-circle",
            Self::Info => "info",
            Self::Warning => "alert-triangle",
            Self::Error => "x-circle",
        }
    }

    /// Errors and warnings stay until dismissed; the others fade after a few seconds.
    pub fn is_sticky(self) -> bool {
        matches!(self, Self::Warning | Self::Error)
    }
}

/// The shell of a page without navigation (sign-in, access code entry, error pages).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BareShell {
    /// Assets and flash messages.
    pub doc: Document,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slashes_of_the_asset_base_are_dropped() {
        let doc = Document::new("/static///");
        assert!(
            doc.asset("css/scip.css")
                .starts_with("/static/css/scip.css?v=")
        );
    }

    #[test]
    fn only_warnings_and_errors_are_sticky() {
        assert!(FlashKind::Error.is_sticky());
        assert!(FlashKind::Warning.is_sticky());
        assert!(!FlashKind::Success.is_sticky());
        assert!(!FlashKind::Info.is_sticky());
    }
}
