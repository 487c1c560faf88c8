//! timer.js: formatting, extrapolation between ticks, state changes.

use serde_json::{Value, json};

use super::lab_session;

#[tokio::test]
async fn the_browser_formats_exercise_time_exactly_like_the_server() {
    let (_lab, browser) = lab_session().await;
    // Edge cases plus a spread of pseudo-random values up to three days.
    let mut samples: Vec<u64> = vec![
        0,
        1,
        999,
        1_000,
        59_999,
        60_000,
        599_999,
        3_599_999,
        3_600_000,
        3_600_999,
        35_999_999,
        36_000_000,
        86_399_999,
        259_200_000,
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        samples.push(x % 259_200_000);
    }
    let script = format!(
        "return {}.map(SCIP.timer.format);",
        serde_json::to_string(&samples).unwrap()
    );
    let formatted = browser.eval(&script).await;
    let formatted = formatted.as_array().unwrap();
    for (ms, text) in samples.iter().zip(formatted) {
        assert_eq!(text, &json!(scip_core::format_tplus(*ms)), "{ms} ms");
    }
    browser.close().await;
}

#[tokio::test]
async fn the_clock_runs_at_its_speed_between_ticks_and_stands_still_otherwise() {
    let (_lab, browser) = lab_session().await;
    let values = browser
        .eval(
            r##"const t = SCIP.timer.get(document.getElementById("clock"));
               const now = performance.now();
               t.update({elapsed_ms: 10000, speed: 2, state: "running"}, now);
               const running = t.elapsedAt(now + 1500);
               t.update({elapsed_ms: 20000, speed: 1, state: "paused"}, now);
               const paused = t.elapsedAt(now + 60000);
               t.update({elapsed_ms: 5000, speed: 1, state: "deployed"}, now);
               const deployed = t.elapsedAt(now + 60000);
               return [running, paused, deployed];"##,
        )
        .await;
    assert_eq!(values, json!([13000, 20000, 5000]));
    browser.close().await;
}

#[tokio::test]
async fn a_late_tick_never_steps_the_display_back_but_a_reset_does() {
    let (_lab, browser) = lab_session().await;
    let values: Value = browser
        .eval(
            r##"const t = SCIP.timer.get(document.getElementById("clock"));
               t.update({elapsed_ms: 30000, speed: 1, state: "running"}, performance.now() - 3000);
               const before = t.shownMs;
               // A tick that was 700 ms in flight: behind what is already on screen.
               t.update({elapsed_ms: before - 700, speed: 1, state: "running"}, performance.now());
               const held = t.shownMs;
               t.update({elapsed_ms: 0, speed: 1, state: "deployed"});
               const digits = document.querySelector("#clock [data-timer-digits]").textContent;
               return [before, held, t.shownMs, digits];"##,
        )
        .await;
    let before = values[0].as_f64().unwrap();
    let held = values[1].as_f64().unwrap();
    assert!(before >= 33_000.0, "extrapolated from the tick: {before}");
    assert!(held >= before, "stepped back from {before} to {held}");
    assert_eq!(values[2], json!(0));
    assert_eq!(values[3], json!("00:00"));
    browser.close().await;
}

#[tokio::test]
async fn the_page_clock_drives_state_labels_turns_and_banners() {
    let (_lab, browser) = lab_session().await;
    let paused = browser
        .eval(
            r##"SCIP.timer.updateAll({elapsed_ms: 61000, speed: 2, state: "paused", turn: 2, total_turns: 4});
               const q = (id) => document.getElementById(id);
               return [q("paused-banner").hidden, q("ended-banner").hidden, document.body.dataset.exerciseState,
                       q("clock-state").textContent, q("clock-state").className, q("clock-turn").textContent,
                       q("clock-speed").hidden, q("clock-speed").textContent, q("clock").dataset.state];"##,
        )
        .await;
    assert_eq!(
        paused,
        json!([
            false,
            true,
            "paused",
            "Paused",
            "badge badge--state-paused badge--dot",
            "Turn 2 of 4",
            false,
            "×2",
            "paused"
        ])
    );
    let ended = browser
        .eval(
            r##"SCIP.timer.updateAll({elapsed_ms: 61000, speed: 1, state: "finished"});
               const q = (id) => document.getElementById(id);
               return [q("paused-banner").hidden, q("ended-banner").hidden, q("clock-state").textContent, q("clock-speed").hidden];"##,
        )
        .await;
    assert_eq!(ended, json!([true, false, "Ended", true]));
    browser.close().await;
}
