//! Where a team dashboard reads its team's history and state, checks access codes and fetches
//! media: the store directly (embedded dashboards, inside the server) or the team-scoped API
//! with a dashboard token (`scip dashboard` processes and containers, which never get database
//! credentials). Both answer the same questions the same way; the API's handlers are built on
//! [`StoreFeed`] itself.

mod api;
mod store;

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;

pub use api::{ApiFeed, INVALID_CODE};
pub use store::{StoreFeed, StoreFeedParts};

use super::snapshot::{HistoryPage, TeamSnapshot};

/// Why a source could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The exercise, the team or the file does not exist (or is not this team's to see).
    #[error("not found: {0}")]
    NotFound(String),
    /// The store or the API cannot be reached now; try again later.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The API refused the dashboard token (expired, wrong team, revoked).
    #[error("the API refused this dashboard's token: {0}")]
    Refused(String),
    /// The request or the answer is malformed.
    #[error("invalid: {0}")]
    Invalid(String),
}

impl From<scip_store::StoreError> for SourceError {
    fn from(e: scip_store::StoreError) -> Self {
        match e {
            scip_store::StoreError::NotFound(what) => Self::NotFound(what),
            other => Self::Unavailable(other.to_string()),
        }
    }
}

/// The answer to an access code or a signed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Valid: sessions are issued under this code version.
    Accepted {
        /// The team's current access-code version.
        code_version: u32,
    },
    /// Wrong code, expired link, or the exercise is stopped.
    Refused,
    /// Too many failures from this address; try again later.
    Throttled {
        /// When to try again, at the latest.
        retry_after: Duration,
    },
}

/// A media file on its way to a browser.
pub struct MediaFile {
    /// MIME type.
    pub content_type: String,
    /// Size in bytes, when known.
    pub length: Option<u64>,
    /// The bytes, streamed.
    pub body: Body,
}

impl std::fmt::Debug for MediaFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaFile")
            .field("content_type", &self.content_type)
            .field("length", &self.length)
            .finish_non_exhaustive()
    }
}

/// A team dashboard's source of history, state, code checks and media.
#[derive(Debug, Clone)]
pub enum FeedSource {
    /// Straight from the store (embedded dashboards).
    Store(StoreFeed),
    /// Through the team-scoped API with a dashboard token.
    Api(ApiFeed),
}

impl FeedSource {
    /// The exercise and team now.
    pub async fn snapshot(&self) -> Result<TeamSnapshot, SourceError> {
        match self {
            Self::Store(s) => s.snapshot().await,
            Self::Api(a) => a.snapshot().await,
        }
    }

    /// Up to `limit` deliveries of the current run after `after_seq`, in seq order.
    pub async fn history(&self, after_seq: u64, limit: u32) -> Result<HistoryPage, SourceError> {
        match self {
            Self::Store(s) => s.history(after_seq, limit).await,
            Self::Api(a) => a.history(after_seq, limit).await,
        }
    }

    /// Checks an access code typed by a participant at `client` (rate-limited per address).
    pub async fn check_code(&self, code: &str, client: IpAddr) -> Result<CodeCheck, SourceError> {
        match self {
            Self::Store(s) => s.check_code(code, client).await,
            Self::Api(a) => a.check_code(code, client).await,
        }
    }

    /// Checks a signed team link (`/join?t=…`).
    pub async fn check_link(&self, token: &str) -> Result<CodeCheck, SourceError> {
        match self {
            Self::Store(s) => s.check_link(token).await,
            Self::Api(a) => a.check_link(token).await,
        }
    }

    /// A media file, only when one of the team's deliveries of the current run refers to it.
    pub async fn media(&self, name: &str) -> Result<MediaFile, SourceError> {
        match self {
            Self::Store(s) => s.media(name).await,
            Self::Api(a) => a.media(name).await,
        }
    }
}

/// Whether `name` can be a media library file name: no path separators, no `..`, no control
/// characters, 1–255 bytes. Everything else is refused before any lookup.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_file_names_are_accepted() {
        for good in ["port.png", "a b.mp4", "report-2.pdf", "..hidden"] {
            assert!(is_plain_file_name(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../etc/passwd",
            "a/b.png",
            "a\\b",
            "x\0y",
            "x\ny",
        ] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
        assert!(!is_plain_file_name(&"a".repeat(256)));
    }
}
