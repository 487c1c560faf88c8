//! Scenarios and teams.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::inject::Inject;
use crate::ids::{ScenarioId, TeamId};

/// How the exercise clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One continuous clock; inject times count from T+0.
    Clock,
    /// Turns played one after another; inject times count from the start of their turn.
    Turns {
        /// Number of turns (at least 1).
        total_turns: u32,
        /// Nominal length of a turn in ms, if the author set one.
        turn_length_ms: Option<u64>,
    },
}

impl Mode {
    /// `clock` or `turns`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Clock => "clock",
            Self::Turns { .. } => "turns",
        }
    }

    /// The number of turns, if turn-based.
    pub fn total_turns(&self) -> Option<u32> {
        match self {
            Self::Clock => None,
            Self::Turns { total_turns, .. } => Some(*total_turns),
        }
    }
}

/// Whether a team plays or is a public news feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TeamKind {
    /// A team of players with the full dashboard.
    #[default]
    Player,
    /// A public feed shown as a single-column news wall.
    Public,
}

impl TeamKind {
    /// `player` or `public`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Player => "player",
            Self::Public => "public",
        }
    }
}

impl fmt::Display for TeamKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Container limits for a team's dashboard when it runs in Docker.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamResources {
    /// Memory limit in Docker notation (`256m`, `1g`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// CPU quota in microseconds per 100 ms period (`25000` = a quarter of a CPU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_quota: Option<i64>,
}

impl TeamResources {
    /// True when neither limit is set.
    pub fn is_empty(&self) -> bool {
        self.memory_limit.is_none() && self.cpu_quota.is_none()
    }
}

/// One team and its timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Slug, unique in the scenario; used in topics and URLs.
    pub id: TeamId,
    /// Display name.
    pub name: String,
    /// Colour as `#rrggbb`.
    pub color: String,
    /// Player team or public feed.
    pub kind: TeamKind,
    /// A fixed dashboard port, if the scenario needs one.
    pub dashboard_port: Option<u16>,
    /// Docker limits for its dashboard.
    pub resources: TeamResources,
    /// Notes for controllers.
    pub description: Option<String>,
    /// Its injects, in file order.
    pub timeline: Vec<Inject>,
}

/// Distinct team colours handed out when a scenario gives none.
pub const TEAM_PALETTE: [&str; 10] = [
    "#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4d7c0f",
    "#9333ea", "#475569",
];

/// Checks a `#rrggbb` colour.
pub fn is_hex_color(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A scenario: teams and their timelines.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Slug.
    pub id: ScenarioId,
    /// Display name.
    pub name: String,
    /// What it is about.
    pub description: String,
    /// Nominal length in ms, if set.
    pub duration_ms: Option<u64>,
    /// Clock or turns.
    pub mode: Mode,
    /// Teams in display order.
    pub teams: Vec<Team>,
}

impl Scenario {
    /// A team by id.
    pub fn team(&self, id: &TeamId) -> Option<&Team> {
        self.teams.iter().find(|t| &t.id == id)
    }

    /// Total number of injects over all teams.
    pub fn inject_count(&self) -> usize {
        self.teams.iter().map(|t| t.timeline.len()).sum()
    }

    /// Every media file name the scenario refers to, sorted.
    pub fn media_refs(&self) -> BTreeSet<&str> {
        self.teams
            .iter()
            .flat_map(|t| t.timeline.iter())
            .flat_map(|i| i.media.iter().map(String::as_str))
            .collect()
    }

    /// The latest inject offset (from T+0 or from its turn's start), in ms.
    pub fn last_inject_ms(&self) -> Option<u64> {
        self.teams
            .iter()
            .flat_map(|t| t.timeline.iter())
            .map(|i| i.at_ms)
            .max()
    }
}
