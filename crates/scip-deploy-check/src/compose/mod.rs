//! A typed model of the Compose and Swarm stack files we ship, and Compose's rules for layering
//! an override file over a base file.
//!
//! Loading parses the YAML, applies merge keys (`<<: *anchor`), drops top-level `x-` extension
//! fields and then deserialises into [`model`] structs that reject unknown keys: a misspelt key
//! such as `depend_on` is an error instead of a silently ignored setting. The model covers the
//! keys our files use; a new key needs a field there. [`merge`] layers override files.

mod merge;
pub mod model;

use std::path::Path;

use serde_norway::Value;
use thiserror::Error;

pub use merge::merge;
use merge::{normalise_environment, stringify_environment};
pub use model::*;

/// A Compose or stack file that cannot be loaded.
#[derive(Debug, Error)]
pub enum ComposeError {
    /// The file cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not YAML, a merge key that cannot be applied, or a key the model does not know.
    #[error("{path}: {source}")]
    Yaml {
        /// The file.
        path: String,
        /// What the YAML library reported.
        source: serde_norway::Error,
    },
    /// A `!tag` other than Compose's `!reset` and `!override`.
    #[error("unsupported YAML tag {0}")]
    UnsupportedTag(String),
}

/// Reads a file into a merge-applied YAML value (tags kept for [`merge`]).
pub fn read_value(path: &Path) -> Result<Value, ComposeError> {
    let text = std::fs::read_to_string(path).map_err(|source| ComposeError::Read {
        path: path.display().to_string(),
        source,
    })?;
    parse_value(&text).map_err(|source| ComposeError::Yaml {
        path: path.display().to_string(),
        source,
    })
}

/// Parses YAML text, applies merge keys and drops top-level `x-` extension fields.
pub fn parse_value(text: &str) -> Result<Value, serde_norway::Error> {
    let mut value: Value = serde_norway::from_str(text)?;
    value.apply_merge()?;
    if let Value::Mapping(map) = &mut value {
        map.retain(|key, _| !key.as_str().is_some_and(|k| k.starts_with("x-")));
    }
    Ok(value)
}

/// Whether any `!tag` is left in the value (base files must have none).
pub fn has_tags(value: &Value) -> bool {
    match value {
        Value::Tagged(_) => true,
        Value::Sequence(items) => items.iter().any(has_tags),
        Value::Mapping(map) => map.values().any(has_tags),
        _ => false,
    }
}

/// Deserialises a (merged) value into the model.
pub fn from_value(mut value: Value) -> Result<ComposeFile, serde_norway::Error> {
    normalise_environment(&mut value);
    stringify_environment(&mut value);
    serde_norway::from_value(value)
}

/// Loads one file into the model.
pub fn load(path: &Path) -> Result<ComposeFile, ComposeError> {
    let value = read_value(path)?;
    if has_tags(&value) {
        return Err(ComposeError::UnsupportedTag(format!(
            "in {}: a base file cannot use !reset/!override",
            path.display()
        )));
    }
    from_value(value).map_err(|source| ComposeError::Yaml {
        path: path.display().to_string(),
        source,
    })
}

/// Loads a base file with override files layered over it, in order, as
/// `docker compose -f base -f override...` does.
pub fn load_layered(base: &Path, overrides: &[&Path]) -> Result<ComposeFile, ComposeError> {
    let mut merged = read_value(base)?;
    for path in overrides {
        let overlay = read_value(path)?;
        merged = merge(&merged, &overlay)?;
    }
    let described = overrides
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" + ");
    from_value(merged).map_err(|source| ComposeError::Yaml {
        path: format!("{} + {described}", base.display()),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Value {
        parse_value(text).unwrap()
    }

    #[test]
    fn merge_keys_and_extension_fields_are_resolved() {
        let file = from_value(value(
            "x-env: &env\n  A: '1'\n  B: two\nservices:\n  s:\n    image: i:1\n    environment:\n      <<: *env\n      B: three\n",
        ))
        .unwrap();
        let s = file.service("s").unwrap();
        assert_eq!(s.env("A"), Some("1"));
        assert_eq!(s.env("B"), Some("three"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = from_value(value(
            "services:\n  s:\n    image: i:1\n    depend_on: [x]\n",
        ))
        .unwrap_err();
        assert!(err.to_string().contains("depend_on"), "{err}");
    }

    #[test]
    fn environment_lists_and_numbers_become_string_maps() {
        let file = from_value(value(
            "services:\n  s:\n    environment:\n      - A=1\n      - B\n",
        ))
        .unwrap();
        let s = file.service("s").unwrap();
        assert_eq!(s.env("A"), Some("1"));
        assert_eq!(s.environment.get("B"), Some(&None));
        let file = from_value(value("services:\n  s:\n    environment:\n      P: 8000\n")).unwrap();
        assert_eq!(file.service("s").unwrap().env("P"), Some("8000"));
    }

    #[test]
    fn overrides_follow_compose_rules() {
        let base = value(
            "services:\n  s:\n    command: [a, b]\n    ports: ['1:1']\n    profiles: [p]\n    environment: [X=1, Y=2]\n    volumes: [v:/v]\n",
        );
        let overlay = value(
            "services:\n  s:\n    command: [c]\n    ports: !override ['2:2']\n    profiles: !reset []\n    environment:\n      Y: '3'\n    volumes: [v:/v, w:/w]\n",
        );
        let merged = from_value(merge(&base, &overlay).unwrap()).unwrap();
        let s = merged.service("s").unwrap();
        assert_eq!(s.command, Some(Command::Words(vec!["c".into()])));
        assert_eq!(s.port_strings(), ["2:2"]);
        assert!(s.profiles.is_empty());
        assert_eq!(s.env("X"), Some("1"));
        assert_eq!(s.env("Y"), Some("3"));
        assert_eq!(s.volumes, ["v:/v", "w:/w"]);
    }

    #[test]
    fn unknown_tags_are_refused() {
        let base = value("services: {}\n");
        let overlay = value("services:\n  s:\n    ports: !merge []\n");
        assert!(matches!(
            merge(&base, &overlay),
            Err(ComposeError::UnsupportedTag(tag)) if tag == "!merge"
        ));
    }
}
