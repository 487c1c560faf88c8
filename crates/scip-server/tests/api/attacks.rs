//! The attack list: forged and expired tokens, SQL meta-characters in every text field,
//! brute-forced sign-ins and access codes, oversized bodies. (Path traversal, SVG with
//! script and team codes used for another team or after the stop are in `media`,
//! `import_export` and `team_access`.)

use base64::Engine as _;
use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{Db, PASSWORD, TestApp, scenario_doc, wait_for};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

async fn forged_and_expired_tokens_are_refused(app: TestApp) {
    let genuine = app.token(Role::Admin).await;
    assert_eq!(me_status(&app, &genuine).await, StatusCode::OK);
    let parts: Vec<&str> = genuine.split('.').collect();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    // `alg: none` with the genuine claims and no signature.
    let none = format!("{}.{}.", b64(br#"{"alg":"none","typ":"JWT"}"#), parts[1]);
    assert_eq!(me_status(&app, &none).await, StatusCode::UNAUTHORIZED);
    // The genuine header and claims promoted to another role, keeping the old signature.
    let mut promoted = claims.clone();
    promoted["role"] = json!("admin");
    promoted["sub"] = json!("someone-else");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        b64(promoted.to_string().as_bytes()),
        parts[2]
    );
    assert_eq!(me_status(&app, &tampered).await, StatusCode::UNAUTHORIZED);
    // Signed with another key; and with HS512 by the right key's stranger.
    let wrong_key = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(b"not-the-server-secret-not-the-server-secret"),
    )
    .unwrap();
    assert_eq!(me_status(&app, &wrong_key).await, StatusCode::UNAUTHORIZED);
    // Correctly signed but expired.
    let mut old = claims.clone();
    old["iat"] = json!(1_000);
    old["exp"] = json!(2_000);
    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &old,
        &jsonwebtoken::EncodingKey::from_secret(
            b"test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        ),
    )
    .unwrap();
    let response = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&expired)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "token_expired");
    // Garbage, and a session cookie that is really an access token.
    for junk in ["", "a.b.c", "Bearer", &"x".repeat(10_000)] {
        assert_eq!(
            me_status(&app, junk).await,
            StatusCode::UNAUTHORIZED,
            "{junk:.20}"
        );
    }
    let response = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .header("cookie", format!("scip_session={genuine}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

const NASTY: [&str; 6] = [
    "'; DROP TABLE users; --",
    "\" OR \"1\"=\"1",
    "100% _match_ \\ back\\slash",
    "Robert'); DELETE FROM scenarios WHERE ('1'='1",
    "<script>alert('x')</script>",
    "ünïcødé ✓ — «quotes»",
];

async fn sql_meta_characters_are_only_ever_text(app: TestApp) {
    for (i, nasty) in NASTY.iter().enumerate() {
        let mut doc = scenario_doc(&format!("nasty-{i}"));
        doc["name"] = json!(nasty);
        doc["description"] = json!(nasty);
        doc["teams"][0]["name"] = json!(nasty);
        doc["teams"][0]["injects"][0]["content"]["body"] = json!(nasty);
        doc["teams"][0]["injects"][0]["content"]["from"] = json!(nasty);
        doc["teams"][0]["injects"][0]["notes"] = json!(nasty);
        let (status, body) = app
            .post(
                "/api/v2/scenarios",
                Role::Controller,
                json!({"scenario": doc, "comment": nasty}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let (_, back) = app
            .get(&format!("/api/v2/scenarios/nasty-{i}"), Role::Observer)
            .await;
        assert_eq!(back["scenario"]["name"], *nasty);
        assert_eq!(
            back["scenario"]["teams"][0]["injects"][0]["content"]["body"],
            *nasty
        );
        // Searches treat it as text, wildcards included.
        let search = urlencode(nasty);
        let (status, found) = app
            .get(
                &format!("/api/v2/scenarios?search={search}"),
                Role::Observer,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found["total"], 1, "{nasty}: {found}");
        let (status, media) = app
            .get(&format!("/api/v2/media?search={search}"), Role::Observer)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(media["total"], 0);
        // As a display name, a user name, a path segment, a code and a live inject.
        let (status, _) = app.post("/api/v2/users", Role::Admin, json!({"username": format!("u{i}"), "display_name": nasty, "password": "a long enough password", "role": "observer"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = app.post("/api/v2/users", Role::Admin, json!({"username": nasty, "password": "a long enough password", "role": "observer"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app
            .get(&format!("/api/v2/scenarios/{search}"), Role::Observer)
            .await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{status}"
        );
        let (status, _) = app
            .get(&format!("/api/v2/users/{search}"), Role::Admin)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v2/team-access",
                None,
                Some(json!({"code": nasty})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v2/auth/token",
                None,
                Some(json!({"username": nasty, "password": nasty})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let id = app.launch("nasty-0").await;
    let (status, sent) = app
        .post(&format!("/api/v2/exercises/{id}/live-injects"), Role::Controller, json!({"teams": ["red"], "type": "sms", "content": {"from": NASTY[0], "body": NASTY[3]}}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let (status, _) = app
        .get(
            &format!(
                "/api/v2/exercises/{id}/deliveries?team={}",
                urlencode(NASTY[0])
            ),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Every table is intact.
    assert_eq!(
        app.store().list_users().await.unwrap().len(),
        3 + NASTY.len()
    );
    assert_eq!(
        app.store().list_scenarios(None).await.unwrap().len(),
        NASTY.len()
    );
    let page = app.deliveries(&id, "").await;
    assert_eq!(page["total"], 1);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn brute_forcing_sign_ins_and_codes_is_throttled(app: TestApp) {
    // Access codes: the address is throttled after its failures.
    app.create_scenario(scenario_doc("codes")).await;
    let id = app.launch("codes").await;
    let real = app.access_code(&id, "red").await;
    for i in 0..scip_server::auth::limit::ADDRESS_LIMIT {
        let (status, _) = app
            .call(
                Method::POST,
                "/api/v2/team-access",
                None,
                Some(json!({"code": format!("AAAA-{i:04}")})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/team-access",
            None,
            Some(json!({"code": real})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Sign-ins: the account first, then the address.
    let attempt = |user: &'static str, password: &'static str| {
        let app = &app;
        async move {
            app.call(
                Method::POST,
                "/api/v2/auth/login",
                None,
                Some(json!({"username": user, "password": password})),
            )
            .await
            .0
        }
    };
    for _ in 0..scip_server::auth::limit::ACCOUNT_LIMIT {
        assert_eq!(
            attempt("cole", "guess-guess-guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Beyond the limit even the right password is refused, with Retry-After.
    let response = app
        .client
        .post(app.url("/api/v2/auth/login"))
        .json(&json!({"username": "cole", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_some());
    // Other accounts from the same address still work, until the address limit.
    assert_eq!(attempt("olive", PASSWORD).await, StatusCode::OK);
    let remaining =
        scip_server::auth::limit::ADDRESS_LIMIT - scip_server::auth::limit::ACCOUNT_LIMIT;
    let names = [
        "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11", "u12", "u13", "u14",
        "u15", "u16", "u17", "u18", "u19", "u20", "u21", "u22", "u23", "u24",
    ];
    for name in names.iter().take(remaining as usize) {
        assert_eq!(attempt(name, "wrong").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        attempt("ada", PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("scip_logins_total{outcome=\"throttled\"} 2"),
        "{metrics}"
    );
}

async fn oversized_bodies_are_refused_with_413(db: Db) {
    let app = TestApp::spawn(db, |c| c.settings.import_limit = 32 * 1024).await;
    let big = vec![b'a'; 200 * 1024];
    let form = reqwest::multipart::Form::new().part(
        "files",
        reqwest::multipart::Part::bytes(big).file_name("plan.csv"),
    );
    let response = app
        .request(
            Method::POST,
            "/api/v2/scenarios/import",
            Some(Role::Controller),
        )
        .await
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    // A JSON body beyond 16 MiB.
    let huge = format!(
        "{{\"scenario\": {{\"id\": \"x\", \"description\": \"{}\"}}}}",
        "d".repeat(17 * 1024 * 1024)
    );
    let response = app
        .request(Method::POST, "/api/v2/scenarios", Some(Role::Controller))
        .await
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    wait_for("nothing stored", || async {
        app.store()
            .list_scenarios(None)
            .await
            .unwrap()
            .is_empty()
            .then_some(())
    })
    .await;
}

on_both_databases!(
    forged_and_expired_tokens_are_refused,
    sql_meta_characters_are_only_ever_text,
    brute_forcing_sign_ins_and_codes_is_throttled,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused_on_sqlite() {
    oversized_bodies_are_refused_with_413(Db::Sqlite(tempfile::tempdir().unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_are_refused_on_postgres() {
    oversized_bodies_are_refused_with_413(Db::Postgres(scip_testkit::PgDatabase::create().await))
        .await;
}
