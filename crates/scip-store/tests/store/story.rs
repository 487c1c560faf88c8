//! One story that walks the whole store API, the way a day of exercise control uses it.

use scip_core::engine::{Command, ExerciseState, WallMs};
use scip_core::model::MediaKind;
use scip_store::schema::known_version;
use scip_store::{
    DashboardHealth, DashboardInfo, DbKind, DeliveryFilter, DeliverySort, DeliveryState,
    EventOrder, EventQuery, MediaRecord, MediaUse, NewEvent, NewUser, Paging, Receipt, ReceiptKind,
    Role, StoreError, VersionNote,
};
use serde_json::json;

use crate::support::*;

const T0: WallMs = 1_767_225_600_000; // 2026-01-01T00:00:00Z

fn media(name: &str, kind: MediaKind, sha: &str, at: WallMs) -> MediaRecord {
    MediaRecord {
        name: name.into(),
        content_type: "application/octet-stream".into(),
        kind,
        size_bytes: 2_048,
        width: (kind == MediaKind::Image).then_some(640),
        height: (kind == MediaKind::Image).then_some(480),
        sha256: sha.into(),
        created_by: Some("alice".into()),
        created_at: at,
    }
}

async fn story(db: TestDb) {
    let store = db.store().await;
    let expected_kind = if db.url.starts_with("sqlite") {
        DbKind::Sqlite
    } else {
        DbKind::Postgres
    };
    assert_eq!(store.kind(), expected_kind);
    store.ping().await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), known_version());
    // Migrating again is harmless.
    store.migrate().await.unwrap();

    // --- users -------------------------------------------------------------------------
    let alice = store
        .create_user(
            NewUser {
                username: "alice".into(),
                display_name: "Alice Controller".into(),
                password_hash: "$argon2id$v=19$hash-a".into(),
                role: Role::Admin,
            },
            T0,
        )
        .await
        .unwrap();
    let taken = store
        .create_user(
            NewUser {
                username: "alice".into(),
                display_name: "Another".into(),
                password_hash: "x".into(),
                role: Role::Observer,
            },
            T0,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&taken, StoreError::Conflict { what, .. } if what.contains("\"alice\"")),
        "{taken:?}"
    );
    let bob = store
        .create_user(
            NewUser {
                username: "bob".into(),
                display_name: "Bob".into(),
                password_hash: "hash-b".into(),
                role: Role::Observer,
            },
            T0,
        )
        .await
        .unwrap();
    let creds = store.find_user_by_username("alice").await.unwrap().unwrap();
    assert_eq!(creds.user, alice);
    assert_eq!(creds.password_hash, "$argon2id$v=19$hash-a");
    assert!(
        !format!("{creds:?}").contains("hash-a"),
        "Debug hides the hash"
    );
    assert!(
        store
            .find_user_by_username("nobody")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.get_user(&bob.id).await.unwrap().username, "bob");
    store
        .set_user_role(&bob.id, Role::Admin, T0 + 1)
        .await
        .unwrap();
    assert_eq!(store.count_admins().await.unwrap(), 2);
    store
        .set_user_disabled(&bob.id, true, T0 + 2)
        .await
        .unwrap();
    assert_eq!(store.count_admins().await.unwrap(), 1);
    store
        .set_user_password_hash(&bob.id, "hash-b2", T0 + 3)
        .await
        .unwrap();
    let bob_now = store.find_user_by_username("bob").await.unwrap().unwrap();
    assert_eq!(bob_now.password_hash, "hash-b2");
    assert!(bob_now.user.disabled);
    assert_eq!(bob_now.user.updated_at, T0 + 3);
    let names: Vec<String> = store
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(names, ["alice", "bob"]);
    store.delete_user(&bob.id).await.unwrap();
    assert!(matches!(
        store.get_user(&bob.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.set_user_role(&bob.id, Role::Observer, T0).await,
        Err(StoreError::NotFound(_))
    ));

    // --- media -------------------------------------------------------------------------
    store
        .insert_media(&media("flood-map.png", MediaKind::Image, "aa11", T0))
        .await
        .unwrap();
    store
        .insert_media(&media("briefing.pdf", MediaKind::Document, "bb22", T0 + 10))
        .await
        .unwrap();
    store
        .insert_media(&media("Pump_Status.mp4", MediaKind::Video, "cc33", T0 + 20))
        .await
        .unwrap();
    assert!(matches!(
        store
            .insert_media(&media("flood-map.png", MediaKind::Image, "ff", T0))
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let map = store.get_media("flood-map.png").await.unwrap();
    assert_eq!(
        (map.kind, map.width, map.height),
        (MediaKind::Image, Some(640), Some(480))
    );
    assert_eq!(
        store
            .find_media_by_sha256("BB22")
            .await
            .unwrap()
            .unwrap()
            .name,
        "briefing.pdf"
    );
    assert!(store.find_media_by_sha256("00").await.unwrap().is_none());
    let newest = store.list_media(None, Paging::first(2)).await.unwrap();
    assert_eq!(newest.total, 3);
    let names: Vec<&str> = newest.items.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Pump_Status.mp4", "briefing.pdf"]);
    let rest = store.list_media(None, Paging::new(2, 2)).await.unwrap();
    assert_eq!(rest.items.len(), 1);
    let pumps = store
        .list_media(Some("pump_"), Paging::default())
        .await
        .unwrap();
    assert_eq!(pumps.total, 1, "search ignores case and treats _ literally");
    assert!(matches!(
        store.list_media(None, Paging::first(0)).await,
        Err(StoreError::Invalid(_))
    ));

    // --- scenarios ---------------------------------------------------------------------
    let v1 = scenario(
        "harbour-storm",
        "Harbour Storm",
        &[("port-ops", 3), ("city-hall", 2)],
        &["flood-map.png"],
    );
    let note = VersionNote::by("alice");
    assert_eq!(store.create_scenario(&v1, &note, T0).await.unwrap(), 1);
    let again = store.create_scenario(&v1, &note, T0).await.unwrap_err();
    assert!(
        matches!(
            again,
            StoreError::Conflict {
                current_version: Some(1),
                ..
            }
        ),
        "{again:?}"
    );
    let mut v2 = scenario(
        "harbour-storm",
        "Harbour Storm (revised)",
        &[("port-ops", 4), ("city-hall", 2)],
        &["flood-map.png", "briefing.pdf"],
    );
    v2.description = "Second draft".into();
    let saved = store
        .save_scenario(
            &v2,
            1,
            &VersionNote {
                created_by: Some("alice".into()),
                comment: Some("one more inject".into()),
            },
            T0 + 100,
        )
        .await
        .unwrap();
    assert_eq!(saved, 2);
    // Bob's editor also started from version 1: refused, told the current version.
    let stale = store
        .save_scenario(&v1, 1, &note, T0 + 200)
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, StoreError::Conflict { current_version: Some(2), what } if what.contains("version 2")),
        "{stale:?}"
    );
    assert_eq!(
        store.latest_scenario(&v1.id).await.unwrap(),
        (v2.clone(), 2)
    );
    assert_eq!(store.scenario_version(&v1.id, 1).await.unwrap(), v1);
    assert!(matches!(
        store.scenario_version(&v1.id, 9).await,
        Err(StoreError::NotFound(_))
    ));
    let other = scenario("quiet-night", "Quiet Night", &[("desk", 1)], &[]);
    store
        .create_scenario(&other, &note, T0 + 300)
        .await
        .unwrap();
    let versions = store.scenario_versions(&v1.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version, 2);
    assert_eq!(versions[0].comment.as_deref(), Some("one more inject"));
    assert_eq!((versions[0].team_count, versions[0].inject_count), (2, 6));
    assert_eq!(versions[1].inject_count, 5);

    let usage = store.media_usage("flood-map.png").await.unwrap();
    assert_eq!(
        usage,
        [
            MediaUse {
                scenario_id: sid("harbour-storm"),
                version: 1
            },
            MediaUse {
                scenario_id: sid("harbour-storm"),
                version: 2
            },
        ]
    );
    let in_use = store.delete_media("flood-map.png").await.unwrap_err();
    assert!(
        matches!(&in_use, StoreError::InUse(m) if m.contains("harbour-storm")),
        "{in_use:?}"
    );
    store.delete_media("Pump_Status.mp4").await.unwrap();
    assert!(matches!(
        store.delete_media("Pump_Status.mp4").await,
        Err(StoreError::NotFound(_))
    ));
    let copy = store
        .duplicate_scenario(
            &v1.id,
            &sid("harbour-storm-copy"),
            "Harbour Storm copy",
            &note,
            T0 + 400,
        )
        .await
        .unwrap();
    assert_eq!(copy.teams, v2.teams);
    assert!(matches!(
        store
            .duplicate_scenario(&v1.id, &sid("quiet-night"), "x", &note, T0)
            .await,
        Err(StoreError::Conflict { .. })
    ));

    // --- exercises ---------------------------------------------------------------------
    let ex = launch(&store, &v2, 2, "ex-storm-1", T0 + 1_000).await;
    assert_eq!(ex.state(), ExerciseState::Deployed);
    assert_eq!((ex.version, ex.event_seq, ex.runtime.run), (1, 1, 1));
    let second = launch(&store, &other, 1, "ex-quiet-1", T0 + 2_000).await;
    let listed = store.list_exercises(None, Paging::default()).await.unwrap();
    assert_eq!(listed.total, 2);
    assert_eq!(listed.items[0].id, second.id, "newest first");
    let deployed = store
        .list_exercises(Some(ExerciseState::Deployed), Paging::first(1))
        .await
        .unwrap();
    assert_eq!((deployed.total, deployed.items.len()), (2, 1));
    assert_eq!(
        store
            .list_exercises(Some(ExerciseState::Running), Paging::default())
            .await
            .unwrap()
            .total,
        0
    );
    let teams = store.exercise_teams(&ex.id).await.unwrap();
    let team_ids: Vec<&str> = teams.iter().map(|t| t.team_id.as_str()).collect();
    assert_eq!(team_ids, ["port-ops", "city-hall"]);
    assert_eq!(teams[0].health, DashboardHealth::Starting);
    assert!(!format!("{:?}", teams[0]).contains("secret"));
    let by_code = store
        .find_team_by_access_code("code-ex-storm-1-city-hall")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_code.team_id, tid("city-hall"));
    let by_user = store
        .find_team_by_mqtt_username("ex-storm-1-port-ops")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_user.mqtt_password, "secret");
    assert!(
        store
            .find_team_by_access_code("nope")
            .await
            .unwrap()
            .is_none()
    );
    let code_version = store
        .rotate_access_code(&ex.id, &tid("city-hall"), "fresh-code", "alice", T0 + 1_100)
        .await
        .unwrap();
    assert_eq!(code_version, 2);
    assert!(
        store
            .find_team_by_access_code("code-ex-storm-1-city-hall")
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        store
            .rotate_access_code(&ex.id, &tid("port-ops"), "fresh-code", "alice", T0)
            .await,
        Err(StoreError::Conflict { .. })
    ));
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
    let port_ops = store.exercise_team(&ex.id, &tid("port-ops")).await.unwrap();
    assert_eq!(
        (
            port_ops.dashboard_port,
            port_ops.health,
            port_ops.viewers,
            port_ops.presence_at
        ),
        (Some(3101), DashboardHealth::Healthy, 3, Some(T0 + 1_200))
    );
    assert!(matches!(
        store.update_presence(&ex.id, &tid("ghost"), 1, T0).await,
        Err(StoreError::NotFound(_))
    ));

    // --- engine steps, driven by the real engine ---------------------------------------
    let mut engine = engine_for(&store, &ex).await;
    let start_at = T0 + 10_000;
    let effects = engine.apply(Command::Start, start_at).unwrap();
    let started = store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            start_at,
            0,
        ))
        .await
        .unwrap();
    assert_eq!(started.version, 2);
    assert!(started.deliveries.is_empty());
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(ex.state(), ExerciseState::Running);
    assert_eq!(ex.started_at, Some(start_at));
    assert_eq!(ex.runtime, *engine.runtime());

    // 25 s in: the injects at T+10 and T+20 of both teams are due.
    let poll_at = start_at + 25_000;
    let effects = engine.poll(poll_at);
    let fired = store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "engine",
            poll_at,
            25_000,
        ))
        .await
        .unwrap();
    assert_eq!(fired.deliveries.len(), 4);
    let port_seqs: Vec<u64> = fired
        .deliveries
        .iter()
        .filter(|d| d.team == tid("port-ops"))
        .map(|d| d.seq)
        .collect();
    assert_eq!(port_seqs, [1, 2]);
    let first: serde_json::Value = serde_json::from_str(&fired.deliveries[0].payload).unwrap();
    assert_eq!(first["delivery_id"], json!(fired.deliveries[0].id.as_str()));
    assert_eq!(first["seq"], json!(fired.deliveries[0].seq));
    assert_eq!(first["type"], json!("sms"), "the caller's payload is kept");
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(ex.version, fired.version);

    let done = store.done_set(&ex.id).await.unwrap();
    assert_eq!(done.len(), 4);
    assert!(done.contains(&(tid("city-hall"), iid("city-hall-002"))));

    // A live inject to city hall takes its next seq.
    let live = store
        .apply_step(step_with(
            &ex,
            vec![delivery(
                "city-hall",
                "live-0001",
                scip_store::DeliveryCause::Live,
            )],
            poll_at + 500,
        ))
        .await
        .unwrap();
    assert_eq!(live.deliveries[0].seq, 3);
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(
        store.done_set(&ex.id).await.unwrap().len(),
        4,
        "live injects are not in the plan"
    );

    // --- outbox ------------------------------------------------------------------------
    let outbox = store.unpublished(None, 100).await.unwrap();
    assert_eq!(outbox.len(), 5);
    assert!(outbox.windows(2).all(|w| w[0].fired_at <= w[1].fired_at));
    assert_eq!(
        store
            .unpublished(Some(&second.id), 100)
            .await
            .unwrap()
            .len(),
        0
    );
    let failed = &outbox[0].delivery_id;
    store
        .record_publish_failure(failed, "connection refused")
        .await
        .unwrap();
    let ids: Vec<_> = outbox.iter().map(|o| o.delivery_id.clone()).collect();
    assert_eq!(store.mark_published(&ids, poll_at + 600).await.unwrap(), 5);
    assert_eq!(store.mark_published(&ids, poll_at + 700).await.unwrap(), 0);
    assert!(store.unpublished(None, 100).await.unwrap().is_empty());
    let record = store.get_delivery(failed).await.unwrap();
    assert_eq!(record.publish_attempts, 1);
    assert_eq!(record.last_error.as_deref(), Some("connection refused"));
    assert_eq!(record.published_at, Some(poll_at + 600));

    // --- receipts ----------------------------------------------------------------------
    let city_first = fired
        .deliveries
        .iter()
        .find(|d| d.team == tid("city-hall"))
        .unwrap()
        .clone();
    let receipt = |seq, kind, at| Receipt {
        exercise: ex.id.clone(),
        team: tid("city-hall"),
        seq,
        kind,
        at,
        viewer: Some("browser-1".into()),
    };
    assert!(
        store
            .record_receipt(
                &receipt(city_first.seq, ReceiptKind::Received, poll_at + 800),
                poll_at + 801
            )
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_receipt(
                &receipt(city_first.seq, ReceiptKind::Received, poll_at + 900),
                poll_at + 901
            )
            .await
            .unwrap(),
        "a second 'received' changes nothing"
    );
    assert!(
        store
            .record_receipt(
                &receipt(2, ReceiptKind::Read, poll_at + 1_000),
                poll_at + 1_001
            )
            .await
            .unwrap()
    );
    let read = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                state: Some(DeliveryState::Read),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(read.total, 1);
    let read = &read.items[0];
    assert_eq!(
        (read.received_at, read.displayed_at, read.read_at),
        (
            Some(poll_at + 1_000),
            Some(poll_at + 1_000),
            Some(poll_at + 1_000)
        ),
        "read implies received and displayed"
    );
    assert_eq!(read.state(), DeliveryState::Read);

    // --- delivery queries --------------------------------------------------------------
    let city = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                team: Some(tid("city-hall")),
                sort: DeliverySort::Seq,
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    let seqs: Vec<u64> = city.items.iter().map(|d| d.seq).collect();
    assert_eq!(seqs, [1, 2, 3]);
    assert!(city.items[2].manual);
    let received = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                state: Some(DeliveryState::Received),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(received.items.len(), 1);
    assert_eq!(received.items[0].seq, city_first.seq);
    let published = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                state: Some(DeliveryState::Published),
                paging: Paging::first(2),
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((published.total, published.items.len()), (3, 2));
    let late = store
        .list_deliveries(
            &ex.id,
            &DeliveryFilter {
                late_only: true,
                ..DeliveryFilter::default()
            },
        )
        .await
        .unwrap();
    // The poll came 5–15 s after the injects' instants, so the engine marked them late.
    assert_eq!(late.total, 4);
    assert!(late.items.iter().all(|d| d.late && d.lateness_ms >= 5_000));
    let feed = store
        .team_feed(&ex.id, &tid("city-hall"), 1, i64::MAX, 100)
        .await
        .unwrap();
    let feed_seqs: Vec<u64> = feed.iter().map(|f| f.seq).collect();
    assert_eq!(feed_seqs, [2, 3]);
    let counts = store.delivery_counts(&ex.id).await.unwrap();
    assert_eq!(counts.len(), 2);
    let city_counts = counts
        .iter()
        .find(|c| c.team_id == tid("city-hall"))
        .unwrap()
        .counts;
    assert_eq!(
        (
            city_counts.delivered,
            city_counts.scheduled,
            city_counts.live,
            city_counts.published,
            city_counts.received,
            city_counts.displayed,
            city_counts.read,
            city_counts.unpublished
        ),
        (3, 2, 1, 3, 2, 1, 1, 0)
    );
    let quiet_counts = store.delivery_counts(&second.id).await.unwrap();
    assert_eq!(
        quiet_counts[0].counts.delivered, 0,
        "teams without deliveries count zero"
    );

    // --- resend --------------------------------------------------------------------------
    let resent = store
        .mark_for_resend(&city_first.id, "alice", poll_at + 2_000)
        .await
        .unwrap();
    assert_eq!(resent, 1);
    let again = store.unpublished(Some(&ex.id), 10).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].seq, city_first.seq);
    assert_eq!(
        again[0].payload, city_first.payload,
        "same payload, same seq"
    );
    assert!(matches!(
        store
            .mark_for_resend(&scip_store::DeliveryId::from("missing"), "alice", T0)
            .await,
        Err(StoreError::NotFound(_))
    ));

    // --- events ------------------------------------------------------------------------
    let seq = store
        .append_event(
            &ex.id,
            "team:city-hall",
            &NewEvent::new("presence", json!({"team": "city-hall", "viewers": 2})),
            poll_at + 3_000,
        )
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(ex.event_seq, seq);
    let all = store
        .events(
            &ex.id,
            EventQuery {
                limit: 1_000,
                ..EventQuery::default()
            },
        )
        .await
        .unwrap();
    let numbers: Vec<u64> = all.iter().map(|e| e.seq).collect();
    assert_eq!(
        numbers,
        (1..=seq).collect::<Vec<_>>(),
        "numbered without gaps"
    );
    let kinds: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds[0], "created");
    assert!(kinds.contains(&"access_code_rotated"));
    assert_eq!(kinds.iter().filter(|k| **k == "inject_fired").count(), 4);
    assert!(kinds.contains(&"live_inject"));
    assert!(kinds.contains(&"delivery_resent"));
    let presence = all.last().unwrap();
    assert_eq!(
        presence.elapsed_ms, 28_000,
        "stamped with the exercise clock"
    );
    assert!(
        !all.iter()
            .any(|e| e.data.to_string().contains("fresh-code")),
        "codes never logged"
    );
    let newest = store
        .events(
            &ex.id,
            EventQuery {
                limit: 2,
                order: EventOrder::NewestFirst,
                ..EventQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        newest.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [seq, seq - 1]
    );
    let page = store
        .events(
            &ex.id,
            EventQuery {
                after_seq: Some(2),
                before_seq: Some(5),
                ..EventQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);

    // --- leases ------------------------------------------------------------------------
    // Every exercise that is not stopped needs an engine: the running one, and the deployed
    // one whose dashboards must be hosted.
    let quiet = store.orphaned_exercises(poll_at).await.unwrap();
    assert_eq!(quiet.len(), 2);
    assert_eq!(quiet[0], ex.id);
    let quiet = quiet[1].clone();
    assert!(
        store
            .acquire_lease(&ex.id, "node-a", poll_at, 3_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .acquire_lease(&ex.id, "node-b", poll_at + 1_000, 3_000)
            .await
            .unwrap()
    );
    assert!(
        store
            .renew_lease(&ex.id, "node-a", poll_at + 2_000, 3_000)
            .await
            .unwrap()
    );
    assert!(
        !store
            .renew_lease(&ex.id, "node-b", poll_at + 2_000, 3_000)
            .await
            .unwrap()
    );
    assert_eq!(
        store.orphaned_exercises(poll_at + 4_000).await.unwrap(),
        vec![quiet.clone()],
        "only the exercise nobody leased is orphaned"
    );
    let lease = store.lease(&ex.id).await.unwrap().unwrap();
    assert_eq!(
        (lease.owner.as_str(), lease.expires_at),
        ("node-a", poll_at + 5_000)
    );
    assert!(!store.release_lease(&ex.id, "node-b").await.unwrap());
    assert!(store.release_lease(&ex.id, "node-a").await.unwrap());
    assert!(store.lease(&ex.id).await.unwrap().is_none());

    // --- settings ----------------------------------------------------------------------
    assert_eq!(store.setting("demo.loaded").await.unwrap(), None);
    store.set_setting("demo.loaded", "1").await.unwrap();
    store.set_setting("demo.loaded", "2").await.unwrap();
    assert_eq!(
        store.setting("demo.loaded").await.unwrap().as_deref(),
        Some("2")
    );
    assert!(store.delete_setting("demo.loaded").await.unwrap());
    assert!(!store.delete_setting("demo.loaded").await.unwrap());

    // --- deleting what is in use --------------------------------------------------------
    let refused = store.delete_scenario(&v1.id).await.unwrap_err();
    assert!(
        matches!(&refused, StoreError::InUse(m) if m.contains("1 exercise")),
        "{refused:?}"
    );
    store
        .delete_scenario(&sid("harbour-storm-copy"))
        .await
        .unwrap();
    assert!(matches!(
        store.delete_scenario(&sid("harbour-storm-copy")).await,
        Err(StoreError::NotFound(_))
    ));
    let summaries = store.list_scenarios(None).await.unwrap();
    let ids: Vec<&str> = summaries.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["harbour-storm", "quiet-night"]);
    let storm = &summaries[0];
    assert_eq!(
        (
            storm.latest_version,
            storm.team_count,
            storm.inject_count,
            storm.exercise_count
        ),
        (2, 2, 6, 1)
    );
    assert_eq!(storm.last_exercise_at, Some(T0 + 1_000));
    assert_eq!(storm.duration_ms, Some(30 * 60_000));
    let found = store.list_scenarios(Some("REVISED")).await.unwrap();
    assert_eq!(found.len(), 1);
    let found = store.list_scenarios(Some("quiet-")).await.unwrap();
    assert_eq!(found[0].id, sid("quiet-night"));

    // --- stopping expires the codes ------------------------------------------------------
    let ex = store.get_exercise(&ex.id).await.unwrap();
    let mut engine = engine_for(&store, &ex).await;
    let stop_at = poll_at + 10_000;
    let effects = engine.apply(Command::Stop, stop_at).unwrap();
    store
        .apply_step(step_from_effects(
            &ex,
            *engine.runtime(),
            effects,
            "alice",
            stop_at,
            0,
        ))
        .await
        .unwrap();
    let ex = store.get_exercise(&ex.id).await.unwrap();
    assert_eq!(ex.stopped_at, Some(stop_at));
    assert!(
        store
            .find_team_by_access_code("fresh-code")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !store
            .orphaned_exercises(stop_at)
            .await
            .unwrap()
            .contains(&ex.id),
        "a stopped exercise needs no engine"
    );

    store.close().await;
    assert!(store.ping().await.unwrap_err().is_unavailable());
}

crate::on_both_databases!(story);
