//! Authentication: passwords, signed tokens, attempt limits.

pub mod limit;
pub mod password;
pub mod token;
