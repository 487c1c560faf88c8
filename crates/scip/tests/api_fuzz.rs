//! The OpenAPI document drives a fuzzer: `scripts/api-fuzz.sh` runs Schemathesis (installed
//! from PyPI on first use) against this very binary and fails on any 5xx response.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::Command;

#[test]
fn a_schema_driven_fuzzer_finds_no_server_error() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/api-fuzz.sh");
    let output = Command::new("bash")
        .arg(&script)
        .env("SCIP_BIN", env!("CARGO_BIN_EXE_scip"))
        .env("FUZZ_MAX_EXAMPLES", "15")
        .output()
        .expect("bash runs the fuzzing script");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the fuzzer found problems or could not run:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("passed"), "{stdout}");
}
