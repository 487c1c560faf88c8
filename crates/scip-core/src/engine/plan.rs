//! The firing plan of an exercise: every scheduled inject of every team, grouped by turn and
//! sorted by due time.

use std::collections::{BTreeMap, HashMap};

use crate::ids::{InjectId, TeamId};
use crate::model::{Mode, Scenario};

/// One inject of one team, as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEntry {
    /// The team it goes to.
    pub team: TeamId,
    /// The inject.
    pub inject: InjectId,
    /// Its turn (turn mode).
    pub turn: Option<u32>,
    /// Offset from T+0 (clock mode) or from its turn's start (turn mode), in ms.
    pub at_ms: u64,
}

/// Injects grouped by turn (`None` in clock mode), each group sorted by due time, then by team
/// order, then by timeline order.
#[derive(Debug, Clone)]
pub struct Plan {
    pub(crate) mode: Mode,
    pub(crate) duration_ms: Option<u64>,
    pub(crate) entries: Vec<PlanEntry>,
    pub(crate) groups: BTreeMap<Option<u32>, Vec<usize>>,
    pub(crate) index: HashMap<(TeamId, InjectId), usize>,
}

impl Plan {
    /// Builds the plan of a scenario. An inject id repeated within a team (which validation
    /// refuses) is planned once.
    pub fn from_scenario(scenario: &Scenario) -> Self {
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        let mut order = Vec::new();
        for (team_pos, team) in scenario.teams.iter().enumerate() {
            for (pos, inject) in team.timeline.iter().enumerate() {
                let key = (team.id.clone(), inject.id.clone());
                if index.contains_key(&key) {
                    continue;
                }
                let turn = match scenario.mode {
                    Mode::Clock => None,
                    Mode::Turns { .. } => inject.turn,
                };
                index.insert(key, entries.len());
                order.push((turn, inject.at_ms, team_pos, pos, entries.len()));
                entries.push(PlanEntry {
                    team: team.id.clone(),
                    inject: inject.id.clone(),
                    turn,
                    at_ms: inject.at_ms,
                });
            }
        }
        order.sort_unstable();
        let mut groups: BTreeMap<Option<u32>, Vec<usize>> = BTreeMap::new();
        for (turn, _, _, _, idx) in order {
            groups.entry(turn).or_default().push(idx);
        }
        Self {
            mode: scenario.mode,
            duration_ms: scenario.duration_ms,
            entries,
            groups,
            index,
        }
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> &[PlanEntry] {
        &self.entries
    }

    /// The entry for a team's inject.
    pub fn find(&self, team: &TeamId, inject: &InjectId) -> Option<&PlanEntry> {
        self.index
            .get(&(team.clone(), inject.clone()))
            .map(|&i| &self.entries[i])
    }

    /// The scenario's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Number of planned injects.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is planned.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries of one group (a turn, or `None` for clock mode) in firing order.
    pub fn group(&self, turn: Option<u32>) -> impl Iterator<Item = &PlanEntry> {
        self.groups
            .get(&turn)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }
}
