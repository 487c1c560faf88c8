//! `scip user`, run as the real binary against an SQLite database in a temporary data folder.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn scip_user(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scip"))
        .arg("user")
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("SCIP_CONFIG")
        .env("SCIP_DATA", data)
        .env("LOG_LEVEL", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the scip binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn accounts_are_added_listed_changed_and_removed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    // A generated password is printed once.
    let added = scip_user(data, &["add", "ada", "--role", "admin"], None);
    assert!(added.status.success(), "{}", out(&added));
    let text = out(&added);
    assert!(text.contains("added ada (admin)"), "{text}");
    let generated = text
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .unwrap();
    assert!(generated.len() >= 20);
    // A password from standard input must be long enough.
    let short = scip_user(data, &["add", "cole", "--password-stdin"], Some("short\n"));
    assert!(!short.status.success());
    assert!(
        out(&short).contains("at least 10 characters"),
        "{}",
        out(&short)
    );
    let cole = scip_user(
        data,
        &[
            "add",
            "cole",
            "--display-name",
            "Cole Ray",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert!(cole.status.success(), "{}", out(&cole));
    assert!(!out(&cole).contains("shown once"));
    let again = scip_user(data, &["add", "cole"], None);
    assert!(!again.status.success());
    assert!(out(&again).contains("already exists"));
    let bad = scip_user(data, &["add", "no spaces please"], None);
    assert!(!bad.status.success());

    let list = scip_user(data, &["list"], None);
    let text = out(&list);
    assert!(
        text.contains("ada") && text.contains("admin") && text.contains("Cole Ray"),
        "{text}"
    );

    let passwd = scip_user(
        data,
        &["passwd", "cole", "--password-stdin"],
        Some("another long password\n"),
    );
    assert!(passwd.status.success(), "{}", out(&passwd));
    let ghost = scip_user(data, &["passwd", "ghost"], None);
    assert!(!ghost.status.success());
    assert!(out(&ghost).contains("no account named"));

    // The last administrator stays.
    let last = scip_user(data, &["remove", "ada"], None);
    assert!(!last.status.success());
    assert!(
        out(&last).contains("last enabled administrator"),
        "{}",
        out(&last)
    );
    let removed = scip_user(data, &["remove", "cole"], None);
    assert!(removed.status.success(), "{}", out(&removed));
    let list = scip_user(data, &["list"], None);
    assert!(!out(&list).contains("cole"));
}
