//! The MQTT topic layout (DESIGN §4), under a configurable prefix:
//!
//! | topic | kind |
//! |---|---|
//! | `<prefix>/exercise/{e}/control` | [`TopicKind::Control`] |
//! | `<prefix>/exercise/{e}/timer` | [`TopicKind::Timer`] |
//! | `<prefix>/exercise/{e}/status` | [`TopicKind::Status`] |
//! | `<prefix>/exercise/{e}/team/{t}/feed` | [`TopicKind::Feed`] |
//! | `<prefix>/exercise/{e}/team/{t}/receipts` | [`TopicKind::Receipts`] |
//! | `<prefix>/exercise/{e}/team/{t}/presence` | [`TopicKind::Presence`] |
//!
//! The default prefix is empty, so topics start with `/exercise/…` as in SCIP v3.

use std::fmt;

use scip_core::{ExerciseId, TeamId};

/// Why a prefix or a topic was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// The prefix holds a character MQTT topics cannot carry.
    #[error("topic prefix {prefix:?} {reason}")]
    BadPrefix {
        /// The refused prefix.
        prefix: String,
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The topic is not one of SCIP's topics under this prefix.
    #[error("topic {topic:?} is not a SCIP topic under {root:?}: {reason}")]
    NotScip {
        /// The topic.
        topic: String,
        /// The layout's root (`<prefix>/exercise`).
        root: String,
        /// What did not match.
        reason: String,
    },
}

/// What a topic carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// Commands and turn events, engine → everyone.
    Control,
    /// The retained clock, engine → everyone.
    Timer,
    /// The retained exercise summary, engine → controllers.
    Status,
    /// Deliveries, engine → one team.
    Feed,
    /// Receipts, one team's dashboard → engine.
    Receipts,
    /// Presence (retained, last will), one team's dashboard → engine.
    Presence,
}

impl TopicKind {
    /// The last topic level of this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Control => "control",
            Self::Timer => "timer",
            Self::Status => "status",
            Self::Feed => "feed",
            Self::Receipts => "receipts",
            Self::Presence => "presence",
        }
    }

    /// Whether topics of this kind belong to one team.
    pub fn is_team_topic(self) -> bool {
        matches!(self, Self::Feed | Self::Receipts | Self::Presence)
    }
}

impl fmt::Display for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One SCIP topic, typed: exercise topics carry an exercise, team topics also a team.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// `…/exercise/{e}/control`
    Control(ExerciseId),
    /// `…/exercise/{e}/timer`
    Timer(ExerciseId),
    /// `…/exercise/{e}/status`
    Status(ExerciseId),
    /// `…/exercise/{e}/team/{t}/feed`
    Feed(ExerciseId, TeamId),
    /// `…/exercise/{e}/team/{t}/receipts`
    Receipts(ExerciseId, TeamId),
    /// `…/exercise/{e}/team/{t}/presence`
    Presence(ExerciseId, TeamId),
}

impl Topic {
    /// The exercise the topic belongs to.
    pub fn exercise(&self) -> &ExerciseId {
        match self {
            Self::Control(e) | Self::Timer(e) | Self::Status(e) => e,
            Self::Feed(e, _) | Self::Receipts(e, _) | Self::Presence(e, _) => e,
        }
    }

    /// The team, for team topics.
    pub fn team(&self) -> Option<&TeamId> {
        match self {
            Self::Control(_) | Self::Timer(_) | Self::Status(_) => None,
            Self::Feed(_, t) | Self::Receipts(_, t) | Self::Presence(_, t) => Some(t),
        }
    }

    /// What the topic carries.
    pub fn kind(&self) -> TopicKind {
        match self {
            Self::Control(_) => TopicKind::Control,
            Self::Timer(_) => TopicKind::Timer,
            Self::Status(_) => TopicKind::Status,
            Self::Feed(..) => TopicKind::Feed,
            Self::Receipts(..) => TopicKind::Receipts,
            Self::Presence(..) => TopicKind::Presence,
        }
    }
}

/// The topic layout under one prefix. Cheap to clone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLayout {
    /// `<prefix>/exercise`, without a trailing slash.
    root: String,
}

impl Default for TopicLayout {
    /// The SCIP v3 layout: an empty prefix, topics start with `/exercise/`.
    fn default() -> Self {
        Self {
            root: "/exercise".to_owned(),
        }
    }
}

impl TopicLayout {
    /// A layout under `prefix` (`""` for the SCIP v3 layout, or e.g. `"scip"` or `"site/a"`).
    ///
    /// Fails when the prefix holds MQTT wildcards (`+`, `#`), whitespace or control characters
    /// (they would not survive Mosquitto's ACL file), starts with `$` (reserved for broker
    /// topics) or ends with `/`.
    pub fn new(prefix: &str) -> Result<Self, TopicError> {
        let refuse = |reason| {
            Err(TopicError::BadPrefix {
                prefix: prefix.to_owned(),
                reason,
            })
        };
        if prefix.contains(['+', '#']) {
            return refuse("contains an MQTT wildcard ('+' or '#')");
        }
        if prefix.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return refuse("contains whitespace or a control character");
        }
        if prefix.starts_with('$') {
            return refuse("starts with '$', which brokers reserve for their own topics");
        }
        if prefix.ends_with('/') {
            return refuse("ends with '/'; write it without the trailing slash");
        }
        Ok(Self {
            root: format!("{prefix}/exercise"),
        })
    }

    /// The prefix this layout was made with.
    pub fn prefix(&self) -> &str {
        self.root.strip_suffix("/exercise").unwrap_or_default()
    }

    /// `<prefix>/exercise`: every SCIP topic lies below it.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// `<prefix>/exercise/#`: a filter matching every SCIP topic.
    pub fn everything_filter(&self) -> String {
        format!("{}/#", self.root)
    }

    /// `<prefix>/exercise/+/team/+/{kind}`: one kind of team topic of every exercise and team.
    pub fn all_teams_filter(&self, kind: TopicKind) -> String {
        format!("{}/+/team/+/{kind}", self.root)
    }

    /// The topic's text.
    pub fn render(&self, topic: &Topic) -> String {
        match topic {
            Topic::Control(e) | Topic::Timer(e) | Topic::Status(e) => {
                format!("{}/{e}/{}", self.root, topic.kind())
            }
            Topic::Feed(e, t) | Topic::Receipts(e, t) | Topic::Presence(e, t) => {
                format!("{}/{e}/team/{t}/{}", self.root, topic.kind())
            }
        }
    }

    /// `<prefix>/exercise/{e}/control`
    pub fn control(&self, exercise: &ExerciseId) -> String {
        self.render(&Topic::Control(exercise.clone()))
    }

    /// `<prefix>/exercise/{e}/timer`
    pub fn timer(&self, exercise: &ExerciseId) -> String {
        self.render(&Topic::Timer(exercise.clone()))
    }

    /// `<prefix>/exercise/{e}/status`
    pub fn status(&self, exercise: &ExerciseId) -> String {
        self.render(&Topic::Status(exercise.clone()))
    }

    /// `<prefix>/exercise/{e}/team/{t}/feed`
    pub fn feed(&self, exercise: &ExerciseId, team: &TeamId) -> String {
        self.render(&Topic::Feed(exercise.clone(), team.clone()))
    }

    /// `<prefix>/exercise/{e}/team/{t}/receipts`
    pub fn receipts(&self, exercise: &ExerciseId, team: &TeamId) -> String {
        self.render(&Topic::Receipts(exercise.clone(), team.clone()))
    }

    /// `<prefix>/exercise/{e}/team/{t}/presence`
    pub fn presence(&self, exercise: &ExerciseId, team: &TeamId) -> String {
        self.render(&Topic::Presence(exercise.clone(), team.clone()))
    }

    /// Whether `filter` (a topic or a filter with wildcards) can only match topics at or below
    /// `<prefix>/exercise`: its leading levels are literally the root's.
    pub fn contains_filter(&self, filter: &str) -> bool {
        filter == self.root
            || filter
                .strip_prefix(self.root.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
    }

    /// Reads a topic back into its exercise, team and kind.
    ///
    /// Fails, naming what did not match, for anything that is not exactly one of the six SCIP
    /// topics under this layout's prefix (wildcards, unknown kinds, invalid ids, extra levels).
    pub fn parse(&self, topic: &str) -> Result<Topic, TopicError> {
        let fail = |reason: String| TopicError::NotScip {
            topic: topic.to_owned(),
            root: self.root.clone(),
            reason,
        };
        let rest = topic
            .strip_prefix(self.root.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .ok_or_else(|| fail(format!("it does not start with \"{}/\"", self.root)))?;
        let levels: Vec<&str> = rest.split('/').collect();
        let exercise =
            |s: &str| ExerciseId::new(s).map_err(|e| fail(format!("exercise id {s:?} {e}")));
        let team = |s: &str| TeamId::new(s).map_err(|e| fail(format!("team id {s:?} {e}")));
        match levels.as_slice() {
            [e, "control"] => Ok(Topic::Control(exercise(e)?)),
            [e, "timer"] => Ok(Topic::Timer(exercise(e)?)),
            [e, "status"] => Ok(Topic::Status(exercise(e)?)),
            [e, "team", t, "feed"] => Ok(Topic::Feed(exercise(e)?, team(t)?)),
            [e, "team", t, "receipts"] => Ok(Topic::Receipts(exercise(e)?, team(t)?)),
            [e, "team", t, "presence"] => Ok(Topic::Presence(exercise(e)?, team(t)?)),
            [_, last] => Err(fail(format!(
                "{last:?} is not an exercise topic (control, timer or status)"
            ))),
            [_, "team", _, last] => Err(fail(format!(
                "{last:?} is not a team topic (feed, receipts or presence)"
            ))),
            _ => Err(fail(format!(
                "expected {{exercise}}/{{kind}} or {{exercise}}/team/{{team}}/{{kind}}, found {} level(s)",
                levels.len()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids() -> (ExerciseId, TeamId) {
        (
            ExerciseId::new("ex-1").unwrap(),
            TeamId::new("red").unwrap(),
        )
    }

    #[test]
    fn default_layout_matches_scip_v3_topics() {
        let l = TopicLayout::default();
        let (e, t) = ids();
        assert_eq!(l.control(&e), "/exercise/ex-1/control");
        assert_eq!(l.timer(&e), "/exercise/ex-1/timer");
        assert_eq!(l.status(&e), "/exercise/ex-1/status");
        assert_eq!(l.feed(&e, &t), "/exercise/ex-1/team/red/feed");
        assert_eq!(l.receipts(&e, &t), "/exercise/ex-1/team/red/receipts");
        assert_eq!(l.presence(&e, &t), "/exercise/ex-1/team/red/presence");
        assert_eq!(l.everything_filter(), "/exercise/#");
        assert_eq!(l.prefix(), "");
    }

    #[test]
    fn empty_prefix_equals_the_default() {
        assert_eq!(TopicLayout::new("").unwrap(), TopicLayout::default());
    }

    #[test]
    fn a_prefix_goes_in_front() {
        let l = TopicLayout::new("site/a").unwrap();
        let (e, t) = ids();
        assert_eq!(l.feed(&e, &t), "site/a/exercise/ex-1/team/red/feed");
        assert_eq!(
            l.all_teams_filter(TopicKind::Receipts),
            "site/a/exercise/+/team/+/receipts"
        );
        assert_eq!(l.prefix(), "site/a");
    }

    #[test]
    fn bad_prefixes_are_refused_with_the_reason() {
        for (p, word) in [
            ("a/+", "wildcard"),
            ("#", "wildcard"),
            ("$SYS", "'$'"),
            ("scip/", "trailing slash"),
            ("a\0b", "control"),
            ("my site", "whitespace"),
        ] {
            let err = TopicLayout::new(p).unwrap_err().to_string();
            assert!(err.contains(word), "{p:?}: {err}");
        }
    }

    #[test]
    fn every_topic_parses_back() {
        let l = TopicLayout::new("x").unwrap();
        let (e, t) = ids();
        for topic in [
            Topic::Control(e.clone()),
            Topic::Timer(e.clone()),
            Topic::Status(e.clone()),
            Topic::Feed(e.clone(), t.clone()),
            Topic::Receipts(e.clone(), t.clone()),
            Topic::Presence(e.clone(), t.clone()),
        ] {
            let parsed = l.parse(&l.render(&topic)).unwrap();
            assert_eq!(parsed, topic);
            assert_eq!(parsed.exercise(), &e);
            assert_eq!(parsed.team().is_some(), parsed.kind().is_team_topic());
        }
    }

    #[test]
    fn foreign_and_malformed_topics_are_refused_with_a_reason() {
        let l = TopicLayout::default();
        for (topic, word) in [
            ("exercise/ex-1/timer", "does not start"),
            ("/exercise/ex-1/clock", "\"clock\""),
            ("/exercise/ex-1/team/red/inbox", "\"inbox\""),
            ("/exercise/ex-1/team/red/feed/x", "level"),
            ("/exercise/+/timer", "exercise id \"+\""),
            ("/exercise/ex-1/team/Red/feed", "team id \"Red\""),
            ("/exercise/", "level"),
        ] {
            let err = l.parse(topic).unwrap_err().to_string();
            assert!(err.contains(word), "{topic:?}: {err}");
        }
    }

    #[test]
    fn contains_filter_checks_levels_not_characters() {
        let l = TopicLayout::default();
        assert!(l.contains_filter("/exercise/#"));
        assert!(l.contains_filter("/exercise"));
        assert!(l.contains_filter("/exercise/+/team/+/receipts"));
        assert!(!l.contains_filter("/exercises/x"));
        assert!(!l.contains_filter("#"));
        assert!(!l.contains_filter("+/exercise/#"));
        assert!(!l.contains_filter("/+/#"));
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(topic in "\\PC{0,80}") {
            let _ = TopicLayout::default().parse(&topic);
        }

        #[test]
        fn parsing_a_rendered_topic_gives_it_back(
            e in "[a-z0-9][a-z0-9-]{0,20}",
            t in "[a-z0-9][a-z0-9-]{0,20}",
            prefix in "([a-z]{1,5}(/[a-z]{1,5}){0,2})?",
        ) {
            let l = TopicLayout::new(&prefix).unwrap();
            let topic = Topic::Receipts(ExerciseId::new(e).unwrap(), TeamId::new(t).unwrap());
            prop_assert_eq!(l.parse(&l.render(&topic)).unwrap(), topic);
        }
    }
}
