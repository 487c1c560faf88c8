//! Signing in and out: cookie sessions with CSRF, bearer tokens, refresh, revocation, account
//! changes ending sessions.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{PASSWORD, TestApp};

/// The session cookie (`name=value`) set by a response.
fn session_cookie(response: &reqwest::Response) -> (String, String) {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("scip_session="))
        .expect("a session cookie");
    let pair = header.split(';').next().unwrap().to_owned();
    (pair, header)
}

async fn cookie_login(app: &TestApp) -> (String, String) {
    let response = app
        .client
        .post(app.url("/api/v2/auth/login"))
        .json(&json!({"username": "cole", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (cookie, header) = session_cookie(&response);
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    // The all-in-one demo runs over plain http://localhost: no Secure flag there.
    assert!(!header.contains("Secure"), "{header}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["role"], "controller");
    (cookie, body["csrf_token"].as_str().unwrap().to_owned())
}

async fn cookie_sessions_need_the_csrf_value_on_writes(app: TestApp) {
    let (cookie, csrf) = cookie_login(&app).await;
    // Reading needs no CSRF value.
    let me = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["auth"], "cookie");
    assert_eq!(me["csrf_token"], csrf);
    let doc = crate::support::scenario_doc("csrf-check");
    // A write without it is refused, with a wrong one too.
    for header in [None, Some("wrong")] {
        let mut req = app
            .client
            .post(app.url("/api/v2/scenarios"))
            .header("cookie", &cookie)
            .json(&json!({"scenario": doc}));
        if let Some(h) = header {
            req = req.header("x-csrf-token", h);
        }
        let response = req.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "csrf");
    }
    assert_eq!(app.store().list_scenarios(None).await.unwrap().len(), 0);
    let response = app
        .client
        .post(app.url("/api/v2/scenarios"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({"scenario": doc}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // Logging out ends the session.
    let out = app
        .client
        .post(app.url("/api/v2/auth/logout"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let cleared = out
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let after = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn bearer_tokens_refresh_once_and_logout_revokes_them(app: TestApp) {
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v2/auth/token",
            None,
            Some(json!({"username": "olive", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let me = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    // A refresh token is not an access token.
    let wrong = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let (status, renewed) = app
        .call(
            Method::POST,
            "/api/v2/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    // The old pair is gone: the refresh token works once, the old access token no more.
    let (again, _) = app
        .call(
            Method::POST,
            "/api/v2/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await;
    assert_eq!(again, StatusCode::UNAUTHORIZED);
    let old = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let new_access = renewed["access_token"].as_str().unwrap().to_owned();
    let out = app
        .client
        .post(app.url("/api/v2/auth/logout"))
        .bearer_auth(&new_access)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&new_access)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn wrong_passwords_and_unknown_users_get_the_same_answer(app: TestApp) {
    for (user, password) in [("cole", "not the password"), ("nobody", PASSWORD)] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v2/auth/login",
                None,
                Some(json!({"username": user, "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["message"], "wrong username or password");
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/auth/login",
            None,
            Some(json!({"username": "cole"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .client
        .post(app.url("/api/v2/auth/login"))
        .body("{\"username\":")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = app
        .client
        .post(app.url("/api/v2/auth/login"))
        .body("username=cole")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

async fn account_changes_end_sessions_and_passwords_can_be_changed(app: TestApp) {
    let observer = app.token(Role::Observer).await;
    // Changing one's own password: wrong current password refused, short new one refused.
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v2/auth/password",
            Some(Role::Observer),
            Some(json!({"current_password": "nope", "new_password": "a new long password"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v2/auth/password",
            Some(Role::Observer),
            Some(json!({"current_password": PASSWORD, "new_password": "short"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v2/auth/password",
            Some(Role::Observer),
            Some(json!({"current_password": PASSWORD, "new_password": "a new long password"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let me = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&observer)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/auth/token",
            None,
            Some(json!({"username": "olive", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, fresh) = app
        .call(
            Method::POST,
            "/api/v2/auth/token",
            None,
            Some(json!({"username": "olive", "password": "a new long password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Any later change to the account (here its role, two seconds on) ends that session too.
    let fresh = fresh["access_token"].as_str().unwrap().to_owned();
    let user = app
        .store()
        .find_user_by_username("olive")
        .await
        .unwrap()
        .unwrap()
        .user;
    let later = app.app.state.engine.clock.now() + 2_000;
    app.store()
        .set_user_role(&user.id, Role::Controller, later)
        .await
        .unwrap();
    let me = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let body: Value = me.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("account changed"),
        "{body}"
    );
}

async fn a_disabled_account_cannot_sign_in_or_use_its_tokens(app: TestApp) {
    let token = app.token(Role::Controller).await;
    let user = app
        .store()
        .find_user_by_username("cole")
        .await
        .unwrap()
        .unwrap()
        .user;
    app.store()
        .set_user_disabled(&user.id, true, user.updated_at)
        .await
        .unwrap();
    let me = app
        .client
        .get(app.url("/api/v2/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/auth/login",
            None,
            Some(json!({"username": "cole", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

on_both_databases!(
    cookie_sessions_need_the_csrf_value_on_writes,
    bearer_tokens_refresh_once_and_logout_revokes_them,
    wrong_passwords_and_unknown_users_get_the_same_answer,
    account_changes_end_sessions_and_passwords_can_be_changed,
    a_disabled_account_cannot_sign_in_or_use_its_tokens,
);
