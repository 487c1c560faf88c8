//! Several API replicas behind one proxy share sign-in limits and revoked sessions through
//! Redis (`REDIS_URL`), and `/ready` checks Redis when it is configured.

use reqwest::StatusCode;
use scip_store::Role;
use serde_json::{Value, json};

use crate::support::{Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_limits_and_revocations_through_redis() {
    let redis = scip_testkit::redis_url();
    let a = TestApp::spawn(
        Db::Postgres(scip_testkit::PgDatabase::create().await),
        |c| {
            c.redis_url = Some(redis.clone());
        },
    )
    .await;
    let (b_base, b_app) = a.replica().await;
    let client = &a.client;
    let ready: Value = client
        .get(a.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["checks"]["redis"]["ok"], true, "{ready}");

    // A fresh account and client address, so that earlier runs on the same Redis do not count.
    let unique = ulid::Ulid::generate().to_string().to_lowercase();
    let name = format!("replica-{unique}");
    let (status, _) = a
        .post(
            "/api/v2/users",
            Role::Admin,
            json!({"username": name, "password": "a long enough password", "role": "observer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let bytes = unique.as_bytes();
    let address = format!(
        "10.{}.{}.{}",
        bytes[20] % 250,
        bytes[22] % 250,
        bytes[24] % 250
    );
    let login = |base: String, password: &'static str| {
        let (client, name, address) = (client.clone(), name.clone(), address.clone());
        async move {
            client
                .post(format!("{base}/api/v2/auth/token"))
                .header("x-forwarded-for", address)
                .json(&json!({"username": name, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..scip_server::auth::limit::ACCOUNT_LIMIT {
        assert_eq!(
            login(a.base.clone(), "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // The other replica refuses the right password too: the count is shared.
    assert_eq!(
        login(b_base.clone(), "a long enough password")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // A session ended on one replica is ended on the other.
    let token = a.token(Role::Controller).await;
    let on_b = client
        .get(format!("{b_base}/api/v2/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(on_b.status(), StatusCode::OK);
    let out = client
        .post(a.url("/api/v2/auth/logout"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let on_b = client
        .get(format!("{b_base}/api/v2/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(on_b.status(), StatusCode::UNAUTHORIZED);
    b_app.cancel_token().cancel();
}
