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

mod answers;

use std::collections::{BTreeSet, HashMap};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use answers::{answer, error};

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
