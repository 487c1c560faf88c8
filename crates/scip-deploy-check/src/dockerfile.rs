//! A Dockerfile parser (instructions, continuation lines, stages) and the lint rules SCIP's
//! image is held to: several stages, pinned base images, a non-root user, a health check,
//! no remote `ADD`, apt lists removed in the layer that fetched them, `--locked` Cargo builds
//! and exec-form `ENTRYPOINT`/`CMD`.

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

/// A lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// The build tools must stay out of the image: at least a build and a runtime stage.
    SingleStage,
    /// Every base image names a tag other than `latest`, or a digest.
    UnpinnedBaseImage,
    /// The image runs as a user other than root.
    RunsAsRoot,
    /// The image has a `HEALTHCHECK`.
    NoHealthcheck,
    /// `ADD` from a URL (unverified download).
    RemoteAdd,
    /// `apt-get install` without removing `/var/lib/apt/lists` in the same `RUN`.
    AptListsKept,
    /// `apt-get install` without `--no-install-recommends`.
    AptRecommends,
    /// `cargo build`/`cargo install` without `--locked`.
    UnlockedCargo,
    /// `ENTRYPOINT` or `CMD` in shell form (signals would go to `/bin/sh`).
    ShellForm,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule broken.
    pub rule: Rule,
    /// 1-based line.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
}

fn image_is_pinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    // A registry host may carry a port (`host:5000/name`): the tag is after the last `/`.
    let name = image.rsplit('/').next().unwrap_or(image);
    match name.split_once(':') {
        Some((_, tag)) => !tag.is_empty() && tag != "latest",
        None => false,
    }
}

/// Applies every rule; an empty list means the Dockerfile passes.
pub fn lint(dockerfile: &Dockerfile) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut finding = |rule, line, message: String| {
        findings.push(Finding {
            rule,
            line,
            message,
        })
    };
    if dockerfile.stages.len() < 2 {
        finding(
            Rule::SingleStage,
            dockerfile.stages.first().map_or(1, |s| s.line),
            "one stage only: build in one stage and copy the binary into a runtime stage".into(),
        );
    }
    let mut aliases: Vec<&str> = Vec::new();
    for stage in &dockerfile.stages {
        let is_earlier_stage = aliases.contains(&stage.base.as_str());
        if !is_earlier_stage && stage.base != "scratch" && !image_is_pinned(&stage.base) {
            finding(
                Rule::UnpinnedBaseImage,
                stage.line,
                format!("base image {} has no tag (or `latest`)", stage.base),
            );
        }
        if let Some(alias) = &stage.alias {
            aliases.push(alias);
        }
        for instruction in &stage.instructions {
            let args = &instruction.arguments;
            match instruction.keyword.as_str() {
                "ADD" if args.contains("http://") || args.contains("https://") => finding(
                    Rule::RemoteAdd,
                    instruction.line,
                    "ADD from a URL: download with a checksum check in RUN instead".into(),
                ),
                "RUN" => {
                    if args.contains("apt-get install") {
                        if !args.contains("rm -rf /var/lib/apt/lists") {
                            finding(
                                Rule::AptListsKept,
                                instruction.line,
                                "apt-get install without `rm -rf /var/lib/apt/lists/*` in the same RUN".into(),
                            );
                        }
                        if !args.contains("--no-install-recommends") {
                            finding(
                                Rule::AptRecommends,
                                instruction.line,
                                "apt-get install without --no-install-recommends".into(),
                            );
                        }
                    }
                    for command in args.split("&&") {
                        let command = command.trim();
                        let is_cargo_build = command.starts_with("cargo build")
                            || command.starts_with("cargo install");
                        if is_cargo_build && !command.contains("--locked") {
                            finding(
                                Rule::UnlockedCargo,
                                instruction.line,
                                format!("`{command}` without --locked"),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(image) = dockerfile.stages.last() {
        match image.last("USER") {
            None => finding(
                Rule::RunsAsRoot,
                image.line,
                "the final stage sets no USER, so the image runs as root".into(),
            ),
            Some(user) => {
                let name = user.arguments.split(':').next().unwrap_or_default().trim();
                if name == "root" || name == "0" {
                    finding(Rule::RunsAsRoot, user.line, "the last USER is root".into());
                }
            }
        }
        match image.last("HEALTHCHECK") {
            Some(check) if !check.arguments.trim().eq_ignore_ascii_case("NONE") => {}
            Some(check) => finding(Rule::NoHealthcheck, check.line, "HEALTHCHECK NONE".into()),
            None => finding(
                Rule::NoHealthcheck,
                image.line,
                "the image has no HEALTHCHECK".into(),
            ),
        }
        for keyword in ["ENTRYPOINT", "CMD"] {
            if let Some(instruction) = image.last(keyword)
                && instruction.exec_form().is_none()
            {
                finding(
                    Rule::ShellForm,
                    instruction.line,
                    format!("{keyword} in shell form: use [\"exec\", \"form\"]"),
                );
            }
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = r#"# syntax=docker/dockerfile:1
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

    fn rules(text: &str) -> Vec<Rule> {
        lint(&parse(text).unwrap())
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_good_dockerfile_passes() {
        assert_eq!(lint(&parse(GOOD).unwrap()), []);
    }

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
    fn each_rule_catches_its_problem() {
        assert_eq!(
            rules("FROM debian:latest\nUSER 1\nHEALTHCHECK CMD [\"x\"]\n"),
            [Rule::SingleStage, Rule::UnpinnedBaseImage]
        );
        assert!(
            rules("FROM a:1 AS b\nFROM ubuntu\nUSER 1\nHEALTHCHECK CMD [\"x\"]\n")
                .contains(&Rule::UnpinnedBaseImage)
        );
        assert!(
            rules("FROM a:1 AS b\nFROM b\nUSER root\nHEALTHCHECK CMD [\"x\"]\n")
                == [Rule::RunsAsRoot]
        );
        assert!(rules("FROM a:1 AS b\nFROM b\nHEALTHCHECK NONE\n").contains(&Rule::RunsAsRoot));
        assert!(rules("FROM a:1 AS b\nFROM b\nUSER 1\n").contains(&Rule::NoHealthcheck));
        assert!(
            rules("FROM a:1 AS b\nFROM b\nUSER 1\nHEALTHCHECK NONE\n")
                .contains(&Rule::NoHealthcheck)
        );
        assert!(
            rules(
                "FROM a:1 AS b\nADD https://x.invalid/f /f\nFROM b\nUSER 1\nHEALTHCHECK CMD [\"x\"]\n"
            ) == [Rule::RemoteAdd]
        );
        assert_eq!(
            rules(
                "FROM a:1 AS b\nRUN apt-get update && apt-get install -y x\nFROM b\nUSER 1\nHEALTHCHECK CMD [\"x\"]\n"
            ),
            [Rule::AptListsKept, Rule::AptRecommends]
        );
        assert_eq!(
            rules(
                "FROM a:1 AS b\nRUN cargo build --release && cargo install x --locked\nFROM b\nUSER 1\nHEALTHCHECK CMD [\"x\"]\n"
            ),
            [Rule::UnlockedCargo]
        );
        assert_eq!(
            rules("FROM a:1 AS b\nFROM b\nUSER 1\nHEALTHCHECK CMD [\"x\"]\nENTRYPOINT app serve\n"),
            [Rule::ShellForm]
        );
    }

    #[test]
    fn digests_and_registry_ports_are_understood() {
        assert!(image_is_pinned("debian@sha256:0123"));
        assert!(!image_is_pinned("registry.local:5000/scip"));
        assert!(image_is_pinned("registry.local:5000/scip:1.2"));
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
