//! A stand-in for the Docker Engine API: an axum server on 127.0.0.1 (port 0) that records
//! every request it receives and answers the calls the Docker runtime makes with the JSON
//! shapes, status codes and messages of a real engine (Docker 28, API 1.5x):
//! `GET /_ping`, `GET /containers/json` (with `all` and label filters),
//! `POST /containers/create` (201; 400 bad name; 404 missing image or network; 409 name in
//! use), `POST /containers/{id}/start` (204; 304 already running; 404; 500 host port already
//! allocated), `GET /containers/{id}/json`, `POST /containers/{id}/stop` (204; 304; 404) and
//! `DELETE /containers/{id}` (204; 404; 409 running without force). Anything else gets the
//! engine's 404 `page not found`. Tests can also script an error answer for any request.
//!
//! It is a recorder of our requests, not an engine. It cannot prove that:
//! - images are pulled, or that `scip:latest` runs `scip dashboard` at all (images are a
//!   name list here);
//! - networking works: the network's existence is a name list; no DNS, no isolation, no
//!   docker-proxy, no check that anyone can reach the published port;
//! - memory, swap and CPU limits or dropped capabilities are enforced (they are only recorded);
//! - the on-failure restart policy restarts anything (containers change state only when the
//!   runtime or the test says so);
//! - the health check runs: tests set `starting` / `healthy` / `unhealthy` by hand;
//! - a real engine accepts every field of our create body: it validates only name, image,
//!   network and port clashes;
//! - anything about API version negotiation, TLS, the unix socket transport or timing.

use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: Method,
    /// Path without any `/v1.xx` version prefix.
    pub path: String,
    pub query: HashMap<String, String>,
    /// The JSON body, `Value::Null` when empty.
    pub body: Value,
}

impl Recorded {
    /// `"POST /containers/create"`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The label filters of a list request, as sent.
    pub fn label_filters(&self) -> Vec<String> {
        let filters: HashMap<String, Vec<String>> = self
            .query
            .get("filters")
            .map(|f| serde_json::from_str(f).expect("filters is JSON"))
            .unwrap_or_default();
        filters.get("label").cloned().unwrap_or_default()
    }
}

/// A container placed in the fake before a test, as if an earlier run had left it.
pub struct Seed<'a> {
    pub name: &'a str,
    pub labels: &'a [(&'a str, &'a str)],
    pub host_port: Option<u16>,
    pub running: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Created,
    Running,
    Exited,
}

#[derive(Debug, Clone)]
struct Container {
    id: String,
    name: String,
    /// The create body as received.
    config: Value,
    status: Status,
    health: Option<String>,
    exit_code: i64,
}

impl Container {
    fn network(&self) -> String {
        self.config["HostConfig"]["NetworkMode"]
            .as_str()
            .unwrap_or("bridge")
            .to_owned()
    }

    /// `(container port key, host port)` pairs from the create body's port bindings.
    fn bindings(&self) -> Vec<(String, u16)> {
        let Some(bindings) = self.config["HostConfig"]["PortBindings"].as_object() else {
            return Vec::new();
        };
        bindings
            .iter()
            .filter_map(|(key, list)| {
                let port = list.get(0)?.get("HostPort")?.as_str()?.parse().ok()?;
                Some((key.clone(), port))
            })
            .collect()
    }

    fn labels(&self) -> HashMap<String, String> {
        serde_json::from_value(self.config["Labels"].clone()).unwrap_or_default()
    }

    fn state_name(&self) -> &'static str {
        match self.status {
            Status::Created => "created",
            Status::Running => "running",
            Status::Exited => "exited",
        }
    }
}

struct Failure {
    method: Method,
    path_contains: String,
    status: StatusCode,
    message: String,
    remaining: usize,
}

#[derive(Default)]
struct Engine {
    requests: Vec<Recorded>,
    images: BTreeSet<String>,
    networks: BTreeSet<String>,
    containers: Vec<Container>,
    failures: Vec<Failure>,
    serial: u64,
}

type Shared = Arc<Mutex<Engine>>;

/// The running fake; stops when dropped.
pub struct FakeEngine {
    addr: SocketAddr,
    engine: Shared,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl FakeEngine {
    /// Starts a fake with image `scip:latest` and the networks `bridge`, `host`, `none` and
    /// `scip-network`.
    pub async fn start() -> Self {
        let engine = Engine {
            images: BTreeSet::from(["scip:latest".to_owned()]),
            networks: ["bridge", "host", "none", "scip-network"]
                .map(str::to_owned)
                .into(),
            ..Default::default()
        };
        let engine: Shared = Arc::new(Mutex::new(engine));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let router = Router::new().fallback(answer).with_state(engine.clone());
        let stop = CancellationToken::new();
        let shutdown = stop.clone().cancelled_owned();
        let task = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await
                .unwrap();
        });
        Self {
            addr,
            engine,
            stop,
            task: Some(task),
        }
    }

    /// `http://127.0.0.1:PORT`, a `DOCKER_HOST` for the runtime.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops answering; later connections are refused.
    pub async fn stop(mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Engine) -> R) -> R {
        f(&mut self.engine.lock().unwrap())
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.with(|e| e.requests.clone())
    }

    /// `"METHOD /path"` of every request so far.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::line).collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.with(|e| e.requests.clear());
    }

    /// Removes an image from the engine.
    pub fn forget_image(&self, image: &str) {
        self.with(|e| e.images.remove(image));
    }

    /// Removes a network from the engine.
    pub fn forget_network(&self, network: &str) {
        self.with(|e| e.networks.remove(network));
    }

    /// Places a container in the engine and returns its id.
    pub fn seed(&self, seed: Seed<'_>) -> String {
        let labels: HashMap<&str, &str> = seed.labels.iter().copied().collect();
        let mut config = json!({
            "Image": "scip:latest",
            "Labels": labels,
            "HostConfig": {"NetworkMode": "scip-network"},
        });
        if let Some(port) = seed.host_port {
            config["ExposedPorts"] = json!({"3000/tcp": {}});
            config["HostConfig"]["PortBindings"] =
                json!({"3000/tcp": [{"HostPort": port.to_string()}]});
        }
        self.with(|e| {
            let id = e.new_id(seed.name);
            e.containers.push(Container {
                id: id.clone(),
                name: seed.name.to_owned(),
                config,
                status: if seed.running {
                    Status::Running
                } else {
                    Status::Exited
                },
                health: None,
                exit_code: 0,
            });
            id
        })
    }

    /// Sets what the (not really running) health check reports.
    pub fn set_health(&self, name: &str, health: &str) {
        self.with(|e| {
            let container = e.find_mut(name).expect("container exists");
            container.health = Some(health.to_owned());
        });
    }

    /// Makes a container exit with `code`, as if its process had ended.
    pub fn exit(&self, name: &str, code: i64) {
        self.with(|e| {
            let container = e.find_mut(name).expect("container exists");
            container.status = Status::Exited;
            container.exit_code = code;
        });
    }

    /// Answers the next `times` requests whose method is `method` and whose path contains
    /// `path_contains` with `status` and `{"message": message}`.
    pub fn fail(
        &self,
        method: Method,
        path_contains: &str,
        status: u16,
        message: &str,
        times: usize,
    ) {
        self.with(|e| {
            e.failures.push(Failure {
                method,
                path_contains: path_contains.to_owned(),
                status: StatusCode::from_u16(status).unwrap(),
                message: message.to_owned(),
                remaining: times,
            })
        });
    }

    /// Names of the containers the engine holds, in creation order.
    pub fn container_names(&self) -> Vec<String> {
        self.with(|e| e.containers.iter().map(|c| c.name.clone()).collect())
    }

    /// `(name, state)` of every container, such as `("team-ex-1-red", "running")`.
    pub fn container_states(&self) -> Vec<(String, String)> {
        self.with(|e| {
            e.containers
                .iter()
                .map(|c| (c.name.clone(), c.state_name().to_owned()))
                .collect()
        })
    }

    /// The create body a container was made from.
    pub fn container_config(&self, name: &str) -> Value {
        self.with(|e| e.find_mut(name).expect("container exists").config.clone())
    }
}

impl Drop for FakeEngine {
    fn drop(&mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Engine {
    fn new_id(&mut self, name: &str) -> String {
        self.serial += 1;
        hex::encode(Sha256::digest(format!("{}-{name}", self.serial)))
    }

    /// By full id, id prefix (12+ characters) or name, as the engine resolves them.
    fn position(&self, key: &str) -> Option<usize> {
        let key = key.trim_start_matches('/');
        self.containers.iter().position(|c| {
            c.id == key || c.name == key || (key.len() >= 12 && c.id.starts_with(key))
        })
    }

    fn find_mut(&mut self, key: &str) -> Option<&mut Container> {
        let index = self.position(key)?;
        self.containers.get_mut(index)
    }

    fn scripted_failure(&mut self, method: &Method, path: &str) -> Option<Response> {
        let failure = self.failures.iter_mut().find(|f| {
            f.remaining > 0 && f.method == method && path.contains(f.path_contains.as_str())
        })?;
        failure.remaining -= 1;
        Some(error(failure.status, &failure.message))
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

fn no_such_container(key: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("No such container: {key}"))
}

/// The one handler: records the request, then answers it like the engine would.
async fn answer(
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
