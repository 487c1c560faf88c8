//! The control page in a real headless Chromium: sign in, launch the demo scenario, start,
//! the clock running, a matrix cell changing live without a reload, space to pause; and a
//! screenshot of every page for review (`/tmp/shots-run/`).

use std::time::Duration;

use fantoccini::Locator;
use scip_engine::LiveEvent;
use scip_store::{DashboardHealth, DashboardInfo, Role};
use scip_testkit::browser::Browser;

use crate::portal::import_demo;
use crate::support::{PASSWORD, TestApp, username};

const SHOTS: &str = "/tmp/shots-run";

async fn shot(browser: &Browser, name: &str) {
    std::fs::create_dir_all(SHOTS).unwrap();
    let png = browser.screenshot().await;
    std::fs::write(format!("{SHOTS}/{name}.png"), png).unwrap();
}

/// Finds and clicks `css`, again when a live panel swap replaced the element in between.
pub async fn click_live(browser: &Browser, css: &str) {
    let mut last = String::new();
    for _ in 0..20 {
        match browser.client.find(Locator::Css(css)).await {
            Ok(element) => match element.click().await {
                Ok(()) => return,
                Err(e) => last = e.to_string(),
            },
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot click {css}: {last}");
}

/// Signs in through the sign-in page.
pub async fn sign_in(browser: &Browser, app: &TestApp, role: Role) {
    browser.goto(&app.url("/sign-in")).await;
    browser
        .wait_for("document.querySelector('#f-username')")
        .await;
    let user = browser
        .client
        .find(Locator::Css("#f-username"))
        .await
        .unwrap();
    user.send_keys(username(role)).await.unwrap();
    let pass = browser
        .client
        .find(Locator::Css("#f-password"))
        .await
        .unwrap();
    pass.send_keys(PASSWORD).await.unwrap();
    browser
        .client
        .find(Locator::Css("button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Let the form's navigation finish before running scripts in the page.
    tokio::time::sleep(Duration::from_millis(700)).await;
    browser
        .wait_for("document.querySelector('.sidenav') && location.pathname === '/'")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_controller_launches_starts_watches_and_pauses_in_chromium() {
    let app = TestApp::sqlite().await;
    import_demo(&app).await;
    let browser = Browser::start_sized(1440, 2200).await;
    sign_in(&browser, &app, Role::Controller).await;

    // Launch the demo from its launch form.
    browser
        .goto(&app.url("/exercises/new?scenario=grey-tide"))
        .await;
    browser
        .wait_for("document.querySelector('#launch-form')")
        .await;
    shot(&browser, "exercise-new").await;
    let name = browser.client.find(Locator::Css("#f-name")).await.unwrap();
    name.send_keys("GREY TIDE browser").await.unwrap();
    browser
        .client
        .find(Locator::Css("#launch-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for("document.querySelector('[data-control]') && document.querySelector('[data-action=start]')")
        .await;
    let id = browser
        .eval("return document.querySelector('[data-control]').dataset.exercise")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    browser
        .wait_for("document.querySelector('[data-live-indicator]').dataset.state === 'online'")
        .await;
    // Dashboards come up (recorded as the runtime host does) and the teams panel follows
    // without a reload.
    browser
        .eval("window.__sameDocument = true; return true")
        .await;
    let exercise = scip_core::ExerciseId::new(id.as_str()).unwrap();
    let store = app.store();
    let teams = store.exercise_teams(&exercise).await.unwrap();
    for (i, team) in teams.iter().enumerate() {
        let port = 3101 + u16::try_from(i).unwrap();
        store
            .update_team_dashboard(
                &exercise,
                &team.team_id,
                &DashboardInfo {
                    port: Some(port),
                    url: Some(format!("http://10.20.0.5:{port}/")),
                    runtime_ref: None,
                    health: DashboardHealth::Healthy,
                    detail: None,
                },
            )
            .await
            .unwrap();
        store
            .update_presence(
                &exercise,
                &team.team_id,
                u32::try_from(i % 3).unwrap(),
                app.app.state.engine.clock.now(),
            )
            .await
            .unwrap();
    }
    app.app
        .state
        .engine
        .hub
        .publish(LiveEvent::DashboardHealth {
            exercise: id.clone(),
            team: teams[0].team_id.to_string(),
            health: "healthy".into(),
        })
        .await;
    browser
        .wait_for_within(
            "window.__sameDocument && document.querySelector('#teams-table a[href=\"http://10.20.0.5:3101/\"]')",
            Duration::from_secs(5),
        )
        .await;
    shot(&browser, "exercise-control-deployed").await;
    let first_team = teams[0].team_id.to_string();
    browser
        .client
        .find(Locator::Css(&format!(
            "[data-open-dialog='#qr-{first_team}']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(&format!(
            "document.querySelector('#qr-{first_team}[open] svg')"
        ))
        .await;
    shot(&browser, "exercise-team-qr").await;
    browser
        .eval(&format!(
            "document.querySelector('#qr-{first_team}').close(); return true"
        ))
        .await;

    // Start: the page reloads running, and the clock moves.
    click_live(&browser, "[data-action=start]").await;
    browser
        .wait_for("document.querySelector('[data-action=pause]')")
        .await;
    let first = browser
        .eval("return document.querySelector('[data-timer-digits]').textContent")
        .await;
    browser
        .wait_for_within(
            &format!("document.querySelector('[data-timer-digits]').textContent !== {first}"),
            Duration::from_secs(4),
        )
        .await;

    // A live inject sent elsewhere (the API) shows in the matrix without a reload.
    browser
        .wait_for("document.querySelector('[data-live-indicator]').dataset.state === 'online'")
        .await;
    browser
        .eval("window.__sameDocument = true; return true")
        .await;
    let before = browser
        .eval("return document.querySelectorAll('#matrix tr[data-inject]').length")
        .await
        .as_u64()
        .unwrap();
    let (status, body) = app
        .post(
            &format!("/api/v2/exercises/{id}/live-injects"),
            Role::Controller,
            serde_json::json!({"teams": ["gov-comms"], "type": "sms", "content": {"from": "Duty officer", "body": "Call the harbour master now."}}),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{body}");
    browser
        .wait_for_within(
            &format!("window.__sameDocument && document.querySelectorAll('#matrix tr[data-inject]').length > {before}"),
            Duration::from_secs(5),
        )
        .await;
    // Its cell moves on from scheduled once the broker acknowledges it.
    browser
        .wait_for_within(
            "window.__sameDocument && document.querySelector('#matrix tr[data-live] .cell--published, #matrix tr[data-live] .cell--fired')",
            Duration::from_secs(5),
        )
        .await;
    shot(&browser, "exercise-control-running").await;

    // Space pauses.
    browser
        .eval("document.activeElement && document.activeElement.blur(); return true")
        .await;
    browser
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    browser
        .wait_for("document.querySelector('[data-action=resume]')")
        .await;
    let record = app
        .store()
        .get_exercise(&scip_core::ExerciseId::new(id.as_str()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        record.runtime.state,
        scip_core::engine::ExerciseState::Paused
    );

    // The live-inject composer.
    click_live(&browser, "[data-open-dialog='#live-inject']").await;
    browser
        .wait_for("document.querySelector('#live-inject[open]')")
        .await;
    shot(&browser, "exercise-live-inject").await;
    // Stage two SMS injects in the page, then send them all (through the API, with the
    // session's CSRF header).
    browser
        .eval("const s = document.querySelector('#live-form select[name=type]'); s.value = 'sms'; s.dispatchEvent(new Event('change')); return true")
        .await;
    for body in ["First staged message", "Second staged message"] {
        let from = browser
            .client
            .find(Locator::Css("#li-sms-from"))
            .await
            .unwrap();
        from.send_keys("Duty officer").await.unwrap();
        let text = browser
            .client
            .find(Locator::Css("#li-sms-body"))
            .await
            .unwrap();
        text.send_keys(body).await.unwrap();
        browser
            .eval("document.querySelector('#live-form input[name=teams][value=\"gov-comms\"]').checked = true; return true")
            .await;
        browser
            .client
            .find(Locator::Css("[data-stage]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    browser
        .wait_for("document.querySelector('[data-staged-count]').textContent === '2'")
        .await;
    shot(&browser, "exercise-live-staged").await;
    click_live(&browser, "[data-send-all]").await;
    browser
        .wait_for("!document.querySelector('#live-inject[open]')")
        .await;
    let live = app
        .store()
        .list_deliveries(&exercise, &scip_store::DeliveryFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|d| d.cause == scip_store::DeliveryCause::Live)
        .map(|d| d.title)
        .collect::<Vec<_>>();
    assert!(
        live.contains(&"Second staged message".to_owned()),
        "{live:?}"
    );
    assert_eq!(live.len(), 3, "{live:?}");

    // Finish asks first (ui.js confirmation), then the page shows the ended exercise.
    click_live(&browser, "[data-action=finish]").await;
    browser
        .wait_for("document.querySelector('dialog[open] [data-role=confirm]')")
        .await;
    shot(&browser, "exercise-confirm-finish").await;
    click_live(&browser, "dialog[open] [data-role=confirm]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    browser
        .wait_for("document.querySelector('[data-timer]').dataset.state === 'finished'")
        .await;
    assert_eq!(
        app.store()
            .get_exercise(&exercise)
            .await
            .unwrap()
            .runtime
            .state,
        scip_core::engine::ExerciseState::Finished
    );
    shot(&browser, "exercise-control-finished").await;

    // The other pages, for review.
    for (path, name) in [
        ("/exercises".to_owned(), "exercise-list"),
        (format!("/exercises/{id}/report"), "exercise-report"),
        ("/settings".to_owned(), "settings"),
    ] {
        browser.goto(&app.url(&path)).await;
        browser.wait_for("document.readyState === 'complete'").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        shot(&browser, name).await;
    }
    browser.client.delete_all_cookies().await.unwrap();
    sign_in(&browser, &app, Role::Observer).await;
    browser.goto(&app.url(&format!("/exercises/{id}"))).await;
    browser
        .wait_for("document.querySelector('[data-control]')")
        .await;
    assert_eq!(
        browser
            .eval("return document.querySelectorAll('[data-action], #live-form, [data-access-code]').length")
            .await,
        serde_json::json!(0)
    );
    shot(&browser, "exercise-control-observer").await;
    browser.client.delete_all_cookies().await.unwrap();
    sign_in(&browser, &app, Role::Admin).await;
    browser.goto(&app.url("/settings")).await;
    browser
        .wait_for("document.querySelector('#users-table')")
        .await;
    shot(&browser, "settings-admin").await;
    browser.close().await;
}
