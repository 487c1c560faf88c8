//! Checks of the deployment files under `deploy/` and the operations scripts, against the
//! deployment guide of the earlier system (the "seed") and against real tools: Mosquitto,
//! Redis and nginx run with our configuration; hadolint and shellcheck lint the Dockerfile and
//! the scripts.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod build_steps;
mod compose_base;
mod compose_overrides;
mod dockerfile;
mod env_example;
mod mosquitto;
mod nginx;
mod redis_server;
mod scripts;
mod stack;
mod support;
