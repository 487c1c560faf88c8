//! What `scip backup` and `scip restore` print while they work: one line per table, media
//! totals and anything left out, on stderr, so stdout keeps only the final result.

use scip_store::Progress;
use scip_store::backup::Manifest;

/// Counts media as they go by and prints the progress lines.
#[derive(Debug, Default)]
pub struct Reporter {
    media_files: u64,
    media_bytes: u64,
}

/// Media files between two progress lines.
const MEDIA_LINE_EVERY: u64 = 100;

impl Reporter {
    /// Prints one progress report.
    pub fn report(&mut self, progress: Progress<'_>) {
        match progress {
            Progress::TableSaved { table, rows } => {
                eprintln!("  table {table}: {}", plural(rows, "row"))
            }
            Progress::TableLoaded { table, rows } => {
                eprintln!("  table {table}: {} loaded", plural(rows, "row"))
            }
            Progress::EntryVerified { entry, bytes } if !entry.starts_with("media/") => {
                eprintln!("  {entry}: {} verified", format_bytes(bytes))
            }
            Progress::EntryVerified { bytes, .. }
            | Progress::MediaSaved { bytes, .. }
            | Progress::MediaExtracted { bytes, .. } => {
                self.media_files += 1;
                self.media_bytes += bytes;
                if self.media_files.is_multiple_of(MEDIA_LINE_EVERY) {
                    eprintln!(
                        "  media: {}, {} so far",
                        plural(self.media_files, "file"),
                        format_bytes(self.media_bytes)
                    );
                }
            }
            Progress::MediaSkipped { path, reason } => {
                eprintln!("  warning: {} left out: {reason}", path.display())
            }
        }
    }

    /// Prints the media total seen since the last call and starts counting again.
    pub fn finish_media(&mut self, verb: &str) {
        eprintln!(
            "  media: {}, {} {verb}",
            plural(self.media_files, "file"),
            format_bytes(self.media_bytes)
        );
        *self = Self::default();
    }
}

/// `1 row`, `3 rows`.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `2.1 MB`, `912 bytes`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1_000 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1_000.0;
    let mut unit = 0;
    while value >= 1_000.0 && unit + 1 < UNITS.len() {
        value /= 1_000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// One line describing a backup: where from, when, by which scip, and what it holds.
pub fn describe(manifest: &Manifest) -> String {
    format!(
        "{} database, schema version {}, taken {} by scip {}: {} in {}, {} ({})",
        manifest.database,
        manifest.schema_version,
        manifest.created_at,
        manifest.scip_version,
        plural(manifest.total_rows(), "row"),
        plural(manifest.tables.len() as u64, "table"),
        plural(manifest.media.files, "media file"),
        format_bytes(manifest.media.bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_bytes(912), "912 bytes");
        assert_eq!(format_bytes(70_000), "70.0 kB");
        assert_eq!(format_bytes(2_100_000), "2.1 MB");
        assert_eq!(format_bytes(5_000_000_000_000_000), "5000.0 TB");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(plural(1, "row"), "1 row");
        assert_eq!(plural(0, "media file"), "0 media files");
    }
}
