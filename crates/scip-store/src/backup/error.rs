//! Why a backup or a restore failed. Archive problems name the file, the entry and, for table
//! entries, the line; database failures keep the store's own [`StoreError`].

use std::path::PathBuf;

use crate::error::StoreError;

/// Result of a backup or restore step.
pub type BackupResult<T> = Result<T, BackupError>;

/// Why a backup or a restore failed. Whatever the variant, a failed restore has changed
/// nothing: the database rows and media files are those from before.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The output file exists and replacing it was not asked for.
    #[error("{} already exists", path.display())]
    OutputExists {
        /// The file.
        path: PathBuf,
    },
    /// The archive to write or read is inside the media folder, which the backup copies and
    /// the restore replaces.
    #[error("{} is inside the media folder {}; choose a place outside it", path.display(), media.display())]
    InsideMedia {
        /// The archive.
        path: PathBuf,
        /// The media folder.
        media: PathBuf,
    },
    /// Reading or writing a file or folder failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done, naming the path.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The live database has a table or column the backup format does not cover (or lacks
    /// one it expects): a newer migration without a matching backup format.
    #[error("the backup format does not match the database schema: {0}")]
    SchemaMismatch(String),
    /// The file is not a complete zip archive: cut short, or not a zip at all.
    #[error("{} is truncated or is not a zip archive: {reason}", path.display())]
    Unreadable {
        /// The archive.
        path: PathBuf,
        /// What the zip reader said.
        reason: String,
    },
    /// A zip archive, but not a SCIP backup this scip understands.
    #[error("{} is not a SCIP backup: {reason}", path.display())]
    WrongFormat {
        /// The archive.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A backup made by a newer scip, in a format version this one does not know.
    #[error(
        "backup format version {found} is newer than this scip understands (up to {known}); \
         restore it with a newer scip"
    )]
    FormatTooNew {
        /// The archive's format version.
        found: u32,
        /// The newest this binary knows.
        known: u32,
    },
    /// A backup of a database migrated by a newer scip.
    #[error(
        "backup holds database schema version {archive}, newer than this scip (knows up to \
         {known}); restore it with a newer scip"
    )]
    SchemaTooNew {
        /// Schema version recorded in the archive.
        archive: i64,
        /// The newest migration this binary carries.
        known: i64,
    },
    /// An entry the manifest lists is not in the archive.
    #[error("entry {entry} listed in the manifest is missing from the archive")]
    MissingEntry {
        /// The entry.
        entry: String,
    },
    /// The archive holds an entry the manifest does not list.
    #[error("entry {entry} is not listed in the manifest")]
    UnexpectedEntry {
        /// The entry.
        entry: String,
    },
    /// An entry's bytes differ from what the manifest recorded (size, checksum or the zip's
    /// own CRC): the archive was damaged or altered.
    #[error("entry {entry} is damaged or altered: {reason}")]
    Altered {
        /// The entry.
        entry: String,
        /// What differs.
        reason: String,
    },
    /// A table entry whose checksum matches but whose content is not valid rows.
    #[error("entry {entry} line {line}: {reason}")]
    Malformed {
        /// The entry.
        entry: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The database refused rows of a table while restoring (a constraint, a type).
    #[error("the database refused the rows of table {table}: {source}")]
    Refused {
        /// The table.
        table: String,
        /// What the database said.
        source: StoreError,
    },
    /// The target already holds data and replacing it was not asked for.
    #[error("the target is not empty ({contents}); restoring would replace all of it")]
    NotEmpty {
        /// What the target holds (`users: 3, scenarios: 2, media files: 4`).
        contents: String,
    },
    /// The database was restored but the restored media folder could not be moved into
    /// place; it is kept at `staged`.
    #[error(
        "the database was restored, but the restored media could not be moved into {}: \
         {reason}; the restored files are in {}",
        media.display(),
        staged.display()
    )]
    MediaSwap {
        /// The media folder.
        media: PathBuf,
        /// Where the restored files are.
        staged: PathBuf,
        /// What failed.
        reason: String,
    },
}

impl BackupError {
    /// An I/O failure while doing `what`.
    pub(crate) fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    /// An entry whose bytes differ from the manifest.
    pub(crate) fn altered(entry: &str, reason: impl Into<String>) -> Self {
        Self::Altered {
            entry: entry.to_owned(),
            reason: reason.into(),
        }
    }
}
