//! settings tests.
