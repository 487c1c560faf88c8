//! A whole SCIP in-process for dashboard tests: SQLite in a tempdir, the embedded broker, the
//! API on port 0, and the real [`DashboardManager`] hosting dashboards on a random port range.
//! Plus an HTTP client that keeps the session cookie, and a Server-Sent Events reader.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use scip_core::engine::{Command, Speed};
use scip_core::model::{
    Content, Email, Inject, Mode, News, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_engine::{LaunchRequest, LiveContent, LiveEvent, Request};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{DashboardHealth, DashboardRuntime, ExerciseTeam, Store, VersionNote};
use serde_json::Value;

pub const JWT_SECRET: &str = "dashboard-tests-secret-0123456789abcdef";
pub const WAIT: Duration = Duration::from_secs(15);

/// A port range of 40 ports somewhere in 20000–59999 (the allocator skips busy ones).
pub fn random_range() -> PortRange {
    let first = 20_000 + (rand::random::<u16>() % 40_000);
    PortRange::new(first, first + 39).unwrap()
}

pub struct TestScip {
    pub app: Option<RunningApp>,
    pub manager: DashboardManager,
    pub store: Store,
    pub range: PortRange,
    pub dir: tempfile::TempDir,
}

pub fn host_settings(range: PortRange) -> HostSettings {
    HostSettings {
        port_range: range,
        public_host: "127.0.0.1".into(),
        secure_cookies: false,
        process: None,
        docker: None,
        health_every: std::time::Duration::from_millis(200),
    }
}

impl TestScip {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    pub async fn start_with(adjust: impl FnOnce(&mut HostSettings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("media")).unwrap();
        let range = random_range();
        let mut settings = host_settings(range);
        adjust(&mut settings);
        let config = AppConfig {
            role: Role::All,
            database_url: format!("sqlite://{}", dir.path().join("scip.db").display()),
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
            jwt_secret: JWT_SECRET.into(),
            settings: ServerSettings {
                media_path: dir.path().join("media"),
                public_host: "127.0.0.1".into(),
                ..ServerSettings::default()
            },
            engine: scip_engine::EngineConfig::default(),
            owner: "dashboard-tests".into(),
        };
        let kept = Arc::new(Mutex::new(None));
        let slot = kept.clone();
        let factory = DashboardManager::factory(settings, move |m| {
            *slot.lock().unwrap() = Some(m);
        });
        let app = RunningApp::start_with_host(config, factory).await.unwrap();
        let manager = kept.lock().unwrap().take().expect("the host was built");
        let store = app.state.store.clone();
        Self {
            app: Some(app),
            manager,
            store,
            range,
            dir,
        }
    }

    pub fn app(&self) -> &RunningApp {
        self.app.as_ref().unwrap()
    }

    pub fn api(&self) -> String {
        format!("http://{}", self.app().api_addr.unwrap())
    }

    /// Stores the scenario and launches it on `runtime`.
    pub async fn launch(&self, scenario: &Scenario, runtime: DashboardRuntime) -> ExerciseId {
        if self.store.latest_scenario(&scenario.id).await.is_err() {
            self.store
                .create_scenario(scenario, &VersionNote::by("tester"), 0)
                .await
                .unwrap();
        }
        self.app()
            .state
            .engine
            .launch(LaunchRequest {
                scenario: scenario.id.clone(),
                version: None,
                name: Some("Harbour Light".into()),
                speed: Speed::NORMAL,
                runtime,
                actor: Some("tester".into()),
            })
            .await
            .unwrap()
            .id
    }

    /// Waits until the exercise's teams satisfy `done` (checked after every recorded health
    /// change) and returns them.
    pub async fn wait_teams(
        &self,
        exercise: &ExerciseId,
        what: &str,
        done: impl Fn(&[ExerciseTeam]) -> bool,
    ) -> Vec<ExerciseTeam> {
        let mut changes = self.manager.changes();
        let result = tokio::time::timeout(WAIT, async {
            loop {
                changes.borrow_and_update();
                let teams = self.store.exercise_teams(exercise).await.unwrap();
                if done(&teams) {
                    return teams;
                }
                changes.changed().await.unwrap();
            }
        })
        .await;
        match result {
            Ok(teams) => teams,
            Err(_) => {
                let teams = self.store.exercise_teams(exercise).await.unwrap();
                let seen: Vec<_> = teams
                    .iter()
                    .map(|t| {
                        (
                            t.team_id.to_string(),
                            t.health,
                            t.health_detail.clone(),
                            t.dashboard_port,
                        )
                    })
                    .collect();
                panic!("timed out waiting for {what}; teams: {seen:?}")
            }
        }
    }

    /// Waits until every team's dashboard is healthy.
    pub async fn healthy(&self, exercise: &ExerciseId) -> Vec<ExerciseTeam> {
        self.wait_teams(exercise, "every dashboard healthy", |teams| {
            teams
                .iter()
                .all(|t| t.health == DashboardHealth::Healthy && t.dashboard_url.is_some())
        })
        .await
    }

    pub async fn command(&self, exercise: &ExerciseId, command: Command) {
        self.app()
            .state
            .engine
            .execute(exercise, Request::Control(command), "tester")
            .await
            .unwrap();
    }

    /// Fires a live inject to one team.
    pub async fn live(
        &self,
        exercise: &ExerciseId,
        team: &str,
        content: Content,
        priority: Priority,
        media: Vec<String>,
    ) {
        self.app()
            .state
            .engine
            .execute(
                exercise,
                Request::LiveInject {
                    teams: vec![TeamId::new(team).unwrap()],
                    live: Box::new(LiveContent {
                        content,
                        priority,
                        media,
                    }),
                },
                "tester",
            )
            .await
            .unwrap();
    }

    /// Fires a scheduled inject now.
    pub async fn fire(&self, exercise: &ExerciseId, team: &str, inject: &str) {
        self.command(
            exercise,
            Command::FireNow {
                team: TeamId::new(team).unwrap(),
                inject: InjectId::new(inject).unwrap(),
            },
        )
        .await;
    }

    /// Waits for a hub event matching `want`.
    pub async fn hub_event(
        &self,
        mut rx: tokio::sync::broadcast::Receiver<LiveEvent>,
        what: &str,
        want: impl Fn(&LiveEvent) -> bool,
    ) -> LiveEvent {
        tokio::time::timeout(WAIT, async {
            loop {
                match rx.recv().await {
                    Ok(e) if want(&e) => return e,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => panic!("hub closed: {e}"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
    }

    pub async fn shutdown(mut self) {
        if let Some(app) = self.app.take() {
            app.shutdown(Duration::from_secs(10)).await;
        }
    }
}

pub fn team(id: &str, name: &str, color: &str, kind: TeamKind, timeline: Vec<Inject>) -> Team {
    Team {
        id: TeamId::new(id).unwrap(),
        name: name.into(),
        color: color.into(),
        kind,
        dashboard_port: None,
        resources: TeamResources::default(),
        description: None,
        timeline,
    }
}

pub fn inject(id: &str, at_ms: u64, priority: Priority, content: Content) -> Inject {
    Inject {
        id: InjectId::new(id).unwrap(),
        at_ms,
        turn: None,
        priority,
        content,
        media: vec![],
        notes: None,
        expected_action: None,
    }
}

pub fn news(headline: &str, body: &str) -> Content {
    Content::News(News {
        headline: headline.into(),
        body: body.into(),
        source: "Calder News Network".into(),
        ..News::default()
    })
}

pub fn email(from: &str, subject: &str, body: &str) -> Content {
    Content::Email(Email {
        from: from.into(),
        to: Some("Maritime Operations".into()),
        subject: subject.into(),
        body: body.into(),
        ..Email::default()
    })
}

pub fn sms(from: &str, body: &str) -> Content {
    Content::Sms(Sms {
        from: from.into(),
        body: body.into(),
        ..Sms::default()
    })
}

const HOUR: u64 = 3_600_000;

/// Two player teams and a public feed; every scheduled inject is an hour or more away, so
/// nothing fires unless a test fires it.
pub fn scenario(id: &str) -> Scenario {
    Scenario {
        id: ScenarioId::new(id).unwrap(),
        name: "Harbour Light".into(),
        description: "Dashboard tests".into(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: vec![
            team(
                "red",
                "Maritime Operations",
                "#c0272d",
                TeamKind::Player,
                vec![
                    inject(
                        "red-news",
                        HOUR,
                        Priority::High,
                        news(
                            "Storm surge closes the north channel",
                            "Pilots are stood down until further notice.",
                        ),
                    ),
                    inject(
                        "red-mail",
                        HOUR + 1,
                        Priority::Medium,
                        email(
                            "Harbour Master <hm@port.example>",
                            "Berth 4 closure",
                            "Berth 4 is closed from 14:00.",
                        ),
                    ),
                    inject(
                        "red-sms",
                        HOUR + 2,
                        Priority::Urgent,
                        sms("Duty Officer", "Call the coordination cell now."),
                    ),
                ],
            ),
            team(
                "blue",
                "Health Authority",
                "#2350c0",
                TeamKind::Player,
                vec![inject(
                    "blue-news",
                    HOUR,
                    Priority::Medium,
                    news(
                        "Hospital activates its surge plan",
                        "Elective surgery is postponed.",
                    ),
                )],
            ),
            team(
                "press",
                "Public Feed",
                "#a3161c",
                TeamKind::Public,
                vec![inject(
                    "press-news",
                    HOUR,
                    Priority::Medium,
                    news(
                        "Ferry services suspended",
                        "All crossings are cancelled today.",
                    ),
                )],
            ),
        ],
    }
}

/// An HTTP client for one dashboard that keeps its session cookie.
pub struct Dash {
    pub base: String,
    pub client: reqwest::Client,
    pub cookie: Option<String>,
}

impl Dash {
    pub fn new(url: &str) -> Self {
        Self {
            base: url.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    pub fn of(team: &ExerciseTeam) -> Self {
        Self::new(team.dashboard_url.as_deref().expect("dashboard URL"))
    }

    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(c) => request.header("cookie", c.clone()),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self
            .with_cookie(self.client.get(format!("{}{path}", self.base)))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    /// Posts the sign-in form; keeps the cookie it sets. Returns the status and body.
    pub async fn sign_in(&mut self, code: &str) -> (u16, String) {
        let body = format!("code={}&next=%2F", code.replace('-', "%2D"));
        let response = self
            .client
            .post(format!("{}/sign-in", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        if let Some(set) = response.headers().get("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = Some(pair);
        }
        (status, response.text().await.unwrap())
    }

    pub async fn receipts(&self, receipts: Value) -> (u16, Value) {
        let response = self
            .with_cookie(self.client.post(format!("{}/receipts", self.base)))
            .json(&serde_json::json!({ "receipts": receipts }))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Opens the event stream of a view, resuming after `last_id` when given.
    pub async fn events(&self, view: &str, last_id: Option<&str>) -> Sse {
        let mut request =
            self.with_cookie(self.client.get(format!("{}/events?view={view}", self.base)));
        if let Some(id) = last_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        Sse::new(response)
    }
}

/// One Server-Sent Event.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub name: String,
    pub id: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", self.name, self.data))
    }
}

/// Reads events from a streaming response.
pub struct Sse {
    body: futures::stream::BoxStream<'static, reqwest::Result<axum::body::Bytes>>,
    buffer: String,
}

impl Sse {
    pub fn new(response: reqwest::Response) -> Self {
        Self {
            body: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event (comments skipped), or `None` when the stream ended.
    pub async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    name: "message".into(),
                    ..Event::default()
                };
                let mut data = Vec::new();
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event.name = v.trim_start().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("id:") {
                        event.id = Some(v.trim_start().to_owned());
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.strip_prefix(' ').unwrap_or(v).to_owned());
                        any = true;
                    }
                }
                if !any {
                    continue;
                }
                event.data = data.join("\n");
                return Some(event);
            }
            let chunk = self.body.next().await?.ok()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event named `name`, skipping others; fails the test after [`WAIT`].
    pub async fn next_named(&mut self, name: &str) -> Event {
        tokio::time::timeout(WAIT, async {
            loop {
                match self.next().await {
                    Some(e) if e.name == name => return e,
                    Some(_) => {}
                    None => panic!("the stream ended before a {name} event"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {name} event within {WAIT:?}"))
    }

    /// Every event up to and including the first named `until`.
    pub async fn until(&mut self, until: &str) -> Vec<Event> {
        tokio::time::timeout(WAIT, async {
            let mut seen = Vec::new();
            loop {
                match self.next().await {
                    Some(e) => {
                        let done = e.name == until;
                        seen.push(e);
                        if done {
                            return seen;
                        }
                    }
                    None => panic!("the stream ended before a {until} event; saw {seen:?}"),
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {until} event within {WAIT:?}"))
    }
}
