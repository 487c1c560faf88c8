//! Backup and restore: one zip archive holding every row of every SCIP table and every file
//! of the media folder, with a manifest of checksums; the same archive restores into SQLite or
//! PostgreSQL.
//!
//! Layout of an archive:
//!
//! - `manifest.json`: [`Manifest`] — format version, scip version, schema version, database
//!   kind, creation time, per-table row counts and columns, and the size and SHA-256 of every
//!   other entry;
//! - `db/<table>.jsonl`: every row of a table, one JSON object per line, in the order of
//!   [`TABLES`] (parents before children);
//! - `media/<path>`: every file of the media folder.
//!
//! [`Store::backup`] reads every table inside one read-only snapshot transaction, so a backup
//! taken while an exercise runs is one instant of the database. [`verify_archive`] checks
//! everything (manifest, versions, every entry's size and SHA-256, every line) before a
//! restore touches anything; [`Store::restore`] then replaces the database's rows in one
//! transaction and swaps the media folder by renames only after that transaction commits.
//!
//! Modules: [`tables`] (what is backed up), [`manifest`], [`names`] (entry names), `rows`
//! (rows as JSON lines), `digest` (checksums), `writer`/`reader` (the zip), `media_files`
//! (listing, staging and swapping the media folder), `schema_check` (the table list against
//! the live database), `export` and `import` (the two operations).

mod digest;
mod error;
mod export;
mod import;
pub mod manifest;
mod media_files;
pub mod names;
mod reader;
mod rows;
mod schema_check;
pub mod tables;
mod writer;

use std::path::Path;

pub use error::{BackupError, BackupResult};
pub use export::{BackupRequest, BackupSummary};
pub use import::{RestoreRequest, RestoreSummary};
pub use manifest::{FORMAT_VERSION, Manifest};
pub use reader::{VerifiedArchive, verify_archive};
pub use tables::TABLES;

/// What a backup or restore is doing, reported as it goes (for progress output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Every row of a table was written to the archive.
    TableSaved {
        /// The table.
        table: &'a str,
        /// Rows written.
        rows: u64,
    },
    /// A media file was written to the archive.
    MediaSaved {
        /// Its path in the media folder.
        name: &'a str,
        /// Its size.
        bytes: u64,
    },
    /// Something in the media folder was left out of the archive.
    MediaSkipped {
        /// What.
        path: &'a Path,
        /// Why (not a regular file, name not UTF-8, vanished meanwhile).
        reason: String,
    },
    /// An entry of the archive was read and matched its manifest record.
    EntryVerified {
        /// The entry.
        entry: &'a str,
        /// Its size.
        bytes: u64,
    },
    /// Every row of a table was loaded into the database (not yet committed).
    TableLoaded {
        /// The table.
        table: &'a str,
        /// Rows loaded.
        rows: u64,
    },
    /// A media file was unpacked into the staging folder.
    MediaExtracted {
        /// Its path in the media folder.
        name: &'a str,
        /// Its size.
        bytes: u64,
    },
}

/// Receives [`Progress`] reports.
pub type ProgressSink<'s> = dyn FnMut(Progress<'_>) + Send + 's;
