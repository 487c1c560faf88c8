//! Settings: accounts for administrators (through the users API's logic), everyone's own
//! password, and the installation facts.

use reqwest::StatusCode;
use scip_store::Role;
use serde_json::json;

use crate::portal::{Session, flashes};
use crate::support::TestApp;

async fn user_id(app: &TestApp, name: &str) -> String {
    app.store()
        .find_user_by_username(name)
        .await
        .unwrap()
        .unwrap()
        .user
        .id
        .to_string()
}

async fn can_sign_in(app: &TestApp, name: &str, password: &str) -> bool {
    let response = app
        .client
        .post(app.url("/api/v2/auth/token"))
        .json(&json!({"username": name, "password": password}))
        .send()
        .await
        .unwrap();
    response.status() == StatusCode::OK
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_manage_accounts_from_settings() {
    let app = TestApp::sqlite().await;
    let mut ada = Session::sign_in(&app, Role::Admin).await;
    let page = ada.get("/settings").await.body;
    assert!(page.contains("id=\"users-table\""));
    for name in ["ada", "cole", "olive"] {
        assert!(page.contains(&format!("data-user=\"{name}\"")));
    }
    assert!(page.contains("sqlite"), "the database kind is shown");

    // Add.
    let page = ada
        .submit_and_follow(
            "/settings/users",
            &[
                ("username", "ann.lee"),
                ("display_name", "Ann Lee"),
                ("password", "a long enough password"),
                ("role", "observer"),
            ],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("can now sign in as ann.lee")),
        "{:?}",
        flashes(&page)
    );
    assert!(can_sign_in(&app, "ann.lee", "a long enough password").await);
    let ann = user_id(&app, "ann.lee").await;

    // Bad input: a message, nothing stored.
    let page = ada
        .submit_and_follow(
            "/settings/users",
            &[
                ("username", "bad name"),
                ("password", "a long enough password"),
                ("role", "observer"),
            ],
        )
        .await
        .body;
    assert!(page.contains("toast toast--error"));
    assert_eq!(app.store().list_users().await.unwrap().len(), 4);

    // Role, disable, enable, reset password.
    ada.submit_and_follow(&format!("/settings/users/{ann}"), &[("role", "controller")])
        .await;
    let stored = app
        .store()
        .find_user_by_username("ann.lee")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.user.role, Role::Controller);
    ada.submit_and_follow(&format!("/settings/users/{ann}"), &[("disabled", "true")])
        .await;
    assert!(!can_sign_in(&app, "ann.lee", "a long enough password").await);
    ada.submit_and_follow(&format!("/settings/users/{ann}"), &[("disabled", "false")])
        .await;
    assert!(can_sign_in(&app, "ann.lee", "a long enough password").await);
    let page = ada
        .submit_and_follow(
            &format!("/settings/users/{ann}"),
            &[("password", "another long password")],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("has a new password"))
    );
    assert!(can_sign_in(&app, "ann.lee", "another long password").await);

    // The last administrator cannot be demoted.
    let me = user_id(&app, "ada").await;
    let page = ada
        .submit_and_follow(&format!("/settings/users/{me}"), &[("role", "observer")])
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("last enabled administrator")),
        "{:?}",
        flashes(&page)
    );

    // Remove.
    let page = ada
        .submit_and_follow(&format!("/settings/users/{ann}/delete"), &[])
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("ann.lee is removed"))
    );
    assert!(
        app.store()
            .find_user_by_username("ann.lee")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_change_only_their_own_password() {
    let app = TestApp::sqlite().await;
    let mut cole = Session::sign_in(&app, Role::Controller).await;
    let page = cole.get("/settings").await.body;
    assert!(!page.contains("id=\"users-table\""));
    assert!(page.contains("action=\"/settings/password\""));
    let ada = user_id(&app, "ada").await;
    for (path, fields) in [
        (
            "/settings/users".to_owned(),
            vec![
                ("username", "x"),
                ("password", "a long enough password"),
                ("role", "admin"),
            ],
        ),
        (format!("/settings/users/{ada}"), vec![("disabled", "true")]),
        (format!("/settings/users/{ada}/delete"), vec![]),
    ] {
        let reply = cole.submit(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }

    // Mismatched repeat, wrong current password: messages, nothing changes.
    let page = cole
        .submit_and_follow(
            "/settings/password",
            &[
                ("current", crate::support::PASSWORD),
                ("new", "new password one!"),
                ("repeat", "different"),
            ],
        )
        .await
        .body;
    assert!(flashes(&page).iter().any(|f| f.contains("differ")));
    let page = cole
        .submit_and_follow(
            "/settings/password",
            &[
                ("current", "wrong"),
                ("new", "new password one!"),
                ("repeat", "new password one!"),
            ],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("current password is wrong")),
        "{:?}",
        flashes(&page)
    );

    let reply = cole
        .submit(
            "/settings/password",
            &[
                ("current", crate::support::PASSWORD),
                ("new", "new password one!"),
                ("repeat", "new password one!"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location.as_deref(), Some("/sign-in"));
    assert!(can_sign_in(&app, "cole", "new password one!").await);
    assert!(!can_sign_in(&app, "cole", crate::support::PASSWORD).await);
    // This session has ended.
    let after = cole.get("/settings").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}
