//! SCIP's HTTP layer: API, authentication, control portal, team dashboards.
//!
//! Module map:
//! - [`assets`]: the design system's CSS, JavaScript and icon sprite, embedded in the binary,
//!   with cache-busting URLs and a handler that serves them.
//! - [`view`]: the data every page hands to the shared layouts (`base.html`,
//!   `portal/layout.html`, `dashboard/layout.html`, `dashboard/wall.html`): document, portal
//!   and dashboard shells, navigation, the T+ timer, team colours and QR codes.
//!
//! Templates live in `templates/` (askama) and assets in `assets/`; `docs/design.md`
//! describes the design system page builders follow.

pub mod assets;
pub mod view;
