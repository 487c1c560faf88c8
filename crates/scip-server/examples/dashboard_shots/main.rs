//! Screenshots of every team dashboard page, for review: a whole SCIP in-process with a
//! realistic exercise, a headless Chromium signed into a player team and a public-feed team,
//! each page in the light and dark themes at 1440×900, the All page at 1024×768, the news
//! wall at 1920×1080, the sign-in page, the paused banner and the urgent pop-up.
//!
//! ```sh
//! cargo run -p scip-server --example dashboard_shots -- target/dashboard-shots
//! ```
//! Needs `chromedriver` and `chromium` (SCIP_TEST_CHROMEDRIVER / SCIP_TEST_CHROMIUM).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../design_gallery/pictures.rs"]
mod pictures;
mod story;

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fantoccini::Locator;
use scip_core::engine::{Command, Passed, Speed};
use scip_engine::{LaunchRequest, Request};
use scip_server::app::{AppConfig, MqttSetup, Role, RunningApp};
use scip_server::runtime::host::{DashboardManager, HostSettings};
use scip_server::runtime::ports::PortRange;
use scip_server::state::ServerSettings;
use scip_store::{DashboardHealth, DashboardRuntime, ExerciseTeam, MediaRecord, VersionNote};
use scip_testkit::browser::Browser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/dashboard-shots".into()),
    );
    std::fs::create_dir_all(&out)?;
    let dir = tempfile::tempdir()?;
    let media = dir.path().join("media");
    std::fs::create_dir_all(&media)?;
    let first = 21_000 + (rand::random::<u16>() % 30_000);
    let kept = Arc::new(Mutex::new(None));
    let slot = kept.clone();
    let factory = DashboardManager::factory(
        HostSettings {
            port_range: PortRange::new(first, first + 20).unwrap(),
            public_host: "127.0.0.1".into(),
            secure_cookies: false,
            process: None,
            docker: None,
            health_every: std::time::Duration::from_millis(200),
        },
        move |m| *slot.lock().unwrap() = Some(m),
    );
    let app = RunningApp::start_with_host(
        AppConfig {
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
            jwt_secret: "dashboard-shots-secret-0123456789abcdef".into(),
            settings: ServerSettings {
                media_path: media.clone(),
                public_host: "127.0.0.1".into(),
                ..ServerSettings::default()
            },
            engine: scip_engine::EngineConfig::default(),
            owner: "shots".into(),
        },
        factory,
    )
    .await?;
    let manager = kept.lock().unwrap().take().unwrap();
    let store = app.state.store.clone();
    let engine = app.state.engine.clone();

    for (name, svg) in pictures::PICTURES {
        std::fs::write(media.join(name), svg)?;
        store
            .insert_media(&MediaRecord {
                name: (*name).into(),
                content_type: "image/svg+xml".into(),
                kind: scip_core::model::MediaKind::Image,
                size_bytes: svg.len() as u64,
                width: Some(800),
                height: Some(500),
                sha256: "0".repeat(64),
                created_by: None,
                created_at: 0,
            })
            .await?;
    }
    let scenario = story::scenario();
    store
        .create_scenario(&scenario, &VersionNote::by("shots"), 0)
        .await?;
    let exercise = engine
        .launch(LaunchRequest {
            scenario: scenario.id.clone(),
            version: None,
            name: Some("HARBOUR LIGHT 26".into()),
            speed: Speed::NORMAL,
            runtime: DashboardRuntime::Embedded,
            actor: None,
        })
        .await?
        .id;
    let mut changes = manager.changes();
    let teams: Vec<ExerciseTeam> = loop {
        let teams = store.exercise_teams(&exercise).await?;
        if teams.iter().all(|t| t.health == DashboardHealth::Healthy) {
            break teams;
        }
        changes.changed().await?;
    };
    let control = |c| engine.execute(&exercise, Request::Control(c), "control");
    control(Command::Start).await?;
    control(Command::Seek {
        to_ms: story::START_MS,
        passed: Passed::Skip,
    })
    .await?;
    for (team, inject) in story::FIRED {
        engine
            .execute(
                &exercise,
                Request::Control(Command::FireNow {
                    team: scip_core::TeamId::new(*team)?,
                    inject: scip_core::InjectId::new(*inject)?,
                }),
                "control",
            )
            .await?;
    }

    let player = &teams[0];
    let public = &teams[1];
    let browser = Browser::start_sized(1440, 900).await;
    let base = player.dashboard_url.clone().unwrap();

    // The sign-in page first, then the code.
    browser.goto(&base).await;
    browser.wait_for("document.querySelector('#f-code')").await;
    shoot(&browser, &out, "sign-in-light", "light").await;
    shoot(&browser, &out, "sign-in-dark", "dark").await;
    sign_in(&browser, &base, &player.access_code).await;

    // Some items already read in this browser, as during a real exercise.
    browser.goto(&base).await;
    ready(&browser).await;
    for seq in story::READ {
        browser.eval(&format!("document.getElementById('d-{seq}') && document.getElementById('d-{seq}').click(); return 1")).await;
    }
    for (page, name) in [
        ("", "all"),
        ("news", "news"),
        ("social", "social"),
        ("email", "email"),
        ("sms", "sms"),
        ("intel", "intel"),
        ("alerts", "alerts"),
    ] {
        for theme in ["light", "dark"] {
            browser.goto(&format!("{base}{page}?theme={theme}")).await;
            ready(&browser).await;
            if name == "email" {
                browser.eval("document.querySelector('#feed .mail-list__item:nth-child(2)').click(); return 1").await;
                browser
                    .wait_for("document.querySelector('#mail-pane .mail-reader')")
                    .await;
            }
            if name == "sms" {
                browser
                    .wait_for("document.querySelector('#feed .bubble')")
                    .await;
            }
            settle(&browser).await;
            shoot(&browser, &out, &format!("{name}-{theme}"), theme).await;
        }
    }

    // A laptop-sized window.
    browser.client.set_window_size(1024, 768).await?;
    browser.goto(&format!("{base}?theme=light")).await;
    ready(&browser).await;
    settle(&browser).await;
    shoot(&browser, &out, "all-1024-light", "light").await;
    browser.client.set_window_size(1440, 900).await?;

    // An urgent SMS pops up; then control pauses.
    browser.goto(&format!("{base}?theme=light")).await;
    ready(&browser).await;
    engine
        .execute(
            &exercise,
            Request::Control(Command::FireNow {
                team: scip_core::TeamId::new("maritime")?,
                inject: scip_core::InjectId::new(story::URGENT)?,
            }),
            "control",
        )
        .await?;
    browser
        .wait_for("document.querySelector('#breaking .breaking')")
        .await;
    settle(&browser).await;
    shoot(&browser, &out, "breaking-light", "light").await;
    control(Command::Pause).await?;
    browser.goto(&format!("{base}intel?theme=dark")).await;
    ready(&browser).await;
    browser
        .wait_for("!document.querySelector('.dash-banner--paused').hidden")
        .await;
    settle(&browser).await;
    shoot(&browser, &out, "intel-paused-dark", "dark").await;
    control(Command::Resume).await?;

    // The public feed as a news wall on a big screen.
    browser.client.set_window_size(1920, 1080).await?;
    let wall = public.dashboard_url.clone().unwrap();
    sign_in(&browser, &wall, &public.access_code).await;
    for theme in ["dark", "light"] {
        browser.goto(&format!("{wall}?theme={theme}")).await;
        ready(&browser).await;
        settle(&browser).await;
        shoot(&browser, &out, &format!("wall-{theme}"), theme).await;
    }
    browser.close().await;
    app.shutdown(Duration::from_secs(5)).await;
    println!("screenshots in {}", out.display());
    Ok(())
}

async fn sign_in(browser: &Browser, base: &str, code: &str) {
    browser.goto(base).await;
    browser.wait_for("document.querySelector('#f-code')").await;
    browser
        .client
        .find(Locator::Css("#f-code"))
        .await
        .unwrap()
        .send_keys(code)
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    ready(browser).await;
}

async fn ready(browser: &Browser) {
    browser
        .wait_for("document.querySelector('#feed') && document.querySelector('#feed').getAttribute('aria-busy') === 'false'")
        .await;
}

/// Lets arrival animations and images on screen finish (for at most three seconds).
async fn settle(browser: &Browser) {
    let script = r#"
        const done = arguments[arguments.length - 1], started = performance.now();
        (function poll() {
          const onScreen = Array.from(document.images).filter(i => i.getBoundingClientRect().top < innerHeight);
          if (onScreen.every(i => i.complete) || performance.now() - started > 3000) return done(true);
          setTimeout(poll, 50);
        })();"#;
    let _ = browser.client.execute_async(script, vec![]).await;
    browser.eval("document.querySelectorAll('.is-new').forEach(e => e.classList.remove('is-new')); return 1").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
}

async fn shoot(browser: &Browser, out: &Path, name: &str, theme: &str) {
    browser
        .eval(&format!(
            "if (window.SCIP && SCIP.theme) SCIP.theme.set('{theme}'); return 1"
        ))
        .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let png = browser.screenshot().await;
    std::fs::write(out.join(format!("{name}.png")), png).unwrap();
}
