//! Accounts: administrators manage them; nobody else may; the last administrator stays.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::json;

use crate::on_both_databases;
use crate::support::TestApp;

async fn administrators_create_change_and_remove_accounts(app: TestApp) {
    let (status, created) = app
        .post(
            "/api/v2/users",
            Role::Admin,
            json!({"username": "dana", "password": "a long enough password", "role": "observer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["display_name"], "dana");
    assert!(created.get("password_hash").is_none());
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, list) = app.get("/api/v2/users", Role::Admin).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ada", "cole", "dana", "olive"]);
    let (status, changed) = app
        .call(
            Method::PATCH,
            &format!("/api/v2/users/{id}"),
            Some(Role::Admin),
            Some(json!({"display_name": "Dana Ruiz", "role": "controller"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["display_name"], "Dana Ruiz");
    assert_eq!(changed["role"], "controller");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v2/auth/token",
            None,
            Some(json!({"username": "dana", "password": "a long enough password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v2/users/{id}"),
            Some(Role::Admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get(&format!("/api/v2/users/{id}"), Role::Admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_accounts_are_refused_with_reasons(app: TestApp) {
    for (body, expected) in [
        (
            json!({"username": "cole", "password": "a long enough password", "role": "observer"}),
            StatusCode::CONFLICT,
        ),
        (
            json!({"username": "x y", "password": "a long enough password", "role": "observer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "zed", "password": "short", "role": "observer"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "zed", "password": "a long enough password", "role": "superuser"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            json!({"username": "zed", "password": "a long enough password", "role": "observer", "extra": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (status, error) = app.post("/api/v2/users", Role::Admin, body.clone()).await;
        assert_eq!(status, expected, "{body} → {error}");
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
}

async fn the_last_administrator_cannot_be_removed_demoted_or_disabled(app: TestApp) {
    let admin = app
        .store()
        .find_user_by_username("ada")
        .await
        .unwrap()
        .unwrap()
        .user;
    let path = format!("/api/v2/users/{}", admin.id);
    for body in [json!({"role": "controller"}), json!({"disabled": true})] {
        let (status, error) = app
            .call(Method::PATCH, &path, Some(Role::Admin), Some(body))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{error}");
    }
    let (status, _) = app
        .call(Method::DELETE, &path, Some(Role::Admin), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(app.store().count_admins().await.unwrap(), 1);
}

async fn only_administrators_manage_accounts(app: TestApp) {
    for role in [Role::Controller, Role::Observer] {
        let (status, _) = app.get("/api/v2/users", role).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app
            .post(
                "/api/v2/users",
                role,
                json!({"username": "eve", "password": "a long enough password", "role": "admin"}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    assert!(
        app.store()
            .find_user_by_username("eve")
            .await
            .unwrap()
            .is_none()
    );
}

on_both_databases!(
    administrators_create_change_and_remove_accounts,
    bad_accounts_are_refused_with_reasons,
    the_last_administrator_cannot_be_removed_demoted_or_disabled,
    only_administrators_manage_accounts,
);
