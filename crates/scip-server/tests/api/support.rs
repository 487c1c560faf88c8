//! A whole SCIP in-process for API tests: HTTP and the embedded broker on port 0, a fresh
//! database (SQLite in a tempdir or a PostgreSQL database of its own), a media folder, and
//! three accounts — `ada` (admin), `cole` (controller), `olive` (observer).

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::{Method, RequestBuilder, StatusCode};
use scip_server::app::{AppConfig, MqttSetup, Role as AppRole, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{NewUser, Role};
use serde_json::{Value, json};

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// Upload limit of test apps (small, so oversized uploads are cheap to send).
pub const UPLOAD_LIMIT: usize = 256 * 1024;

/// Where a test app keeps its data.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(scip_testkit::PgDatabase),
}

impl Db {
    fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}", dir.path().join("scip.db").display()),
            Self::Postgres(db) => db.url.clone(),
        }
    }
}

/// A running SCIP and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Plain HTTP client (no cookie store: tests handle cookies themselves).
    pub client: reqwest::Client,
    /// The running application.
    pub app: RunningApp,
    /// The media folder.
    pub media_dir: tempfile::TempDir,
    tokens: Mutex<HashMap<&'static str, String>>,
    config: AppConfig,
    _db: Db,
}

fn test_password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| scip_server::auth::password::hash_password(PASSWORD).unwrap())
        .clone()
}

/// The username of the account with a role.
pub fn username(role: Role) -> &'static str {
    match role {
        Role::Admin => "ada",
        Role::Controller => "cole",
        Role::Observer => "olive",
    }
}

impl TestApp {
    /// An app on SQLite.
    pub async fn sqlite() -> Self {
        Self::spawn(Db::Sqlite(tempfile::tempdir().unwrap()), |_| {}).await
    }

    /// An app on a fresh PostgreSQL database.
    pub async fn postgres() -> Self {
        Self::spawn(
            Db::Postgres(scip_testkit::PgDatabase::create().await),
            |_| {},
        )
        .await
    }

    /// An app on SQLite that hosts the team dashboards itself (embedded, on a random range of
    /// 40 ports on 127.0.0.1), so that browsers can sign in to them.
    #[allow(dead_code)] // Used by the portal journey, not by every target sharing this file.
    pub async fn with_dashboards() -> Self {
        let first = 20_000 + (rand::random::<u16>() % 40_000);
        let settings = HostSettings {
            port_range: PortRange::new(first, first + 39).unwrap(),
            public_host: "127.0.0.1".into(),
            secure_cookies: false,
            process: None,
            docker: None,
            health_every: Duration::from_millis(200),
        };
        Self::spawn_hosted(
            Db::Sqlite(tempfile::tempdir().unwrap()),
            |config| config.settings.public_host = "127.0.0.1".into(),
            Some(settings),
        )
        .await
    }

    /// An app with adjusted configuration.
    pub async fn spawn(db: Db, adjust: impl FnOnce(&mut AppConfig)) -> Self {
        Self::spawn_hosted(db, adjust, None).await
    }

    /// An app with adjusted configuration, hosting dashboards when `dashboards` is given.
    async fn spawn_hosted(
        db: Db,
        adjust: impl FnOnce(&mut AppConfig),
        dashboards: Option<HostSettings>,
    ) -> Self {
        let media_dir = tempfile::tempdir().unwrap();
        let mut config = AppConfig {
            role: AppRole::All,
            database_url: db.url(),
            redis_url: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            api_port: 0,
            client_port: None,
            orchestration_port: None,
            mqtt: MqttSetup::Embedded {
                tcp_port: 0,
                ws_port: 0,
            },
            topic_prefix: String::new(),
            jwt_secret: "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz".into(),
            settings: ServerSettings {
                media_path: media_dir.path().to_path_buf(),
                upload_limit: UPLOAD_LIMIT,
                ..ServerSettings::default()
            },
            engine: scip_engine::EngineConfig {
                turn_grace_ms: 300,
                ..scip_engine::EngineConfig::default()
            },
            owner: "api-tests".into(),
        };
        adjust(&mut config);
        let app = match dashboards {
            Some(settings) => RunningApp::start_with_host(
                config.clone(),
                DashboardManager::factory(settings, |_| {}),
            )
            .await
            .unwrap(),
            None => RunningApp::start_without_dashboards(config.clone())
                .await
                .unwrap(),
        };
        let store = app.state.store.clone();
        for role in Role::ALL {
            store
                .create_user(
                    NewUser {
                        username: username(role).into(),
                        display_name: format!("Test {role}"),
                        password_hash: test_password_hash(),
                        role,
                    },
                    app.state.engine.clock.now(),
                )
                .await
                .unwrap();
        }
        let base = format!("http://{}", app.api_addr.unwrap());
        Self {
            base,
            client: reqwest::Client::new(),
            app,
            media_dir,
            tokens: Mutex::new(HashMap::new()),
            config,
            _db: db,
        }
    }

    /// A second API process on the same database, broker, secret (and Redis, if any): a
    /// replica behind the same proxy. Returns its base URL and the running process.
    pub async fn replica(&self) -> (String, RunningApp) {
        let (user, password) = self.app.engine_credentials.clone();
        let mut config = self.config.clone();
        config.role = AppRole::Api;
        config.owner = "api-tests-replica".into();
        config.mqtt = MqttSetup::External {
            host: "127.0.0.1".into(),
            port: self.app.broker_tcp.unwrap().port(),
            user,
            password,
            provisioning: None,
        };
        let app = RunningApp::start_without_dashboards(config).await.unwrap();
        (format!("http://{}", app.api_addr.unwrap()), app)
    }

    /// The store.
    pub fn store(&self) -> &scip_store::Store {
        &self.app.state.store
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A bearer token for the account with `role` (signed in once per app).
    pub async fn token(&self, role: Role) -> String {
        let name = username(role);
        if let Some(t) = self.tokens.lock().unwrap().get(name) {
            return t.clone();
        }
        let response = self
            .client
            .post(self.url("/api/v2/auth/token"))
            .json(&json!({"username": name, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "sign-in of {name}");
        let body: Value = response.json().await.unwrap();
        let token = body["access_token"].as_str().unwrap().to_owned();
        self.tokens.lock().unwrap().insert(name, token.clone());
        token
    }

    /// A request, signed in as `role` when given.
    pub async fn request(&self, method: Method, path: &str, role: Option<Role>) -> RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        match role {
            Some(role) => builder.bearer_auth(self.token(role).await),
            None => builder,
        }
    }

    /// Sends a request with an optional JSON body; returns status and JSON body (Null when
    /// the body is not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        role: Option<Role>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut builder = self.request(method, path, role).await;
        if let Some(body) = body {
            builder = builder.json(&body);
        }
        let response = builder.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET as `role`.
    pub async fn get(&self, path: &str, role: Role) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(role), None).await
    }

    /// POST as `role`.
    pub async fn post(&self, path: &str, role: Role, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(role), Some(body)).await
    }

    /// Creates a scenario from a document (as the controller); returns its version.
    pub async fn create_scenario(&self, doc: Value) -> u64 {
        let (status, body) = self
            .post(
                "/api/v2/scenarios",
                Role::Controller,
                json!({"scenario": doc}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["version"].as_u64().unwrap()
    }

    /// Launches an exercise of a scenario (as the controller); returns its id.
    pub async fn launch(&self, scenario: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v2/exercises",
                Role::Controller,
                json!({"scenario_id": scenario}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Applies a lifecycle action (as the controller) and returns the response.
    pub async fn action(&self, exercise: &str, action: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/api/v2/exercises/{exercise}/actions/{action}"),
            Some(Role::Controller),
            None,
        )
        .await
    }

    /// The access code of a team (as the controller).
    pub async fn access_code(&self, exercise: &str, team: &str) -> String {
        let (status, teams) = self
            .get(
                &format!("/api/v2/exercises/{exercise}/teams"),
                Role::Controller,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{teams}");
        teams
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == team)
            .unwrap()["access_code"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A team session token from an access code.
    pub async fn team_token(&self, code: &str) -> String {
        let response = self
            .client
            .post(self.url("/api/v2/team-access"))
            .json(&json!({"code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// Deliveries of an exercise (as the observer).
    pub async fn deliveries(&self, exercise: &str, query: &str) -> Value {
        let (status, body) = self
            .get(
                &format!("/api/v2/exercises/{exercise}/deliveries?{query}"),
                Role::Observer,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.app.cancel_token().cancel();
    }
}

/// Waits until `check` gives `Some`, for up to ten seconds.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A clock-mode scenario with two teams: `red` (an SMS at T+0, news at 10:00) and `blue`
/// (an e-mail at T+0, an alert at 20:00).
pub fn scenario_doc(id: &str) -> Value {
    json!({
        "id": id,
        "name": format!("Scenario {id}"),
        "description": "Two teams, four injects",
        "duration": "30:00",
        "teams": [
            {"id": "red", "name": "Red Cell", "injects": [
                {"id": "r1", "at": 0, "type": "sms", "content": {"from": "Duty Pilot", "body": "Tug 4 lost steering."}},
                {"id": "r2", "at": "10:00", "type": "news", "content": {"headline": "Ship drifts", "body": "Harbour traffic halted.", "source": "Coastal Daily"}}
            ]},
            {"id": "blue", "name": "Blue Cell", "injects": [
                {"id": "b1", "at": 0, "type": "email", "content": {"from": "Harbour Master", "subject": "Channel closure", "body": "Close the inner channel."}},
                {"id": "b2", "at": "20:00", "type": "alert", "content": {"severity": "warning", "title": "Radar", "message": "Primary radar offline."}}
            ]}
        ]
    })
}

/// A two-turn scenario with one team.
pub fn turn_scenario_doc(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Turns",
        "mode": "turns",
        "total_turns": 2,
        "teams": [
            {"id": "ops", "name": "Ops", "injects": [
                {"id": "t1", "turn": 1, "at": 0, "type": "sms", "content": {"from": "A", "body": "turn one"}},
                {"id": "t2", "turn": 2, "at": 0, "type": "sms", "content": {"from": "A", "body": "turn two"}}
            ]}
        ]
    })
}

/// A valid 1×1 PNG.
pub fn png_bytes() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8,
        0xcf, 0xc0, 0xf0, 0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00,
        0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}

/// Uploads one file to the media library as `role`.
pub async fn upload(app: &TestApp, role: Role, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = app
        .request(Method::POST, "/api/v2/media", Some(role))
        .await
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Files in the media folder (names), temporary ones included.
pub fn media_files(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.media_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs a test body against SQLite and PostgreSQL: `on_both_databases!(a, b)` makes
/// `a::sqlite`, `a::postgres`, … calling `async fn a(app: TestApp)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::support::TestApp::sqlite().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::support::TestApp::postgres().await).await;
                }
            }
        )*
    };
}
