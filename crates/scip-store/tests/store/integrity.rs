//! Damaged data, databases from the future, things in use, unknown receipts, lease
//! take-over: the store says clearly what is wrong and never loses what it holds.

use scip_core::engine::WallMs;
use scip_core::model::MediaKind;
use scip_store::schema::known_version;
use scip_store::{
    DeliveryCause, MediaRecord, Receipt, ReceiptKind, Store, StoreError, VersionNote,
};
use sqlx::Row;

use crate::support::*;

const T0: WallMs = 1_767_225_600_000;

async fn corrupt_stored_scenario_is_reported_not_panicked(db: TestDb) {
    let store = db.store().await;
    let s = scenario("harbour-storm", "Harbour Storm", &[("ops", 2)], &[]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    db.execute(
        "UPDATE scenario_versions SET body = '{\"id\": \"harbour-storm\", \"teams\": [' \
         WHERE scenario_id = 'harbour-storm'",
    )
    .await;
    let err = store.latest_scenario(&s.id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("harbour-storm version 1")),
        "{err:?}"
    );
    // A body that parses but is another scenario is damage too.
    let other =
        scip_core::model::document::scenario_to_json(&scenario("other", "O", &[("x", 1)], &[]));
    db.execute(&format!(
        "UPDATE scenario_versions SET body = '{}' WHERE scenario_id = 'harbour-storm'",
        other.replace('\'', "''")
    ))
    .await;
    assert!(matches!(
        store.scenario_version(&s.id, 1).await,
        Err(StoreError::Corrupt(m)) if m.contains("holds scenario other")
    ));
    // The rest of the store still works.
    assert_eq!(store.list_scenarios(None).await.unwrap().len(), 1);
}

async fn newer_database_is_refused(db: TestDb) {
    let store = db.store().await;
    store.close().await;
    let future = known_version() + 41;
    let insert = if db.url.starts_with("sqlite") {
        format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ({future}, 'from the future', 1, X'00', 0)"
        )
    } else {
        format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES ({future}, 'from the future', TRUE, '\\x00'::bytea, 0)"
        )
    };
    db.execute(&insert).await;
    let err = Store::connect(&db.url).await.unwrap_err();
    assert_eq!(
        err,
        StoreError::SchemaTooNew {
            database: future,
            known: known_version()
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "database schema version {future} is newer than this scip (knows up to {}); \
             upgrade scip",
            known_version()
        )
    );
}

async fn things_in_use_cannot_be_deleted(db: TestDb) {
    let store = db.store().await;
    let media = MediaRecord {
        name: "map.png".into(),
        content_type: "image/png".into(),
        kind: MediaKind::Image,
        size_bytes: 10,
        width: None,
        height: None,
        sha256: "ab".into(),
        created_by: None,
        created_at: T0,
    };
    store.insert_media(&media).await.unwrap();
    let s = scenario("storm", "Storm", &[("ops", 1)], &["map.png"]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    // A later version drops the file, but version 1 still refers to it.
    let v2 = scenario("storm", "Storm", &[("ops", 1)], &[]);
    store
        .save_scenario(&v2, 1, &VersionNote::default(), T0 + 1)
        .await
        .unwrap();
    assert!(matches!(
        store.delete_media("map.png").await,
        Err(StoreError::InUse(m)) if m.contains("storm")
    ));
    assert_eq!(store.get_media("map.png").await.unwrap(), media);

    launch(&store, &v2, 2, "ex-storm", T0 + 2).await;
    assert!(matches!(
        store.delete_scenario(&s.id).await,
        Err(StoreError::InUse(_))
    ));
    assert_eq!(
        store.scenario_versions(&s.id).await.unwrap().len(),
        2,
        "nothing deleted"
    );

    // Launching from a version that does not exist is refused.
    let mut missing = scenario("storm", "Storm", &[("ops", 1)], &[]);
    missing.name = "x".into();
    let err = store
        .create_exercise(
            &scip_store::NewExercise {
                id: eid("ex-none"),
                name: "x".into(),
                scenario_id: s.id.clone(),
                scenario_version: 7,
                speed: scip_core::engine::Speed::NORMAL,
                turn_grace_ms: 0,
                dashboard_runtime: scip_store::DashboardRuntime::Embedded,
                created_by: None,
                teams: vec![scip_store::NewExerciseTeam::from_team(
                    &missing.teams[0],
                    "c",
                    "u",
                    "p",
                )],
            },
            T0,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound(m) if m.contains("version 7")),
        "{err:?}"
    );
    // Launching twice with the same id, or with another exercise's access code, conflicts.
    let again = launch_result(&store, &v2, "ex-storm", "fresh").await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "{again:?}"
    );
    let same_code = launch_result(&store, &v2, "ex-other", "code-ex-storm-ops").await;
    assert!(
        matches!(same_code, Err(StoreError::Conflict { .. })),
        "{same_code:?}"
    );
    assert!(matches!(
        store.get_exercise(&eid("ex-other")).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn launch_result(
    store: &Store,
    s: &scip_core::model::Scenario,
    id: &str,
    code: &str,
) -> Result<scip_store::ExerciseRecord, StoreError> {
    store
        .create_exercise(
            &scip_store::NewExercise {
                id: eid(id),
                name: "again".into(),
                scenario_id: s.id.clone(),
                scenario_version: 2,
                speed: scip_core::engine::Speed::NORMAL,
                turn_grace_ms: 0,
                dashboard_runtime: scip_store::DashboardRuntime::Process,
                created_by: None,
                teams: vec![scip_store::NewExerciseTeam::from_team(
                    &s.teams[0],
                    code,
                    format!("{id}-mqtt"),
                    "p",
                )],
            },
            T0,
        )
        .await
}

async fn receipt_for_unknown_seq_is_not_found(db: TestDb) {
    let store = db.store().await;
    let s = scenario("drill", "Drill", &[("red", 1)], &[]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    let ex = launch(&store, &s, 1, "ex-drill", T0).await;
    store
        .apply_step(step_with(
            &ex,
            vec![delivery("red", "red-001", DeliveryCause::Schedule)],
            T0 + 1,
        ))
        .await
        .unwrap();
    let receipt = |team: &str, seq| Receipt {
        exercise: ex.id.clone(),
        team: tid(team),
        seq,
        kind: ReceiptKind::Read,
        at: T0 + 2,
        viewer: None,
    };
    let err = store
        .record_receipt(&receipt("red", 2), T0 + 3)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::NotFound(m) if m.contains("seq 2") && m.contains("red")),
        "{err:?}"
    );
    // Another team's seq 1 is not red's.
    assert!(matches!(
        store.record_receipt(&receipt("blue", 1), T0 + 3).await,
        Err(StoreError::NotFound(_))
    ));
    // Nothing was recorded for the unknown ones.
    let raw = db.raw().await;
    let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM receipts")
        .fetch_one(&raw)
        .await
        .unwrap()
        .get("n");
    assert_eq!(n, 0);
    assert!(
        store
            .record_receipt(&receipt("red", 1), T0 + 4)
            .await
            .unwrap()
    );
}

async fn lease_is_taken_over_after_it_expires(db: TestDb) {
    let store = db.store().await;
    let s = scenario("drill", "Drill", &[("red", 1)], &[]);
    store
        .create_scenario(&s, &VersionNote::default(), T0)
        .await
        .unwrap();
    let ex = launch(&store, &s, 1, "ex-drill", T0).await;
    let ttl = 3_000;
    assert!(
        store
            .acquire_lease(&ex.id, "node-a", T0, ttl)
            .await
            .unwrap()
    );
    // node-a may acquire again (idempotent) without losing its start time.
    assert!(
        store
            .acquire_lease(&ex.id, "node-a", T0 + 1_000, ttl)
            .await
            .unwrap()
    );
    assert_eq!(store.lease(&ex.id).await.unwrap().unwrap().acquired_at, T0);
    // Before expiry node-b is refused; at expiry it takes over.
    assert!(
        !store
            .acquire_lease(&ex.id, "node-b", T0 + 3_999, ttl)
            .await
            .unwrap()
    );
    assert!(
        store
            .acquire_lease(&ex.id, "node-b", T0 + 4_000, ttl)
            .await
            .unwrap()
    );
    let lease = store.lease(&ex.id).await.unwrap().unwrap();
    assert_eq!(
        (lease.owner.as_str(), lease.acquired_at, lease.expires_at),
        ("node-b", T0 + 4_000, T0 + 7_000)
    );
    // The old owner learns it lost the lease and cannot release node-b's.
    assert!(
        !store
            .renew_lease(&ex.id, "node-a", T0 + 4_100, ttl)
            .await
            .unwrap()
    );
    assert!(!store.release_lease(&ex.id, "node-a").await.unwrap());
    assert_eq!(store.lease(&ex.id).await.unwrap().unwrap().owner, "node-b");
    // Leases of unknown exercises are refused.
    assert!(matches!(
        store
            .acquire_lease(&eid("ex-ghost"), "node-a", T0, ttl)
            .await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn sqlite_file_is_created_in_wal_mode() {
    let db = TestDb::sqlite().await;
    let store = db.store().await;
    let path = db.url.trim_start_matches("sqlite://");
    assert!(std::path::Path::new(path).exists());
    let raw = db.raw().await;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(&raw)
        .await
        .unwrap()
        .get(0);
    assert_eq!(mode, "wal");
    store.close().await;
    // Reopening an existing file migrates nothing and keeps data.
    let again = Store::connect(&db.url).await.unwrap();
    assert_eq!(again.schema_version().await.unwrap(), known_version());
}

#[tokio::test]
async fn unreachable_or_unknown_databases_are_refused_clearly() {
    // Nothing listens on port 9 here; connecting must fail at once and say so, without
    // showing the password.
    let err = Store::connect("postgres://scip:s3cret@127.0.0.1:9/scip")
        .await
        .unwrap_err();
    assert!(err.is_unavailable(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("cannot connect to postgres://scip:***@127.0.0.1:9/scip"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    let err = Store::connect("mysql://root@localhost/scip")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(m) if m.contains("mysql")),
        "{err:?}"
    );
}

crate::on_both_databases!(
    corrupt_stored_scenario_is_reported_not_panicked,
    newer_database_is_refused,
    things_in_use_cannot_be_deleted,
    receipt_for_unknown_seq_is_not_found,
    lease_is_taken_over_after_it_expires,
);
