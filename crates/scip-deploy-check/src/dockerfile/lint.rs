//! The lint rules: several stages, pinned base images, a non-root user, a health check, no
//! remote `ADD`, apt lists removed in the layer that fetched them, `--locked` Cargo builds and
//! exec-form `ENTRYPOINT`/`CMD`.

use super::Dockerfile;

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
    use crate::dockerfile::parse;
    use crate::dockerfile::tests::GOOD;

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
}
