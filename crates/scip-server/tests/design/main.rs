//! The design system's integration tests: shared layouts rendered with real data, the embedded
//! asset handler, consistency between templates, stylesheets and the icon sprite, and the
//! JavaScript modules exercised in headless Chromium against a real server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod assets_http;
mod browser;
mod consistency;
mod layouts;
