//! A whole SCIP in-process whose dashboard host runs `scip dashboard` children (this crate's
//! binary), and small HTTP and SSE helpers.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use scip_core::engine::{Command, Speed};
use scip_core::model::{
    Content, Inject, Mode, Priority, Scenario, Sms, Team, TeamKind, TeamResources,
};
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId};
use scip_engine::{LaunchRequest, Request};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings, ProcessSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{DashboardHealth, DashboardRuntime, ExerciseTeam, Store, VersionNote};
use serde_json::Value;

pub const WAIT: Duration = Duration::from_secs(30);

pub struct TestScip {
    pub app: Option<RunningApp>,
    pub range: PortRange,
    pub manager: DashboardManager,
    pub store: Store,
    _dir: tempfile::TempDir,
}

impl TestScip {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("media")).unwrap();
        let first = 20_000 + (rand::random::<u16>() % 40_000);
        let range = PortRange::new(first, first + 39).unwrap();
        let settings = HostSettings {
            port_range: range,
            public_host: "127.0.0.1".into(),
            secure_cookies: false,
            process: Some(ProcessSettings {
                program: env!("CARGO_BIN_EXE_scip").into(),
                api_url: None,
                log_level: "error".into(),
            }),
            docker: None,
            health_every: std::time::Duration::from_millis(200),
        };
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
            jwt_secret: "process-tests-secret-0123456789abcdef".into(),
            settings: ServerSettings {
                media_path: dir.path().join("media"),
                public_host: "127.0.0.1".into(),
                ..ServerSettings::default()
            },
            engine: scip_engine::EngineConfig::default(),
            owner: "process-tests".into(),
        };
        let kept = Arc::new(Mutex::new(None));
        let slot = kept.clone();
        let factory = DashboardManager::factory(settings, move |m| *slot.lock().unwrap() = Some(m));
        let app = RunningApp::start_with_host(config, factory).await.unwrap();
        let manager = kept.lock().unwrap().take().unwrap();
        let store = app.state.store.clone();
        Self {
            app: Some(app),
            range,
            manager,
            store,
            _dir: dir,
        }
    }

    pub fn app(&self) -> &RunningApp {
        self.app.as_ref().unwrap()
    }

    pub async fn launch(&self, scenario: &Scenario) -> ExerciseId {
        self.store
            .create_scenario(scenario, &VersionNote::by("tester"), 0)
            .await
            .unwrap();
        self.app()
            .state
            .engine
            .launch(LaunchRequest {
                scenario: scenario.id.clone(),
                version: None,
                name: None,
                speed: Speed::NORMAL,
                runtime: DashboardRuntime::Process,
                actor: None,
            })
            .await
            .unwrap()
            .id
    }

    pub async fn wait_teams(
        &self,
        exercise: &ExerciseId,
        what: &str,
        done: impl Fn(&[ExerciseTeam]) -> bool,
    ) -> Vec<ExerciseTeam> {
        let mut changes = self.manager.changes();
        let found = tokio::time::timeout(WAIT, async {
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
        found.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
    }

    pub async fn healthy(&self, exercise: &ExerciseId) -> Vec<ExerciseTeam> {
        self.wait_teams(exercise, "healthy dashboards", |teams| {
            teams.iter().all(|t| t.health == DashboardHealth::Healthy)
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

    pub async fn shutdown(mut self) {
        if let Some(app) = self.app.take() {
            app.shutdown(Duration::from_secs(15)).await;
        }
    }
}

/// Two player teams, each with three text messages an hour away.
pub fn scenario(id: &str) -> Scenario {
    let team = |tid: &str, name: &str| Team {
        id: TeamId::new(tid).unwrap(),
        name: name.into(),
        color: "#0f6e8c".into(),
        kind: TeamKind::Player,
        dashboard_port: None,
        resources: TeamResources::default(),
        description: None,
        timeline: (1..=3)
            .map(|i| Inject {
                id: InjectId::new(format!("{tid}-{i}")).unwrap(),
                at_ms: 3_600_000 + i,
                turn: None,
                priority: Priority::Medium,
                content: Content::Sms(Sms {
                    from: "Duty Officer".into(),
                    body: format!("{name} message {i}"),
                    ..Sms::default()
                }),
                media: vec![],
                notes: None,
                expected_action: None,
            })
            .collect(),
    };
    Scenario {
        id: ScenarioId::new(id).unwrap(),
        name: "Process runtime".into(),
        description: String::new(),
        duration_ms: None,
        mode: Mode::Clock,
        teams: vec![team("red", "Red Cell"), team("blue", "Blue Cell")],
    }
}

/// Signs in with a code; returns the `Cookie` header value.
pub async fn sign_in(url: &str, code: &str) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}sign-in", url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("code={code}&next=%2F"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        303,
        "sign-in with the team's code"
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// Reads named SSE events of a streaming response.
pub struct Sse {
    body: futures::stream::BoxStream<'static, reqwest::Result<Vec<u8>>>,
    buffer: String,
}

impl Sse {
    pub async fn open(url: &str, cookie: &str, last_id: Option<&str>) -> Self {
        let mut request = reqwest::Client::new()
            .get(format!("{url}events?view=all"))
            .header("cookie", cookie);
        if let Some(id) = last_id {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        Self {
            body: response
                .bytes_stream()
                .map(|r| r.map(|b| b.to_vec()))
                .boxed(),
            buffer: String::new(),
        }
    }

    /// The next event named `name`: its id and data.
    pub async fn next_named(&mut self, name: &str) -> (Option<String>, Value) {
        tokio::time::timeout(WAIT, async {
            loop {
                while let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let mut event = "message".to_owned();
                    let mut id = None;
                    let mut data = String::new();
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            event = v.trim().to_owned();
                        } else if let Some(v) = line.strip_prefix("id:") {
                            id = Some(v.trim().to_owned());
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.strip_prefix(' ').unwrap_or(v));
                        }
                    }
                    if event == name {
                        return (id, serde_json::from_str(&data).unwrap_or(Value::Null));
                    }
                }
                let chunk = self
                    .body
                    .next()
                    .await
                    .unwrap_or_else(|| panic!("the stream ended before a {name} event"))
                    .unwrap();
                self.buffer.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {name} event within {WAIT:?}"))
    }
}

/// Kills a process as a crash would (SIGKILL).
pub fn kill(pid: u32) {
    let status = std::process::Command::new("kill")
        .arg("-9")
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success(), "kill -9 {pid}");
}

/// Whether a process with this id still exists (and is not a zombie we reaped).
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}
