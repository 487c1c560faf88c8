//! The after-action report: the page, and `report.csv` / `report.json` (one row per delivery,
//! every run) with a bearer token or the session cookie.

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::json;

use crate::portal::Session;
use crate::support::{TestApp, scenario_doc};

async fn csv(app: &TestApp, id: &str, role: Role) -> (StatusCode, String, String) {
    let response = app
        .request(
            Method::GET,
            &format!("/api/v2/exercises/{id}/report.csv"),
            Some(role),
        )
        .await
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

crate::on_both_databases!(report_csv_and_json_have_one_row_per_delivery);

async fn report_csv_and_json_have_one_row_per_delivery(app: TestApp) {
    app.create_scenario(scenario_doc("harbour")).await;
    let id = app.launch("harbour").await;
    app.action(&id, "start").await;
    let (status, body) = app
        .post(
            &format!("/api/v2/exercises/{id}/live-injects"),
            Role::Controller,
            json!({"teams": ["red", "blue"], "type": "news", "content": {"headline": "Ship, \"drifting\"", "body": "=1+1", "source": "Coastal Daily"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let listed = app.deliveries(&id, "limit=500").await;
    let total = listed["total"].as_u64().unwrap();
    assert_eq!(total, 4);

    let (status, kind, text) = csv(&app, &id, Role::Observer).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(kind.starts_with("text/csv"), "{kind}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("team_id,inject_id"), "{}", lines[0]);
    assert_eq!(lines.len() as u64 - 1, total, "one row per delivery");
    let header: Vec<&str> = lines[0].split(',').collect();
    let team_col = header.iter().position(|h| *h == "team_id").unwrap();
    let source_col = header.iter().position(|h| *h == "source").unwrap();
    let mut teams: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(team_col).unwrap())
        .collect();
    teams.sort_unstable();
    assert_eq!(teams, ["blue", "blue", "red", "red"]);
    // Quotes are doubled inside a quoted field.
    assert!(text.contains("\"Ship, \"\"drifting\"\"\""), "{text}");
    assert!(lines[1..].iter().any(|l| l.ends_with(",live")));
    assert!(
        lines[1..]
            .iter()
            .any(|l| l.split(',').nth(source_col) == Some("scheduled"))
    );

    let (status, report) = app
        .get(
            &format!("/api/v2/exercises/{id}/report.json"),
            Role::Observer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["deliveries"].as_array().unwrap().len() as u64, total);
    assert_eq!(report["summary"]["delivered"], json!(total));
    assert_eq!(report["summary"]["live"], json!(2));
    let red = report["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["team_id"] == "red")
        .unwrap();
    assert_eq!(red["delivered"], json!(2));

    // A reset starts run 2: the report keeps run 1's rows and adds run 2's.
    for action in ["finish", "reset", "start"] {
        let (status, body) = app.action(&id, action).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (_, _, text) = csv(&app, &id, Role::Observer).await;
    assert_eq!(text.lines().count() - 1, 6);
    let (_, report) = app
        .get(
            &format!("/api/v2/exercises/{id}/report.json"),
            Role::Observer,
        )
        .await;
    let runs: Vec<u64> = report["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["run"].as_u64().unwrap())
        .collect();
    assert_eq!(runs.iter().filter(|r| **r == 2).count(), 2);

    // Signed out: 401; unknown exercise: 404.
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/v2/exercises/{id}/report.csv"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, _) = csv(&app, "no-such-exercise", Role::Observer).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The OpenAPI document describes both.
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    let csv_doc = &doc["paths"]["/api/v2/exercises/{id}/report.csv"]["get"];
    assert!(
        csv_doc["responses"]["200"]["content"]["text/csv"].is_object(),
        "{csv_doc}"
    );
    assert!(doc["paths"]["/api/v2/exercises/{id}/report.json"]["get"].is_object());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_page_shows_totals_teams_deliveries_and_downloads() {
    let app = TestApp::sqlite().await;
    app.create_scenario(scenario_doc("harbour")).await;
    let id = app.launch("harbour").await;
    app.action(&id, "start").await;
    app.action(&id, "finish").await;
    let mut olive = Session::sign_in(&app, Role::Observer).await;
    let page = olive.get(&format!("/exercises/{id}/report")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.body;
    assert!(body.contains("After-action report"));
    assert!(body.contains(&format!("href=\"/api/v2/exercises/{id}/report.csv\"")));
    assert!(body.contains(&format!("href=\"/api/v2/exercises/{id}/report.json\"")));
    assert!(body.contains("data-team=\"red\"") && body.contains("data-team=\"blue\""));
    assert!(body.contains("Tug 4 lost steering.") || body.contains("Channel closure"));
    assert!(body.contains("Exercise finished"));
    assert!(
        body.contains("data-print") && !body.contains("onclick"),
        "no inline script"
    );
    assert!(!body.contains("The exercise is still live"));
    // The session cookie works for the download too.
    let text = olive
        .get(&format!("/api/v2/exercises/{id}/report.csv"))
        .await;
    assert_eq!(text.status, StatusCode::OK);
    assert_eq!(text.body.lines().count(), 3);
}
