//! live.js: connection state, named events, reconnection with resume, fragment insertion.

use serde_json::json;

use super::{lab_session, lab_session_at};

#[tokio::test]
async fn events_arrive_and_a_refused_stream_is_reconnected_where_it_left_off() {
    let (lab, browser) = lab_session().await;
    browser
        .eval(
            r##"window.got = []; window.states = [];
               window.conn = SCIP.live.connect("/events", {
                 events: { delivery: (d) => got.push(d.seq) },
                 onState: (s) => states.push(s),
                 minRetryMs: 50, maxRetryMs: 200
               });
               return true;"##,
        )
        .await;
    browser
        .wait_for(r##"document.getElementById("conn").dataset.state === "online""##)
        .await;
    assert_eq!(
        browser
            .eval(r##"return document.querySelector("#conn [data-live-label]").textContent;"##)
            .await,
        json!("Live")
    );

    lab.send(1, "delivery", json!({"seq": 1}));
    browser.wait_for("got.length === 1").await;

    // The server goes away: the stream ends and reconnects are refused with 503.
    lab.fail();
    browser
        .wait_for(r##"states.includes("reconnecting")"##)
        .await;
    browser
        .wait_for(r##"["reconnecting", "offline"].includes(document.getElementById("conn").dataset.state)"##)
        .await;

    // The browser's own reconnect is refused (the connection is then closed for good), and
    // so is the module's first retry; only then does the server come back.
    lab.refused_at_least(2).await;
    lab.recover();
    browser
        .wait_for(r##"document.getElementById("conn").dataset.state === "online""##)
        .await;
    let requests = lab.event_requests();
    let resumed = requests.last().unwrap();
    assert_eq!(
        resumed.0.as_deref(),
        Some("1"),
        "a new connection must ask for what came after event 1: {requests:?}"
    );

    lab.send(2, "delivery", json!({"seq": 2}));
    browser.wait_for("got.length === 2").await;
    assert_eq!(browser.eval("return got;").await, json!([1, 2]));
    let state_changes = browser.eval("return states;").await;
    assert_eq!(state_changes[0], json!("connecting"));

    browser.eval("conn.close(); return true;").await;
    assert_eq!(
        browser
            .eval(r##"return document.getElementById("conn").dataset.state;"##)
            .await,
        json!("offline")
    );
    browser.close().await;
}

#[tokio::test]
async fn every_event_is_also_a_document_event() {
    let (lab, browser) = lab_session().await;
    browser
        .eval(
            r##"window.seen = [];
               document.addEventListener("scip:live", (e) => seen.push([e.detail.event, e.detail.data]));
               SCIP.live.connect("/events", { events: { ping: () => {} } });
               return true;"##,
        )
        .await;
    browser
        .wait_for(r##"document.getElementById("conn").dataset.state === "online""##)
        .await;
    lab.send_raw(7, "ping", "plain text, not JSON");
    lab.send(8, "ping", json!({"seq": 8}));
    browser.wait_for("seen.length === 2").await;
    assert_eq!(
        browser.eval("return seen;").await,
        json!([["ping", "plain text, not JSON"], ["ping", {"seq": 8}]])
    );
    browser.close().await;
}

#[tokio::test]
async fn inserted_fragments_replace_their_earlier_copy_instead_of_duplicating() {
    let (_lab, browser) = lab_session().await;
    let result = browser
        .eval(
            r##"SCIP.live.insert('<li id="d-1">first</li><li id="d-2">second</li>', "#feed");
               SCIP.live.insert('<li id="d-3">third</li>', "#feed");
               const replaced = SCIP.live.insert('<li id="d-1">first, resent</li>', "#feed");
               const items = Array.from(document.querySelectorAll("#feed li"));
               return [items.map((li) => li.id + ":" + li.textContent), replaced.length,
                       document.getElementById("d-3").classList.contains("is-new")];"##,
        )
        .await;
    assert_eq!(
        result,
        json!([["d-3:third", "d-1:first, resent", "d-2:second"], 1, true])
    );
    browser.close().await;
}

#[tokio::test]
async fn a_page_with_a_live_url_follows_the_standard_events_without_code() {
    let (lab, browser) = lab_session_at("/lab?live=1").await;
    browser
        .wait_for(r##"document.getElementById("conn").dataset.state === "online""##)
        .await;
    lab.send(
        1,
        "timer",
        json!({"v": 1, "state": "paused", "elapsed_ms": 3_723_000, "speed": 1.0, "turn": 3, "total_turns": 4}),
    );
    lab.send(2, "unread", json!({"news": 3}));
    lab.send(
        3,
        "html",
        json!({"target": "#feed", "html": "<li id=\"d-9\">Port closed</li>"}),
    );
    lab.send(
        4,
        "toast",
        json!({"message": "Exercise paused by control.", "kind": "warning"}),
    );
    browser
        .wait_for(r##"document.querySelector(".toast--warning")"##)
        .await;
    let page = browser
        .eval(
            r##"const q = (s) => document.querySelector(s);
               return [q("#clock [data-timer-digits]").textContent, document.body.dataset.exerciseState,
                       q("#paused-banner").hidden, q("#news-count").hidden, q("#news-count").textContent,
                       q("#feed #d-9").textContent, q(".toast--warning .toast__text").textContent];"##,
        )
        .await;
    assert_eq!(
        page,
        json!([
            "1:02:03",
            "paused",
            false,
            false,
            "3",
            "Port closed",
            "Exercise paused by control."
        ])
    );
    lab.send(5, "unread", json!({"news": 0}));
    browser
        .wait_for(r##"document.getElementById("news-count").hidden"##)
        .await;
    browser.close().await;
}
