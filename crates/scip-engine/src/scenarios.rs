//! Scenario versions as the engine uses them: loaded once (versions never change), indexed for
//! quick inject lookup.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use scip_core::engine::Plan;
use scip_core::{Inject, InjectId, Scenario, ScenarioId, Team, TeamId};
use scip_store::{Store, StoreResult};

/// A scenario version with its plan and an index of its injects.
#[derive(Debug)]
pub struct LoadedScenario {
    /// The scenario.
    pub scenario: Scenario,
    /// Its version.
    pub version: u32,
    index: HashMap<(TeamId, InjectId), (usize, usize)>,
}

impl LoadedScenario {
    /// Indexes a scenario.
    pub fn new(scenario: Scenario, version: u32) -> Self {
        let mut index = HashMap::new();
        for (t, team) in scenario.teams.iter().enumerate() {
            for (i, inject) in team.timeline.iter().enumerate() {
                index
                    .entry((team.id.clone(), inject.id.clone()))
                    .or_insert((t, i));
            }
        }
        Self {
            scenario,
            version,
            index,
        }
    }

    /// A team's inject.
    pub fn inject(&self, team: &TeamId, inject: &InjectId) -> Option<&Inject> {
        let &(t, i) = self.index.get(&(team.clone(), inject.clone()))?;
        Some(&self.scenario.teams[t].timeline[i])
    }

    /// A team.
    pub fn team(&self, team: &TeamId) -> Option<&Team> {
        self.scenario.team(team)
    }

    /// The firing plan.
    pub fn plan(&self) -> Plan {
        Plan::from_scenario(&self.scenario)
    }

    /// `(current, total)` turns for payloads, given the current turn.
    pub fn turns(&self, current: Option<u32>) -> Option<(u32, u32)> {
        let total = self.scenario.mode.total_turns()?;
        Some((current.unwrap_or(0), total))
    }
}

/// Loaded scenario versions, shared by every exercise of this process.
#[derive(Debug, Clone, Default)]
pub struct ScenarioCache {
    loaded: Arc<Mutex<Loaded>>,
}

type Loaded = HashMap<(ScenarioId, u32), Arc<LoadedScenario>>;

/// Versions kept; an older one is dropped when more are loaded (it is read again if needed).
const KEEP: usize = 64;

impl ScenarioCache {
    /// The scenario version, from the cache or the store.
    pub async fn get(
        &self,
        store: &Store,
        id: &ScenarioId,
        version: u32,
    ) -> StoreResult<Arc<LoadedScenario>> {
        let key = (id.clone(), version);
        if let Some(found) = self.loaded.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(found);
        }
        let scenario = store.scenario_version(id, version).await?;
        let loaded = Arc::new(LoadedScenario::new(scenario, version));
        if let Ok(mut m) = self.loaded.lock() {
            if m.len() >= KEEP {
                m.clear();
            }
            m.insert(key, loaded.clone());
        }
        Ok(loaded)
    }
}
