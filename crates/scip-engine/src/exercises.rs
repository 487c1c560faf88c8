//! Launching an exercise from a scenario version: a generated id, an access code per team,
//! MQTT credentials per team dashboard.

use rand::RngExt;
use rand::distr::Alphanumeric;
use scip_core::ExerciseId;
use scip_core::ScenarioId;
use scip_core::engine::Speed;
use scip_store::{DashboardRuntime, ExerciseRecord, NewExercise, NewExerciseTeam, StoreError};
use tracing::info;

use crate::EngineHandle;
use crate::error::EngineError;
use crate::hub::LiveEvent;

/// Letters for access codes: no 0/O, 1/I/L, so codes read aloud and typed without mistakes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new access code such as `K7QM-2XD9`.
pub fn generate_access_code() -> String {
    let mut rng = rand::rng();
    let mut code = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            code.push('-');
        }
        code.push(char::from(
            CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())],
        ));
    }
    code
}

/// Normalises what a participant typed: upper case, spaces and dashes ignored, the dash put
/// back in its place.
pub fn normalize_access_code(typed: &str) -> String {
    let plain: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if plain.len() == 8 {
        format!("{}-{}", &plain[..4], &plain[4..])
    } else {
        plain
    }
}

fn generate_exercise_id() -> Result<ExerciseId, EngineError> {
    let mut rng = rand::rng();
    let tail: String = (0..8)
        .map(|_| char::from(b"abcdefghjkmnpqrstuvwxyz23456789"[rng.random_range(0..31)]))
        .collect();
    ExerciseId::new(format!("ex-{tail}")).map_err(|e| EngineError::Invalid(e.to_string()))
}

fn generate_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}

/// What to launch.
#[derive(Debug, Clone)]
pub struct LaunchRequest {
    /// The scenario.
    pub scenario: ScenarioId,
    /// A version; the latest when `None`.
    pub version: Option<u32>,
    /// Display name; the scenario's name when `None`.
    pub name: Option<String>,
    /// Initial speed.
    pub speed: Speed,
    /// Where the dashboards run.
    pub runtime: DashboardRuntime,
    /// Who launches it.
    pub actor: Option<String>,
}

impl EngineHandle {
    /// Creates an exercise in the `deployed` state. Its dashboards come up when an
    /// orchestrator takes it (at once in the all-in-one server).
    pub async fn launch(&self, request: LaunchRequest) -> Result<ExerciseRecord, EngineError> {
        let (scenario, version) = match request.version {
            Some(v) => (self.store.scenario_version(&request.scenario, v).await?, v),
            None => self.store.latest_scenario(&request.scenario).await?,
        };
        let report = scip_core::validate_scenario(&scenario, &|_| true);
        if report.has_errors() {
            let first = report
                .problems
                .iter()
                .find(|p| p.is_error())
                .map(ToString::to_string)
                .unwrap_or_default();
            return Err(EngineError::Invalid(format!(
                "scenario {} version {version} has {} errors and cannot run (first: {first})",
                scenario.id,
                report.error_count()
            )));
        }
        // A clash of generated codes or ids is astronomically rare; try again with new ones.
        for _ in 0..5 {
            let id = generate_exercise_id()?;
            let teams = scenario
                .teams
                .iter()
                .map(|t| {
                    NewExerciseTeam::from_team(
                        t,
                        generate_access_code(),
                        scip_bus::MqttUsername::for_team(&id, &t.id).to_string(),
                        generate_password(),
                    )
                })
                .collect();
            let new = NewExercise {
                id: id.clone(),
                name: request
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| scenario.name.clone()),
                scenario_id: scenario.id.clone(),
                scenario_version: version,
                speed: request.speed,
                turn_grace_ms: self.config.turn_grace_ms,
                dashboard_runtime: request.runtime,
                created_by: request.actor.clone(),
                teams,
            };
            match self.store.create_exercise(&new, self.clock.now()).await {
                Ok(record) => {
                    self.credentials_changed().await;
                    info!(exercise.id = %record.id, scenario = %record.scenario_id, version, "exercise created");
                    self.hub
                        .publish(LiveEvent::ExerciseChanged {
                            exercise: record.id.to_string(),
                            version: record.version,
                        })
                        .await;
                    return Ok(record);
                }
                Err(StoreError::Conflict {
                    current_version: None,
                    ..
                }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(EngineError::Invalid(
            "could not generate unique exercise credentials; try again".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_codes_are_unambiguous_and_normalised() {
        let code = generate_access_code();
        assert_eq!(code.len(), 9);
        assert!(
            code.chars()
                .all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(normalize_access_code(" k7qm 2xd9 "), "K7QM-2XD9");
        assert_eq!(normalize_access_code("K7QM-2XD9"), "K7QM-2XD9");
    }

    #[test]
    fn exercise_ids_are_valid_slugs() {
        let id = generate_exercise_id().unwrap();
        assert!(id.as_str().starts_with("ex-") && id.as_str().len() == 11);
    }
}
