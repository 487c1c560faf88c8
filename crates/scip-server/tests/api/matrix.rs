//! The authorization matrix: every endpoint against every kind of caller — nobody, each role,
//! a team of this exercise and a team of another — with the expected status. Requests that
//! would change something name things that do not exist or carry bodies that fail validation,
//! so the matrix proves who gets past authentication and authorization without side effects.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::support::{PASSWORD, TestApp, scenario_doc};

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone.
    Public,
    /// Any signed-in user.
    User,
    /// Controllers and administrators.
    Controller,
    /// Administrators.
    Admin,
    /// A team session.
    Team,
    /// Any user, or a team that was delivered the file.
    UserOrTeam,
    /// Authenticates by the credentials in its body (here wrong ones): 401 for everyone.
    Credentials,
}

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Nobody,
    User(Role),
    Team,
    OtherExerciseTeam,
}

const CALLERS: [Caller; 6] = [
    Caller::Nobody,
    Caller::User(Role::Observer),
    Caller::User(Role::Controller),
    Caller::User(Role::Admin),
    Caller::Team,
    Caller::OtherExerciseTeam,
];

/// The status class a caller must get.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// Past authorization: anything but 401, 403 and 5xx.
    Allowed,
    Status(StatusCode),
}

fn expected(access: Access, caller: Caller) -> Expect {
    use Caller as C;
    let unauthorized = Expect::Status(StatusCode::UNAUTHORIZED);
    let forbidden = Expect::Status(StatusCode::FORBIDDEN);
    match (access, caller) {
        (Access::Public, _) => Expect::Allowed,
        (Access::Credentials, _) => unauthorized,
        (_, C::Nobody) => unauthorized,
        (Access::Team, C::Team | C::OtherExerciseTeam) => Expect::Allowed,
        (Access::Team, C::User(_)) => unauthorized,
        (Access::UserOrTeam, _) => Expect::Allowed,
        (_, C::Team | C::OtherExerciseTeam) => unauthorized,
        (Access::User, C::User(_)) => Expect::Allowed,
        (Access::Controller, C::User(Role::Observer)) => forbidden,
        (Access::Controller, C::User(_)) => Expect::Allowed,
        (Access::Admin, C::User(Role::Admin)) => Expect::Allowed,
        (Access::Admin, C::User(_)) => forbidden,
    }
}

fn endpoints(ex: &str, delivery: &str) -> Vec<(Method, String, Option<Value>, Access)> {
    use Access::*;
    let bad = Some(json!({"unexpected": true}));
    let e = |p: &str| format!("/api/v2/exercises/{ex}{p}");
    vec![
        (Method::GET, "/health".into(), None, Public),
        (Method::GET, "/ready".into(), None, Public),
        (Method::GET, "/metrics".into(), None, Public),
        (Method::GET, "/api/openapi.json".into(), None, Public),
        (
            Method::POST,
            "/api/v2/auth/login".into(),
            Some(json!({"username": "olive", "password": PASSWORD})),
            Public,
        ),
        (
            Method::POST,
            "/api/v2/auth/token".into(),
            Some(json!({"username": "olive", "password": PASSWORD})),
            Public,
        ),
        (
            Method::POST,
            "/api/v2/auth/refresh".into(),
            Some(json!({"refresh_token": "x"})),
            Credentials,
        ),
        (Method::GET, "/api/v2/auth/me".into(), None, User),
        (
            Method::PUT,
            "/api/v2/auth/password".into(),
            bad.clone(),
            User,
        ),
        (Method::GET, "/api/v2/users".into(), None, Admin),
        (Method::POST, "/api/v2/users".into(), bad.clone(), Admin),
        (Method::GET, "/api/v2/users/nobody".into(), None, Admin),
        (
            Method::PATCH,
            "/api/v2/users/nobody".into(),
            Some(json!({})),
            Admin,
        ),
        (Method::DELETE, "/api/v2/users/nobody".into(), None, Admin),
        (Method::GET, "/api/v2/scenarios".into(), None, User),
        (
            Method::POST,
            "/api/v2/scenarios".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::POST,
            "/api/v2/scenarios/validate".into(),
            bad.clone(),
            User,
        ),
        (
            Method::POST,
            "/api/v2/scenarios/import".into(),
            None,
            Controller,
        ),
        (Method::GET, "/api/v2/scenarios/matrix".into(), None, User),
        (
            Method::PUT,
            "/api/v2/scenarios/matrix".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::DELETE,
            "/api/v2/scenarios/ghost".into(),
            None,
            Controller,
        ),
        (
            Method::GET,
            "/api/v2/scenarios/matrix/versions".into(),
            None,
            User,
        ),
        (
            Method::POST,
            "/api/v2/scenarios/ghost/duplicate".into(),
            None,
            Controller,
        ),
        (
            Method::GET,
            "/api/v2/scenarios/matrix/validation".into(),
            None,
            User,
        ),
        (
            Method::GET,
            "/api/v2/scenarios/matrix/export?format=json".into(),
            None,
            User,
        ),
        (
            Method::GET,
            "/api/v2/scenarios/matrix/teams".into(),
            None,
            User,
        ),
        (
            Method::GET,
            "/api/v2/scenarios/matrix/teams/red".into(),
            None,
            User,
        ),
        (
            Method::PUT,
            "/api/v2/scenarios/matrix/teams/red".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::PUT,
            "/api/v2/scenarios/matrix/teams/red/timeline".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::PUT,
            "/api/v2/scenarios/matrix/teams/red/injects/r1".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::DELETE,
            "/api/v2/scenarios/matrix/teams/red/injects/r1".into(),
            None,
            Controller,
        ),
        (Method::GET, "/api/v2/media".into(), None, User),
        (Method::POST, "/api/v2/media".into(), None, Controller),
        (
            Method::GET,
            "/api/v2/media/ghost.png".into(),
            None,
            UserOrTeam,
        ),
        (
            Method::GET,
            "/api/v2/media/ghost.png/info".into(),
            None,
            User,
        ),
        (
            Method::DELETE,
            "/api/v2/media/ghost.png".into(),
            None,
            Controller,
        ),
        (Method::GET, "/api/v2/exercises".into(), None, User),
        (
            Method::POST,
            "/api/v2/exercises".into(),
            bad.clone(),
            Controller,
        ),
        (Method::GET, e(""), None, User),
        (Method::GET, e("/teams"), None, User),
        (Method::POST, e("/actions/explode"), None, Controller),
        (Method::POST, e("/speed"), bad.clone(), Controller),
        (Method::POST, e("/seek"), bad.clone(), Controller),
        (Method::POST, e("/live-injects"), bad.clone(), Controller),
        (Method::POST, e("/fire-now"), bad.clone(), Controller),
        (Method::GET, e("/deliveries"), None, User),
        (
            Method::GET,
            e(&format!("/deliveries/{delivery}")),
            None,
            User,
        ),
        (
            Method::POST,
            e("/deliveries/ghost/resend"),
            None,
            Controller,
        ),
        (Method::GET, e("/receipts"), None, User),
        (Method::GET, e("/events"), None, User),
        (
            Method::POST,
            e("/teams/ghost/access-code"),
            None,
            Controller,
        ),
        (Method::POST, e("/teams/ghost/link"), None, Controller),
        (
            Method::POST,
            "/api/v2/team-access".into(),
            Some(json!({"code": "NOPE-NOPE"})),
            Credentials,
        ),
        (
            Method::POST,
            "/api/v2/team-access/link".into(),
            Some(json!({"link": "x"})),
            Credentials,
        ),
        (Method::GET, "/api/v2/team-access/me".into(), None, Team),
        (
            Method::POST,
            "/api/v2/team-access/receipts".into(),
            bad.clone(),
            Team,
        ),
        (Method::GET, "/api/v1/status".into(), None, User),
        (Method::GET, "/api/v1/exercises/current".into(), None, User),
        (
            Method::POST,
            "/api/v1/exercises/ghost/deploy".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/start".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/pause".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/resume".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/finish".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/next-turn".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/stop".into(),
            None,
            Controller,
        ),
        (
            Method::POST,
            "/api/v1/exercises/ghost/inject/manual".into(),
            bad.clone(),
            Controller,
        ),
        (
            Method::GET,
            "/api/v1/exercises/matrix/status".into(),
            None,
            User,
        ),
        (Method::GET, "/api/v1/scenarios".into(), None, User),
        (Method::GET, "/api/v1/scenarios/matrix".into(), None, User),
        (
            Method::GET,
            "/api/v1/timelines/matrix/red".into(),
            None,
            User,
        ),
        (
            Method::PUT,
            "/api/v1/timelines/ghost/red".into(),
            bad.clone(),
            Controller,
        ),
        (Method::GET, "/api/v1/media".into(), None, User),
        (
            Method::POST,
            "/api/v1/media/upload".into(),
            None,
            Controller,
        ),
        (
            Method::DELETE,
            "/api/v1/media?path=/api/media/ghost.png".into(),
            None,
            Controller,
        ),
    ]
}

async fn every_caller_gets_the_expected_status_from_every_endpoint(app: TestApp) {
    app.create_scenario(scenario_doc("matrix")).await;
    let exercise = app.launch("matrix").await;
    app.action(&exercise, "start").await;
    let delivery = crate::support::wait_for("a delivery", || async {
        let page = app.deliveries(&exercise, "").await;
        page["items"][0]["id"].as_str().map(str::to_owned)
    })
    .await;
    let team = app
        .team_token(&app.access_code(&exercise, "red").await)
        .await;
    let other_exercise = app.launch("matrix").await;
    let other_team = app
        .team_token(&app.access_code(&other_exercise, "blue").await)
        .await;

    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, path, body, access) in endpoints(&exercise, &delivery) {
        for caller in CALLERS {
            let mut request = app.client.request(method.clone(), app.url(&path));
            request = match caller {
                Caller::Nobody => request,
                Caller::User(role) => request.bearer_auth(app.token(role).await),
                Caller::Team => request.bearer_auth(&team),
                Caller::OtherExerciseTeam => request.bearer_auth(&other_team),
            };
            if let Some(body) = &body {
                request = request.json(body);
            }
            let status = request.send().await.unwrap().status();
            let ok = match expected(access, caller) {
                Expect::Allowed => {
                    status != StatusCode::UNAUTHORIZED
                        && status != StatusCode::FORBIDDEN
                        && !status.is_server_error()
                }
                Expect::Status(s) => status == s,
            };
            checked += 1;
            if !ok {
                failures.push(format!(
                    "{method} {path} as {caller:?}: got {status}, expected {:?}",
                    expected(access, caller)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 400, "{checked}");
}

on_both_databases!(every_caller_gets_the_expected_status_from_every_endpoint);
