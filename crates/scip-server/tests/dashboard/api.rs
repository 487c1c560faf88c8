//! The team-scoped API dashboard processes use: bearer dashboard tokens for one exercise and
//! team, history paging, state, code and link checks with their limits, media.

use scip_core::engine::Command;
use scip_server::auth::token::{Claims, TokenKeys, TokenKind};
use scip_server::dashboard::session::{mint_dashboard_token, mint_team_link};
use scip_store::DashboardRuntime;
use serde_json::{Value, json};

use crate::support::{JWT_SECRET, TestScip, scenario};

struct Api {
    base: String,
    client: reqwest::Client,
}

impl Api {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "POST" => self.client.post(url),
            _ => self.client.get(url),
        };
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(b) = body {
            request = request.json(&b);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn the_team_feed_answers_only_its_own_dashboard_token() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("api-1"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    scip.command(&exercise, Command::Start).await;
    for id in ["red-news", "red-mail", "red-sms"] {
        scip.fire(&exercise, "red", id).await;
    }
    let keys = TokenKeys::new(JWT_SECRET.as_bytes());
    let red_token = mint_dashboard_token(&keys, &exercise, &teams[0].team_id);
    let blue_token = mint_dashboard_token(&keys, &exercise, &teams[1].team_id);
    let api = Api {
        base: scip.api(),
        client: reqwest::Client::new(),
    };
    let red = format!("/api/v2/team-feed/{exercise}/red");

    let (status, body) = api.call("GET", &format!("{red}/history"), None, None).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = api
        .call("GET", &format!("{red}/history"), Some(&blue_token), None)
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    // A participant's session token is not a dashboard token.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let session = keys.sign(&Claims {
        kind: TokenKind::Team,
        sub: "team".into(),
        sid: "s".into(),
        role: None,
        csrf: None,
        exercise: Some(exercise.to_string()),
        team: Some("red".into()),
        code_version: Some(1),
        iat: now,
        exp: now + 60,
    });
    let (status, _) = api
        .call("GET", &format!("{red}/state"), Some(&session), None)
        .await;
    assert_eq!(status, 401);

    let (status, page) = api
        .call(
            "GET",
            &format!("{red}/history?after_seq=1&limit=1"),
            Some(&red_token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["run"], 1);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["seq"], 2);
    assert_eq!(page["items"][0]["payload"]["id"], "red-mail");
    let (status, body) = api
        .call(
            "GET",
            &format!("{red}/history?after_seq=x"),
            Some(&red_token),
            None,
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let (_, state) = api
        .call("GET", &format!("{red}/state"), Some(&red_token), None)
        .await;
    assert_eq!(state["state"], "running");
    assert_eq!(state["team_id"], "red");
    assert_eq!(state["team_name"], "Maritime Operations");
    assert_eq!(state["last_seq"], 3);
    assert_eq!(state["stopped"], false);
    assert_eq!(state["timer"]["state"], "running");

    let (status, body) = api
        .call(
            "POST",
            &format!("{red}/check-code"),
            Some(&red_token),
            Some(json!({"code": teams[0].access_code, "client_ip": "192.0.2.7"})),
        )
        .await;
    assert_eq!((status, body["code_version"].as_u64()), (200, Some(1)));
    let (status, body) = api
        .call(
            "POST",
            &format!("{red}/check-code"),
            Some(&red_token),
            Some(json!({"code": teams[1].access_code, "client_ip": "192.0.2.7"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid_code"))
    );
    let (status, _) = api
        .call(
            "POST",
            &format!("{red}/check-code"),
            Some(&red_token),
            Some(json!({"code": "x", "client_ip": "not-an-ip"})),
        )
        .await;
    assert_eq!(status, 422);

    let link = mint_team_link(
        &keys,
        &exercise,
        &teams[0].team_id,
        1,
        std::time::Duration::from_secs(600),
    );
    let (status, _) = api
        .call(
            "POST",
            &format!("{red}/check-link"),
            Some(&red_token),
            Some(json!({"token": link})),
        )
        .await;
    assert_eq!(status, 200);
    let blue_link = mint_team_link(
        &keys,
        &exercise,
        &teams[1].team_id,
        1,
        std::time::Duration::from_secs(600),
    );
    let (status, _) = api
        .call(
            "POST",
            &format!("{red}/check-link"),
            Some(&red_token),
            Some(json!({"token": blue_link})),
        )
        .await;
    assert_eq!(status, 401);
    scip.shutdown().await;
}

#[tokio::test]
async fn wrong_codes_are_limited_per_client_address() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("api-2"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let keys = TokenKeys::new(JWT_SECRET.as_bytes());
    let token = mint_dashboard_token(&keys, &exercise, &teams[0].team_id);
    let api = Api {
        base: scip.api(),
        client: reqwest::Client::new(),
    };
    let path = format!("/api/v2/team-feed/{exercise}/red/check-code");
    let mut statuses = Vec::new();
    for _ in 0..31 {
        let (status, _) = api
            .call(
                "POST",
                &path,
                Some(&token),
                Some(json!({"code": "AAAA-AAAA", "client_ip": "198.51.100.9"})),
            )
            .await;
        statuses.push(status);
    }
    assert!(statuses[..30].iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(statuses[30], 429);
    // Even the right code waits now, from that address; another address is not affected.
    let (status, _) = api
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({"code": teams[0].access_code, "client_ip": "198.51.100.9"})),
        )
        .await;
    assert_eq!(status, 429);
    let (status, _) = api
        .call(
            "POST",
            &path,
            Some(&token),
            Some(json!({"code": teams[0].access_code, "client_ip": "198.51.100.10"})),
        )
        .await;
    assert_eq!(status, 200);
    scip.shutdown().await;
}
