//! The fake engine's answers: one handler that records each request, then routes it to the
//! function that answers like the Docker engine.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{Container, Engine, Recorded, Shared, Status};

pub(super) fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

fn no_such_container(key: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("No such container: {key}"))
}

/// The one handler: records the request, then answers it like the engine would.
pub(super) async fn answer(
    State(engine): State<Shared>,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let path = strip_version(uri.path());
    let body_json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()))
    };
    let mut engine = engine.lock().unwrap();
    engine.requests.push(Recorded {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        body: body_json.clone(),
    });
    if let Some(response) = engine.scripted_failure(&method, &path) {
        return response;
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (&method, segments.as_slice()) {
        (&Method::GET | &Method::HEAD, ["_ping"]) => ping(),
        (&Method::GET, ["containers", "json"]) => list(&engine, &query),
        (&Method::POST, ["containers", "create"]) => create(&mut engine, &query, body_json),
        (&Method::POST, ["containers", key, "start"]) => start(&mut engine, key),
        (&Method::POST, ["containers", key, "stop"]) => stop(&mut engine, key),
        (&Method::GET, ["containers", key, "json"]) => inspect(&engine, key),
        (&Method::DELETE, ["containers", key]) => remove(&mut engine, key, &query),
        _ => error(StatusCode::NOT_FOUND, "page not found"),
    }
}

fn strip_version(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    match trimmed.split_once('/') {
        Some((first, rest)) if first.starts_with('v') && first[1..].contains('.') => {
            format!("/{rest}")
        }
        _ => path.to_owned(),
    }
}

fn ping() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::HeaderName::from_static("api-version"), "1.51"),
            (
                header::HeaderName::from_static("docker-experimental"),
                "false",
            ),
            (header::HeaderName::from_static("ostype"), "linux"),
            (header::CACHE_CONTROL, "no-cache, no-store, must-revalidate"),
        ],
        "OK",
    )
        .into_response()
}

fn list(engine: &Engine, query: &HashMap<String, String>) -> Response {
    let all = matches!(query.get("all").map(String::as_str), Some("true" | "1"));
    let filters: HashMap<String, Vec<String>> = match query.get("filters") {
        None => HashMap::new(),
        Some(text) => match serde_json::from_str(text) {
            Ok(filters) => filters,
            Err(e) => {
                return error(StatusCode::BAD_REQUEST, &format!("invalid filter: {e}"));
            }
        },
    };
    if let Some(unknown) = filters.keys().find(|k| k.as_str() != "label") {
        // The real engine knows more filters; the runtime uses labels only.
        return error(
            StatusCode::BAD_REQUEST,
            &format!("filter {unknown:?} is not supported by this fake"),
        );
    }
    let wanted = filters.get("label").cloned().unwrap_or_default();
    let entries: Vec<Value> = engine
        .containers
        .iter()
        .rev() // newest first, as the engine lists them
        .filter(|c| all || c.status == Status::Running)
        .filter(|c| {
            let labels = c.labels();
            wanted.iter().all(|w| match w.split_once('=') {
                Some((k, v)) => labels.get(k).map(String::as_str) == Some(v),
                None => labels.contains_key(w.as_str()),
            })
        })
        .map(summary)
        .collect();
    axum::Json(Value::Array(entries)).into_response()
}

fn summary(c: &Container) -> Value {
    let network = c.network();
    let ports: Vec<Value> = c
        .bindings()
        .into_iter()
        .flat_map(|(key, host_port)| {
            let private: u16 = key.split('/').next().unwrap_or("0").parse().unwrap_or(0);
            if c.status == Status::Running {
                vec![
                    json!({"IP": "0.0.0.0", "PrivatePort": private, "PublicPort": host_port, "Type": "tcp"}),
                    json!({"IP": "::", "PrivatePort": private, "PublicPort": host_port, "Type": "tcp"}),
                ]
            } else {
                vec![json!({"PrivatePort": private, "Type": "tcp"})]
            }
        })
        .collect();
    let status_text = match (c.status, c.health.as_deref()) {
        (Status::Running, Some(h)) => format!("Up 2 minutes ({h})"),
        (Status::Running, None) => "Up 2 minutes".to_owned(),
        (Status::Created, _) => "Created".to_owned(),
        (Status::Exited, _) => format!("Exited ({}) 5 seconds ago", c.exit_code),
    };
    json!({
        "Id": c.id,
        "Names": [format!("/{}", c.name)],
        "Image": c.config["Image"],
        "ImageID": "sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6",
        "Command": command_line(c),
        "Created": 1767225600,
        "Ports": ports,
        "Labels": c.labels(),
        "State": c.state_name(),
        "Status": status_text,
        "HostConfig": {"NetworkMode": network},
        "NetworkSettings": {"Networks": {network.clone(): endpoint(c)}},
        "Mounts": [],
    })
}

fn command_line(c: &Container) -> String {
    let args: Vec<String> = serde_json::from_value(c.config["Cmd"].clone()).unwrap_or_default();
    std::iter::once("scip".to_owned())
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

fn endpoint(c: &Container) -> Value {
    json!({
        "NetworkID": hex::encode(Sha256::digest(c.network())),
        "EndpointID": if c.status == Status::Running { hex::encode(Sha256::digest(&c.id)) } else { String::new() },
        "Gateway": if c.status == Status::Running { "172.20.0.1" } else { "" },
        "IPAddress": if c.status == Status::Running { "172.20.0.7" } else { "" },
        "IPPrefixLen": if c.status == Status::Running { 16 } else { 0 },
        "MacAddress": "",
        "DNSNames": [c.name, &c.id[..12]],
    })
}

fn create(engine: &mut Engine, query: &HashMap<String, String>, body: Value) -> Response {
    let Some(name) = query.get("name").filter(|n| !n.is_empty()) else {
        // The engine would make up a name; the runtime always gives one.
        return error(StatusCode::BAD_REQUEST, "this fake needs a container name");
    };
    let name = name.trim_start_matches('/').to_owned();
    let valid = name.len() >= 2
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"),
        );
    }
    if !body.is_object() {
        return error(
            StatusCode::BAD_REQUEST,
            "config cannot be empty in order to create a container",
        );
    }
    let image = body["Image"].as_str().unwrap_or_default().to_owned();
    if !engine.images.contains(&image) {
        return error(StatusCode::NOT_FOUND, &format!("No such image: {image}"));
    }
    let network = body["HostConfig"]["NetworkMode"]
        .as_str()
        .unwrap_or("bridge")
        .to_owned();
    if !engine.networks.contains(&network) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("network {network} not found"),
        );
    }
    if let Some(other) = engine.position(&name) {
        let other_id = engine.containers[other].id.clone();
        return error(
            StatusCode::CONFLICT,
            &format!(
                "Conflict. The container name \"/{name}\" is already in use by container \
                 \"{other_id}\". You have to remove (or rename) that container to be able to \
                 reuse that name."
            ),
        );
    }
    let id = engine.new_id(&name);
    engine.containers.push(Container {
        id: id.clone(),
        name,
        config: body,
        status: Status::Created,
        health: None,
        exit_code: 0,
    });
    (
        StatusCode::CREATED,
        axum::Json(json!({"Id": id, "Warnings": []})),
    )
        .into_response()
}

fn start(engine: &mut Engine, key: &str) -> Response {
    let Some(index) = engine.position(key) else {
        return no_such_container(key);
    };
    let container = engine.containers[index].clone();
    if container.status == Status::Running {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    for (_, port) in container.bindings() {
        let clash = engine.containers.iter().any(|other| {
            other.id != container.id
                && other.status == Status::Running
                && other.bindings().iter().any(|(_, p)| *p == port)
        });
        if clash {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!(
                    "driver failed programming external connectivity on endpoint {} ({}): \
                     Bind for 0.0.0.0:{port} failed: port is already allocated",
                    container.name, container.id
                ),
            );
        }
    }
    let has_healthcheck = container.config["Healthcheck"]["Test"].is_array();
    let container = &mut engine.containers[index];
    container.status = Status::Running;
    container.health = has_healthcheck.then(|| "starting".to_owned());
    StatusCode::NO_CONTENT.into_response()
}

fn stop(engine: &mut Engine, key: &str) -> Response {
    let Some(container) = engine.find_mut(key) else {
        return no_such_container(key);
    };
    if container.status != Status::Running {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    container.status = Status::Exited;
    container.exit_code = 0;
    StatusCode::NO_CONTENT.into_response()
}

fn remove(engine: &mut Engine, key: &str, query: &HashMap<String, String>) -> Response {
    let Some(index) = engine.position(key) else {
        return no_such_container(key);
    };
    let force = matches!(query.get("force").map(String::as_str), Some("true" | "1"));
    let container = &engine.containers[index];
    if container.status == Status::Running && !force {
        return error(
            StatusCode::CONFLICT,
            &format!(
                "cannot remove container \"/{}\": container is running: stop the container \
                 before removing or force remove",
                container.name
            ),
        );
    }
    engine.containers.remove(index);
    StatusCode::NO_CONTENT.into_response()
}

fn inspect(engine: &Engine, key: &str) -> Response {
    let Some(index) = engine.position(key) else {
        return no_such_container(key);
    };
    let c = &engine.containers[index];
    let running = c.status == Status::Running;
    let ports: serde_json::Map<String, Value> = if running {
        c.bindings()
            .into_iter()
            .map(|(key, port)| {
                (
                    key,
                    json!([
                        {"HostIp": "0.0.0.0", "HostPort": port.to_string()},
                        {"HostIp": "::", "HostPort": port.to_string()}
                    ]),
                )
            })
            .collect()
    } else {
        serde_json::Map::new()
    };
    let mut state = json!({
        "Status": c.state_name(),
        "Running": running,
        "Paused": false,
        "Restarting": false,
        "OOMKilled": false,
        "Dead": false,
        "Pid": if running { 4242 } else { 0 },
        "ExitCode": c.exit_code,
        "Error": "",
        "StartedAt": if c.status == Status::Created { "0001-01-01T00:00:00Z" } else { "2026-01-01T00:00:01.000000000Z" },
        "FinishedAt": if c.status == Status::Exited { "2026-01-01T00:05:00.000000000Z" } else { "0001-01-01T00:00:00Z" },
    });
    if let Some(health) = &c.health {
        state["Health"] = json!({"Status": health, "FailingStreak": 0, "Log": []});
    }
    let answer = json!({
        "Id": c.id,
        "Created": "2026-01-01T00:00:00.000000000Z",
        "Path": "scip",
        "Args": c.config["Cmd"],
        "State": state,
        "Image": "sha256:5d0da3dc976460b72c77d94c8a1ad043720b0416bfc16c52c45d4847e53fadb6",
        "Name": format!("/{}", c.name),
        "RestartCount": 0,
        "Driver": "overlay2",
        "Platform": "linux",
        "HostConfig": c.config["HostConfig"],
        "Config": without_nulls(json!({
            "Hostname": &c.id[..12],
            "Image": c.config["Image"],
            "Env": c.config["Env"],
            "Cmd": c.config["Cmd"],
            "Labels": c.config["Labels"],
            "Healthcheck": c.config["Healthcheck"],
            "ExposedPorts": c.config["ExposedPorts"],
        })),
        "NetworkSettings": {
            "Ports": ports,
            "Networks": {c.network(): endpoint(c)},
        },
        "Mounts": [],
    });
    axum::Json(answer).into_response()
}

/// The engine leaves unset fields out rather than sending `null`.
fn without_nulls(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        object.retain(|_, v| !v.is_null());
    }
    value
}
