//! The launch form and the control page's forms, as a browser without JavaScript uses them.

use reqwest::StatusCode;
use scip_core::ExerciseId;
use scip_core::engine::ExerciseState;
use scip_store::{DeliveryFilter, Role};

use crate::portal::{Session, flashes};
use crate::support::{TestApp, scenario_doc, turn_scenario_doc, wait_for};

async fn state_of(app: &TestApp, id: &str) -> scip_store::ExerciseRecord {
    app.store()
        .get_exercise(&ExerciseId::new(id).unwrap())
        .await
        .unwrap()
}

/// Launches `scenario` through the form; gives the exercise id and the control page.
async fn launch(session: &mut Session<'_>, scenario: &str, name: &str) -> (String, String) {
    let form = session
        .get(&format!("/exercises/new?scenario={scenario}"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("<option value=\"{scenario}\" selected>")),
        "the scenario is preselected"
    );
    let reply = session
        .submit(
            "/exercises/new",
            &[
                ("scenario", scenario),
                ("version", ""),
                ("name", name),
                ("speed", "2"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let to = reply.location.unwrap();
    let id = to.strip_prefix("/exercises/").unwrap().to_owned();
    let page = session.get(&to).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        flashes(&page.body)
            .iter()
            .any(|f| f.contains("is launched")),
        "{:?}",
        flashes(&page.body)
    );
    (id, page.body)
}

async fn act(session: &mut Session<'_>, id: &str, action: &str) -> String {
    session
        .submit_and_follow(&format!("/exercises/{id}/actions/{action}"), &[])
        .await
        .body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn launch_form_and_every_action_button() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour")).await;
    let mut cole = Session::sign_in(&app, Role::Controller).await;
    let (id, page) = launch(&mut cole, "harbour", "HARBOUR LIGHT").await;
    let record = state_of(&app, &id).await;
    assert_eq!(record.name, "HARBOUR LIGHT");
    assert_eq!(record.runtime.clock.speed.factor(), 2.0);
    assert_eq!(record.runtime.state, ExerciseState::Deployed);
    assert!(page.contains("data-action=\"start\""));
    assert!(!page.contains("data-action=\"pause\""));
    assert!(page.contains("Red Cell") && page.contains("Blue Cell"));

    // The list shows it as live, with links to control and report.
    let list = cole.get("/exercises").await.body;
    assert!(list.contains("HARBOUR LIGHT"));
    assert!(list.contains(&format!("href=\"/exercises/{id}/report\"")));

    let page = act(&mut cole, &id, "start").await;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("clock is running"))
    );
    assert!(page.contains("data-action=\"pause\""));
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Running
    );

    // A button the state does not allow: a clear 409 message, nothing changes.
    let page = act(&mut cole, &id, "start").await;
    let messages = flashes(&page);
    assert!(
        messages
            .iter()
            .any(|f| f.contains("Cannot start an exercise that is running")),
        "{messages:?}"
    );
    assert!(page.contains("toast toast--error"));
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Running
    );

    act(&mut cole, &id, "pause").await;
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Paused
    );
    let page = act(&mut cole, &id, "resume").await;
    assert!(page.contains("data-action=\"pause\""));
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Running
    );

    // Speed.
    let page = cole
        .submit_and_follow(&format!("/exercises/{id}/speed"), &[("speed", "10")])
        .await
        .body;
    assert!(flashes(&page).iter().any(|f| f.contains("×10")));
    assert_eq!(state_of(&app, &id).await.runtime.clock.speed.factor(), 10.0);
    let page = cole
        .submit_and_follow(&format!("/exercises/{id}/speed"), &[("speed", "500")])
        .await
        .body;
    assert!(page.contains("toast toast--error"), "{:?}", flashes(&page));
    assert_eq!(state_of(&app, &id).await.runtime.clock.speed.factor(), 10.0);

    act(&mut cole, &id, "finish").await;
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Finished
    );
    let page = act(&mut cole, &id, "reset").await;
    assert!(flashes(&page).iter().any(|f| f.contains("new run")));
    let record = state_of(&app, &id).await;
    assert_eq!(record.runtime.state, ExerciseState::Deployed);
    assert_eq!(record.runtime.run, 2);
    let page = act(&mut cole, &id, "stop").await;
    assert!(!page.contains("data-action=\"start\""));
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Stopped
    );

    // An unknown action is a 404 page.
    let reply = cole
        .submit(&format!("/exercises/{id}/actions/explode"), &[])
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_turn_in_turn_mode() {
    let app = TestApp::sqlite().await;
    app.create_scenario(turn_scenario_doc("turns")).await;
    let mut cole = Session::sign_in(&app, Role::Controller).await;
    let (id, page) = launch(&mut cole, "turns", "").await;
    assert!(page.contains("Turns"), "the scenario's name is the default");
    act(&mut cole, &id, "start").await;
    let page = cole.get(&format!("/exercises/{id}")).await.body;
    assert!(page.contains("Turn 1 of 2"));
    let page = act(&mut cole, &id, "next-turn").await;
    assert!(
        flashes(&page).iter().any(|f| f.contains("next turn")),
        "{:?}",
        flashes(&page)
    );
    assert_eq!(state_of(&app, &id).await.runtime.turn.unwrap().current, 2);
    assert!(page.contains("Turn 2 of 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_launch_input_is_explained_next_to_the_field() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour")).await;
    let mut cole = Session::sign_in(&app, Role::Controller).await;
    let reply = cole
        .submit(
            "/exercises/new",
            &[("scenario", "harbour"), ("speed", "100"), ("name", "X")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("field--invalid"));
    assert!(reply.body.contains("value=\"X\""), "the name typed is kept");
    let reply = cole
        .submit("/exercises/new", &[("scenario", "nope"), ("speed", "1")])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.body.contains("field__error"));
    assert_eq!(
        app.store()
            .list_exercises(None, scip_store::Paging::first(10))
            .await
            .unwrap()
            .total,
        0
    );
    // Without the session's CSRF value nothing is launched.
    let reply = cole
        .post_form("/exercises/new", &[("scenario", "harbour")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observers_see_no_buttons_and_are_refused() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour")).await;
    let id = app.launch("harbour").await;
    app.action(&id, "start").await;
    let mut olive = Session::sign_in(&app, Role::Observer).await;
    let page = olive.get(&format!("/exercises/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for forbidden in [
        "data-action=",
        "id=\"live-form\"",
        "/fire-now",
        "/resend",
        "/speed",
        "data-access-code",
    ] {
        assert!(
            !page.body.contains(forbidden),
            "an observer sees {forbidden}"
        );
    }
    assert!(page.body.contains("Delivery matrix"));
    let list = olive.get("/exercises").await.body;
    assert!(!list.contains("href=\"/exercises/new\""));
    assert_eq!(
        olive.get("/exercises/new").await.status,
        StatusCode::FORBIDDEN
    );

    for (path, fields) in [
        (format!("/exercises/{id}/actions/pause"), vec![]),
        (format!("/exercises/{id}/speed"), vec![("speed", "2")]),
        (
            format!("/exercises/{id}/fire-now"),
            vec![("inject", "r2"), ("team", "red")],
        ),
        (
            format!("/exercises/{id}/live-inject"),
            vec![
                ("type", "sms"),
                ("teams", "red"),
                ("c.sms.from", "x"),
                ("c.sms.body", "y"),
            ],
        ),
        ("/exercises/new".to_owned(), vec![("scenario", "harbour")]),
    ] {
        let reply = olive.submit(&path, &fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        assert!(reply.body.contains("This needs the controller role"));
    }
    assert_eq!(
        state_of(&app, &id).await.runtime.state,
        ExerciseState::Running
    );
}

crate::on_both_databases!(fire_now_resend_and_live_injects_through_the_forms);

async fn fire_now_resend_and_live_injects_through_the_forms(app: TestApp) {
    app.create_scenario(scenario_doc("harbour")).await;
    let mut cole = Session::sign_in(&app, Role::Controller).await;
    let (id, _) = launch(&mut cole, "harbour", "Forms").await;
    act(&mut cole, &id, "start").await;
    let exercise = ExerciseId::new(id.as_str()).unwrap();
    let deliveries = |app: &TestApp| {
        let exercise = exercise.clone();
        let store = app.store().clone();
        async move {
            store
                .list_deliveries(&exercise, &DeliveryFilter::default())
                .await
                .unwrap()
                .items
        }
    };
    assert_eq!(deliveries(&app).await.len(), 2, "r1 and b1 fire at T+0");

    // Up next offers r2 (due T+10:00) with Fire now.
    let page = cole.get(&format!("/exercises/{id}")).await.body;
    assert!(page.contains("data-upcoming=\"r2\""), "r2 is up next");
    let page = cole
        .submit_and_follow(
            &format!("/exercises/{id}/fire-now"),
            &[("inject", "r2"), ("team", "red")],
        )
        .await
        .body;
    assert!(
        flashes(&page).iter().any(|f| f.contains("fired now")),
        "{:?}",
        flashes(&page)
    );
    let all = deliveries(&app).await;
    let r2 = all.iter().find(|d| d.inject_id.as_str() == "r2").unwrap();
    assert_eq!(r2.cause, scip_store::DeliveryCause::FireNow);
    assert!(!page.contains("data-upcoming=\"r2\""));
    // Firing it again is refused with a message.
    let page = cole
        .submit_and_follow(
            &format!("/exercises/{id}/fire-now"),
            &[("inject", "r2"), ("team", "red")],
        )
        .await
        .body;
    assert!(page.contains("toast toast--error"));

    // Resend r1.
    let r1 = all
        .iter()
        .find(|d| d.inject_id.as_str() == "r1")
        .unwrap()
        .id
        .to_string();
    let page = cole
        .submit_and_follow(&format!("/exercises/{id}/deliveries/{r1}/resend"), &[])
        .await
        .body;
    assert!(flashes(&page).iter().any(|f| f.contains("published again")));
    wait_for("the resend count", || {
        let app = &app;
        let r1 = r1.clone();
        async move {
            let d = app
                .store()
                .get_delivery(&scip_store::DeliveryId::from(r1.as_str()))
                .await
                .unwrap();
            (d.resent_count == 1).then_some(())
        }
    })
    .await;

    // A live inject to both teams.
    let page = cole
        .submit_and_follow(
            &format!("/exercises/{id}/live-inject"),
            &[
                ("type", "sms"),
                ("priority", "high"),
                ("c.sms.from", "Harbour Master"),
                ("c.sms.body", "Close the inner channel now."),
                ("c.news.headline", "ignored: another type's field"),
                ("teams", "red"),
                ("teams", "blue"),
            ],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("Live inject sent to 2 teams")),
        "{:?}",
        flashes(&page)
    );
    let live: Vec<_> = deliveries(&app)
        .await
        .into_iter()
        .filter(|d| d.cause == scip_store::DeliveryCause::Live)
        .collect();
    assert_eq!(live.len(), 2);
    assert!(
        live.iter()
            .all(|d| d.title == "Close the inner channel now." || d.title.contains("Harbour"))
    );
    assert!(
        page.contains("data-live>"),
        "the live inject is a matrix row"
    );

    // A required field left empty: a message, nothing sent.
    let page = cole
        .submit_and_follow(
            &format!("/exercises/{id}/live-inject"),
            &[
                ("type", "news"),
                ("c.news.headline", "Only a headline"),
                ("teams", "red"),
            ],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("is required for a News inject")),
        "{:?}",
        flashes(&page)
    );
    let page = cole
        .submit_and_follow(
            &format!("/exercises/{id}/live-inject"),
            &[("type", "sms"), ("c.sms.from", "A"), ("c.sms.body", "B")],
        )
        .await
        .body;
    assert!(
        flashes(&page)
            .iter()
            .any(|f| f.contains("at least one team"))
    );
    assert_eq!(deliveries(&app).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_log_pages_back() {
    let app = TestApp::sqlite().await;
    crate::portal::import_demo(&app).await;
    let id = app.launch("grey-tide").await;
    app.action(&id, "start").await;
    let (status, body) = app
        .post(
            &format!("/api/v2/exercises/{id}/seek"),
            Role::Controller,
            serde_json::json!({"to": "T+45:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut olive = Session::sign_in(&app, Role::Observer).await;
    let page = olive.get(&format!("/exercises/{id}")).await.body;
    let older = page
        .split(&format!("href=\"/exercises/{id}?log_before="))
        .nth(1)
        .and_then(|rest| rest.split('#').next())
        .expect("an Older link")
        .to_owned();
    let first_page = page.matches("event-log__item ").count();
    assert_eq!(first_page, 40);
    let back = olive
        .get(&format!("/exercises/{id}?log_before={older}"))
        .await
        .body;
    assert!(
        back.contains(&format!("href=\"/exercises/{id}#log\"")),
        "a Newest link"
    );
    assert!(
        back.contains("Exercise launched"),
        "the oldest event is on an older page"
    );
    assert!(!page.contains("Exercise launched"));
}
