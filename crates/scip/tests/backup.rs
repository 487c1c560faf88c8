//! `scip backup` and `scip restore` run as the real binary: an SQLite site backed up and
//! restored into PostgreSQL, refusals without `--force`/`--yes`, and a damaged archive
//! refused with nothing changed.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scip_core::engine::WallMs;
use scip_core::model::MediaKind;
use scip_core::model::document::scenario_from_json;
use scip_store::{MediaRecord, NewUser, Paging, Role, Store, VersionNote};
use serde_json::{Value, json};

const T0: WallMs = 1_767_225_600_000;

/// A database URL and a media folder, as the environment gives them to `scip`.
struct Site {
    url: String,
    media: PathBuf,
    data: PathBuf,
}

impl Site {
    fn scip(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_scip"))
            .args(args)
            .env_remove("SCIP_CONFIG")
            .env("DATABASE_URL", &self.url)
            .env("MEDIA_PATH", &self.media)
            .env("SCIP_DATA", &self.data)
            .env("LOG_LEVEL", "warn")
            .output()
            .expect("the scip binary runs")
    }

    async fn store(&self) -> Store {
        Store::connect(&self.url).await.unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

async fn fill(site: &Site) {
    let store = site.store().await;
    store
        .create_user(
            NewUser {
                username: "alice".into(),
                display_name: "Alice".into(),
                password_hash: "$argon2id$v=19$alice".into(),
                role: Role::Admin,
            },
            T0,
        )
        .await
        .unwrap();
    fs::create_dir_all(site.media.join("maps")).unwrap();
    let map: Vec<u8> = (0..50_000).map(|i| (i % 251) as u8).collect();
    fs::write(site.media.join("maps/flood.png"), &map).unwrap();
    store
        .insert_media(&MediaRecord {
            name: "maps/flood.png".into(),
            content_type: "image/png".into(),
            kind: MediaKind::Image,
            size_bytes: map.len() as u64,
            width: Some(10),
            height: Some(10),
            sha256: "ab".repeat(32),
            created_by: Some("alice".into()),
            created_at: T0,
        })
        .await
        .unwrap();
    let scenario = scenario_from_json(
        &json!({
            "id": "quay-fire", "name": "Quay fire", "duration": "10:00",
            "teams": [{"id": "ops", "name": "Ops", "injects": [
                {"id": "o-1", "at": 30, "type": "sms", "content": {"from": "Pilot", "body": "Smoke on pier 4"}}
            ]}]
        })
        .to_string(),
    )
    .unwrap();
    store
        .create_scenario(&scenario, &VersionNote::by("alice"), T0)
        .await
        .unwrap();
    store.set_setting("demo.loaded", "1").await.unwrap();
    store.close().await;
}

async fn answers(site: &Site) -> Value {
    let store = site.store().await;
    let value = json!({
        "users": serde_json::to_value(store.list_users().await.unwrap()).unwrap(),
        "media": serde_json::to_value(store.list_media(None, Paging::default()).await.unwrap()).unwrap(),
        "scenarios": serde_json::to_value(store.list_scenarios(None).await.unwrap()).unwrap(),
        "scenario": format!("{:?}", store.latest_scenario(&scip_core::ids::ScenarioId::new("quay-fire").unwrap()).await.ok()),
        "setting": store.setting("demo.loaded").await.unwrap(),
        "map": fs::read(site.media.join("maps/flood.png")).ok(),
    });
    store.close().await;
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_then_restore_into_postgresql_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let source = Site {
        url: format!("sqlite://{}", dir.path().join("a/scip.db").display()),
        media: dir.path().join("a/media"),
        data: dir.path().join("a"),
    };
    fill(&source).await;
    let archive = dir.path().join("scip-backup.zip");

    let out = source.scip(&["backup", "--output", p(&archive)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with(&format!("backup written to {}", archive.display())),
        "{}",
        text(&out.stdout)
    );
    let progress = text(&out.stderr);
    assert!(progress.contains("table users: 1 row\n"), "{progress}");
    assert!(
        progress.contains("media: 1 file, 50.0 kB written"),
        "{progress}"
    );

    let again = source.scip(&["backup", "--output", p(&archive)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists; pass --force to replace it"),
        "{}",
        text(&again.stderr)
    );
    let forced = source.scip(&["backup", "--output", p(&archive), "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));

    let pg = scip_testkit::PgDatabase::create().await;
    let target = Site {
        url: pg.url.clone(),
        media: dir.path().join("b/media"),
        data: dir.path().join("b"),
    };
    let out = target.scip(&["restore", "--input", p(&archive)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("restored") && text(&out.stdout).contains("1 media file"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("backup verified: sqlite database"),
        "{}",
        text(&out.stderr)
    );
    let expected = answers(&source).await;
    assert_eq!(answers(&target).await, expected);

    // Restoring over data needs --yes, and says what is there.
    let out = target.scip(&["restore", "--input", p(&archive)]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(
        message.contains("already holds data (users: 1,") && message.contains("--yes"),
        "{message}"
    );
    let out = target.scip(&["restore", "--input", p(&archive), "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(answers(&target).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_archive_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let source = Site {
        url: format!("sqlite://{}", dir.path().join("a/scip.db").display()),
        media: dir.path().join("a/media"),
        data: dir.path().join("a"),
    };
    fill(&source).await;
    let archive = dir.path().join("backup.zip");
    let out = source.scip(&["backup", "--output", p(&archive)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let bytes = fs::read(&archive).unwrap();
    let truncated = dir.path().join("truncated.zip");
    fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();

    let before = answers(&source).await;
    let out = source.scip(&["restore", "--input", p(&truncated), "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    let message = text(&out.stderr);
    assert!(
        message.contains("cannot be restored; nothing was changed")
            && message.contains("is truncated or is not a zip archive"),
        "{message}"
    );
    assert_eq!(answers(&source).await, before);

    let missing = dir.path().join("nothing.zip");
    let out = source.scip(&["restore", "--input", p(&missing)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot open"),
        "{}",
        text(&out.stderr)
    );
}
