//! The Docker runtime's one error type, and the translation of bollard's errors into it: no
//! code above this module looks at bollard errors.

use std::error::Error as StdError;

use bollard::errors::Error as BollardError;

use super::spec::SpecError;

/// A Docker runtime failure. Each names the container (or the set of containers) and, when
/// the engine answered, what it said.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    /// `DOCKER_HOST` uses a scheme this runtime does not speak.
    #[error(
        "DOCKER_HOST {host:?} is not supported; use unix:///path/to/docker.sock, \
         tcp://HOST:PORT or http://HOST:PORT"
    )]
    UnsupportedHost {
        /// The address given.
        host: String,
    },
    /// Nothing answered, the connection broke, or the answer took too long.
    #[error("no Docker engine answers at {host}: {reason}; start Docker or set DOCKER_HOST")]
    Unreachable {
        /// The engine address.
        host: String,
        /// What happened.
        reason: String,
    },
    /// Something answered the ping, but not as a Docker engine does.
    #[error("{host} answered the Docker ping with {answer:?}, not \"OK\"; is DOCKER_HOST right?")]
    NotAnEngine {
        /// The engine address.
        host: String,
        /// The body it answered.
        answer: String,
    },
    /// The dashboard specification cannot become a container.
    #[error("cannot build container {container}: {source}")]
    InvalidSpec {
        /// Container name.
        container: String,
        /// What is wrong.
        #[source]
        source: SpecError,
    },
    /// The image is not on the engine. The runtime never pulls: `scip:latest` on a public
    /// registry would be someone else's image.
    #[error(
        "cannot create container {container}: image {image} is not on the Docker engine \
         ({message}); build it or set DASHBOARD_IMAGE"
    )]
    ImageMissing {
        /// Container name.
        container: String,
        /// Image asked for.
        image: String,
        /// What the engine said.
        message: String,
    },
    /// The network does not exist on the engine.
    #[error(
        "cannot create container {container}: network {network} does not exist on the Docker \
         engine ({message}); create it or set DOCKER_NETWORK"
    )]
    NetworkMissing {
        /// Container name.
        container: String,
        /// Network asked for.
        network: String,
        /// What the engine said.
        message: String,
    },
    /// The host port is held by another container or program; choose another port.
    #[error("cannot start container {container}: host port {port} is taken ({message})")]
    PortTaken {
        /// Container name.
        container: String,
        /// The host port.
        port: u16,
        /// What the engine said.
        message: String,
    },
    /// The engine answered an error status.
    #[error("the Docker engine refused to {action} {container} (HTTP {status}): {message}")]
    Engine {
        /// What we asked (`create`, `start`, `list`, …).
        action: &'static str,
        /// Container name, id, or which containers.
        container: String,
        /// HTTP status of the answer.
        status: u16,
        /// What the engine said.
        message: String,
    },
    /// The engine's answer could not be read, or the request could not be built.
    #[error("cannot {action} {container} through the Docker engine API: {message}")]
    Client {
        /// What we asked.
        action: &'static str,
        /// Container name, id, or which containers.
        container: String,
        /// What went wrong.
        message: String,
    },
    /// Some containers of the exercise could not be stopped or removed.
    #[error(
        "clean-up of exercise {exercise} removed {removed} container(s) but failed for {}: {}",
        failures.len(),
        failures.join("; ")
    )]
    CleanupIncomplete {
        /// The exercise.
        exercise: String,
        /// Containers removed.
        removed: usize,
        /// One line per container that is left, naming it and the error.
        failures: Vec<String>,
    },
}

impl DockerError {
    /// The HTTP status the engine answered, when this is an engine refusal.
    pub fn engine_status(&self) -> Option<u16> {
        match self {
            Self::Engine { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// An engine error answer: status and message.
pub(super) struct Refusal {
    pub status: u16,
    pub message: String,
}

/// Splits a bollard error into an engine refusal (the engine answered an error status) or a
/// finished [`DockerError`] for everything else (transport, timeout, unreadable answer).
pub(super) fn classify(
    host: &str,
    action: &'static str,
    container: &str,
    err: BollardError,
) -> Result<Refusal, DockerError> {
    match err {
        BollardError::DockerResponseServerError {
            status_code,
            message,
        } => Ok(Refusal {
            status: status_code,
            message,
        }),
        BollardError::SocketNotFoundError(path) => Err(DockerError::Unreachable {
            host: host.to_owned(),
            reason: format!("socket {path} not found"),
        }),
        BollardError::RequestTimeoutError => Err(DockerError::Unreachable {
            host: host.to_owned(),
            reason: format!("no answer to {action} {container} in time"),
        }),
        err @ (BollardError::HyperLegacyError { .. }
        | BollardError::HyperResponseError { .. }
        | BollardError::IOError { .. }) => Err(DockerError::Unreachable {
            host: host.to_owned(),
            // bollard's own wrapper text ("Error in the hyper legacy client") says nothing.
            reason: err.source().map_or_else(|| err.to_string(), cause_chain),
        }),
        other => Err(DockerError::Client {
            action,
            container: container.to_owned(),
            message: cause_chain(&other),
        }),
    }
}

/// Any bollard error as a [`DockerError`], engine refusals as [`DockerError::Engine`].
pub(super) fn failure(
    host: &str,
    action: &'static str,
    container: &str,
    err: BollardError,
) -> DockerError {
    match classify(host, action, container, err) {
        Ok(refusal) => refused(action, container, refusal),
        Err(err) => err,
    }
}

/// An engine refusal as [`DockerError::Engine`].
pub(super) fn refused(action: &'static str, container: &str, refusal: Refusal) -> DockerError {
    DockerError::Engine {
        action,
        container: container.to_owned(),
        status: refusal.status,
        message: refusal.message,
    }
}

/// An error and its causes, `outer: inner: innermost`, without repeats.
fn cause_chain(err: &dyn StdError) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        if !text.contains(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}
