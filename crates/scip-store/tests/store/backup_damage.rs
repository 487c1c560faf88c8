//! Damaged, altered, incomplete or foreign archives are refused with a message naming the
//! problem, and the site being restored into — database rows and media files — is left
//! exactly as it was, even when the damage is only found half-way through loading.

use std::fs;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use scip_store::schema::known_version;
use scip_store::{BackupError, RestoreRequest, verify_archive};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use crate::backup_fixture::*;
use crate::support::*;

/// A filled site's backup, and another site with other data to restore into.
struct Case {
    _folder: tempfile::TempDir,
    archive: PathBuf,
    damaged: PathBuf,
    target: Site,
    before: Value,
}

impl Case {
    async fn new(db: TestDb) -> Self {
        let source = Site::new(db).await;
        fill(&source).await;
        let folder = tempfile::tempdir().unwrap();
        let archive = folder.path().join("good.zip");
        source.backup(&archive).await.unwrap();
        let target = source.fresh_like().await;
        fill_other(&target).await;
        let before = answers(&target.store).await;
        Self {
            damaged: folder.path().join("damaged.zip"),
            _folder: folder,
            archive,
            target,
            before,
        }
    }

    /// Restores the damaged archive over the target (replacing allowed): it must fail,
    /// naming `expected`, and change nothing.
    async fn refused(&self, expected: &str) -> BackupError {
        let err = self.target.restore(&self.damaged, true).await.unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "expected {expected:?} in: {err}"
        );
        self.assert_untouched().await;
        err
    }

    async fn assert_untouched(&self) {
        assert_eq!(answers(&self.target.store).await, self.before);
        let media = self.target.media_files();
        assert_eq!(media.keys().collect::<Vec<_>>(), ["old-logo.png"]);
        assert_eq!(media["old-logo.png"], b"old logo");
        assert_eq!(
            self.target.media_root_names(),
            ["media"],
            "no staging folder left"
        );
    }
}

/// Copies the archive entry by entry; `change` may replace or drop an entry (the manifest
/// included, as JSON); `extra` entries are appended. With `reseal`, the manifest's sizes and
/// checksums are recomputed, as a deliberate forger would.
fn rewrite(
    from: &Path,
    to: &Path,
    mut change: impl FnMut(&str, Vec<u8>) -> Option<Vec<u8>>,
    extra: &[(&str, &[u8])],
    reseal: bool,
) {
    let mut zip = zip::ZipArchive::new(fs::File::open(from).unwrap()).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).unwrap();
        if let Some(bytes) = change(&name, bytes) {
            entries.push((name, bytes));
        }
    }
    entries.extend(extra.iter().map(|(n, b)| (n.to_string(), b.to_vec())));
    if reseal {
        let sums: Vec<(String, u64, String)> = entries
            .iter()
            .map(|(n, b)| (n.clone(), b.len() as u64, hex::encode(Sha256::digest(b))))
            .collect();
        let manifest = entries
            .iter_mut()
            .find(|(n, _)| n == "manifest.json")
            .unwrap();
        let mut json: Value = serde_json::from_slice(&manifest.1).unwrap();
        for entry in json["entries"].as_array_mut().unwrap() {
            let (_, size, sha) = sums.iter().find(|(n, _, _)| entry["name"] == *n).unwrap();
            entry["size"] = (*size).into();
            entry["sha256"] = sha.clone().into();
        }
        manifest.1 = serde_json::to_vec(&json).unwrap();
    }
    let mut out = zip::ZipWriter::new(fs::File::create(to).unwrap());
    for (name, bytes) in entries {
        out.start_file(name, SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

fn edit_manifest(bytes: Vec<u8>, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut json: Value = serde_json::from_slice(&bytes).unwrap();
    edit(&mut json);
    serde_json::to_vec(&json).unwrap()
}

async fn a_truncated_archive_is_refused(db: TestDb) {
    let case = Case::new(db).await;
    let bytes = fs::read(&case.archive).unwrap();
    fs::write(&case.damaged, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let err = case.refused("is truncated or is not a zip archive").await;
    assert!(matches!(err, BackupError::Unreadable { .. }), "{err:?}");
}

async fn one_altered_byte_in_a_table_entry_is_refused_naming_it(db: TestDb) {
    let case = Case::new(db).await;
    rewrite(
        &case.archive,
        &case.damaged,
        |name, mut bytes| {
            if name == "db/events.jsonl" {
                let at = bytes.windows(6).position(|w| w == b"engine").unwrap();
                bytes[at + 2] = b'G';
            }
            Some(bytes)
        },
        &[],
        false,
    );
    case.refused("entry db/events.jsonl is damaged or altered: its SHA-256 differs")
        .await;
}

async fn an_altered_media_file_is_refused_naming_it(db: TestDb) {
    let case = Case::new(db).await;
    fs::copy(&case.archive, &case.damaged).unwrap();
    // Flip one byte inside the stored file's data, as disk damage would.
    let offset = {
        let mut zip = zip::ZipArchive::new(fs::File::open(&case.damaged).unwrap()).unwrap();
        let entry = zip.by_name("media/flood-map.png").unwrap();
        entry.data_start().unwrap() + 1_000
    };
    let mut file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&case.damaged)
        .unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    let mut byte = [0_u8; 1];
    file.read_exact(&mut byte).unwrap();
    file.seek(SeekFrom::Start(offset)).unwrap();
    file.write_all(&[byte[0] ^ 0x20]).unwrap();
    drop(file);
    let err = case
        .refused("entry media/flood-map.png is damaged or altered: its data does not read back")
        .await;
    assert!(matches!(err, BackupError::Altered { .. }), "{err:?}");
}

async fn a_missing_entry_is_refused_naming_it(db: TestDb) {
    let case = Case::new(db).await;
    rewrite(
        &case.archive,
        &case.damaged,
        |name, bytes| (name != "media/briefing.pdf").then_some(bytes),
        &[],
        false,
    );
    case.refused("entry media/briefing.pdf listed in the manifest is missing")
        .await;
}

async fn a_backup_of_a_newer_schema_is_refused(db: TestDb) {
    let case = Case::new(db).await;
    let newer = known_version() + 1;
    rewrite(
        &case.archive,
        &case.damaged,
        |name, bytes| {
            Some(if name == "manifest.json" {
                edit_manifest(bytes, |m| m["schema_version"] = newer.into())
            } else {
                bytes
            })
        },
        &[],
        false,
    );
    let err = case
        .refused(&format!("schema version {newer}, newer than this scip"))
        .await;
    assert!(matches!(err, BackupError::SchemaTooNew { .. }), "{err:?}");
}

async fn other_zips_and_extra_entries_are_refused(db: TestDb) {
    let case = Case::new(db).await;
    // A zip that is not a backup at all (a scenario bundle, say).
    let mut out = zip::ZipWriter::new(fs::File::create(&case.damaged).unwrap());
    out.start_file("scenario.yaml", SimpleFileOptions::default())
        .unwrap();
    out.write_all(b"id: x\n").unwrap();
    out.finish().unwrap();
    case.refused("is not a SCIP backup: it has no manifest.json")
        .await;
    // A newer layout.
    rewrite(
        &case.archive,
        &case.damaged,
        |name, bytes| {
            Some(if name == "manifest.json" {
                edit_manifest(bytes, |m| m["format_version"] = 7.into())
            } else {
                bytes
            })
        },
        &[],
        false,
    );
    case.refused("backup format version 7 is newer").await;
    // Something slipped in that the manifest does not list.
    rewrite(
        &case.archive,
        &case.damaged,
        |_, bytes| Some(bytes),
        &[("media/intruder.png", b"not ours")],
        false,
    );
    case.refused("entry media/intruder.png is not listed in the manifest")
        .await;
}

async fn a_resealed_entry_with_a_bad_row_is_refused_naming_the_line(db: TestDb) {
    let case = Case::new(db).await;
    rewrite(
        &case.archive,
        &case.damaged,
        |name, bytes| {
            if name != "db/settings.jsonl" {
                return Some(bytes);
            }
            let text = String::from_utf8(bytes).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            lines[1] = r#"{"key":"site.motto"}"#;
            Some(format!("{}\n", lines.join("\n")).into_bytes())
        },
        &[],
        true,
    );
    case.refused("entry db/settings.jsonl line 2: column value is missing")
        .await;
}

/// The damage is only found by the database half-way through loading (a duplicate event):
/// everything loaded so far is rolled back.
async fn rows_the_database_refuses_roll_the_whole_restore_back(db: TestDb) {
    let case = Case::new(db).await;
    rewrite(
        &case.archive,
        &case.damaged,
        |name, bytes| match name {
            "db/events.jsonl" => {
                let text = String::from_utf8(bytes).unwrap();
                let first = text.lines().next().unwrap().to_owned();
                Some(format!("{text}{first}\n").into_bytes())
            }
            "manifest.json" => Some(edit_manifest(bytes, |m| {
                for t in m["tables"].as_array_mut().unwrap() {
                    if t["name"] == "events" {
                        t["rows"] = (t["rows"].as_u64().unwrap() + 1).into();
                    }
                }
            })),
            _ => Some(bytes),
        },
        &[],
        true,
    );
    let err = case
        .refused("the database refused the rows of table events")
        .await;
    assert!(matches!(err, BackupError::Refused { .. }), "{err:?}");
}

/// The archive verified, then changed before the restore read it: the second check while
/// loading catches it, after the tables were loaded, and nothing is kept.
async fn an_archive_changed_after_verification_is_caught_while_loading(db: TestDb) {
    let case = Case::new(db).await;
    fs::copy(&case.archive, &case.damaged).unwrap();
    let verified = verify_archive(&case.damaged, &mut |_| {}).unwrap();
    let swapped = case.damaged.with_extension("tmp");
    rewrite(
        &case.damaged,
        &swapped,
        |name, mut bytes| {
            if name == "media/thumbs/flood-map.png" {
                bytes[10] ^= 1;
            }
            Some(bytes)
        },
        &[],
        false,
    );
    fs::rename(&swapped, &case.damaged).unwrap();
    let media = case.target.media_dir();
    let err = case
        .target
        .store
        .restore(
            &verified,
            &RestoreRequest {
                media_dir: &media,
                replace: true,
            },
            &mut |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("entry media/thumbs/flood-map.png is damaged or altered"),
        "{err}"
    );
    case.assert_untouched().await;
}

crate::on_both_databases!(
    a_truncated_archive_is_refused,
    one_altered_byte_in_a_table_entry_is_refused_naming_it,
    an_altered_media_file_is_refused_naming_it,
    a_missing_entry_is_refused_naming_it,
    a_backup_of_a_newer_schema_is_refused,
    other_zips_and_extra_entries_are_refused,
    a_resealed_entry_with_a_bad_row_is_refused_naming_the_line,
    rows_the_database_refuses_roll_the_whole_restore_back,
    an_archive_changed_after_verification_is_caught_while_loading,
);
