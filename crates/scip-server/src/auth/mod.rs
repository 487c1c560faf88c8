//! Authentication: passwords, signed tokens, attempt limits, user sessions and team access.
//!
//! - [`password`]: Argon2id hashing; [`token`]: signed tokens and their kinds.
//! - [`session`]: issuing browser sessions (cookie + CSRF) and bearer token pairs.
//! - [`extract`]: `SessionUser`, `CurrentUser`, `RequireRole` extractors.
//! - [`team`]: team sessions from access codes or signed links, the `TeamAccess` extractor.
//! - [`limit`]: failed-attempt limits; [`client`]: the client's address for them.

pub mod client;
pub mod extract;
pub mod limit;
pub mod password;
pub mod session;
pub mod team;
pub mod token;

pub use extract::{Admin, AuthMethod, Controller, CurrentUser, Observer, RequireRole, SessionUser};
pub use team::TeamAccess;
