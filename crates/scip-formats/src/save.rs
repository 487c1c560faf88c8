//! Writing a scenario in any output format, to bytes or to a path.

use std::fmt;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use scip_core::Scenario;

use crate::archive::write_zip;
use crate::bundle::{MEDIA_DIR, bundle_files};
use crate::error::FormatError;
use crate::fileset::staging_path;
use crate::msel::{write_csv, write_xlsx};
use crate::source::FileSource;

/// A format SCIP writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A bundle folder.
    Bundle,
    /// A bundle packed as a zip.
    Zip,
    /// An MSEL CSV (injects only).
    Csv,
    /// An MSEL workbook.
    Xlsx,
}

impl OutputFormat {
    /// The format a path asks for by its extension: `.zip`, `.csv`, `.xlsx`, anything else a
    /// bundle folder.
    pub fn from_path(path: &Path) -> Self {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("zip") => Self::Zip,
            Some("csv") => Self::Csv,
            Some("xlsx") => Self::Xlsx,
            _ => Self::Bundle,
        }
    }

    /// Reads `bundle`, `zip`, `csv` or `xlsx`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "bundle" | "folder" => Some(Self::Bundle),
            "zip" => Some(Self::Zip),
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    /// The name [`OutputFormat::parse`] reads.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bundle => "bundle",
            Self::Zip => "zip",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scenario as one file: a bundle zip, a CSV or a workbook (for downloads). A bundle
/// folder is not one file; ask for [`OutputFormat::Zip`].
pub fn to_bytes(
    scenario: &Scenario,
    media: &dyn FileSource,
    format: OutputFormat,
) -> Result<Vec<u8>, FormatError> {
    match format {
        OutputFormat::Bundle => Err(FormatError::Unwritable(
            "a bundle folder is not a single file; write a zip instead".to_owned(),
        )),
        OutputFormat::Zip => write_zip(&bundle_files(scenario, media)?),
        OutputFormat::Csv => write_csv(scenario),
        OutputFormat::Xlsx => write_xlsx(scenario),
    }
}

/// What [`write_path`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The bundle folder or file written.
    pub path: PathBuf,
    /// Media files written next to a spreadsheet, and where.
    pub media: Option<(PathBuf, usize)>,
}

/// Writes the scenario to `path`. A bundle goes into a new or empty folder; a file output is
/// written next to its target and moved into place, and an existing file is replaced only
/// when `overwrite` is set. Spreadsheets cannot hold media, so the media files they name go
/// to `media/` beside them (a file there with other content is never replaced).
pub fn write_path(
    scenario: &Scenario,
    media: &dyn FileSource,
    path: &Path,
    format: OutputFormat,
    overwrite: bool,
) -> Result<Written, FormatError> {
    if format == OutputFormat::Bundle {
        bundle_files(scenario, media)?.write_dir(path)?;
        return Ok(Written {
            path: path.to_path_buf(),
            media: None,
        });
    }
    if !overwrite && fs::symlink_metadata(path).is_ok() {
        return Err(FormatError::OutputExists(path.to_path_buf()));
    }
    let bytes = to_bytes(scenario, media, format)?;
    let mut media_written = None;
    if matches!(format, OutputFormat::Csv | OutputFormat::Xlsx) && !scenario.media_refs().is_empty()
    {
        let dir = path.parent().unwrap_or(Path::new(".")).join(MEDIA_DIR);
        let count = write_media_beside(scenario, media, &dir)?;
        media_written = Some((dir, count));
    }
    write_file_atomically(path, &bytes)?;
    Ok(Written {
        path: path.to_path_buf(),
        media: media_written,
    })
}

fn write_media_beside(
    scenario: &Scenario,
    media: &dyn FileSource,
    dir: &Path,
) -> Result<usize, FormatError> {
    // The names come from the bundle writer's own check: plain file names only.
    let files = bundle_files(scenario, media)?;
    fs::create_dir_all(dir).map_err(|e| FormatError::write(dir, e))?;
    let mut count = 0;
    for (path, bytes) in files.iter() {
        let Some(name) = path.strip_prefix(&format!("{MEDIA_DIR}/")) else {
            continue;
        };
        let target = dir.join(name);
        match fs::read(&target) {
            Ok(existing) if existing == bytes => continue,
            Ok(_) => {
                return Err(FormatError::Unwritable(format!(
                    "{} already exists with other content; move it away or write elsewhere",
                    target.display()
                )));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(FormatError::read(&target, e)),
        }
        write_file_atomically(&target, bytes)?;
        count += 1;
    }
    Ok(count)
}

/// Writes a file beside its target and renames it into place, so a reader never sees half a
/// file. A missing parent folder is created.
fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<(), FormatError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| FormatError::write(parent, e))?;
    }
    let staging = staging_path(path);
    fs::write(&staging, bytes).map_err(|e| FormatError::write(&staging, e))?;
    fs::rename(&staging, path).map_err(|e| {
        let _ = fs::remove_file(&staging);
        FormatError::write(path, e)
    })
}
