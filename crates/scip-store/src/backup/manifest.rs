//! `manifest.json`: what a backup holds and the size and SHA-256 of every other entry.
//! Reading it is pure and checks everything that can be checked without the entries.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::{BackupError, BackupResult};
use super::names::{is_media_entry, media_relative_path, table_entry};
use super::tables::{ColumnType, TABLES, table};

/// The `format` every SCIP backup manifest carries.
pub const FORMAT_NAME: &str = "scip-backup";
/// The archive layout this scip writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The archive layout version ([`FORMAT_VERSION`] when written by this scip).
    pub format_version: u32,
    /// The scip that wrote it.
    pub scip_version: String,
    /// The newest migration applied to the database it was taken from.
    pub schema_version: i64,
    /// `sqlite` or `postgres`: where it was taken from (it restores into either).
    pub database: String,
    /// When it was taken, RFC 3339 UTC.
    pub created_at: String,
    /// When it was taken, Unix ms.
    pub created_at_ms: i64,
    /// Every table, in the order they are restored.
    pub tables: Vec<TableManifest>,
    /// Totals of the media folder.
    pub media: MediaSummary,
    /// Every entry but the manifest, with its size and checksum.
    pub entries: Vec<EntryManifest>,
}

/// One table of the backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableManifest {
    /// Table name.
    pub name: String,
    /// Its entry, `db/<name>.jsonl`.
    pub entry: String,
    /// Number of rows (lines).
    pub rows: u64,
    /// Its columns, as each row object's keys.
    pub columns: Vec<ColumnManifest>,
}

/// One column of a backed-up table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnManifest {
    /// Column name.
    pub name: String,
    /// `integer` or `text`.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
}

/// Totals of the backed-up media folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSummary {
    /// Number of files.
    pub files: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// One entry of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryManifest {
    /// Entry name inside the zip.
    pub name: String,
    /// Uncompressed size in bytes.
    pub size: u64,
    /// SHA-256 of the uncompressed bytes, lowercase hex.
    pub sha256: String,
}

/// The two fields read before anything else, so a newer layout is reported as such rather
/// than as a parse error.
#[derive(Deserialize)]
struct FormatHeader {
    format: Option<String>,
    format_version: Option<u32>,
}

impl Manifest {
    /// The entry named `name`.
    pub fn entry(&self, name: &str) -> Option<&EntryManifest> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// Total rows over every table.
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }

    /// The media entries.
    pub fn media_entries(&self) -> impl Iterator<Item = &EntryManifest> {
        self.entries.iter().filter(|e| is_media_entry(&e.name))
    }
}

/// Reads and checks the manifest of the archive at `path` (named in messages): a SCIP backup,
/// a format version this scip reads, a schema no newer than `known_schema`, tables and columns
/// this scip knows, and every entry accounted for exactly once with a safe name.
pub fn parse_manifest(path: &Path, bytes: &[u8], known_schema: i64) -> BackupResult<Manifest> {
    let wrong = |reason: String| BackupError::WrongFormat {
        path: path.to_owned(),
        reason,
    };
    let header: FormatHeader = serde_json::from_slice(bytes)
        .map_err(|e| wrong(format!("manifest.json is not readable JSON: {e}")))?;
    if header.format.as_deref() != Some(FORMAT_NAME) {
        return Err(wrong(format!(
            "manifest.json has format {:?}, expected {FORMAT_NAME:?}",
            header.format.unwrap_or_default()
        )));
    }
    match header.format_version {
        Some(v) if v > FORMAT_VERSION => {
            return Err(BackupError::FormatTooNew {
                found: v,
                known: FORMAT_VERSION,
            });
        }
        Some(v) if v >= 1 => {}
        other => {
            return Err(wrong(format!(
                "manifest.json has format version {other:?}, expected 1 to {FORMAT_VERSION}"
            )));
        }
    }
    let manifest: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| wrong(format!("manifest.json is not a valid manifest: {e}")))?;
    if manifest.schema_version > known_schema {
        return Err(BackupError::SchemaTooNew {
            archive: manifest.schema_version,
            known: known_schema,
        });
    }
    check_contents(&manifest, manifest.schema_version == known_schema)
        .map_err(|reason| wrong(format!("manifest.json: {reason}")))?;
    Ok(manifest)
}

/// Everything listed once, tables and columns known, sums right. A backup of the schema this
/// scip knows (`current_schema`) must also have every table and column of it.
fn check_contents(m: &Manifest, current_schema: bool) -> Result<(), String> {
    if m.schema_version < 1 {
        return Err(format!("schema version {} is not valid", m.schema_version));
    }
    if m.database != "sqlite" && m.database != "postgres" {
        return Err(format!(
            "database {:?} is neither sqlite nor postgres",
            m.database
        ));
    }
    let mut entry_names = HashSet::new();
    for e in &m.entries {
        if !entry_names.insert(e.name.as_str()) {
            return Err(format!("entry {} is listed twice", e.name));
        }
        if e.sha256.len() != 64 || !e.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("entry {} has no valid SHA-256", e.name));
        }
    }
    let mut table_entries = HashSet::new();
    for t in &m.tables {
        let spec = table(&t.name).ok_or_else(|| format!("table {:?} is unknown", t.name))?;
        if t.entry != table_entry(&t.name) {
            return Err(format!("table {} is stored as {:?}", t.name, t.entry));
        }
        if !table_entries.insert(t.entry.as_str()) {
            return Err(format!("table {} is listed twice", t.name));
        }
        if !entry_names.contains(t.entry.as_str()) {
            return Err(format!("table {} has no entry {}", t.name, t.entry));
        }
        let mut columns = HashSet::new();
        for c in &t.columns {
            let known = spec
                .column(&c.name)
                .ok_or_else(|| format!("table {} has unknown column {:?}", t.name, c.name))?;
            if known.column_type != c.column_type {
                return Err(format!(
                    "column {}.{} is {}, expected {}",
                    t.name,
                    c.name,
                    c.column_type.as_str(),
                    known.column_type.as_str()
                ));
            }
            if !columns.insert(c.name.as_str()) {
                return Err(format!("column {}.{} is listed twice", t.name, c.name));
            }
        }
    }
    if current_schema {
        for spec in TABLES {
            let t = m
                .tables
                .iter()
                .find(|t| t.name == spec.name)
                .ok_or_else(|| format!("table {} is missing", spec.name))?;
            for c in spec.columns {
                if !t.columns.iter().any(|m| m.name == c.name) {
                    return Err(format!("table {} lacks column {}", spec.name, c.name));
                }
            }
        }
    }
    let (mut files, mut bytes) = (0_u64, 0_u64);
    for e in &m.entries {
        if table_entries.contains(e.name.as_str()) {
            continue;
        }
        media_relative_path(&e.name).map_err(|reason| format!("entry {reason}"))?;
        files += 1;
        bytes = bytes.saturating_add(e.size);
    }
    if (files, bytes) != (m.media.files, m.media.bytes) {
        return Err(format!(
            "media totals say {} files of {} bytes, the entries {files} files of {bytes} bytes",
            m.media.files, m.media.bytes
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Manifest {
        Manifest {
            format: FORMAT_NAME.into(),
            format_version: 1,
            scip_version: "0.1.0".into(),
            schema_version: 1,
            database: "sqlite".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            created_at_ms: 1_767_225_600_000,
            tables: vec![TableManifest {
                name: "settings".into(),
                entry: "db/settings.jsonl".into(),
                rows: 1,
                columns: vec![
                    ColumnManifest {
                        name: "key".into(),
                        column_type: ColumnType::Text,
                    },
                    ColumnManifest {
                        name: "value".into(),
                        column_type: ColumnType::Text,
                    },
                ],
            }],
            media: MediaSummary { files: 1, bytes: 3 },
            entries: vec![
                EntryManifest {
                    name: "db/settings.jsonl".into(),
                    size: 20,
                    sha256: "a".repeat(64),
                },
                EntryManifest {
                    name: "media/a.png".into(),
                    size: 3,
                    sha256: "b".repeat(64),
                },
            ],
        }
    }

    /// Parsed by a scip whose schema is one newer than the sample's (which need not hold
    /// every table of the current schema).
    fn parse(m: &Manifest) -> BackupResult<Manifest> {
        parse_manifest(
            Path::new("x.zip"),
            serde_json::to_string(m).unwrap().as_bytes(),
            2,
        )
    }

    #[test]
    fn a_manifest_round_trips() {
        assert_eq!(parse(&sample()).unwrap(), sample());
    }

    #[test]
    fn newer_formats_and_schemas_are_refused_by_name() {
        let mut m = sample();
        m.format_version = 2;
        assert!(matches!(
            parse(&m),
            Err(BackupError::FormatTooNew { found: 2, known: 1 })
        ));
        let mut m = sample();
        m.schema_version = 9;
        let err = parse(&m).unwrap_err();
        assert!(
            matches!(
                err,
                BackupError::SchemaTooNew {
                    archive: 9,
                    known: 2
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("schema version 9"), "{err}");
    }

    #[test]
    fn other_json_is_not_a_scip_backup() {
        let err =
            parse_manifest(Path::new("x.zip"), br#"{"format":"scip-bundle/1"}"#, 1).unwrap_err();
        assert!(matches!(err, BackupError::WrongFormat { .. }), "{err}");
        assert!(err.to_string().contains("scip-bundle/1"), "{err}");
    }

    #[test]
    fn inconsistent_manifests_are_refused() {
        type Change = Box<dyn Fn(&mut Manifest)>;
        let cases: Vec<(&str, Change)> = vec![
            ("unknown", Box::new(|m| m.tables[0].name = "secrets".into())),
            (
                "stored as",
                Box::new(|m| m.tables[0].entry = "db/x.jsonl".into()),
            ),
            (
                "listed twice",
                Box::new(|m| m.entries.push(m.entries[1].clone())),
            ),
            (
                "unknown column",
                Box::new(|m| m.tables[0].columns[0].name = "nope".into()),
            ),
            (
                "expected text",
                Box::new(|m| m.tables[0].columns[0].column_type = ColumnType::Integer),
            ),
            (
                "\"..\"",
                Box::new(|m| m.entries[1].name = "media/../evil".into()),
            ),
            ("media totals", Box::new(|m| m.media.bytes = 4)),
            ("SHA-256", Box::new(|m| m.entries[0].sha256 = "zz".into())),
            (
                "has no entry",
                Box::new(|m| {
                    m.entries.remove(0);
                }),
            ),
        ];
        for (expected, change) in cases {
            let mut m = sample();
            change(&mut m);
            let err = parse(&m).unwrap_err().to_string();
            assert!(err.contains(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn a_backup_of_the_current_schema_must_hold_every_table_and_column() {
        let err = parse_manifest(
            Path::new("x.zip"),
            serde_json::to_string(&sample()).unwrap().as_bytes(),
            1,
        )
        .unwrap_err();
        assert!(err.to_string().contains("table users is missing"), "{err}");
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_or_refused_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_manifest(Path::new("x.zip"), &bytes, 1);
        }

        #[test]
        fn any_json_object_is_read_or_refused_without_panicking(
            version in prop::option::of(0_u32..4),
            schema in -2_i64..4,
            rows in 0_u64..5,
            name in "[a-z_./]{0,16}",
        ) {
            let mut m = sample();
            m.schema_version = schema;
            m.tables[0].rows = rows;
            m.entries[1].name = name;
            let mut value = serde_json::to_value(&m).unwrap();
            value["format_version"] = serde_json::json!(version);
            let _ = parse_manifest(Path::new("x.zip"), value.to_string().as_bytes(), 2);
        }
    }
}
