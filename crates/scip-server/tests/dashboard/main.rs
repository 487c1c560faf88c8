//! Team dashboards end to end: a whole SCIP in-process (SQLite, embedded broker, API on port 0)
//! hosting real dashboards through the `DashboardManager`, exercised over HTTP, Server-Sent
//! Events and MQTT, and in a real headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod api;
mod browser;
mod docker;
mod live;
mod ports;
mod support;
