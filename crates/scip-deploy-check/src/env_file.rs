//! The `.env.example` format: `NAME=value` lines, each preceded by at least one `#` comment
//! line saying what it is. A line `# NAME=value` right after a comment documents a variable
//! that is listed but not set (one the compose files set inside the containers).
//! Blank lines separate entries. Values are read as Compose reads an unquoted `.env` value:
//! surrounding blanks trimmed, and a ` #` starting an inline comment.

use thiserror::Error;

/// One variable of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Variable name.
    pub name: String,
    /// Its value (the default the compose files use).
    pub value: String,
    /// The comment lines right above it, without their `#`.
    pub comment: Vec<String>,
    /// Written as `# NAME=value`: documented, not set.
    pub commented_out: bool,
    /// 1-based line number.
    pub line: usize,
}

/// A line the format does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnvFileError {
    /// Neither a comment, a blank line, nor `NAME=value`.
    #[error("line {line}: expected NAME=value or a # comment, found {text:?}")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
    /// A name that is not `[A-Za-z_][A-Za-z0-9_]*`.
    #[error("line {line}: invalid variable name {name:?}")]
    InvalidName {
        /// 1-based line number.
        line: usize,
        /// The name.
        name: String,
    },
    /// The same variable twice.
    #[error("line {line}: {name} is already defined on line {first}")]
    Duplicate {
        /// 1-based line number of the repetition.
        line: usize,
        /// First definition.
        first: usize,
        /// The variable.
        name: String,
    },
}

fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && bytes.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Splits `NAME=value` when the text before `=` is a valid name.
fn assignment(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once('=')?;
    valid_name(name).then_some((name, value))
}

/// Parses the whole file.
pub fn parse(text: &str) -> Result<Vec<Entry>, EnvFileError> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut comment: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            comment.clear();
            continue;
        }
        let (body, commented_out) = match trimmed.strip_prefix('#') {
            Some(rest) => {
                let rest = rest.strip_prefix(' ').unwrap_or(rest);
                match assignment(rest) {
                    // A documented-only variable needs a comment above it; otherwise it is
                    // ordinary comment text that happens to contain `=`.
                    Some(_) if !comment.is_empty() => (rest, true),
                    _ => {
                        comment.push(rest.to_owned());
                        continue;
                    }
                }
            }
            None => (trimmed, false),
        };
        let Some((name, value)) = body.split_once('=') else {
            return Err(EnvFileError::Malformed {
                line,
                text: raw.to_owned(),
            });
        };
        if !valid_name(name) {
            return Err(EnvFileError::InvalidName {
                line,
                name: name.to_owned(),
            });
        }
        if let Some(first) = entries.iter().find(|e| e.name == name) {
            return Err(EnvFileError::Duplicate {
                line,
                first: first.line,
                name: name.to_owned(),
            });
        }
        let value = value.split_once(" #").map_or(value, |(kept, _)| kept);
        entries.push(Entry {
            name: name.to_owned(),
            value: value.trim().to_owned(),
            comment: std::mem::take(&mut comment),
            commented_out,
            line,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn entries_keep_their_comments() {
        let text =
            "# header\n\n# Port.\n# More.\nAPI_PORT=8000\n# Set inside.\n# MEDIA_PATH=/media\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, "API_PORT");
        assert_eq!(entries[0].value, "8000");
        assert_eq!(entries[0].comment, ["Port.", "More."]);
        assert!(!entries[0].commented_out);
        assert_eq!(entries[1].name, "MEDIA_PATH");
        assert!(entries[1].commented_out);
        assert_eq!(entries[1].comment, ["Set inside."]);
        assert_eq!(entries[1].line, 7);
    }

    #[test]
    fn inline_comments_and_blanks_are_not_part_of_the_value() {
        let entries = parse("# c\nA=  1 # one\n# d\nB=x#y\n").unwrap();
        assert_eq!(entries[0].value, "1");
        assert_eq!(entries[1].value, "x#y");
    }

    #[test]
    fn an_entry_without_a_comment_has_none() {
        let entries = parse("# a\n\nX=1\n").unwrap();
        assert!(entries[0].comment.is_empty());
    }

    #[test]
    fn values_are_literal() {
        let entries = parse("# u\nURL=postgres://a:b@c/d?x=1\n").unwrap();
        assert_eq!(entries[0].value, "postgres://a:b@c/d?x=1");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        assert_eq!(
            parse("# c\nJUST TEXT\n"),
            Err(EnvFileError::Malformed {
                line: 2,
                text: "JUST TEXT".into()
            })
        );
        assert_eq!(
            parse("1X=2\n"),
            Err(EnvFileError::InvalidName {
                line: 1,
                name: "1X".into()
            })
        );
        assert_eq!(
            parse("A=1\nA=2\n"),
            Err(EnvFileError::Duplicate {
                line: 2,
                first: 1,
                name: "A".into()
            })
        );
    }

    proptest! {
        #[test]
        fn no_input_panics(text in "(?s).{0,200}") {
            let _ = parse(&text);
        }

        #[test]
        fn written_entries_parse_back(
            vars in proptest::collection::btree_map("[A-Z_][A-Z0-9_]{0,10}", "[ -\"$-~]{0,20}", 0..8),
        ) {
            let mut text = String::new();
            for (name, value) in &vars {
                text.push_str(&format!("# About {name}.\n{name}={value}\n\n"));
            }
            let entries = parse(&text).unwrap();
            prop_assert_eq!(entries.len(), vars.len());
            for (entry, (name, value)) in entries.iter().zip(&vars) {
                prop_assert_eq!(&entry.name, name);
                prop_assert_eq!(entry.value.as_str(), value.trim());
                prop_assert_eq!(entry.comment.clone(), vec![format!("About {name}.")]);
            }
        }
    }
}
