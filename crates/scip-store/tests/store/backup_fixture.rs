//! A site to back up — a database and its media folder — filled with a day's work: users,
//! a scenario with two versions, media, a finished exercise with deliveries, receipts, skips,
//! events and a lease; and every answer the store's read functions give about it, as JSON.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use scip_core::engine::{Command, Passed, WallMs};
use scip_core::model::MediaKind;
use scip_store::backup::names::MANIFEST_ENTRY;
use scip_store::{
    BackupRequest, BackupResult, BackupSummary, DashboardHealth, DashboardInfo, DeliveryCause,
    DeliveryFilter, EventQuery, ExerciseRecord, MediaRecord, NewEvent, NewUser, Paging, Progress,
    Receipt, ReceiptKind, RestoreRequest, RestoreSummary, Role, Store, VersionNote, verify_archive,
};
use serde_json::{Value, json};

use crate::support::*;

pub const T0: WallMs = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// A database and its media folder.
pub struct Site {
    pub db: TestDb,
    pub store: Store,
    media_root: tempfile::TempDir,
}

impl Site {
    /// An empty site on a fresh database of the same kind as `db`.
    pub async fn new(db: TestDb) -> Self {
        let store = db.store().await;
        Self {
            db,
            store,
            media_root: tempfile::tempdir().unwrap(),
        }
    }

    pub async fn sqlite() -> Self {
        Self::new(TestDb::sqlite().await).await
    }

    pub async fn postgres() -> Self {
        Self::new(TestDb::postgres().await).await
    }

    /// An empty site on the same kind of database.
    pub async fn fresh_like(&self) -> Self {
        if self.db.url.starts_with("sqlite") {
            Self::sqlite().await
        } else {
            Self::postgres().await
        }
    }

    /// The media folder (not created until something is put there).
    pub fn media_dir(&self) -> PathBuf {
        self.media_root.path().join("media")
    }

    /// Writes a backup to `output`.
    pub async fn backup(&self, output: &Path) -> BackupResult<BackupSummary> {
        self.backup_reporting(output, &mut |_| {}).await
    }

    /// Writes a backup to `output`, reporting progress to `progress`.
    pub async fn backup_reporting(
        &self,
        output: &Path,
        progress: &mut (dyn FnMut(Progress<'_>) + Send),
    ) -> BackupResult<BackupSummary> {
        let media = self.media_dir();
        let request = BackupRequest {
            output,
            replace: false,
            media_dir: &media,
            scip_version: "0.1.0-test",
            now: T0 + 86_400_000,
        };
        self.store.backup(&request, progress).await
    }

    /// Verifies `archive` and restores it here, as `scip restore` does.
    pub async fn restore(&self, archive: &Path, replace: bool) -> BackupResult<RestoreSummary> {
        let verified = verify_archive(archive, &mut |_| {})?;
        let media = self.media_dir();
        let request = RestoreRequest {
            media_dir: &media,
            replace,
        };
        self.store.restore(&verified, &request, &mut |_| {}).await
    }

    /// Every media file: relative path → bytes.
    pub fn media_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.media_dir(), "", &mut files);
        files
    }

    /// Names in the folder holding the media folder (a restore's staging and replaced
    /// folders would show here).
    pub fn media_root_names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.media_root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn put_media(&self, relative: &str, bytes: &[u8]) {
        let path = self.media_dir().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
}

fn collect(dir: &Path, prefix: &str, files: &mut BTreeMap<String, Vec<u8>>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            collect(&entry.path(), &format!("{name}/"), files);
        } else {
            files.insert(name, fs::read(entry.path()).unwrap());
        }
    }
}

fn media(name: &str, kind: MediaKind, bytes: &[u8], at: WallMs) -> MediaRecord {
    MediaRecord {
        name: name.into(),
        content_type: "application/octet-stream".into(),
        kind,
        size_bytes: bytes.len() as u64,
        width: (kind == MediaKind::Image).then_some(640),
        height: (kind == MediaKind::Image).then_some(480),
        sha256: format!("{:064x}", bytes.len()),
        created_by: Some("alice".into()),
        created_at: at,
    }
}

/// Bytes that are not text: every byte value, several times.
pub fn binary_bytes(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 256) as u8).collect()
}

async fn current(store: &Store, ex: &ExerciseRecord) -> ExerciseRecord {
    store.get_exercise(&ex.id).await.unwrap()
}

/// Applies an engine command to the exercise, as the engine driver would.
async fn command(store: &Store, ex: &ExerciseRecord, cmd: Command, actor: &str, at: WallMs) {
    let ex = current(store, ex).await;
    let mut engine = engine_for(store, &ex).await;
    let effects = engine.apply(cmd, at).unwrap();
    let elapsed = engine.runtime().clock.elapsed(at);
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            actor,
            at,
            elapsed,
        ))
        .await
        .unwrap();
}

/// Fills the site with a day's work.
pub async fn fill(site: &Site) {
    let store = &site.store;
    for (username, role) in [("alice", Role::Admin), ("bob", Role::Observer)] {
        store
            .create_user(
                NewUser {
                    username: username.into(),
                    display_name: format!("{username} (exercise control)"),
                    password_hash: format!("$argon2id$v=19$hash-of-{username}"),
                    role,
                },
                T0,
            )
            .await
            .unwrap();
    }
    let bob = store.find_user_by_username("bob").await.unwrap().unwrap();
    store
        .set_user_disabled(&bob.user.id, true, T0 + 5)
        .await
        .unwrap();

    let map = binary_bytes(70_000);
    let briefing = b"%PDF-1.4 briefing for the harbour storm\n".to_vec();
    site.put_media("flood-map.png", &map);
    site.put_media("briefing.pdf", &briefing);
    site.put_media("thumbs/flood-map.png", &binary_bytes(900));
    store
        .insert_media(&media("flood-map.png", MediaKind::Image, &map, T0))
        .await
        .unwrap();
    store
        .insert_media(&media(
            "briefing.pdf",
            MediaKind::Document,
            &briefing,
            T0 + 10,
        ))
        .await
        .unwrap();

    let note = VersionNote::by("alice");
    let v1 = scenario(
        "harbour-storm",
        "Harbour Storm",
        &[("port-ops", 3), ("city-hall", 2)],
        &["flood-map.png"],
    );
    store.create_scenario(&v1, &note, T0 + 100).await.unwrap();
    let mut v2 = scenario(
        "harbour-storm",
        "Harbour Storm (revised) — «quotes» \"and\" 'apostrophes'",
        &[("port-ops", 4), ("city-hall", 2)],
        &["flood-map.png", "briefing.pdf"],
    );
    v2.description = "Second draft\nwith two lines".into();
    let revised = VersionNote {
        created_by: Some("alice".into()),
        comment: Some("one more inject".into()),
    };
    store
        .save_scenario(&v2, 1, &revised, T0 + 200)
        .await
        .unwrap();
    let quiet = scenario("quiet-night", "Quiet Night", &[("desk", 1)], &[]);
    store
        .create_scenario(&quiet, &note, T0 + 300)
        .await
        .unwrap();

    let ex = launch(store, &v2, 2, "ex-storm-1", T0 + 1_000).await;
    launch(store, &quiet, 1, "ex-quiet-1", T0 + 2_000).await;
    store
        .rotate_access_code(&ex.id, &tid("city-hall"), "fresh-code", "alice", T0 + 1_100)
        .await
        .unwrap();
    store
        .update_team_dashboard(
            &ex.id,
            &tid("port-ops"),
            &DashboardInfo {
                port: Some(3101),
                url: Some("http://127.0.0.1:3101/".into()),
                runtime_ref: Some("embedded".into()),
                health: DashboardHealth::Healthy,
                detail: None,
            },
        )
        .await
        .unwrap();
    store
        .update_presence(&ex.id, &tid("port-ops"), 3, T0 + 1_200)
        .await
        .unwrap();

    // Run it: start, fire what fell due, skip one by seeking, a live inject, finish.
    let start = T0 + 10_000;
    command(store, &ex, Command::Start, "alice", start).await;
    {
        let ex = current(store, &ex).await;
        let mut engine = engine_for(store, &ex).await;
        let at = start + 25_000;
        let effects = engine.poll(at);
        store
            .apply_step(step_from_effects(
                &ex,
                *engine.runtime(),
                effects,
                "engine",
                at,
                25_000,
            ))
            .await
            .unwrap();
    }
    command(
        store,
        &ex,
        Command::Seek {
            to_ms: 35_000,
            passed: Passed::Skip,
        },
        "alice",
        start + 26_000,
    )
    .await;
    let ex_now = current(store, &ex).await;
    store
        .apply_step(step_with(
            &ex_now,
            vec![delivery("city-hall", "live-0001", DeliveryCause::Live)],
            start + 27_000,
        ))
        .await
        .unwrap();

    let outbox = store.unpublished(None, 100).await.unwrap();
    assert!(outbox.len() >= 5, "{outbox:?}");
    store
        .record_publish_failure(&outbox[0].delivery_id, "connection refused")
        .await
        .unwrap();
    let ids: Vec<_> = outbox.iter().map(|o| o.delivery_id.clone()).collect();
    store.mark_published(&ids, start + 28_000).await.unwrap();
    let receipt = |team: &str, seq, kind, at| Receipt {
        exercise: ex.id.clone(),
        team: tid(team),
        seq,
        kind,
        at,
        viewer: Some(format!("browser-{team}")),
    };
    for (team, seq, kind, at) in [
        ("city-hall", 1, ReceiptKind::Received, start + 28_100),
        ("city-hall", 1, ReceiptKind::Received, start + 28_150),
        ("city-hall", 2, ReceiptKind::Read, start + 28_200),
        ("port-ops", 1, ReceiptKind::Displayed, start + 28_300),
    ] {
        store
            .record_receipt(&receipt(team, seq, kind, at), at + 1)
            .await
            .unwrap();
    }
    let city_first = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                team: Some(tid("city-hall")),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.seq == 1)
        .unwrap();
    store
        .mark_for_resend(&city_first.id, "alice", start + 29_000)
        .await
        .unwrap();
    store
        .append_event(
            &ex.id,
            "team:city-hall",
            &NewEvent::new("presence", json!({"team": "city-hall", "viewers": 2})),
            start + 29_500,
        )
        .await
        .unwrap();
    assert!(
        store
            .acquire_lease(&ex.id, "node-a", start + 29_600, 60_000)
            .await
            .unwrap()
    );
    command(store, &ex, Command::Finish, "alice", start + 30_000).await;
    store.set_setting("demo.loaded", "1").await.unwrap();
    store
        .set_setting("site.motto", "Ready — «always»\n")
        .await
        .unwrap();
}

/// A little different data, to be replaced by a restore.
pub async fn fill_other(site: &Site) {
    site.store
        .create_user(
            NewUser {
                username: "zed".into(),
                display_name: "Zed".into(),
                password_hash: "hash-z".into(),
                role: Role::Controller,
            },
            T0,
        )
        .await
        .unwrap();
    let other = scenario("other-drill", "Other Drill", &[("desk", 2)], &[]);
    site.store
        .create_scenario(&other, &VersionNote::default(), T0)
        .await
        .unwrap();
    site.put_media("old-logo.png", b"old logo");
    site.store.set_setting("demo.loaded", "0").await.unwrap();
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// Everything the store's read functions answer about the site, as one JSON value.
pub async fn answers(store: &Store) -> Value {
    let all = Paging::first(Paging::MAX_LIMIT);
    let mut out = serde_json::Map::new();
    let users = store.list_users().await.unwrap();
    let mut hashes = Vec::new();
    for u in &users {
        let creds = store
            .find_user_by_username(&u.username)
            .await
            .unwrap()
            .unwrap();
        hashes.push(json!([
            u.username,
            creds.password_hash,
            to_json(&creds.user)
        ]));
        out.insert(
            format!("user {}", u.id.as_str()),
            to_json(&store.get_user(&u.id).await.unwrap()),
        );
    }
    out.insert("users".into(), to_json(&users));
    out.insert("password hashes".into(), json!(hashes));
    out.insert("admins".into(), json!(store.count_admins().await.unwrap()));

    let media = store.list_media(None, all).await.unwrap();
    for m in &media.items {
        out.insert(
            format!("media {}", m.name),
            json!([
                to_json(&store.get_media(&m.name).await.unwrap()),
                to_json(&store.media_usage(&m.name).await.unwrap()),
            ]),
        );
    }
    out.insert("media".into(), to_json(&media));

    let scenarios = store.list_scenarios(None).await.unwrap();
    for s in &scenarios {
        let versions = store.scenario_versions(&s.id).await.unwrap();
        let mut bodies = Vec::new();
        for v in &versions {
            bodies.push(format!(
                "{:?}",
                store.scenario_version(&s.id, v.version).await.unwrap()
            ));
        }
        out.insert(
            format!("scenario {}", s.id),
            json!([
                to_json(&versions),
                bodies,
                format!("{:?}", store.latest_scenario(&s.id).await.unwrap()),
            ]),
        );
    }
    out.insert("scenarios".into(), to_json(&scenarios));

    let exercises = store.list_exercises(None, all).await.unwrap();
    for e in &exercises.items {
        let id = &e.id;
        let teams = store.exercise_teams(id).await.unwrap();
        let mut team_answers = Vec::new();
        for t in &teams {
            let by_code = store
                .find_team_by_access_code(&t.access_code)
                .await
                .unwrap();
            let by_user = store
                .find_team_by_mqtt_username(&t.mqtt_username)
                .await
                .unwrap();
            team_answers.push(json!([
                to_json(&store.exercise_team(id, &t.team_id).await.unwrap()),
                t.mqtt_password,
                by_code.map(|t| to_json(&t)),
                by_user.map(|t| t.mqtt_password),
                to_json(
                    &store
                        .team_feed(id, &t.team_id, 0, i64::MAX, 10_000)
                        .await
                        .unwrap()
                ),
            ]));
        }
        let deliveries = store
            .list_deliveries(
                id,
                &DeliveryFilter {
                    paging: all,
                    ..DeliveryFilter::default()
                },
            )
            .await
            .unwrap();
        let mut each = Vec::new();
        for d in &deliveries.items {
            each.push(to_json(&store.get_delivery(&d.id).await.unwrap()));
        }
        let mut done: Vec<String> = store
            .done_set(id)
            .await
            .unwrap()
            .into_iter()
            .map(|(t, i)| format!("{t}/{i}"))
            .collect();
        done.sort();
        let events = store
            .events(
                id,
                EventQuery {
                    limit: 10_000,
                    ..EventQuery::default()
                },
            )
            .await
            .unwrap();
        out.insert(
            format!("exercise {id}"),
            json!({
                "record": to_json(&store.get_exercise(id).await.unwrap()),
                "teams": to_json(&teams),
                "team answers": team_answers,
                "deliveries": to_json(&deliveries),
                "each delivery": each,
                "counts": to_json(&store.delivery_counts(id).await.unwrap()),
                "done": done,
                "events": to_json(&events),
                "lease": to_json(&store.lease(id).await.unwrap()),
                "outbox": format!("{:?}", store.unpublished(Some(id), 10_000).await.unwrap()),
            }),
        );
    }
    out.insert("exercises".into(), to_json(&exercises));
    out.insert(
        "orphaned".into(),
        to_json(&store.orphaned_exercises(T0 + 3_600_000).await.unwrap()),
    );
    out.insert(
        "settings".into(),
        json!([
            store.setting("demo.loaded").await.unwrap(),
            store.setting("site.motto").await.unwrap(),
        ]),
    );
    out.insert(
        "row counts".into(),
        to_json(&store.table_row_counts().await.unwrap()),
    );
    Value::Object(out)
}

/// Every entry of an archive but the manifest: name → bytes.
pub fn archive_entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        if name == MANIFEST_ENTRY {
            continue;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).unwrap();
        entries.insert(name, bytes);
    }
    entries
}
