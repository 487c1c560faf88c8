//! The control page's live stream and the panels it asks for.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use scip_store::Role;

use crate::portal::Session;
use crate::support::{TestApp, scenario_doc};

/// Reads SSE frames until one of `event` arrives (at most five seconds); gives its data.
async fn next_event<S, B>(body: &mut S, buffer: &mut String, event: &str) -> String
where
    S: futures::Stream<Item = reqwest::Result<B>> + Unpin,
    B: AsRef<[u8]>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let name = frame
                .lines()
                .find_map(|l| l.strip_prefix("event:"))
                .map(str::trim)
                .unwrap_or("message");
            if name == event {
                return frame
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join("\n");
            }
        }
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .unwrap_or_else(|_| panic!("no {event} event within 5 s"))
            .expect("the stream ended")
            .unwrap();
        buffer.push_str(&String::from_utf8_lossy(chunk.as_ref()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_says_what_changed_and_the_panels_follow() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour")).await;
    let id = app.launch("harbour").await;
    let mut olive = Session::sign_in(&app, Role::Observer).await;
    // The session cookie, as the page's EventSource sends it.
    let home = olive.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let cookie = olive.cookie_header();
    let response = reqwest::Client::new()
        .get(app.url(&format!("/exercises/{id}/stream")))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = response.bytes_stream();
    let mut buffer = String::new();
    next_event(&mut body, &mut buffer, "hello").await;

    // Starting the exercise (elsewhere) is announced with the clock and the panels to fetch.
    app.action(&id, "start").await;
    let tick: serde_json::Value =
        serde_json::from_str(&next_event(&mut body, &mut buffer, "timer").await).unwrap();
    assert_eq!(tick["state"], "running");
    let changed: serde_json::Value =
        serde_json::from_str(&next_event(&mut body, &mut buffer, "changed").await).unwrap();
    let parts: Vec<&str> = changed["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(
        parts.contains(&"controls") && parts.contains(&"matrix"),
        "{parts:?}"
    );

    // A live inject changes the matrix; the panel shows it.
    let (status, _) = app
        .post(
            &format!("/api/v2/exercises/{id}/live-injects"),
            Role::Controller,
            serde_json::json!({"teams": ["red"], "type": "sms", "content": {"from": "Pilot", "body": "Mayday relay"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let changed: serde_json::Value =
        serde_json::from_str(&next_event(&mut body, &mut buffer, "changed").await).unwrap();
    assert!(
        changed["parts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "matrix")
    );
    let panel = olive
        .get(&format!("/exercises/{id}/panels?part=matrix"))
        .await;
    assert_eq!(panel.status, StatusCode::OK);
    assert!(panel.body.contains("id=\"matrix\""));
    assert!(panel.body.contains("Mayday relay"));
    assert!(!panel.body.contains("<html"), "a fragment, not a page");
    let controls = olive
        .get(&format!("/exercises/{id}/panels?part=controls"))
        .await
        .body;
    assert!(controls.contains("data-state=\"running\""));
    assert!(
        !controls.contains("data-action="),
        "observers get no buttons here either"
    );
    assert_eq!(
        olive
            .get(&format!("/exercises/{id}/panels?part=nope"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Signed out: no stream.
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(&format!("/exercises/{id}/stream")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}
