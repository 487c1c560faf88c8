//! The portal's exercise pages end to end: a whole SCIP in-process (the API test harness),
//! driven with form posts and cookies like a browser without JavaScript, and in a real
//! headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
#[path = "../api/support.rs"]
mod support;

mod browser;
mod control;
mod journey;
mod portal;
mod report;
mod settings;
mod stream;
