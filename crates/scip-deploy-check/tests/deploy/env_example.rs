//! deploy/.env.example lists every variable the compose and stack files read, with the same
//! default and a comment, and every variable SCIP reads.

use std::collections::BTreeMap;

use scip_deploy_check::env_file::{self, Entry};
use scip_deploy_check::interpolate::{self, Fallback};

use crate::support::*;

fn entries() -> Vec<Entry> {
    env_file::parse(&read(&deploy(".env.example"))).unwrap()
}

/// Every variable the file interpolates, with the defaults it gives it.
fn interpolated(file: &str) -> BTreeMap<String, Vec<Fallback>> {
    let mut found: BTreeMap<String, Vec<Fallback>> = BTreeMap::new();
    for (number, line) in read(&deploy(file)).lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let references =
            interpolate::references(line).unwrap_or_else(|e| panic!("{file}:{}: {e}", number + 1));
        for reference in references {
            found
                .entry(reference.name)
                .or_default()
                .push(reference.fallback);
        }
    }
    found
}

#[test]
fn every_interpolated_variable_is_listed_with_its_default_and_a_comment() {
    let entries = entries();
    for file in COMPOSE_FILES {
        for (name, fallbacks) in interpolated(file) {
            let entry = entries
                .iter()
                .find(|e| e.name == name)
                .unwrap_or_else(|| panic!("{file} reads {name}, which .env.example does not list"));
            assert!(
                !entry.commented_out,
                "{name} is read by {file}: it must be set, not commented"
            );
            assert!(!entry.comment.is_empty(), "{name} has no comment");
            for fallback in fallbacks {
                if let Fallback::Default(default) = fallback {
                    assert_eq!(
                        entry.value,
                        defaults(&default),
                        "{file} defaults {name} to {default:?}, .env.example says {:?}",
                        entry.value
                    );
                }
            }
        }
    }
}

#[test]
fn every_variable_scip_reads_is_documented() {
    let entries = entries();
    for var in SCIP_ENVIRONMENT {
        let entry = entries
            .iter()
            .find(|e| e.name == *var)
            .unwrap_or_else(|| panic!(".env.example does not mention {var}"));
        assert!(!entry.comment.is_empty(), "{var} has no comment");
    }
}

#[test]
fn every_listed_variable_is_used_somewhere() {
    let mut used: Vec<String> = COMPOSE_FILES
        .iter()
        .flat_map(|f| interpolated(f).into_keys())
        .collect();
    used.extend(SCIP_ENVIRONMENT.iter().map(|v| (*v).to_owned()));
    for entry in entries() {
        assert!(
            used.contains(&entry.name),
            "{} is listed but nothing reads it",
            entry.name
        );
    }
}

#[test]
fn the_env_file_itself_is_not_in_the_repository_or_the_image() {
    let ignored = read(&repo(".dockerignore"));
    assert!(
        ignored
            .lines()
            .any(|l| l.trim() == ".env" || l.trim() == "**/.env")
    );
    let git_ignored = read(&repo(".gitignore"));
    assert!(
        git_ignored.lines().any(|l| l.trim() == "deploy/.env"),
        "deploy/.env holds secrets: keep it out of git"
    );
}
