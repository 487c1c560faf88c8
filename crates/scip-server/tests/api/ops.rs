//! Operations: health, readiness, metrics, request ids, JSON errors for unknown routes, and
//! the OpenAPI document (valid references, every documented operation routed).

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use scip_store::Role;
use serde_json::Value;

use crate::on_both_databases;
use crate::support::{TestApp, scenario_doc, wait_for};

async fn health_readiness_and_metrics_answer(app: TestApp) {
    let (status, health) = app.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    let ready = wait_for("readiness", || async {
        let (status, body) = app.call(Method::GET, "/ready", None, None).await;
        (status == StatusCode::OK).then_some(body)
    })
    .await;
    assert_eq!(ready["checks"]["database"]["ok"], true);
    assert_eq!(ready["checks"]["broker"]["ok"], true);
    assert!(
        ready["checks"].get("redis").is_none(),
        "no Redis configured"
    );

    app.create_scenario(scenario_doc("metrics")).await;
    let id = app.launch("metrics").await;
    app.action(&id, "start").await;
    wait_for("publication", || async {
        let page = app.deliveries(&id, "state=published").await;
        (page["total"] == 2).then_some(())
    })
    .await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    for expected in [
        "# TYPE scip_fire_lateness_seconds histogram",
        "scip_deliveries{state=\"published\"} 2",
        "scip_receipts_total{kind=\"read\"} 0",
        "scip_connected_dashboards 0",
        "scip_outbox_depth 0",
        "scip_exercises{state=\"running\"} 1",
        "scip_logins_total{outcome=\"success\"} ",
        "scip_http_requests_total{method=\"POST\",route=\"/api/v2/exercises\",status=\"201\"} 1",
        "scip_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} 1",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
}

async fn requests_carry_ids_and_unknown_routes_answer_in_json(app: TestApp) {
    let response = app.client.get(app.url("/health")).send().await.unwrap();
    let generated = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(generated.len(), 26, "a ULID: {generated}");
    let response = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "trace-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let response = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "bad id\u{7f}")
        .send()
        .await;
    if let Ok(response) = response {
        assert_ne!(response.headers()["x-request-id"], "bad id\u{7f}");
    }
    let (status, body) = app
        .call(
            Method::GET,
            "/api/v2/nothing-here",
            Some(Role::Observer),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    let (status, body) = app
        .call(Method::DELETE, "/api/v2/exercises", Some(Role::Admin), None)
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"]["code"], "method_not_allowed");
}

/// Every `$ref` in the document, resolved.
fn check_refs(doc: &Value, node: &Value, refs: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                let pointer = r
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("external ref {r}"));
                assert!(doc.pointer(pointer).is_some(), "unresolved {r}");
                refs.insert(r.clone());
            }
            for v in map.values() {
                check_refs(doc, v, refs);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| check_refs(doc, v, refs)),
        _ => {}
    }
}

async fn the_openapi_document_is_complete_and_consistent(app: TestApp) {
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut refs = BTreeSet::new();
    check_refs(&doc, &doc, &mut refs);
    assert!(refs.len() > 30, "{} refs", refs.len());
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 60, "{} paths", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations += 1;
            assert!(
                operation["responses"]
                    .as_object()
                    .is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
            // Every documented operation is routed: without credentials it is refused or
            // answered, never "no such endpoint".
            let concrete = path
                .split('/')
                .map(|seg| if seg.starts_with('{') { "x1" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(m, app.url(&concrete))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let unrouted = status == StatusCode::NOT_FOUND
                && body["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("no such endpoint"));
            assert!(
                !unrouted && status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed ({status})"
            );
        }
    }
    assert!(operations >= 75, "{operations} operations");
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.text().await.unwrap().contains("swagger"),
        "the UI is served from the binary"
    );
}

on_both_databases!(
    health_readiness_and_metrics_answer,
    requests_carry_ids_and_unknown_routes_answer_in_json,
    the_openapi_document_is_complete_and_consistent,
);
