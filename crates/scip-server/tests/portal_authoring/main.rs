//! The authoring pages of the control portal over real HTTP (scenario list, import, new
//! scenario, editor, preview, media library, roles) and one journey in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[allow(dead_code)]
#[path = "../api/support.rs"]
mod support;

mod browser;
mod editor;
mod import;
mod media;
mod portal;
mod roles;
mod roundtrip;
mod scenarios;
