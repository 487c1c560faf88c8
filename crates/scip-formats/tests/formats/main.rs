//! Integration tests of scenario formats (one test binary).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod bundle;
mod fuzz;
mod generate;
mod msel;
mod round_trip;
mod v3;
mod v3_fixture;

/// Property-test cases: `default`, or `PROPTEST_CASES` when set (for longer runs).
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
