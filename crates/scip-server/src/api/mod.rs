//! The HTTP API: `/api/v2` (JSON REST) and `/api/v1` (SCIP v3 compatible).
//!
//! - [`extract`]: extractors whose failures are API errors; ids from paths.
//! - [`paging`]: `?limit=&offset=` and the page envelope.
//! - [`validation`]: scenario documents checked against the media library.
//! - [`v2`]: one module per resource; [`v1`]: the SCIP v3 compatible endpoints.

pub mod extract;
pub mod paging;
pub mod v1;
pub mod v2;
pub mod validation;
