//! The dashboards in a real headless Chromium: signing in with a team code, injects appearing
//! live with their media, reloads, team isolation, the pause banner, unread counts, and an
//! opened e-mail recorded as read.

use std::time::Duration;

use fantoccini::Locator;
use scip_core::engine::{Command, Passed};
use scip_core::model::Priority;
use scip_engine::LiveEvent;
use scip_store::{DashboardRuntime, DeliveryFilter, ExerciseTeam, MediaRecord};
use scip_testkit::browser::Browser;

use crate::support::{TestScip, news, scenario};

/// Signs the browser into a team's dashboard through the form and waits for the feed page.
pub async fn sign_in(browser: &Browser, team: &ExerciseTeam, code: &str) {
    let url = team.dashboard_url.clone().unwrap();
    browser.goto(&url).await;
    browser.wait_for("document.querySelector('#f-code')").await;
    let field = browser.client.find(Locator::Css("#f-code")).await.unwrap();
    field.send_keys(code).await.unwrap();
    browser
        .client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Waits until the page's live stream has delivered its backlog.
pub async fn feed_ready(browser: &Browser) {
    browser
        .wait_for("document.querySelector('#feed') && document.querySelector('#feed').getAttribute('aria-busy') === 'false'")
        .await;
}

fn store_png(scip: &TestScip, name: &str) -> Vec<u8> {
    // A valid 2×2 PNG, so the browser really decodes it.
    let png = base64_png();
    std::fs::write(scip.dir.path().join("media").join(name), &png).unwrap();
    png
}

fn base64_png() -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")
        .unwrap()
}

#[tokio::test]
async fn a_participant_signs_in_and_sees_injects_arrive_and_survive_a_reload() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("browser-1"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    let png = store_png(&scip, "quay.png");
    scip.store
        .insert_media(&MediaRecord {
            name: "quay.png".into(),
            content_type: "image/png".into(),
            kind: scip_core::model::MediaKind::Image,
            size_bytes: png.len() as u64,
            width: Some(2),
            height: Some(2),
            sha256: "0".repeat(64),
            created_by: None,
            created_at: 0,
        })
        .await
        .unwrap();
    scip.command(&exercise, Command::Start).await;
    scip.command(
        &exercise,
        Command::Seek {
            to_ms: 600_000,
            passed: Passed::Skip,
        },
    )
    .await;
    let browser = Browser::start().await;

    // A wrong code: the form again, with the reason, and no data.
    sign_in(&browser, &teams[0], "WRNG-CODE").await;
    browser
        .wait_for("document.querySelector('.field__error')")
        .await;
    sign_in(&browser, &teams[0], &teams[0].access_code).await;
    feed_ready(&browser).await;
    browser
        .goto(&format!("{}news", teams[0].dashboard_url.clone().unwrap()))
        .await;
    feed_ready(&browser).await;

    // Fired by the engine; on the News page within a second, with its picture loaded.
    scip.live(
        &exercise,
        "red",
        news(
            "Water over the quay at berth 4",
            "Photos from the harbour master.",
        ),
        Priority::High,
        vec!["quay.png".into()],
    )
    .await;
    browser
        .wait_for_within(
            "(() => { const img = document.querySelector('#feed #d-1 img[src=\"/media/quay.png\"]'); return img && img.complete && img.naturalWidth === 2; })()",
            Duration::from_secs(1),
        )
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('#d-1 .news__headline').textContent")
            .await,
        "Water over the quay at berth 4"
    );
    assert_eq!(
        browser
            .eval("return document.querySelector('[data-unread-count=news]').textContent")
            .await,
        "1"
    );

    scip.fire(&exercise, "red", "red-mail").await;
    scip.fire(&exercise, "red", "red-sms").await;
    browser
        .wait_for("document.querySelector('[data-unread-count=all]').textContent === '3'")
        .await;
    // The e-mail and the SMS are counted, not shown, on the News page.
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#feed .feed-item').length")
            .await,
        1
    );

    // Reload: every inject is back at once, and the clock shows the exercise time.
    browser.goto(&teams[0].dashboard_url.clone().unwrap()).await;
    feed_ready(&browser).await;
    browser
        .wait_for("document.querySelectorAll('#feed .feed-item').length === 3")
        .await;
    let digits = browser
        .eval(
            "return document.querySelector('[data-timer-primary] [data-timer-digits]').textContent",
        )
        .await;
    let digits = digits.as_str().unwrap().to_owned();
    assert!(
        digits.as_str() >= "10:00" && digits.len() == 5,
        "clock after reload: {digits}"
    );
    assert_eq!(
        browser
            .eval(
                "return document.querySelector('[data-timer-primary]').getAttribute('data-state')"
            )
            .await,
        "running"
    );
    let order = browser.eval("return Array.from(document.querySelectorAll('#feed .feed-item')).map(e => e.id).join(',')").await;
    assert_eq!(order, "d-3,d-2,d-1", "newest first");

    // Mark all read clears the counts, and they stay cleared after a reload.
    browser
        .client
        .find(Locator::Css("[data-mark-all-read]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for("document.querySelector('[data-unread-count=all]').hidden")
        .await;
    browser.goto(&teams[0].dashboard_url.clone().unwrap()).await;
    feed_ready(&browser).await;
    browser
        .wait_for("document.querySelectorAll('#feed .feed-item').length === 3")
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('#feed .is-unread').length")
            .await,
        0
    );
    browser.close().await;
    scip.shutdown().await;
}

#[tokio::test]
async fn another_teams_code_shows_nothing_of_this_team_and_the_pause_banner_follows_control() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("browser-2"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    scip.command(&exercise, Command::Start).await;
    scip.fire(&exercise, "red", "red-news").await;
    scip.fire(&exercise, "blue", "blue-news").await;
    let browser = Browser::start().await;

    // Red's code on red's dashboard sees red's news; blue's code on blue's sees only blue's.
    sign_in(&browser, &teams[1], &teams[1].access_code).await;
    feed_ready(&browser).await;
    browser
        .wait_for("document.querySelectorAll('#feed .feed-item').length === 1")
        .await;
    let text = browser.eval("return document.body.innerText").await;
    let text = text.as_str().unwrap();
    assert!(text.contains("Hospital activates its surge plan"), "{text}");
    assert!(!text.contains("Storm surge"), "red's inject leaked: {text}");
    // Blue's code does not open red's dashboard, and red's page asks for a code.
    sign_in(&browser, &teams[0], &teams[1].access_code).await;
    browser
        .wait_for("document.querySelector('.field__error')")
        .await;
    let text = browser.eval("return document.body.innerText").await;
    assert!(!text.as_str().unwrap().contains("Storm surge"));

    // On blue's dashboard, the pause banner appears when control pauses.
    browser.goto(&teams[1].dashboard_url.clone().unwrap()).await;
    feed_ready(&browser).await;
    assert_eq!(
        browser
            .eval("return document.querySelector('.dash-banner--paused').hidden")
            .await,
        true
    );
    scip.command(&exercise, Command::Pause).await;
    browser
        .wait_for("!document.querySelector('.dash-banner--paused').hidden")
        .await;
    scip.command(&exercise, Command::Resume).await;
    browser
        .wait_for("document.querySelector('.dash-banner--paused').hidden")
        .await;
    scip.command(&exercise, Command::Finish).await;
    browser
        .wait_for("!document.querySelector('.dash-banner--ended').hidden")
        .await;
    browser.close().await;
    scip.shutdown().await;
}

#[tokio::test]
async fn opening_an_email_records_a_read_receipt() {
    let scip = TestScip::start().await;
    let exercise = scip
        .launch(&scenario("browser-3"), DashboardRuntime::Embedded)
        .await;
    let teams = scip.healthy(&exercise).await;
    scip.command(&exercise, Command::Start).await;
    scip.fire(&exercise, "red", "red-news").await;
    scip.fire(&exercise, "red", "red-mail").await;
    let browser = Browser::start().await;
    sign_in(&browser, &teams[0], &teams[0].access_code).await;
    feed_ready(&browser).await;
    browser
        .goto(&format!("{}email", teams[0].dashboard_url.clone().unwrap()))
        .await;
    feed_ready(&browser).await;
    browser
        .wait_for("document.querySelector('#feed #d-2.is-unread')")
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelector('[data-unread-count=email]').textContent")
            .await,
        "1"
    );

    let updates = scip.app().state.engine.hub.subscribe();
    browser
        .client
        .find(Locator::Css("#feed #d-2"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for("document.querySelector('#mail-pane .mail-reader__subject') && document.querySelector('#mail-pane .mail-reader__subject').textContent === 'Berth 4 closure'").await;
    browser
        .wait_for("document.querySelector('[data-unread-count=email]').hidden")
        .await;
    scip.hub_event(updates, "the read receipt", |e| {
        matches!(e, LiveEvent::DeliveriesUpdated { state, deliveries, .. } if state == "read" && deliveries.iter().any(|d| d.seq == 2))
    })
    .await;
    let deliveries = scip
        .store
        .list_deliveries(&exercise, &DeliveryFilter::default())
        .await
        .unwrap()
        .items;
    let mail = deliveries.iter().find(|d| d.seq == 2).unwrap();
    let news = deliveries.iter().find(|d| d.seq == 1).unwrap();
    assert!(mail.read_at.is_some(), "the opened e-mail is read");
    assert!(news.read_at.is_none(), "the news item was not opened");
    assert!(news.received_at.is_some(), "but it was received");
    browser.close().await;
    scip.shutdown().await;
}
