//! Dashboards as `scip dashboard` processes: deployed per team, fed through the API and the
//! broker, surviving a kill, given up after three restarts, stopped with the exercise.

use scip_core::engine::Command;
use scip_engine::LiveEvent;
use scip_store::DashboardHealth;
use scip_testkit::browser::Browser;
use serde_json::json;

use crate::support::{Sse, TestScip, alive, kill, scenario, sign_in};

#[tokio::test]
async fn a_dashboard_process_serves_its_team_and_comes_back_after_a_kill() {
    let scip = TestScip::start().await;
    // Something else holds the first port of the range: the processes get the next ones.
    let squatter = std::net::TcpListener::bind(("127.0.0.1", scip.range.first())).ok();
    let exercise = scip.launch(&scenario("proc-1")).await;
    let teams = scip.healthy(&exercise).await;
    let ports: Vec<u16> = teams.iter().map(|t| t.dashboard_port.unwrap()).collect();
    assert!(ports.iter().all(|p| scip.range.contains(*p)), "{ports:?}");
    assert_ne!(ports[0], ports[1]);
    if squatter.is_some() {
        assert!(!ports.contains(&scip.range.first()), "{ports:?}");
    }
    let red = &teams[0];
    let url = red.dashboard_url.clone().unwrap();
    assert!(
        red.runtime_ref.as_deref().unwrap().starts_with("pid:"),
        "{:?}",
        red.runtime_ref
    );
    let pid = scip
        .manager
        .process_pid(&exercise, &red.team_id)
        .await
        .unwrap();
    assert!(alive(pid));
    let health: serde_json::Value = reqwest::get(format!("{url}health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok", "{health}");

    let cookie = sign_in(&url, &red.access_code).await;
    scip.command(&exercise, Command::Start).await;
    let mut events = Sse::open(&url, &cookie, None).await;
    events.next_named("timer").await;
    scip.fire(&exercise, "red", "red-1").await;
    let (id, first) = events.next_named("delivery").await;
    assert_eq!(id.as_deref(), Some("1:1"));
    assert_eq!(first["payload"]["id"], "red-1");

    // A crash: the supervisor starts it again on the same port.
    kill(pid);
    scip.fire(&exercise, "red", "red-2").await;
    let back = scip
        .wait_teams(
            &exercise,
            "red's dashboard back with a new process",
            |teams| {
                teams[0].health == DashboardHealth::Healthy
                    && teams[0].runtime_ref.as_deref() != Some(format!("pid:{pid}").as_str())
            },
        )
        .await;
    assert_eq!(back[0].dashboard_port, red.dashboard_port);
    let new_pid = scip
        .manager
        .process_pid(&exercise, &red.team_id)
        .await
        .unwrap();
    assert_ne!(new_pid, pid);
    assert!(!alive(pid) && alive(new_pid));

    // The browser's session survives the restart, and the stream resumes after 1:1.
    let mut events = Sse::open(&url, &cookie, Some("1:1")).await;
    let (id, second) = events.next_named("delivery").await;
    assert_eq!(id.as_deref(), Some("1:2"));
    assert_eq!(second["payload"]["id"], "red-2");

    // A receipt from the restarted process reaches the engine over MQTT.
    let updates = scip.app().state.engine.hub.subscribe();
    let response = reqwest::Client::new()
        .post(format!("{url}receipts"))
        .header("cookie", &cookie)
        .json(&json!({"receipts": [{"run": 1, "seq": 2, "kind": "read"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    wait_hub(
        updates,
        |e| matches!(e, LiveEvent::DeliveriesUpdated { state, .. } if state == "read"),
    )
    .await;

    // Blue's process knows nothing of red's feed.
    let blue = &teams[1];
    let blue_cookie = sign_in(blue.dashboard_url.as_deref().unwrap(), &blue.access_code).await;
    scip.fire(&exercise, "blue", "blue-1").await;
    let mut blue_events =
        Sse::open(blue.dashboard_url.as_deref().unwrap(), &blue_cookie, None).await;
    let (_, only) = blue_events.next_named("delivery").await;
    assert_eq!(only["payload"]["id"], "blue-1");

    // Stopping the exercise stops the processes.
    let pids = [
        new_pid,
        scip.manager
            .process_pid(&exercise, &blue.team_id)
            .await
            .unwrap(),
    ];
    scip.command(&exercise, Command::Stop).await;
    scip.wait_teams(&exercise, "dashboards stopped", |teams| {
        teams.iter().all(|t| t.health == DashboardHealth::Stopped)
    })
    .await;
    for pid in pids {
        assert!(!alive(pid), "process {pid} still runs");
    }
    scip.shutdown().await;
}

#[tokio::test]
async fn a_dashboard_that_keeps_dying_is_given_up_after_three_restarts() {
    let scip = TestScip::start().await;
    let exercise = scip.launch(&scenario("proc-2")).await;
    let teams = scip.healthy(&exercise).await;
    let red = teams[0].team_id.clone();
    let mut pid = scip.manager.process_pid(&exercise, &red).await.unwrap();
    for restart in 1..=3 {
        kill(pid);
        let previous = pid;
        scip.wait_teams(&exercise, "a restarted process", |teams| {
            teams[0].health == DashboardHealth::Healthy
                && teams[0].runtime_ref.as_deref() != Some(format!("pid:{previous}").as_str())
        })
        .await;
        pid = scip.manager.process_pid(&exercise, &red).await.unwrap();
        assert_ne!(pid, previous, "restart {restart}");
    }
    kill(pid);
    let failed = scip
        .wait_teams(&exercise, "red given up", |teams| {
            teams[0].health == DashboardHealth::Unhealthy
                && teams[0]
                    .health_detail
                    .as_deref()
                    .is_some_and(|d| d.contains("exited 4 times"))
        })
        .await;
    assert_eq!(
        failed[1].health,
        DashboardHealth::Healthy,
        "blue is not affected"
    );
    scip.shutdown().await;
}

#[tokio::test]
async fn a_browser_keeps_its_feed_when_the_dashboard_process_is_killed() {
    let scip = TestScip::start().await;
    let exercise = scip.launch(&scenario("proc-3")).await;
    let teams = scip.healthy(&exercise).await;
    let red = &teams[0];
    let url = red.dashboard_url.clone().unwrap();
    scip.command(&exercise, Command::Start).await;
    scip.fire(&exercise, "red", "red-1").await;

    let browser = Browser::start().await;
    browser.goto(&url).await;
    browser.wait_for("document.querySelector('#f-code')").await;
    browser.eval(&format!("document.querySelector('#f-code').value = '{}'; document.querySelector('form').submit(); return 1", red.access_code)).await;
    browser
        .wait_for("document.querySelectorAll('#feed .feed-item').length === 1")
        .await;
    browser.wait_for("document.querySelector('[data-live-indicator]').getAttribute('data-state') === 'online'").await;

    let pid = scip
        .manager
        .process_pid(&exercise, &red.team_id)
        .await
        .unwrap();
    kill(pid);
    // The page notices, then reconnects by itself to the restarted process.
    browser.wait_for("document.querySelector('[data-live-indicator]').getAttribute('data-state') !== 'online'").await;
    scip.fire(&exercise, "red", "red-2").await;
    browser
        .wait_for_within(
            "document.querySelectorAll('#feed .feed-item').length === 2",
            std::time::Duration::from_secs(30),
        )
        .await;
    browser.wait_for("document.querySelector('[data-live-indicator]').getAttribute('data-state') === 'online'").await;
    let text = browser
        .eval("return document.querySelector('#feed').innerText")
        .await;
    assert!(
        text.as_str().unwrap().contains("Red Cell message 2"),
        "{text}"
    );
    browser.close().await;
    scip.shutdown().await;
}

async fn wait_hub(
    mut rx: tokio::sync::broadcast::Receiver<LiveEvent>,
    want: impl Fn(&LiveEvent) -> bool,
) {
    tokio::time::timeout(crate::support::WAIT, async {
        loop {
            match rx.recv().await {
                Ok(e) if want(&e) => return,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("hub closed: {e}"),
            }
        }
    })
    .await
    .expect("the hub event came")
}
