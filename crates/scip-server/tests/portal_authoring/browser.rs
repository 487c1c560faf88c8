//! A controller's journey in headless Chromium: sign in, import the demo bundle (dry run,
//! then Import now), open the editor, edit an inject and save it. Every authoring page is
//! photographed to `$SCIP_SHOTS` (default `/tmp/shots-author`) along the way.

use fantoccini::Locator;
use scip_core::ScenarioId;
use scip_store::Role;
use scip_testkit::browser::Browser;

use crate::portal::demo_zip;
use crate::support::{PASSWORD, TestApp, username};

async fn shot(browser: &Browser, name: &str) {
    let dir = std::env::var("SCIP_SHOTS").unwrap_or_else(|_| "/tmp/shots-author".into());
    std::fs::create_dir_all(&dir).unwrap();
    let png = browser.screenshot().await;
    std::fs::write(format!("{dir}/{name}.png"), png).unwrap();
}

async fn sign_in(browser: &Browser, app: &TestApp, role: Role) {
    browser.goto(&app.url("/sign-in")).await;
    browser
        .client
        .find(Locator::Css("#f-username"))
        .await
        .unwrap()
        .send_keys(username(role))
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Css("#f-password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    submit(browser, "button[type=submit]").await;
    browser
        .wait_for("location.pathname === '/' && document.querySelector('[data-csrf]')")
        .await;
}

async fn click(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the page marked by `mark_page` has been replaced by a loaded new one.
async fn next_page(browser: &Browser, what: &str) {
    for _ in 0..200 {
        let loaded = browser
            .client
            .execute(
                "return window.__scipOldPage === undefined && document.readyState === 'complete'",
                vec![],
            )
            .await;
        if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no new page after {what}");
}

/// Clicks what submits a form (or follows a link) and waits for the next page.
async fn submit(browser: &Browser, css: &str) {
    browser
        .eval("window.__scipOldPage = true; return true")
        .await;
    click(browser, css).await;
    next_page(browser, css).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_controller_imports_the_demo_and_edits_an_inject_in_the_browser() {
    let app = TestApp::sqlite().await;
    let folder = tempfile::tempdir().unwrap();
    let zip_path = folder.path().join("grey-tide.zip");
    std::fs::write(&zip_path, demo_zip()).unwrap();
    let browser = Browser::start_sized(1440, 1000).await;
    sign_in(&browser, &app, Role::Controller).await;

    browser.goto(&app.url("/scenarios")).await;
    browser.wait_for("document.querySelector('.empty')").await;
    shot(&browser, "01-scenarios-empty").await;

    browser.goto(&app.url("/scenarios/import")).await;
    shot(&browser, "02-import-form").await;
    browser
        .client
        .find(Locator::Css("#f-files"))
        .await
        .unwrap()
        .send_keys(zip_path.to_str().unwrap())
        .await
        .unwrap();
    submit(&browser, "#check-files").await;
    browser
        .wait_for("document.querySelector('#import-report')")
        .await;
    let valid = browser
        .eval("return document.querySelector('#import-report').dataset.valid")
        .await;
    assert_eq!(valid, "true");
    assert!(
        app.store().list_scenarios(None).await.unwrap().is_empty(),
        "the dry run wrote nothing"
    );
    shot(&browser, "03-import-report").await;

    submit(&browser, "#import-now").await;
    browser
        .wait_for(
            "location.pathname === '/scenarios/grey-tide' && document.querySelector('#timeline')",
        )
        .await;
    let (_, version) = app
        .store()
        .latest_scenario(&ScenarioId::new("grey-tide").unwrap())
        .await
        .unwrap();
    assert_eq!(version, 1);
    shot(&browser, "04-editor-timeline").await;

    submit(&browser, "#timeline tbody tr:first-child a.table__primary").await;
    browser
        .wait_for("document.querySelector('#inject-form')")
        .await;
    let inject_id = browser
        .eval("return document.querySelector('#inject-form [name=original]').value")
        .await;
    let inject_id = inject_id.as_str().unwrap().to_owned();
    shot(&browser, "05-editor-inject-form").await;
    let field = browser
        .client
        .find(Locator::Css(
            "#inject-form input.input[name^='c_']:not([type=number])",
        ))
        .await
        .unwrap();
    let name = field.attr("name").await.unwrap().unwrap();
    field.clear().await.unwrap();
    field.send_keys("Edited in the browser").await.unwrap();
    submit(&browser, "#save-inject").await;
    browser.wait_for("document.querySelector('.toast') && document.querySelector('.toast').textContent.includes('Saved as version 2')").await;
    shot(&browser, "06-editor-saved").await;
    let (scenario, version) = app
        .store()
        .latest_scenario(&ScenarioId::new("grey-tide").unwrap())
        .await
        .unwrap();
    assert_eq!(version, 2);
    let edited = scenario
        .teams
        .iter()
        .flat_map(|t| &t.timeline)
        .find(|i| i.id.as_str() == inject_id)
        .unwrap();
    let field_name = name.trim_start_matches("c_");
    assert_eq!(
        edited.content.to_fields()[field_name],
        "Edited in the browser"
    );

    for (path, name) in [
        ("/scenarios/grey-tide?tab=teams", "07-editor-teams"),
        ("/scenarios/grey-tide?tab=settings", "08-editor-settings"),
        ("/scenarios/grey-tide?tab=problems", "09-editor-problems"),
        (
            "/scenarios/grey-tide/preview?team=civil-contingencies&at=T%2B08:00&turn=1",
            "10-preview",
        ),
        ("/scenarios/grey-tide?version=1", "11-editor-old-version"),
        ("/scenarios", "12-scenarios"),
        ("/scenarios/new", "13-new-scenario"),
        ("/media", "14-media"),
        ("/media?open=map-surge-forecast.svg", "15-media-details"),
        (
            "/scenarios/grey-tide/preview?team=public-news&at=T%2B10:00&turn=2",
            "16-preview-wall",
        ),
    ] {
        browser.goto(&app.url(path)).await;
        browser.wait_for("document.readyState === 'complete'").await;
        shot(&browser, name).await;
    }
    browser.goto(&app.url("/scenarios")).await;
    click(&browser, "#scenario-table details.menu summary").await;
    browser
        .wait_for("document.querySelector('#scenario-table details.menu[open]')")
        .await;
    shot(&browser, "17-scenarios-menu").await;
    browser.goto(&app.url("/scenarios/grey-tide")).await;
    click(&browser, ".page-header__actions details.menu summary").await;
    browser
        .wait_for("document.querySelector('.page-header__actions details.menu[open]')")
        .await;
    shot(&browser, "19-editor-versions-menu").await;
    browser
        .goto(&app.url("/scenarios/grey-tide?team=public-news&new=social"))
        .await;
    browser
        .wait_for("document.querySelector('#inject-form')")
        .await;
    shot(&browser, "18-editor-new-social").await;
    // Uploading through the drop zone (upload.js with the session's CSRF header).
    let photo = folder.path().join("harbour-photo.png");
    std::fs::write(&photo, crate::support::png_bytes()).unwrap();
    browser.goto(&app.url("/media")).await;
    browser
        .eval("window.__scipOldPage = true; return true")
        .await;
    browser
        .client
        .find(Locator::Css("#media-files"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    next_page(&browser, "uploading a photo").await;
    browser
        .wait_for("document.querySelector('[data-media=\"harbour-photo.png\"]')")
        .await;
    assert!(app.store().get_media("harbour-photo.png").await.is_ok());

    // An observer sees the same pages without anything that changes them.
    let observer = Browser::start_sized(1440, 1000).await;
    sign_in(&observer, &app, Role::Observer).await;
    observer
        .goto(&app.url("/scenarios/grey-tide?team=health-board&inject=hlt-t1-001"))
        .await;
    observer
        .wait_for("document.readyState === 'complete'")
        .await;
    let buttons = observer.eval("return document.querySelectorAll('#save-inject, #undo, form[action$=\"/delete\"]').length").await;
    assert_eq!(buttons, 0);
    shot(&observer, "20-editor-observer").await;
    observer.close().await;
    browser.close().await;
}
