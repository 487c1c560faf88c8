//! Why an input could not be read or an output could not be written.
//!
//! These are failures that leave nothing to report problem by problem: a path that does not
//! exist, a zip with a dangerous entry, a format nobody can recognise. Problems *inside* a
//! readable scenario are [`scip_core::Problem`]s in a [`scip_core::Report`] instead.

use std::path::PathBuf;

/// A failure to read an input or to write an output.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// What we tried to read.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// What we tried to write.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// An entry name of a zip, an upload or a folder was refused.
    #[error("{container}: entry {name:?} is refused: {reason}")]
    UnsafeEntry {
        /// The zip, upload or folder it came from.
        container: String,
        /// The name as given.
        name: String,
        /// Why it is refused.
        reason: String,
    },
    /// The input is larger than the limits allow (a zip bomb, or simply too much).
    #[error("{container}: {reason}")]
    TooLarge {
        /// The zip, upload or folder.
        container: String,
        /// Which limit and by how much.
        reason: String,
    },
    /// A zip archive is damaged or uses something we do not read.
    #[error("{container} is not a readable zip archive: {reason}")]
    Zip {
        /// The zip.
        container: String,
        /// The archive reader's reason.
        reason: String,
    },
    /// Nothing in the input looks like a scenario format we know.
    #[error("{0}")]
    Unrecognized(String),
    /// The output exists and overwriting was not asked for.
    #[error("{0} already exists; choose another name or pass --force")]
    OutputExists(PathBuf),
    /// The output folder exists and is not empty.
    #[error("{0} is a folder that is not empty; bundles are written into a new or empty folder")]
    OutputNotEmpty(PathBuf),
    /// A scenario refers to a media file the media source does not have.
    #[error("media file {0:?} is missing, so it cannot be written")]
    MissingMedia(String),
    /// A scenario cannot be expressed in the output format.
    #[error("{0}")]
    Unwritable(String),
}

impl FormatError {
    pub(crate) fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Read {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Write {
            path: path.into(),
            source,
        }
    }
}
