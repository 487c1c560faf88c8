//! Identifier newtypes. Each one checks its syntax once, at construction, so code holding an
//! id never checks it again.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string was refused as an identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// The string is empty.
    #[error("is empty")]
    Empty,
    /// The string is longer than allowed.
    #[error("is {len} characters long; at most {max} are allowed")]
    TooLong {
        /// Length in characters.
        len: usize,
        /// Maximum length.
        max: usize,
    },
    /// The string holds a character that is not allowed.
    #[error("has {found:?} at position {position}; {rule}")]
    BadCharacter {
        /// The offending character.
        found: char,
        /// Zero-based character position.
        position: usize,
        /// The rule, in words.
        rule: &'static str,
    },
}

const SLUG_RULE: &str = "use lowercase letters, digits and '-', starting with a letter or digit";
const INJECT_RULE: &str = "use letters, digits, '-', '_' and '.', starting with a letter or digit";

fn check(
    s: &str,
    max: usize,
    first_ok: fn(char) -> bool,
    rest_ok: fn(char) -> bool,
    rule: &'static str,
) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let len = s.chars().count();
    if len > max {
        return Err(IdError::TooLong { len, max });
    }
    for (position, c) in s.chars().enumerate() {
        let ok = if position == 0 {
            first_ok(c)
        } else {
            rest_ok(c)
        };
        if !ok {
            return Err(IdError::BadCharacter {
                found: c,
                position,
                rule,
            });
        }
    }
    Ok(())
}

fn slug_first(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}
fn slug_rest(c: char) -> bool {
    slug_first(c) || c == '-'
}
fn inject_first(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn inject_rest(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $max:expr, $first:ident, $rest:ident, $rule:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Longest accepted identifier, in characters.
            pub const MAX_LEN: usize = $max;

            /// Checks `s` and wraps it.
            pub fn new(s: impl Into<String>) -> Result<Self, IdError> {
                let s = s.into();
                check(&s, $max, $first, $rest, $rule)?;
                Ok(Self(s))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                Self::new(s.clone()).map_err(|e| {
                    serde::de::Error::custom(format_args!("{} {s:?} {e}", stringify!($name)))
                })
            }
        }
    };
}

id_type!(
    /// A scenario's slug, such as `harbour-storm`.
    ScenarioId, 64, slug_first, slug_rest, SLUG_RULE
);
id_type!(
    /// A team's slug within a scenario, such as `port-ops` (`^[a-z0-9][a-z0-9-]*$`).
    TeamId, 48, slug_first, slug_rest, SLUG_RULE
);
id_type!(
    /// An inject's id, unique within its team's timeline, such as `po-t1-001`.
    InjectId, 96, inject_first, inject_rest, INJECT_RULE
);
id_type!(
    /// A generated exercise id, such as `ex-7k2m9q4d`; safe in MQTT topics and container names.
    ExerciseId, 64, slug_first, slug_rest, SLUG_RULE
);

impl ScenarioId {
    /// Turns free text (a name or a file stem) into the closest valid slug, if any letter or
    /// digit survives.
    pub fn slugify(text: &str) -> Option<Self> {
        let mut out = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out
            .trim_end_matches('-')
            .chars()
            .take(Self::MAX_LEN)
            .collect();
        Self::new(trimmed.trim_end_matches('-')).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_slug_accepts_lowercase_kebab() {
        assert!(TeamId::new("red-team").is_ok());
        assert!(TeamId::new("9th-fleet").is_ok());
    }

    #[test]
    fn team_slug_refuses_uppercase_and_slashes() {
        assert!(matches!(
            TeamId::new("Red"),
            Err(IdError::BadCharacter {
                found: 'R',
                position: 0,
                ..
            })
        ));
        assert!(TeamId::new("a/b").is_err());
        assert!(TeamId::new("-a").is_err());
        assert_eq!(TeamId::new(""), Err(IdError::Empty));
    }

    #[test]
    fn inject_id_allows_dots_and_underscores() {
        assert!(InjectId::new("rop-t1-001").is_ok());
        assert!(InjectId::new("manual_1700000000.ab").is_ok());
        assert!(InjectId::new("a b").is_err());
    }

    #[test]
    fn slugify_makes_a_slug_from_a_title() {
        assert_eq!(
            ScenarioId::slugify("Harbour Storm (v2)!").map(|s| s.0),
            Some("harbour-storm-v2".to_owned())
        );
        assert_eq!(ScenarioId::slugify("!!!"), None);
    }

    #[test]
    fn deserialising_a_bad_id_names_the_value() {
        let err = serde_json::from_str::<TeamId>("\"Blue Team\"").unwrap_err();
        assert!(err.to_string().contains("\"Blue Team\""), "{err}");
    }
}
