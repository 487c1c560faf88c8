//! One whole exercise in real headless Chromium, as a controller and a team live it: sign in,
//! import a bundle through the import page, edit an inject, launch, open team Alpha's
//! dashboard in a second browser with the code the control page shows, start, see the first
//! inject arrive and read it, the control page's matrix turning that cell to read without a
//! reload, pause and resume, a live inject to both teams from the composer, finish, and the
//! report's CSV with one row per delivery. Screenshots go to `/tmp/shots-journey/`.

use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

use fantoccini::Locator;
use scip_core::engine::ExerciseState;
use scip_core::{ExerciseId, ScenarioId};
use scip_store::{DeliveryCause, DeliveryFilter, Role};
use scip_testkit::browser::Browser;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, username};

const SHOTS: &str = "/tmp/shots-journey";
const EDITED: &str = "Pier 4 closed: ferry aground";
const LIVE: &str = "Both cells: report your status now.";

async fn shot(browser: &Browser, name: &str) {
    std::fs::create_dir_all(SHOTS).unwrap();
    std::fs::write(format!("{SHOTS}/{name}.png"), browser.screenshot().await).unwrap();
}

async fn click(browser: &Browser, css: &str) {
    crate::browser::click_live(browser, css).await;
}

async fn type_into(browser: &Browser, css: &str, text: &str) {
    let field = browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Waits until `expression` is truthy in the current page, surviving navigations (a form
/// post reloading the page) while it waits.
async fn settle(browser: &Browser, expression: &str) {
    let script = format!("return !!({expression});");
    for _ in 0..150 {
        if let Ok(serde_json::Value::Bool(true)) = browser.client.execute(&script, vec![]).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = browser
        .client
        .execute(
            "return location.href + '\\n' + document.body.innerText.slice(0, 600)",
            vec![],
        )
        .await;
    panic!("timed out waiting for {expression}; the page: {page:?}");
}

/// Clicks what submits a form and waits until the next page has loaded.
async fn submit(browser: &Browser, css: &str) {
    browser.eval("window.__oldPage = true; return true").await;
    click(browser, css).await;
    settle(
        browser,
        "window.__oldPage === undefined && document.readyState === 'complete'",
    )
    .await;
}

/// A bundle: two teams in clock mode, injects from T+00:10 to T+03:20 (20 s at ×10).
fn bundle_zip() -> Vec<u8> {
    let scenario = json!({
        "format": "scip-bundle/1",
        "id": "journey",
        "name": "Journey: Harbour Light",
        "description": "Two cells, a few injects over three minutes of exercise time.",
        "mode": "clock",
        "duration": "05:00",
        "teams": [
            {"id": "alpha", "name": "Alpha Cell", "color": "#2563eb"},
            {"id": "bravo", "name": "Bravo Cell", "color": "#dc2626"}
        ]
    });
    let alpha = json!({"team": "alpha", "injects": [
        {"id": "a1", "at": "00:10", "type": "news", "priority": "high", "content": {
            "headline": "Ferry aground at Pier 4", "body": "The evening ferry ran aground.",
            "source": "Coastal Daily"}},
        {"id": "a2", "at": "01:40", "type": "sms", "content": {
            "from": "Duty Pilot", "body": "Tug 4 lost steering."}},
        {"id": "a3", "at": "03:20", "type": "alert", "content": {
            "severity": "warning", "title": "Radar", "message": "Primary radar offline."}}
    ]});
    let bravo = json!({"team": "bravo", "injects": [
        {"id": "b1", "at": "00:20", "type": "email", "content": {
            "from": "Harbour Master", "subject": "Channel closure",
            "body": "Close the inner channel."}},
        {"id": "b2", "at": "02:30", "type": "intel", "content": {
            "headline": "Vessel of interest", "body": "A survey ship loiters offshore."}}
    ]});
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = zip::write::SimpleFileOptions::default();
        for (name, doc) in [
            ("scenario.json", scenario),
            ("teams/alpha.json", alpha),
            ("teams/bravo.json", bravo),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(serde_json::to_string_pretty(&doc).unwrap().as_bytes())
                .unwrap();
        }
        zip.finish().unwrap();
    }
    buffer.into_inner()
}

/// The `#feed` card whose text contains `text`, as `#id` (waits for it).
async fn card_with(dashboard: &Browser, text: &str) -> String {
    let expression = format!(
        "(() => {{ const c = Array.from(document.querySelectorAll('#feed .feed-item')).find(e => e.textContent.includes({text:?})); return c ? c.id : null; }})()"
    );
    let id = dashboard
        .wait_for_within(&expression, Duration::from_secs(20))
        .await;
    format!("#{}", id.as_str().unwrap())
}

/// Parses the CSV (quoted fields with commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_exercise_from_import_to_report_in_chromium() {
    let app = TestApp::with_dashboards().await;
    let folder = tempfile::tempdir().unwrap();
    let zip_path = folder.path().join("journey.zip");
    std::fs::write(&zip_path, bundle_zip()).unwrap();
    let portal = Browser::start_sized(1440, 1800).await;
    portal.goto(&app.url("/sign-in")).await;
    type_into(&portal, "#f-username", username(Role::Controller)).await;
    type_into(&portal, "#f-password", PASSWORD).await;
    submit(&portal, "button[type=submit]").await;
    settle(
        &portal,
        "location.pathname === '/' && document.querySelector('[data-csrf]')",
    )
    .await;

    // Import through the import page: a dry run, then Import now.
    portal.goto(&app.url("/scenarios/import")).await;
    portal
        .client
        .find(Locator::Css("#f-files"))
        .await
        .unwrap()
        .send_keys(zip_path.to_str().unwrap())
        .await
        .unwrap();
    submit(&portal, "#check-files").await;
    settle(&portal, "document.querySelector('#import-report')").await;
    assert_eq!(
        portal
            .eval("return document.querySelector('#import-report').dataset.valid")
            .await,
        "true"
    );
    shot(&portal, "01-import-report").await;
    submit(&portal, "#import-now").await;
    settle(
        &portal,
        "location.pathname === '/scenarios/journey' && document.querySelector('#timeline')",
    )
    .await;

    // Edit a1's headline in the editor and save (version 2).
    portal
        .goto(&app.url("/scenarios/journey?team=alpha&inject=a1"))
        .await;
    settle(
        &portal,
        "document.querySelector('#inject-form #f-c_headline')",
    )
    .await;
    type_into(&portal, "#f-c_headline", EDITED).await;
    submit(&portal, "#save-inject").await;
    settle(&portal, "document.querySelector('.toast') && document.querySelector('.toast').textContent.includes('Saved as version 2')").await;
    shot(&portal, "02-editor-saved").await;
    let (scenario, version) = app
        .store()
        .latest_scenario(&ScenarioId::new("journey").unwrap())
        .await
        .unwrap();
    assert_eq!(version, 2);
    assert_eq!(scenario.teams[0].timeline[0].content.title(), EDITED);

    // Launch from the launch form at ×10.
    portal
        .goto(&app.url("/exercises/new?scenario=journey"))
        .await;
    settle(&portal, "document.querySelector('#launch-form')").await;
    portal
        .eval("document.querySelector('#f-speed').value = '10'; return document.querySelector('#f-speed').value")
        .await;
    type_into(&portal, "#f-name", "HARBOUR LIGHT journey").await;
    submit(&portal, "#launch-form button[type=submit]").await;
    settle(
        &portal,
        "document.querySelector('[data-control]') && document.querySelector('[data-action=start]')",
    )
    .await;
    let id = portal
        .eval("return document.querySelector('[data-control]').dataset.exercise")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let exercise = ExerciseId::new(id.as_str()).unwrap();
    let record = app.store().get_exercise(&exercise).await.unwrap();
    assert_eq!(record.runtime.clock.speed.milli(), 10_000);
    assert_eq!(record.scenario_version, 2, "the edited version is launched");

    // Once Alpha's dashboard is up, its link and code are on the control page.
    crate::support::wait_for("Alpha's dashboard", || async {
        let teams = app.store().exercise_teams(&exercise).await.unwrap();
        teams
            .iter()
            .all(|t| t.dashboard_url.is_some() && t.health == scip_store::DashboardHealth::Healthy)
            .then_some(())
    })
    .await;
    portal.goto(&app.url(&format!("/exercises/{id}"))).await;
    let url = portal
        .wait_for("document.querySelector('#teams-table tr[data-team=alpha] a.mono') && document.querySelector('#teams-table tr[data-team=alpha] a.mono').href")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    let code = portal
        .eval("return document.querySelector('#teams-table tr[data-team=alpha] [data-access-code]').textContent.trim()")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    shot(&portal, "03-control-launched").await;

    let dashboard = Browser::start_sized(1280, 1000).await;
    dashboard.goto(&url).await;
    settle(&dashboard, "document.querySelector('#f-code')").await;
    type_into(&dashboard, "#f-code", &code).await;
    submit(&dashboard, "button[type=submit]").await;
    settle(
        &dashboard,
        "location.pathname === '/' && document.querySelector('#feed[aria-busy=false]')",
    )
    .await;
    shot(&dashboard, "04-dashboard-waiting").await;

    // Start; the first inject (as edited) arrives on Alpha's dashboard.
    click(&portal, "[data-action=start]").await;
    settle(
        &portal,
        "document.readyState === 'complete' && document.querySelector('[data-action=pause]') && document.querySelector('[data-live-indicator]').dataset.state === 'online'",
    )
    .await;
    portal
        .eval("window.__sameDocument = true; return true")
        .await;
    let card = card_with(&dashboard, EDITED).await;
    shot(&dashboard, "05-dashboard-first-inject").await;

    // Reading it (a click on the card) turns its matrix cell to read, live.
    click(&dashboard, &card).await;
    portal
        .wait_for_within(
            "window.__sameDocument && document.querySelector('#matrix tr[data-inject=\"a1\"] td:nth-of-type(1) .cell--read')",
            Duration::from_secs(10),
        )
        .await;
    shot(&portal, "06-control-read").await;
    let deliveries = app
        .store()
        .list_deliveries(&exercise, &DeliveryFilter::default())
        .await
        .unwrap()
        .items;
    let a1 = deliveries
        .iter()
        .find(|d| d.inject_id.as_str() == "a1")
        .unwrap();
    assert_eq!(a1.team_id.as_str(), "alpha");
    assert!(a1.read_at.is_some(), "the read receipt is stored: {a1:?}");

    // Space pauses; the Resume button resumes.
    portal
        .eval("document.activeElement && document.activeElement.blur(); return true")
        .await;
    portal
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys(" ")
        .await
        .unwrap();
    settle(&portal, "document.querySelector('[data-action=resume]')").await;
    assert_eq!(
        app.store()
            .get_exercise(&exercise)
            .await
            .unwrap()
            .runtime
            .state,
        ExerciseState::Paused
    );
    shot(&portal, "07-control-paused").await;
    click(&portal, "[data-action=resume]").await;
    settle(&portal, "document.querySelector('[data-action=pause]')").await;
    assert_eq!(
        app.store()
            .get_exercise(&exercise)
            .await
            .unwrap()
            .runtime
            .state,
        ExerciseState::Running
    );

    // A live SMS to both teams from the composer ("Send now").
    click(&portal, "[data-open-dialog='#live-inject']").await;
    settle(&portal, "document.querySelector('#live-inject[open]')").await;
    portal
        .eval("const s = document.querySelector('#live-form select[name=type]'); s.value = 'sms'; s.dispatchEvent(new Event('change')); return true")
        .await;
    type_into(&portal, "#li-sms-from", "Exercise control").await;
    type_into(&portal, "#li-sms-body", LIVE).await;
    click(&portal, "#live-form input[name=teams][value=alpha]").await;
    click(&portal, "#live-form input[name=teams][value=bravo]").await;
    shot(&portal, "08-live-inject").await;
    submit(&portal, "button[type=submit][form=live-form]").await;
    settle(&portal, "document.querySelector('[data-control]')").await;
    card_with(&dashboard, LIVE).await;
    shot(&dashboard, "09-dashboard-live").await;
    let live: BTreeSet<(String, String)> = app
        .store()
        .list_deliveries(&exercise, &DeliveryFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|d| d.cause == DeliveryCause::Live)
        .map(|d| (d.team_id.to_string(), d.inject_id.to_string()))
        .collect();
    let teams: BTreeSet<&str> = live.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(teams, BTreeSet::from(["alpha", "bravo"]), "{live:?}");

    // Finish, confirmed in the dialog.
    click(&portal, "[data-action=finish]").await;
    settle(
        &portal,
        "document.querySelector('dialog[open] [data-role=confirm]')",
    )
    .await;
    click(&portal, "dialog[open] [data-role=confirm]").await;
    settle(
        &portal,
        "document.querySelector('[data-timer]') && document.querySelector('[data-timer]').dataset.state === 'finished'",
    )
    .await;
    assert_eq!(
        app.store()
            .get_exercise(&exercise)
            .await
            .unwrap()
            .runtime
            .state,
        ExerciseState::Finished
    );
    shot(&portal, "10-control-finished").await;

    // The report's CSV link, fetched with the browser's session: one row per delivery.
    portal
        .goto(&app.url(&format!("/exercises/{id}/report")))
        .await;
    let href = portal
        .wait_for("document.querySelector('a[href$=\"report.csv\"]') && document.querySelector('a[href$=\"report.csv\"]').getAttribute('href')")
        .await
        .as_str()
        .unwrap()
        .to_owned();
    shot(&portal, "11-report").await;
    let csv = portal
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.ok ? r.text() : 'HTTP ' + r.status).then(done, e => done('failed: ' + e));",
            vec![json!(href)],
        )
        .await
        .unwrap();
    let rows = parse_csv(csv.as_str().unwrap());
    let header = &rows[0];
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} in {header:?}"))
    };
    let (team_col, inject_col) = (column("team_id"), column("inject_id"));
    let in_csv: Vec<(String, String)> = rows[1..]
        .iter()
        .map(|r| (r[team_col].clone(), r[inject_col].clone()))
        .collect();
    let stored: Vec<(String, String)> = app
        .store()
        .list_deliveries(&exercise, &DeliveryFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|d| (d.team_id.to_string(), d.inject_id.to_string()))
        .collect();
    assert_eq!(in_csv.len(), stored.len(), "one row per delivery: {csv}");
    assert_eq!(
        in_csv.iter().cloned().collect::<BTreeSet<_>>(),
        stored.iter().cloned().collect::<BTreeSet<_>>()
    );
    assert!(in_csv.contains(&("alpha".into(), "a1".into())), "{csv}");
    for pair in &live {
        assert!(in_csv.contains(pair), "{pair:?} in {csv}");
    }
    dashboard.close().await;
    portal.close().await;
}
