//! A Dockerfile parser (instructions, continuation lines, stages) and, in [`lint`], the rules
//! SCIP's image is held to.

mod lint;

pub use lint::{Finding, Rule, lint};

use thiserror::Error;

/// One instruction, with its continuation lines joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-case keyword (`RUN`, `COPY`, ...).
    pub keyword: String,
    /// Everything after the keyword, continuation lines joined with a space.
    pub arguments: String,
    /// 1-based line where the instruction starts.
    pub line: usize,
}

impl Instruction {
    /// The arguments as an exec-form list (`["a", "b"]`), if they are one.
    pub fn exec_form(&self) -> Option<Vec<String>> {
        exec_form(&self.arguments)
    }
}

/// A build stage: a `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The base image or earlier stage, as written.
    pub base: String,
    /// `AS name`, if given.
    pub alias: Option<String>,
    /// Line of the `FROM`.
    pub line: usize,
    /// Instructions after the `FROM`.
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// Instructions of the stage with this keyword.
    pub fn all<'a>(&'a self, keyword: &'a str) -> impl Iterator<Item = &'a Instruction> + 'a {
        self.instructions
            .iter()
            .filter(move |i| i.keyword == keyword)
    }

    /// The last instruction of the stage with this keyword.
    pub fn last(&self, keyword: &str) -> Option<&Instruction> {
        self.instructions
            .iter()
            .rev()
            .find(|i| i.keyword == keyword)
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dockerfile {
    /// `ARG`s before the first `FROM`.
    pub global_args: Vec<Instruction>,
    /// The stages in order; the last one is the image.
    pub stages: Vec<Stage>,
}

/// Text that is not a Dockerfile we can read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseError {
    /// A keyword Docker does not know.
    #[error("line {line}: unknown instruction {keyword:?}")]
    UnknownInstruction {
        /// 1-based line.
        line: usize,
        /// The word found.
        keyword: String,
    },
    /// An instruction other than `ARG` before the first `FROM`.
    #[error("line {line}: {keyword} before the first FROM")]
    BeforeFrom {
        /// 1-based line.
        line: usize,
        /// The instruction.
        keyword: String,
    },
    /// `FROM` without an image, or with words that are not `AS name` or `--platform=`.
    #[error("line {line}: malformed FROM {arguments:?}")]
    MalformedFrom {
        /// 1-based line.
        line: usize,
        /// Its arguments.
        arguments: String,
    },
    /// The file ends inside a continuation line.
    #[error("line {0}: the file ends after a line continuation")]
    DanglingContinuation(usize),
    /// No `FROM` at all.
    #[error("no FROM instruction")]
    NoStage,
}

const KEYWORDS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Parses an exec-form argument list (a JSON array of strings).
pub fn exec_form(arguments: &str) -> Option<Vec<String>> {
    let trimmed = arguments.trim();
    if !trimmed.starts_with('[') {
        return None;
    }
    serde_norway::from_str::<Vec<String>>(trimmed).ok()
}

/// Joins continuation lines and drops comments; yields (start line, logical line).
fn logical_lines(text: &str) -> Result<Vec<(usize, String)>, ParseError> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        // Comment lines are removed everywhere, inside continuations too, as Docker does.
        if trimmed.starts_with('#') {
            continue;
        }
        if trimmed.is_empty() && current.is_none() {
            continue;
        }
        let (content, continues) = match trimmed.strip_suffix('\\') {
            Some(head) => (head.trim_end(), true),
            None => (trimmed, false),
        };
        let (start, mut joined) = current.take().unwrap_or((line, String::new()));
        if !content.is_empty() {
            if !joined.is_empty() {
                joined.push(' ');
            }
            joined.push_str(content);
        }
        if continues {
            current = Some((start, joined));
        } else {
            out.push((start, joined));
        }
    }
    if let Some((start, _)) = current {
        return Err(ParseError::DanglingContinuation(start));
    }
    Ok(out)
}

fn parse_from(line: usize, arguments: &str) -> Result<(String, Option<String>), ParseError> {
    let malformed = || ParseError::MalformedFrom {
        line,
        arguments: arguments.to_owned(),
    };
    let words: Vec<&str> = arguments
        .split_whitespace()
        .filter(|w| !w.starts_with("--platform="))
        .collect();
    match words.as_slice() {
        [image] => Ok(((*image).to_owned(), None)),
        [image, as_word, alias] if as_word.eq_ignore_ascii_case("as") => {
            Ok(((*image).to_owned(), Some((*alias).to_owned())))
        }
        _ => Err(malformed()),
    }
}

/// Parses a Dockerfile.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    for (line, logical) in logical_lines(text)? {
        let (word, rest) = logical
            .split_once(char::is_whitespace)
            .unwrap_or((logical.as_str(), ""));
        let keyword = word.to_ascii_uppercase();
        if !KEYWORDS.contains(&keyword.as_str()) {
            return Err(ParseError::UnknownInstruction {
                line,
                keyword: word.to_owned(),
            });
        }
        let instruction = Instruction {
            keyword,
            arguments: rest.trim().to_owned(),
            line,
        };
        if instruction.keyword == "FROM" {
            let (base, alias) = parse_from(line, &instruction.arguments)?;
            stages.push(Stage {
                base,
                alias,
                line,
                instructions: Vec::new(),
            });
            continue;
        }
        match stages.last_mut() {
            Some(stage) => stage.instructions.push(instruction),
            None if instruction.keyword == "ARG" => global_args.push(instruction),
            None => {
                return Err(ParseError::BeforeFrom {
                    line,
                    keyword: instruction.keyword,
                });
            }
        }
    }
    if stages.is_empty() {
        return Err(ParseError::NoStage);
    }
    Ok(Dockerfile {
        global_args,
        stages,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(crate) const GOOD: &str = r#"# syntax=docker/dockerfile:1
FROM rust:1.95.0-slim AS builder
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    # a comment inside the continuation
    && strip target/release/app
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=builder /src/target/release/app /usr/local/bin/app
USER 10001:10001
HEALTHCHECK --interval=30s CMD ["app", "health"]
ENTRYPOINT ["app"]
CMD ["serve"]
"#;

    #[test]
    fn continuations_are_joined_without_comment_lines() {
        let file = parse(GOOD).unwrap();
        let run = file.stages[0].last("RUN").unwrap();
        assert_eq!(
            run.arguments,
            "cargo build --release --locked && strip target/release/app"
        );
        assert_eq!(run.line, 5);
        assert_eq!(file.stages[0].alias.as_deref(), Some("builder"));
        assert_eq!(
            file.stages[1].last("ENTRYPOINT").unwrap().exec_form(),
            Some(vec!["app".to_owned()])
        );
    }

    #[test]
    fn unreadable_files_are_errors_naming_the_line() {
        assert_eq!(
            parse("FROM a:1\nFETCH x\n"),
            Err(ParseError::UnknownInstruction {
                line: 2,
                keyword: "FETCH".into()
            })
        );
        assert_eq!(
            parse("RUN x\nFROM a:1\n"),
            Err(ParseError::BeforeFrom {
                line: 1,
                keyword: "RUN".into()
            })
        );
        assert_eq!(
            parse("FROM a:1\nRUN x \\\n"),
            Err(ParseError::DanglingContinuation(2))
        );
        assert!(matches!(
            parse("FROM a b c d\n"),
            Err(ParseError::MalformedFrom { line: 1, .. })
        ));
        assert_eq!(parse("# only\n"), Err(ParseError::NoStage));
    }

    proptest! {
        #[test]
        fn no_input_panics(text in "(?s).{0,300}") {
            if let Ok(file) = parse(&text) {
                let _ = lint(&file);
            }
        }

        #[test]
        fn instructions_keep_their_arguments(
            words in proptest::collection::vec("[a-z0-9/._-]{1,12}", 1..6),
        ) {
            let arguments = words.join(" ");
            let text = format!("FROM base:1\nRUN {}\n", words.join(" \\\n  "));
            let file = parse(&text).unwrap();
            prop_assert_eq!(&file.stages[0].instructions[0].arguments, &arguments);
        }
    }
}
