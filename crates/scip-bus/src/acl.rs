//! The topic access rules of DESIGN §4, as pure functions. The embedded broker asks them on
//! every SUBSCRIBE, PUBLISH and last-will; the generated Mosquitto ACL file states the same
//! table in Mosquitto's words.
//!
//! | principal | may subscribe | may publish |
//! |---|---|---|
//! | engine | anything under `<prefix>/exercise/#` | anything under `<prefix>/exercise/#` |
//! | team *t* of exercise *e* | exactly `…/e/team/t/feed`, `…/e/timer`, `…/e/control`, `…/e/status` | exactly `…/e/team/t/receipts`, `…/e/team/t/presence` |
//! | monitor | anything under `<prefix>/exercise/#` | nothing |
//!
//! Team rules compare whole topic strings, so any wildcard filter from a team (`#`,
//! `…/+/team/+/feed`, even `…/e/team/t/+`) is refused. Everything else is refused.

use crate::principal::Principal;
use crate::topics::TopicLayout;

/// What a client wants to do with a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Subscribe with a topic filter (wildcards allowed by MQTT).
    Subscribe,
    /// Publish to a topic name (no wildcards).
    Publish,
}

/// Whether `principal` may perform `access` on `topic` (a filter for subscribe, a topic name
/// for publish) under `layout`.
pub fn is_allowed(
    layout: &TopicLayout,
    principal: &Principal,
    access: Access,
    topic: &str,
) -> bool {
    if topic.is_empty() || topic.contains('\0') {
        return false;
    }
    match (principal, access) {
        (Principal::Engine, Access::Subscribe) | (Principal::Monitor, Access::Subscribe) => {
            layout.contains_filter(topic)
        }
        (Principal::Engine, Access::Publish) => {
            !has_wildcard(topic) && layout.contains_filter(topic)
        }
        (Principal::Monitor, Access::Publish) => false,
        (Principal::Team { exercise, team }, Access::Subscribe) => {
            topic == layout.feed(exercise, team)
                || topic == layout.timer(exercise)
                || topic == layout.control(exercise)
                || topic == layout.status(exercise)
        }
        (Principal::Team { exercise, team }, Access::Publish) => {
            topic == layout.receipts(exercise, team) || topic == layout.presence(exercise, team)
        }
    }
}

/// The exact topics a team may subscribe to and publish to, for rendering ACL files.
pub fn team_topics(layout: &TopicLayout, principal: &Principal) -> Option<TeamTopics> {
    let Principal::Team { exercise, team } = principal else {
        return None;
    };
    Some(TeamTopics {
        read: [
            layout.feed(exercise, team),
            layout.timer(exercise),
            layout.control(exercise),
            layout.status(exercise),
        ],
        write: [
            layout.receipts(exercise, team),
            layout.presence(exercise, team),
        ],
    })
}

/// A team's topics, as [`is_allowed`] grants them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamTopics {
    /// Subscribe-only topics: own feed, exercise timer, control and status.
    pub read: [String; 4],
    /// Publish-only topics: own receipts and presence.
    pub write: [String; 2],
}

fn has_wildcard(topic: &str) -> bool {
    topic.contains(['+', '#'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::{ExerciseId, TeamId};

    fn team(e: &str, t: &str) -> Principal {
        Principal::Team {
            exercise: ExerciseId::new(e).unwrap(),
            team: TeamId::new(t).unwrap(),
        }
    }

    fn allowed(p: &Principal, a: Access, topic: &str) -> bool {
        is_allowed(&TopicLayout::default(), p, a, topic)
    }

    #[test]
    fn team_subscribes_to_its_feed_and_its_exercise_channels() {
        let red = team("ex-1", "red");
        for t in [
            "/exercise/ex-1/team/red/feed",
            "/exercise/ex-1/timer",
            "/exercise/ex-1/control",
            "/exercise/ex-1/status",
        ] {
            assert!(allowed(&red, Access::Subscribe, t), "{t}");
        }
    }

    #[test]
    fn team_cannot_subscribe_to_other_teams_other_exercises_or_its_outbound_topics() {
        let red = team("ex-1", "red");
        for t in [
            "/exercise/ex-1/team/blue/feed",
            "/exercise/ex-2/team/red/feed",
            "/exercise/ex-2/timer",
            "/exercise/ex-1/team/red/receipts",
            "/exercise/ex-1/team/red/presence",
            "/exercise/ex-1/team/blue/presence",
        ] {
            assert!(!allowed(&red, Access::Subscribe, t), "{t}");
        }
    }

    #[test]
    fn team_wildcard_subscriptions_are_refused() {
        let red = team("ex-1", "red");
        for t in [
            "#",
            "/#",
            "/exercise/#",
            "/exercise/+/team/+/feed",
            "/exercise/ex-1/team/+/feed",
            "/exercise/ex-1/team/red/+",
            "/exercise/ex-1/team/red/#",
            "/exercise/ex-1/+",
            "+/exercise/ex-1/timer",
            "$SYS/#",
            "$share/g//exercise/ex-1/team/red/feed",
        ] {
            assert!(!allowed(&red, Access::Subscribe, t), "{t}");
        }
    }

    #[test]
    fn team_publishes_only_its_receipts_and_presence() {
        let red = team("ex-1", "red");
        assert!(allowed(
            &red,
            Access::Publish,
            "/exercise/ex-1/team/red/receipts"
        ));
        assert!(allowed(
            &red,
            Access::Publish,
            "/exercise/ex-1/team/red/presence"
        ));
        for t in [
            "/exercise/ex-1/team/red/feed",
            "/exercise/ex-1/team/blue/feed",
            "/exercise/ex-1/team/blue/receipts",
            "/exercise/ex-1/team/blue/presence",
            "/exercise/ex-2/team/red/receipts",
            "/exercise/ex-1/timer",
            "/exercise/ex-1/control",
            "/exercise/ex-1/status",
            "/other",
        ] {
            assert!(!allowed(&red, Access::Publish, t), "{t}");
        }
    }

    #[test]
    fn engine_may_do_anything_under_the_root_and_nothing_outside() {
        let e = Principal::Engine;
        for t in [
            "/exercise/#",
            "/exercise/+/team/+/receipts",
            "/exercise/ex-1/team/red/feed",
        ] {
            assert!(allowed(&e, Access::Subscribe, t), "{t}");
        }
        assert!(allowed(&e, Access::Publish, "/exercise/ex-1/timer"));
        assert!(allowed(&e, Access::Publish, "/exercise/ex-1/team/red/feed"));
        for t in [
            "#",
            "+/exercise/#",
            "/exercises/x",
            "$SYS/broker/uptime",
            "",
        ] {
            assert!(!allowed(&e, Access::Subscribe, t), "{t:?}");
            assert!(!allowed(&e, Access::Publish, t), "{t:?}");
        }
        assert!(!allowed(&e, Access::Publish, "/exercise/+/timer"));
    }

    #[test]
    fn monitor_reads_everything_under_the_root_and_writes_nothing() {
        let m = Principal::Monitor;
        assert!(allowed(&m, Access::Subscribe, "/exercise/#"));
        assert!(!allowed(&m, Access::Subscribe, "#"));
        assert!(!allowed(
            &m,
            Access::Publish,
            "/exercise/ex-1/team/red/receipts"
        ));
        assert!(!allowed(&m, Access::Publish, "/exercise/ex-1/timer"));
    }

    #[test]
    fn rules_follow_the_prefix() {
        let l = TopicLayout::new("scip").unwrap();
        let red = team("ex-1", "red");
        assert!(is_allowed(
            &l,
            &red,
            Access::Subscribe,
            "scip/exercise/ex-1/timer"
        ));
        assert!(!is_allowed(
            &l,
            &red,
            Access::Subscribe,
            "/exercise/ex-1/timer"
        ));
        assert!(is_allowed(
            &l,
            &Principal::Engine,
            Access::Publish,
            "scip/exercise/x/timer"
        ));
        assert!(!is_allowed(
            &l,
            &Principal::Engine,
            Access::Publish,
            "/exercise/x/timer"
        ));
    }

    #[test]
    fn team_topics_list_exactly_what_is_allowed() {
        let l = TopicLayout::default();
        let red = team("ex-1", "red");
        let topics = team_topics(&l, &red).unwrap();
        for t in &topics.read {
            assert!(is_allowed(&l, &red, Access::Subscribe, t));
            assert!(!is_allowed(&l, &red, Access::Publish, t));
        }
        for t in &topics.write {
            assert!(is_allowed(&l, &red, Access::Publish, t));
            assert!(!is_allowed(&l, &red, Access::Subscribe, t));
        }
        assert!(team_topics(&l, &Principal::Engine).is_none());
    }
}
