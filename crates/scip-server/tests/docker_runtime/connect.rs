//! Connecting: the ping, and the errors when no engine (or not an engine) answers.

use std::time::Duration;

use axum::http::Method;
use scip_server::runtime::docker::{DockerError, DockerRuntime};

use crate::fake_engine::FakeEngine;

#[tokio::test]
async fn connecting_pings_the_engine_once() {
    let engine = FakeEngine::start().await;
    let runtime = DockerRuntime::connect(Some(&engine.url())).await.unwrap();
    assert_eq!(runtime.host(), engine.url());
    assert_eq!(engine.request_lines(), ["GET /_ping"]);
}

#[tokio::test]
async fn tcp_scheme_reaches_the_same_engine() {
    let engine = FakeEngine::start().await;
    let tcp = engine.url().replace("http://", "tcp://");
    DockerRuntime::connect(Some(&tcp)).await.unwrap();
    assert_eq!(engine.request_lines(), ["GET /_ping"]);
}

#[tokio::test]
async fn nothing_listening_is_unreachable_and_names_the_address() {
    let host = format!("http://127.0.0.1:{}", scip_testkit::free_port());
    let err = DockerRuntime::connect(Some(&host)).await.unwrap_err();
    assert!(matches!(err, DockerError::Unreachable { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("no Docker engine answers at {host}: ")),
        "{text}"
    );
    assert!(text.ends_with("start Docker or set DOCKER_HOST"), "{text}");
}

#[tokio::test]
async fn a_missing_socket_is_unreachable_and_names_the_socket() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let host = format!("unix://{}", socket.display());
    let err = DockerRuntime::connect(Some(&host)).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no Docker engine answers at {host}: socket {} not found; start Docker or set \
             DOCKER_HOST",
            socket.display()
        )
    );
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_before_connecting() {
    let err = DockerRuntime::connect(Some("ssh://admin@docker-host"))
        .await
        .unwrap_err();
    assert!(matches!(err, DockerError::UnsupportedHost { .. }));
    assert!(
        err.to_string()
            .contains("use unix:///path/to/docker.sock, tcp://HOST:PORT or http://HOST:PORT"),
        "{err}"
    );
}

#[tokio::test]
async fn a_500_to_the_ping_is_unreachable_with_the_engines_message() {
    let engine = FakeEngine::start().await;
    engine.fail(Method::GET, "/_ping", 500, "daemon is shutting down", 1);
    let err = DockerRuntime::connect(Some(&engine.url()))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "no Docker engine answers at {}: the ping was answered with HTTP 500: daemon is \
             shutting down; start Docker or set DOCKER_HOST",
            engine.url()
        )
    );
}

#[tokio::test]
async fn a_server_that_is_not_an_engine_is_refused() {
    let engine = FakeEngine::start().await;
    engine.fail(Method::GET, "/_ping", 200, "hello", 1);
    let err = DockerRuntime::connect(Some(&engine.url()))
        .await
        .unwrap_err();
    assert!(matches!(err, DockerError::NotAnEngine { .. }), "{err:?}");
}

#[tokio::test]
async fn an_engine_that_never_answers_is_unreachable_after_the_timeout() {
    // Accepts connections and reads nothing: a hung engine.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let err = DockerRuntime::connect_with_timeout(Some(&host), Duration::from_millis(200))
        .await
        .unwrap_err();
    hold.abort();
    assert!(
        err.to_string().contains("no answer to a ping within 200ms"),
        "{err}"
    );
}
