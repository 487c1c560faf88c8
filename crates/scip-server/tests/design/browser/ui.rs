//! ui.js, theme.js, keys.js, widgets.js and viewer.js: the behaviours pages get from data
//! attributes.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

use super::lab_session;

#[tokio::test]
async fn a_destructive_button_asks_first_and_submits_only_when_confirmed() {
    let (_lab, browser) = lab_session().await;
    browser
        .eval(
            r##"window.submitted = [];
               document.getElementById("danger-form").addEventListener("submit", (e) => {
                 e.preventDefault(); submitted.push(e.submitter && e.submitter.value);
               });
               return true;"##,
        )
        .await;
    let danger = browser.client.find(Locator::Id("danger")).await.unwrap();
    danger.click().await.unwrap();
    browser
        .wait_for(r##"document.querySelector("dialog.modal[open]")"##)
        .await;
    let dialog = browser
        .eval(
            r##"const d = document.querySelector("dialog.modal[open]");
               return [d.querySelector(".modal__title").textContent, d.querySelector(".modal__body").textContent,
                       d.querySelector("[data-role=confirm]").textContent, d.querySelector("[data-role=confirm]").className,
                       submitted.length];"##,
        )
        .await;
    assert_eq!(
        dialog,
        json!([
            "Stop the exercise?",
            "Dashboards close.",
            "Stop exercise",
            "btn btn--danger",
            0
        ])
    );

    browser
        .client
        .find(Locator::Css("dialog.modal[open] button[value=cancel]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(r##"!document.querySelector("dialog.modal[open]")"##)
        .await;
    assert_eq!(browser.eval("return submitted;").await, json!([]));

    danger.click().await.unwrap();
    browser
        .wait_for(r##"document.querySelector("dialog.modal[open]")"##)
        .await;
    browser
        .client
        .find(Locator::Css("dialog.modal[open] [data-role=confirm]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for("submitted.length === 1").await;
    assert_eq!(browser.eval("return submitted;").await, json!(["stop"]));
    browser.close().await;
}

#[tokio::test]
async fn copy_buttons_work_without_the_clipboard_api() {
    let (_lab, browser) = lab_session().await;
    // Dashboards on a plain-http address get no Clipboard API; the fallback must still copy.
    browser
        .eval(
            r##"Object.defineProperty(window, "isSecureContext", { value: false });
               window.copied = [];
               document.addEventListener("copy", () => copied.push(document.getSelection().toString()));
               return true;"##,
        )
        .await;
    browser
        .client
        .find(Locator::Id("copy"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(r##"document.getElementById("copy").classList.contains("is-copied")"##)
        .await;
    assert_eq!(browser.eval("return copied;").await, json!(["K7P4-QX2M"]));
    assert_eq!(
        browser.eval(r##"return [document.querySelectorAll("textarea").length, document.getElementById("copy").dataset.tip];"##).await,
        json!([1, "Copied"]),
        "the helper textarea is removed; only the page's own remains"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_theme_cycles_persists_and_yields_to_the_url() {
    let (lab, browser) = lab_session().await;
    let theme = "return [document.documentElement.dataset.themeChoice, document.documentElement.getAttribute('data-theme'), localStorage.getItem('scip-theme')];";
    assert_eq!(browser.eval(theme).await, json!(["system", null, null]));
    let toggle = browser.client.find(Locator::Id("theme")).await.unwrap();
    toggle.click().await.unwrap();
    assert_eq!(
        browser.eval(theme).await,
        json!(["light", "light", "light"])
    );
    toggle.click().await.unwrap();
    assert_eq!(browser.eval(theme).await, json!(["dark", "dark", "dark"]));
    assert_eq!(
        browser
            .eval("return document.getElementById('theme').getAttribute('aria-label');")
            .await,
        json!("Theme: dark")
    );

    browser.client.goto(&lab.url("/lab")).await.unwrap();
    assert_eq!(browser.eval(theme).await, json!(["dark", "dark", "dark"]));
    browser
        .client
        .goto(&lab.url("/lab?theme=light"))
        .await
        .unwrap();
    assert_eq!(
        browser.eval(theme).await,
        json!(["light", "light", "dark"]),
        "?theme= applies without replacing the stored choice"
    );
    browser.close().await;
}

#[tokio::test]
async fn shortcuts_follow_their_links_but_never_steal_typing() {
    let (_lab, browser) = lab_session().await;
    let body = browser.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys("gx").await.unwrap();
    browser.wait_for(r##"location.hash === "#target""##).await;

    browser
        .eval(r##"history.replaceState(null, "", "#"); return true;"##)
        .await;
    let field = browser.client.find(Locator::Id("field")).await.unwrap();
    field.send_keys("gx").await.unwrap();
    assert_eq!(
        browser
            .eval("return [location.hash, document.getElementById('field').value];")
            .await,
        json!(["", "gx"])
    );

    body.send_keys("?").await.unwrap();
    let help = browser
        .wait_for(r##"document.querySelector("dialog[open]") && document.querySelector("dialog[open]").textContent"##)
        .await;
    let help = help.as_str().unwrap();
    assert!(help.contains("Keyboard shortcuts"), "{help}");
    assert!(help.contains("Go to the target"), "{help}");
    assert!(help.contains("Show keyboard shortcuts"), "{help}");
    browser.close().await;
}

#[tokio::test]
async fn character_counters_follow_typing_and_flag_overflow() {
    let (_lab, browser) = lab_session().await;
    let body = browser.client.find(Locator::Id("f-body")).await.unwrap();
    body.send_keys("Port shut").await.unwrap();
    let state = "const c = document.querySelector('[data-counter-for=f-body]'); return [c.textContent, c.className, document.getElementById('f-body').getAttribute('aria-invalid')];";
    assert_eq!(
        browser.eval(state).await,
        json!(["9 / 10", "field__counter is-near", null])
    );
    body.send_keys(" now!").await.unwrap();
    assert_eq!(
        browser.eval(state).await,
        json!(["14 / 10", "field__counter is-over", "true"])
    );
    body.send_keys(&Key::Backspace.to_string().repeat(6))
        .await
        .unwrap();
    assert_eq!(
        browser.eval(state).await,
        json!(["8 / 10", "field__counter", null])
    );
    browser.close().await;
}

#[tokio::test]
async fn tabs_switch_panels_by_click_and_by_arrow_keys() {
    let (_lab, browser) = lab_session().await;
    let panels = "return ['tab-a','tab-b'].map((id) => document.getElementById(id).getAttribute('aria-selected')).concat(['panel-a','panel-b'].map((id) => document.getElementById(id).hidden));";
    let tab_b = browser.client.find(Locator::Id("tab-b")).await.unwrap();
    tab_b.click().await.unwrap();
    assert_eq!(
        browser.eval(panels).await,
        json!(["false", "true", true, false])
    );
    tab_b.send_keys(&Key::Left.to_string()).await.unwrap();
    assert_eq!(
        browser.eval(panels).await,
        json!(["true", "false", false, true])
    );
    assert_eq!(
        browser.eval("return document.activeElement.id;").await,
        json!("tab-a")
    );
    browser.close().await;
}

#[tokio::test]
async fn pictures_open_full_size_and_close_with_escape() {
    let (_lab, browser) = lab_session().await;
    browser
        .client
        .find(Locator::Id("picture"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = browser
        .wait_for(r##"document.querySelector("dialog.viewer[open] img") && [document.querySelector("dialog.viewer img").src, document.querySelector(".viewer__caption").textContent]"##)
        .await;
    assert!(
        shown[0]
            .as_str()
            .unwrap()
            .contains("/assets/icons/favicon.svg?v="),
        "{shown}"
    );
    assert_eq!(shown[1], json!("The SCIP mark"));
    browser
        .client
        .find(Locator::Css("dialog.viewer"))
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    browser
        .wait_for(r##"!document.querySelector("dialog.viewer[open]")"##)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn toasts_relative_times_and_dismissal_read_as_intended() {
    let (_lab, browser) = lab_session().await;
    let times = browser
        .eval(
            r##"const now = Date.UTC(2026, 10, 26, 14, 0, 0);
               const ago = (s) => SCIP.ui.relativeTime(new Date(now - s * 1000), now);
               return [ago(10), ago(240), ago(5400), ago(26 * 3600), ago(3 * 86400)];"##,
        )
        .await;
    assert_eq!(
        times,
        json!([
            "just now",
            "4 min ago",
            "2 h ago",
            "yesterday",
            "3 days ago"
        ])
    );
    let toast = browser
        .eval(
            r##"const t = SCIP.ui.toast("Delivered to 3 teams.", { kind: "error", title: "<b>Sent</b>" });
               return [t.getAttribute("role"), t.className, t.querySelector(".toast__title").textContent,
                       t.querySelector(".toast__title").children.length];"##,
        )
        .await;
    assert_eq!(
        toast,
        json!(["alert", "toast toast--error", "<b>Sent</b>", 0])
    );
    browser
        .client
        .find(Locator::Css(".toast--error [data-dismiss]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait_for(r##"!document.querySelector(".toast--error")"##)
        .await;
    browser.close().await;
}
