//! Backup → wipe → restore gives identical answers, on each database and across them; a
//! backup taken while the exercise is written to is one instant; restore replaces data only
//! when told to.

use std::sync::mpsc;

use scip_store::backup::names::table_entry;
use scip_store::schema::known_version;
use scip_store::{BackupError, NewEvent, Progress, Store};
use serde_json::json;

use crate::backup_fixture::*;
use crate::support::*;

/// Backs `from` up, restores the archive into `to` (empty) and checks every answer, every
/// media file and every table entry match.
async fn round_trip(from: &Site, to: &Site) {
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("scip-backup.zip");
    let summary = from.backup(&archive).await.unwrap();
    let manifest = &summary.manifest;
    assert_eq!(manifest.schema_version, known_version());
    assert_eq!(manifest.database, from.store.kind().as_str());
    assert_eq!(manifest.created_at, "2026-01-02T00:00:00Z");
    assert_eq!(manifest.media.files, 3);
    let users = manifest.tables.iter().find(|t| t.name == "users").unwrap();
    assert_eq!(users.rows, 2);
    for table in [
        "deliveries",
        "receipts",
        "skipped_injects",
        "events",
        "engine_leases",
    ] {
        let t = manifest.tables.iter().find(|t| t.name == table).unwrap();
        assert!(t.rows > 0, "the fixture has {table}");
    }

    let expected = answers(&from.store).await;
    let restored = to.restore(&archive, false).await.unwrap();
    assert_eq!(restored.rows, manifest.total_rows());
    assert_eq!(restored.media_files, 3);
    assert_eq!(answers(&to.store).await, expected);
    assert_eq!(to.media_files(), from.media_files());

    // A backup of the restored site holds the very same rows and files.
    let again = folder.path().join("again.zip");
    to.backup(&again).await.unwrap();
    assert_eq!(archive_entries(&again), archive_entries(&archive));
}

async fn backup_wipe_restore_gives_identical_answers(db: TestDb) {
    let from = Site::new(db).await;
    fill(&from).await;
    let to = from.fresh_like().await;
    round_trip(&from, &to).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_backup_restores_into_postgresql() {
    let from = Site::sqlite().await;
    fill(&from).await;
    round_trip(&from, &Site::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_backup_restores_into_sqlite() {
    let from = Site::postgres().await;
    fill(&from).await;
    round_trip(&from, &Site::sqlite().await).await;
}

/// Events are appended by another process between the backup reading `exercises` and reading
/// `events`: the backup still holds one instant (the exercise's `event_seq` matches its last
/// event).
async fn a_backup_taken_during_writes_is_one_instant(db: TestDb) {
    let site = Site::new(db).await;
    fill(&site).await;
    let ex = eid("ex-storm-1");
    let before = site.store.get_exercise(&ex).await.unwrap().event_seq;

    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let url = site.db.url.clone();
    let writer = std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let store = Store::connect(&url).await.unwrap();
            go_rx.recv().unwrap();
            for i in 0..5 {
                store
                    .append_event(
                        &eid("ex-storm-1"),
                        "alice",
                        &NewEvent::new("note", json!({"n": i})),
                        T0 + 90_000 + i,
                    )
                    .await
                    .unwrap();
            }
            store.close().await;
            done_tx.send(()).unwrap();
        });
    });

    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("during.zip");
    let mut saw_exercises = false;
    let saw = &mut saw_exercises;
    site.backup_reporting(&archive, &mut move |p| {
        if p == (Progress::TableSaved {
            table: "exercises",
            rows: 2,
        }) {
            *saw = true;
            go_tx.send(()).unwrap();
            done_rx.recv().unwrap();
        }
    })
    .await
    .unwrap();
    writer.join().unwrap();
    assert!(saw_exercises);
    assert_eq!(
        site.store.get_exercise(&ex).await.unwrap().event_seq,
        before + 5,
        "the writes happened"
    );

    let restored = site.fresh_like().await;
    restored.restore(&archive, false).await.unwrap();
    let record = restored.store.get_exercise(&ex).await.unwrap();
    assert_eq!(record.event_seq, before);
    let events = restored
        .store
        .events(
            &ex,
            scip_store::EventQuery {
                limit: 10_000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        events.last().unwrap().seq,
        before,
        "no event after the snapshot"
    );
    assert!(events.iter().all(|e| e.kind != "note"));
}

async fn restore_refuses_a_site_with_data_unless_told_to_replace_it(db: TestDb) {
    let from = Site::new(db).await;
    fill(&from).await;
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("b.zip");
    from.backup(&archive).await.unwrap();

    let target = from.fresh_like().await;
    fill_other(&target).await;
    let before = answers(&target.store).await;
    let err = target.restore(&archive, false).await.unwrap_err();
    assert!(matches!(err, BackupError::NotEmpty { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("users: 1") && message.contains("scenarios: 1"),
        "{message}"
    );
    assert!(message.contains("media files: 1"), "{message}");
    assert_eq!(answers(&target.store).await, before);
    assert_eq!(target.media_files().len(), 1);

    // A media folder alone is data too.
    let media_only = from.fresh_like().await;
    std::fs::create_dir_all(media_only.media_dir()).unwrap();
    std::fs::write(media_only.media_dir().join("x.png"), b"x").unwrap();
    let err = media_only.restore(&archive, false).await.unwrap_err();
    assert!(err.to_string().contains("(media files: 1)"), "{err}");

    // An archive kept in the media folder would be swapped away while it is read.
    let kept_inside = target.media_dir().join("b.zip");
    std::fs::copy(&archive, &kept_inside).unwrap();
    let err = target.restore(&kept_inside, true).await.unwrap_err();
    assert!(matches!(err, BackupError::InsideMedia { .. }), "{err}");
    assert_eq!(answers(&target.store).await, before);
    std::fs::remove_file(&kept_inside).unwrap();

    target.restore(&archive, true).await.unwrap();
    assert_eq!(answers(&target.store).await, answers(&from.store).await);
    assert_eq!(target.media_files(), from.media_files());
    assert!(!target.media_files().contains_key("old-logo.png"));
}

async fn backup_refuses_to_overwrite_and_leaves_no_partial_file(db: TestDb) {
    let site = Site::new(db).await;
    fill(&site).await;
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("b.zip");
    std::fs::write(&archive, b"keep me").unwrap();
    let err = site.backup(&archive).await.unwrap_err();
    assert!(matches!(err, BackupError::OutputExists { .. }), "{err}");
    assert_eq!(std::fs::read(&archive).unwrap(), b"keep me");

    // Inside the media folder the archive would copy itself as it grows.
    let inside = site.media_dir().join("backup.zip");
    let err = site.backup(&inside).await.unwrap_err();
    assert!(matches!(err, BackupError::InsideMedia { .. }), "{err}");
    assert!(!inside.exists());
    let err = site
        .backup(&folder.path().join("missing/b.zip"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");

    // A database whose schema outgrew the backup format is refused, and nothing is left.
    site.db
        .execute("CREATE TABLE audit_trail (note TEXT)")
        .await;
    let other = folder.path().join("c.zip");
    let err = site.backup(&other).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("table audit_trail is not backed up"),
        "{err}"
    );
    let names: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["b.zip"], "no temporary file is left behind");
}

async fn an_empty_site_backs_up_and_restores(db: TestDb) {
    let site = Site::new(db).await;
    let folder = tempfile::tempdir().unwrap();
    let archive = folder.path().join("empty.zip");
    let summary = site.backup(&archive).await.unwrap();
    assert_eq!(summary.manifest.total_rows(), 0);
    assert_eq!(summary.manifest.media.files, 0);
    let entries = archive_entries(&archive);
    assert_eq!(entries[&table_entry("users")], b"");
    let target = site.fresh_like().await;
    target.restore(&archive, false).await.unwrap();
    assert_eq!(answers(&target.store).await, answers(&site.store).await);
    assert!(target.media_files().is_empty());
}

crate::on_both_databases!(
    backup_wipe_restore_gives_identical_answers,
    a_backup_taken_during_writes_is_one_instant,
    restore_refuses_a_site_with_data_unless_told_to_replace_it,
    backup_refuses_to_overwrite_and_leaves_no_partial_file,
    an_empty_site_backs_up_and_restores,
);
