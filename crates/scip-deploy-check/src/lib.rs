//! Checks of SCIP's deployment files, as data: no Docker engine is needed.
//!
//! - [`interpolate`]: Compose's `${VAR:-default}` variable references, found and resolved.
//! - [`compose`]: a typed model of the Compose and Swarm files we ship (unknown keys are
//!   errors, so a misspelt key fails the tests), loaded with YAML merge keys applied, and
//!   [`compose::merge`], Compose's rules for layering an override file on a base file.
//! - [`env_file`]: the `.env.example` format (`KEY=value` lines, each after a comment).
//! - [`dockerfile`]: a Dockerfile parser and the lint rules we hold our image to.
//!
//! The tests under `tests/deploy/` apply these to `deploy/` and encode the deployment guide
//! of the earlier system (services, images, ports, volumes, health checks) as expectations.

pub mod compose;
pub mod dockerfile;
pub mod env_file;
pub mod interpolate;

use std::path::PathBuf;

/// The repository root (two levels above this crate).
pub fn repository_root() -> PathBuf {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .and_then(|crates| crates.parent())
        .map(PathBuf::from)
        .unwrap_or(crate_dir)
}

/// The `deploy/` folder of the repository.
pub fn deploy_dir() -> PathBuf {
    repository_root().join("deploy")
}
