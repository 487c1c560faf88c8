//! The whole journey, as a new user would take it: `scip demo --speed 30` runs as a real
//! process; the exercise is started through the API; an independent MQTT client subscribes to
//! every team's feed; two team dashboards are open in headless Chromium. At the end every team
//! has received every inject of its timeline exactly once and in order, the turn pauses
//! happened, both dashboards show their full feed after a reload, the after-action CSV lists
//! every delivery, and Ctrl-C stops the demo within five seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common {
    pub mod demo_block;
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::demo_block::{interrupt_and_wait, spawn_and_read_block};

use fantoccini::Locator;
use scip_bus::payload::DeliveryPayload;
use scip_bus::{ClientConfig, MqttClient, Qos, TopicLayout};
use scip_core::ExerciseId;
use scip_formats::{LoadOptions, load_path};
use scip_store::Store;
use scip_testkit::browser::Browser;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// One team line of the demo's block.
#[derive(Debug, Clone)]
struct TeamLine {
    name: String,
    url: String,
    code: String,
}

/// What the demo printed.
#[derive(Debug)]
struct Block {
    exercise: String,
    password: String,
    portal: String,
    teams: Vec<TeamLine>,
}

fn parse_block(lines: &[String]) -> Block {
    let exercise = lines
        .iter()
        .find_map(|l| l.split("exercise GREY TIDE (").nth(1))
        .and_then(|rest| rest.split(')').next())
        .expect("the block names the exercise")
        .to_owned();
    let password = lines
        .iter()
        .find_map(|l| l.split("Sign in as").nth(1))
        .and_then(|rest| rest.split('/').nth(1))
        .map(|p| p.split_whitespace().next().unwrap().to_owned())
        .expect("the first run prints the administrator's password");
    let portal = lines
        .iter()
        .find_map(|l| l.split("Control portal").nth(1))
        .map(|p| p.trim().to_owned())
        .expect("the block gives the portal URL");
    let teams = lines
        .iter()
        .filter(|l| l.contains("  code "))
        .map(|l| {
            let (left, code) = l.rsplit_once("  code ").unwrap();
            let url = left
                .split_whitespace()
                .find(|w| w.starts_with("http://"))
                .expect("a team line has its dashboard URL")
                .to_owned();
            let name = left.split(&url).next().unwrap().trim().to_owned();
            TeamLine {
                name,
                url,
                code: code.trim().to_owned(),
            }
        })
        .collect();
    Block {
        exercise,
        password,
        portal,
        teams,
    }
}

/// Starts the demo and returns it with its block.
fn start_demo(data: &Path, ports: &Ports) -> (Child, Block) {
    let range_start = 20_000 + (std::process::id() % 400) as u16 * 100;
    let mut command = Command::new(env!("CARGO_BIN_EXE_scip"));
    command
        .args([
            "demo",
            "--speed",
            "30",
            "--data",
            data.to_str().unwrap(),
            "--public-host",
            "127.0.0.1",
            "--api-port",
            &ports.api.to_string(),
            "--client-port",
            &ports.portal.to_string(),
            "--mqtt-port",
            &ports.mqtt.to_string(),
            "--mqtt-ws-port",
            &ports.ws.to_string(),
        ])
        .env(
            "DASHBOARD_PORT_RANGE",
            format!("{range_start}-{}", range_start + 99),
        )
        .env_remove("DATABASE_URL")
        .env_remove("REDIS_URL")
        .env_remove("MQTT_HOST")
        .env_remove("LOG_LEVEL")
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    let (child, lines) = spawn_and_read_block(command);
    (child, parse_block(&lines))
}

struct Ports {
    api: u16,
    portal: u16,
    mqtt: u16,
    ws: u16,
}

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert!(
            response.status().is_success(),
            "GET {path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    async fn action(&self, exercise: &str, action: &str) -> Value {
        let response = self
            .http
            .post(format!(
                "{}/api/v2/exercises/{exercise}/actions/{action}",
                self.base
            ))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(status.is_success(), "{action}: {status} {body}");
        body
    }
}

async fn open_dashboard(browser: &Browser, team: &TeamLine) {
    browser.goto(&team.url).await;
    browser.wait_for("document.querySelector('#f-code')").await;
    let field = browser.client.find(Locator::Css("#f-code")).await.unwrap();
    field.send_keys(&team.code).await.unwrap();
    browser
        .client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    feed_ready(browser).await;
}

async fn feed_ready(browser: &Browser) {
    let ready = "return !!(document.querySelector('#feed') && document.querySelector('#feed').getAttribute('aria-busy') === 'false')";
    let deadline = Instant::now() + Duration::from_secs(20);
    while browser.eval(ready).await != Value::Bool(true) {
        if Instant::now() > deadline {
            let page = browser
                .eval("return location.href + ' | ' + document.body.innerText.slice(0, 600)")
                .await;
            panic!("the dashboard's feed did not load: {page}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const FEED_ITEMS: &str = "document.querySelectorAll('#feed .feed-item, #feed .wall-item').length";

async fn feed_count(browser: &Browser) -> u64 {
    browser
        .eval(&format!("return {FEED_ITEMS}"))
        .await
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_a_whole_exercise_end_to_end() {
    let data = tempfile::tempdir().unwrap();
    let ports = Ports {
        api: scip_testkit::free_port(),
        portal: scip_testkit::free_port(),
        mqtt: scip_testkit::free_port(),
        ws: scip_testkit::free_port(),
    };
    let (mut demo, block) = start_demo(data.path(), &ports);
    assert_eq!(block.teams.len(), 6, "GREY TIDE has six teams: {block:?}");
    assert!(block.portal.contains(&ports.portal.to_string()));

    // What every team should receive: the demo bundle's timelines.
    let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/demo");
    let scenario = load_path(&bundle, &LoadOptions::default())
        .unwrap()
        .scenario
        .unwrap();
    let expected: BTreeMap<String, BTreeSet<String>> = scenario
        .teams
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                t.timeline.iter().map(|i| i.id.to_string()).collect(),
            )
        })
        .collect();
    let total: usize = expected.values().map(BTreeSet::len).sum();

    // Independent MQTT clients on the demo's embedded broker, one per team, each with the
    // team's own dashboard credentials (read from the demo's database): a team's account
    // can read its own feed only.
    let layout = TopicLayout::default();
    let cancel = CancellationToken::new();
    let store = Store::connect(&format!(
        "sqlite://{}",
        data.path().join("scip.db").display()
    ))
    .await
    .unwrap();
    let exercise_id = ExerciseId::new(block.exercise.clone()).unwrap();
    let (tx, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    for team in store.exercise_teams(&exercise_id).await.unwrap() {
        let (client, mut messages) = MqttClient::start(
            ClientConfig::tcp(
                "127.0.0.1",
                ports.mqtt,
                format!("acceptance-{}", team.team_id),
            )
            .credentials(&team.mqtt_username, &team.mqtt_password),
            cancel.clone(),
        )
        .unwrap();
        tokio::time::timeout(Duration::from_secs(10), client.wait_connected())
            .await
            .expect("a team account connects to the embedded broker")
            .unwrap();
        client
            .subscribe(&layout.feed(&exercise_id, &team.team_id), Qos::AtLeastOnce)
            .await
            .unwrap();
        let tx = tx.clone();
        tokio::spawn(async move {
            let _client = client;
            while let Some(msg) = messages.recv().await {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
    }
    store.close().await;

    // The API, with the administrator the demo created.
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{}", ports.api);
    let login: Value = http
        .post(format!("{base}/api/v2/auth/token"))
        .json(&serde_json::json!({"username": "admin", "password": block.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api = Api {
        base,
        token: login["access_token"].as_str().unwrap().to_owned(),
        http,
    };

    // Two participants: a player cell and the public news wall.
    let player = block
        .teams
        .iter()
        .find(|t| t.name == "Civil Contingencies Directorate")
        .unwrap()
        .clone();
    let wall = block
        .teams
        .iter()
        .find(|t| t.url.contains(':') && t.name.to_lowercase().contains("news"))
        .cloned()
        .unwrap_or_else(|| block.teams.last().unwrap().clone());
    let player_browser = Browser::start().await;
    let wall_browser = Browser::start().await;
    open_dashboard(&player_browser, &player).await;
    open_dashboard(&wall_browser, &wall).await;

    // Start, then play every turn: the engine pauses after each turn's last inject.
    api.action(&block.exercise, "start").await;
    let mut received: BTreeMap<(String, u64), DeliveryPayload> = BTreeMap::new();
    let mut duplicates = 0;
    let mut turn_pauses = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(240);
    let mut last_check = Instant::now();
    loop {
        assert!(
            Instant::now() < deadline,
            "the exercise did not complete: {} of {total} deliveries",
            received.len()
        );
        if let Ok(Some(msg)) = tokio::time::timeout(Duration::from_millis(100), inbox.recv()).await
        {
            let p = DeliveryPayload::parse(&msg.payload).unwrap();
            if received.insert((p.team_id.to_string(), p.seq), p).is_some() {
                duplicates += 1;
            }
        }
        if last_check.elapsed() < Duration::from_millis(300) {
            continue;
        }
        last_check = Instant::now();
        let exercise = api
            .json(&format!("/api/v2/exercises/{}", block.exercise))
            .await;
        match exercise["completion"].as_str() {
            Some("turn_complete") => {
                turn_pauses.push(exercise["turn"]["current"].as_u64().unwrap());
                assert_eq!(
                    exercise["state"], "paused",
                    "a complete turn holds the clock"
                );
                api.action(&block.exercise, "next-turn").await;
            }
            Some("exercise_complete") => break,
            _ if exercise["state"] == "finished" => break,
            _ => {}
        }
    }
    // Whatever is still in flight.
    while received.len() < total {
        let msg = tokio::time::timeout(Duration::from_secs(10), inbox.recv())
            .await
            .expect("every delivery arrives")
            .unwrap();
        let p = DeliveryPayload::parse(&msg.payload).unwrap();
        if received.insert((p.team_id.to_string(), p.seq), p).is_some() {
            duplicates += 1;
        }
    }
    assert_eq!(
        turn_pauses,
        vec![1, 2],
        "the engine paused after turns 1 and 2"
    );

    // Every team: each inject of its timeline once, seq 1..=n without gaps, in timeline order.
    assert_eq!(duplicates, 0, "no delivery was published twice");
    for (team, ids) in &expected {
        let mine: Vec<&DeliveryPayload> = received
            .iter()
            .filter(|((t, _), _)| t == team)
            .map(|(_, p)| p)
            .collect();
        let seqs: Vec<u64> = mine.iter().map(|p| p.seq).collect();
        assert_eq!(seqs, (1..=ids.len() as u64).collect::<Vec<_>>(), "{team}");
        let got: BTreeSet<String> = mine.iter().map(|p| p.id.to_string()).collect();
        assert_eq!(&got, ids, "{team} received exactly its timeline");
        assert!(
            mine.windows(2)
                .all(|w| (w[0].turn, w[0].time) <= (w[1].turn, w[1].time)),
            "{team}'s injects arrived in timeline order"
        );
    }

    // Both dashboards hold their full feed live, and again after a reload.
    for (browser, team) in [(&player_browser, &player), (&wall_browser, &wall)] {
        let team_id = scenario
            .teams
            .iter()
            .find(|t| t.name == team.name)
            .unwrap()
            .id
            .to_string();
        let want = expected[&team_id].len();
        browser
            .wait_for_within(&format!("{FEED_ITEMS} === {want}"), Duration::from_secs(20))
            .await;
        browser.client.refresh().await.unwrap();
        feed_ready(browser).await;
        assert_eq!(
            feed_count(browser).await,
            want as u64,
            "{} after a reload",
            team.name
        );
    }
    player_browser.close().await;
    wall_browser.close().await;

    // The after-action CSV lists every delivery.
    let response = api
        .get(&format!("/api/v2/exercises/{}/report.csv", block.exercise))
        .await;
    assert!(
        response.status().is_success(),
        "report.csv: {}",
        response.status()
    );
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (team_col, inject_col) = (col("team_id"), col("inject_id"));
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        listed
            .entry(record[team_col].to_owned())
            .or_default()
            .insert(record[inject_col].to_owned());
    }
    assert_eq!(rows, total, "one row per delivery");
    assert_eq!(listed, expected);

    // Ctrl-C stops the demo cleanly within five seconds.
    cancel.cancel();
    let status = interrupt_and_wait(&mut demo, Duration::from_secs(5));
    assert!(status.success(), "scip demo exited with {status}");
}
