//! The JavaScript modules in a real headless Chromium, driven through ChromeDriver, against a
//! real axum server on port 0 that serves the embedded assets, a lab page rendered from
//! `base.html`, a controllable Server-Sent Events stream and an upload endpoint.
//!
//! Needs `chromedriver` and `chromium` (SCIP_TEST_CHROMEDRIVER, SCIP_TEST_CHROMIUM; the test
//! script sets both). A test that cannot start them fails and says which one.

mod live;
mod timer;
mod ui;
mod upload;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use fantoccini::{Client, ClientBuilder};
use futures::StreamExt;
use scip_server::view::{BareShell, Document};
use serde_json::{Value, json};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

/// The page every browser test loads: the real document shell with one of each widget.
#[derive(Template)]
#[template(
    ext = "html",
    source = r##"{% extends "base.html" %}
{% block title %}Lab{% endblock %}
{% block body_attrs %}{% if live %} data-live-url="/events"{% endif %}{% endblock %}
{% block body %}
<main id="main">
  <div class="timer" id="clock" data-timer data-timer-primary data-elapsed-ms="754000" data-speed="1" data-state="running">
    <div class="timer__value"><span class="timer__prefix">T+</span><span class="timer__digits" data-timer-digits>12:34</span></div>
    <span class="badge badge--state-running badge--dot" id="clock-state" data-timer-state>Running</span>
    <span id="clock-turn" data-timer-turn hidden></span>
    <span id="clock-speed" data-timer-speed hidden></span>
  </div>
  <div id="paused-banner" data-when-state="paused" hidden>Paused</div>
  <div id="ended-banner" data-when-state="finished stopped" hidden>Ended</div>
  <span class="conn" id="conn" data-live-indicator data-state="connecting"><span data-live-label>Connecting…</span></span>
  <form id="danger-form" method="post" action="/never">
    <button id="danger" type="submit" name="action" value="stop" data-confirm="Dashboards close." data-confirm-title="Stop the exercise?" data-confirm-label="Stop exercise" data-confirm-danger>Stop</button>
  </form>
  <button id="copy" type="button" data-copy="K7P4-QX2M" data-tip="Copy">Copy</button>
  <button id="theme" type="button" data-theme-toggle>Theme</button>
  <a id="go" href="#target" data-shortcut="g x" data-shortcut-label="Go to the target">Go</a>
  <input id="field" aria-label="Field">
  <textarea id="f-body" data-maxlength="10" aria-label="Body"></textarea>
  <span class="field__counter" data-counter-for="f-body">0 / 10</span>
  <div role="tablist"><button role="tab" id="tab-a" aria-controls="panel-a" aria-selected="true">A</button><button role="tab" id="tab-b" aria-controls="panel-b" aria-selected="false" tabindex="-1">B</button></div>
  <div id="panel-a">Panel A</div><div id="panel-b" hidden>Panel B</div>
  <div class="dropzone" data-upload-url="/upload" data-upload-max="1000" data-upload-list="#uploads">
    <input class="dropzone__input" id="files" type="file" multiple aria-label="Files">
  </div>
  <ul class="uploads" id="uploads"></ul>
  <img id="picture" src="{{ shell.doc.asset("icons/favicon.svg") }}" alt="SCIP" width="40" height="40" data-viewer data-viewer-caption="The SCIP mark">
  <ul id="feed"></ul>
  <span class="count" id="news-count" data-unread-count="news" hidden>0</span>
</main>
{% endblock %}"##
)]
struct LabPage {
    shell: BareShell,
    /// Connect the page's own live stream (`<body data-live-url>`).
    live: bool,
}

/// What the lab server saw and what it should do next.
#[derive(Default)]
pub struct LabState {
    /// Answer /events with 503 while set.
    refuse_events: AtomicBool,
    /// How many /events requests were refused so far.
    refused: tokio::sync::watch::Sender<u32>,
    /// The `after` parameter and `Last-Event-ID` header of every accepted /events request.
    event_requests: Mutex<Vec<(Option<String>, Option<String>)>>,
    /// File names received by /upload.
    uploads: Mutex<Vec<String>>,
    events: Mutex<Option<broadcast::Sender<LabEvent>>>,
}

/// One message for the SSE stream; `None` ends every open stream.
type LabEvent = Option<(u64, String, String)>;

/// The running lab server.
pub struct Lab {
    pub base: String,
    state: Arc<LabState>,
    sender: broadcast::Sender<LabEvent>,
    _server: tokio::task::JoinHandle<()>,
}

impl Lab {
    pub async fn start() -> Lab {
        let (sender, _) = broadcast::channel(64);
        let state = Arc::new(LabState::default());
        *state.events.lock().unwrap() = Some(sender.clone());
        let app = Router::new()
            .route("/assets/{*path}", get(scip_server::assets::serve))
            .route("/lab", get(lab_page))
            .route("/events", get(events))
            .route("/upload", post(upload))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Lab {
            base,
            state,
            sender,
            _server: server,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends one named event with an id to every open stream.
    pub fn send(&self, id: u64, name: &str, data: Value) {
        // No receiver yet is a test bug; the tests wait for "online" before sending.
        self.sender
            .send(Some((id, name.to_owned(), data.to_string())))
            .expect("no open event stream");
    }

    /// Sends one named event whose data is the text as is (not JSON).
    pub fn send_raw(&self, id: u64, name: &str, text: &str) {
        self.sender
            .send(Some((id, name.to_owned(), text.to_owned())))
            .expect("no open event stream");
    }

    /// Ends the open streams and refuses new ones with 503 until [`Lab::recover`].
    pub fn fail(&self) {
        self.state.refuse_events.store(true, Ordering::SeqCst);
        let _ = self.sender.send(None);
    }

    /// Waits until /events has refused `count` requests in all.
    pub async fn refused_at_least(&self, count: u32) {
        let mut refused = self.state.refused.subscribe();
        tokio::time::timeout(Duration::from_secs(10), refused.wait_for(|n| *n >= count))
            .await
            .expect("the browser never retried")
            .unwrap();
    }

    pub fn recover(&self) {
        self.state.refuse_events.store(false, Ordering::SeqCst);
    }

    pub fn event_requests(&self) -> Vec<(Option<String>, Option<String>)> {
        self.state.event_requests.lock().unwrap().clone()
    }

    pub fn uploads(&self) -> Vec<String> {
        self.state.uploads.lock().unwrap().clone()
    }
}

#[derive(serde::Deserialize)]
struct LabQuery {
    live: Option<u8>,
}

async fn lab_page(Query(query): Query<LabQuery>) -> Html<String> {
    Html(
        LabPage {
            shell: BareShell {
                doc: Document::default(),
            },
            live: query.live == Some(1),
        }
        .render()
        .unwrap(),
    )
}

#[derive(serde::Deserialize)]
struct EventsQuery {
    after: Option<String>,
}

async fn events(
    State(state): State<Arc<LabState>>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Response {
    if state.refuse_events.load(Ordering::SeqCst) {
        state.refused.send_modify(|n| *n += 1);
        return (StatusCode::SERVICE_UNAVAILABLE, "down for the test").into_response();
    }
    let last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    state
        .event_requests
        .lock()
        .unwrap()
        .push((query.after, last_id));
    let receiver = state.events.lock().unwrap().as_ref().unwrap().subscribe();
    // A short retry so the browser's own reconnects happen quickly in tests.
    let hello = futures::stream::once(async {
        Ok::<_, std::convert::Infallible>(
            Event::default()
                .retry(Duration::from_millis(100))
                .comment("hello"),
        )
    });
    let messages = BroadcastStream::new(receiver)
        .take_while(|m| std::future::ready(matches!(m, Ok(Some(_)))))
        .filter_map(|m| async move {
            let (id, name, data) = m.ok().flatten()?;
            Some(Ok(Event::default()
                .id(id.to_string())
                .event(name)
                .data(data)))
        });
    Sse::new(hello.chain(messages))
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn upload(State(state): State<Arc<LabState>>, mut multipart: Multipart) -> Response {
    while let Ok(Some(field)) = multipart.next_field().await {
        let name = field.file_name().unwrap_or_default().to_owned();
        let _ = field.bytes().await;
        state.uploads.lock().unwrap().push(name.clone());
        if name.contains("refuse") {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                axum::Json(json!({"error": {"code": "unsupported_media", "message": "Only images, video and PDF can be uploaded.", "details": {}}})),
            )
                .into_response();
        }
    }
    axum::Json(json!({"ok": true})).into_response()
}

/// A ChromeDriver process and a browser session, both ended on drop/close.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn tool(var: &str, fallback: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| fallback.to_owned())
}

impl Browser {
    pub async fn start() -> Browser {
        let driver_path = tool("SCIP_TEST_CHROMEDRIVER", "chromedriver");
        let chromium = tool("SCIP_TEST_CHROMIUM", "/usr/bin/chromium");
        let mut driver = Command::new(&driver_path)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_path} (set SCIP_TEST_CHROMEDRIVER): {e}")
            });
        let stdout = driver.stdout.take().unwrap();
        // ChromeDriver picks a free port and says which on stdout.
        let port = tokio::task::spawn_blocking(move || {
            for line in BufReader::new(stdout).lines() {
                let line = line.ok()?;
                if let Some(rest) = line.split("started successfully on port ").nth(1) {
                    return rest.trim_end_matches('.').trim().parse::<u16>().ok();
                }
            }
            None
        })
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{driver_path} did not report its port"));
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot open a session with {chromium} (set SCIP_TEST_CHROMIUM): {e}")
            });
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Runs a script and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits (up to ten seconds) until the JavaScript expression is truthy and returns it.
    pub async fn wait_for(&self, expression: &str) -> Value {
        let script = r##"
            const expression = arguments[0], done = arguments[arguments.length - 1];
            const check = new Function("return (" + expression + ");");
            const started = performance.now();
            (function poll() {
              let value = null;
              try { value = check(); } catch (e) { value = null; }
              if (value) return done(value);
              if (performance.now() - started > 10000) return done(null);
              setTimeout(poll, 20);
            })();"##;
        let value = self
            .client
            .execute_async(script, vec![json!(expression)])
            .await
            .unwrap();
        assert!(!value.is_null(), "timed out waiting for: {expression}");
        value
    }

    pub async fn close(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// A browser on the lab page with every module loaded.
pub async fn lab_session() -> (Lab, Browser) {
    lab_session_at("/lab").await
}

/// A browser on the given lab page (`/lab` or `/lab?live=1`).
pub async fn lab_session_at(path: &str) -> (Lab, Browser) {
    let lab = Lab::start().await;
    let browser = Browser::start().await;
    browser.client.goto(&lab.url(path)).await.unwrap();
    browser
        .wait_for("window.SCIP && SCIP.ui && SCIP.timer && SCIP.live && SCIP.keys && SCIP.widgets && SCIP.upload && SCIP.viewer && SCIP.theme")
        .await;
    (lab, browser)
}

#[tokio::test]
async fn every_module_loads_into_the_one_namespace() {
    let (_lab, browser) = lab_session().await;
    let globals = browser
        .eval("return Object.keys(SCIP).sort().join(',');")
        .await;
    assert_eq!(
        globals,
        json!("keys,live,theme,timer,ui,upload,viewer,widgets")
    );
    browser.close().await;
}
