//! MQTT credentials of team dashboards. The embedded broker asks [`StoreAuthenticator`] at
//! each CONNECT (the store knows every live exercise's credentials); an external Mosquitto is
//! kept in step by rewriting its password and ACL files ([`Provisioning::Mosquitto`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scip_bus::mosquitto::MosquittoProvisioner;
use scip_bus::{Authenticator, Credential, Principal};
use scip_core::engine::ExerciseState;
use scip_store::{Paging, Store};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tracing::warn;

use crate::EngineHandle;

/// Where dashboard credentials must be written.
#[derive(Clone, Default)]
pub enum Provisioning {
    /// The embedded broker reads them from the store: nothing to write.
    #[default]
    Store,
    /// An external Mosquitto: rewrite its files and make it reload. The credentials given
    /// here (the engine's own, a monitor's) are always kept in the files.
    Mosquitto(Arc<MosquittoProvisioner>, Vec<Credential>),
}

impl EngineHandle {
    /// Every credential of every exercise that is not stopped.
    pub async fn live_credentials(&self) -> Vec<Credential> {
        let mut out = Vec::new();
        let Ok(page) = self.store.list_exercises(None, Paging::first(10_000)).await else {
            return out;
        };
        for exercise in page
            .items
            .iter()
            .filter(|e| e.runtime.state != ExerciseState::Stopped)
        {
            let Ok(teams) = self.store.exercise_teams(&exercise.id).await else {
                continue;
            };
            for team in teams {
                let principal = Principal::Team {
                    exercise: exercise.id.clone(),
                    team: team.team_id.clone(),
                };
                match Credential::new(
                    team.mqtt_username.clone(),
                    team.mqtt_password.clone(),
                    principal,
                ) {
                    Ok(c) => out.push(c),
                    Err(e) => {
                        warn!(exercise.id = %exercise.id, error = %e, "unusable MQTT credential")
                    }
                }
            }
        }
        out
    }

    /// Brings an external broker's credentials in line with the live exercises.
    pub async fn credentials_changed(&self) {
        if let Provisioning::Mosquitto(p, fixed) = &self.provisioning {
            let mut creds = fixed.clone();
            creds.extend(self.live_credentials().await);
            if let Err(e) = p.replace_all(creds).await {
                warn!(error = %e, "could not update Mosquitto's password and ACL files");
            }
        }
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

struct Cached {
    principal: Principal,
    password: [u8; 32],
    until: Instant,
}

/// How long a team credential looked up in the store is trusted without asking again.
const CACHE_FOR: Duration = Duration::from_secs(5);

/// Authenticates broker clients: the engine (and an optional read-only monitor) by their
/// configured passwords, team dashboards by the credentials stored with their exercise.
pub struct StoreAuthenticator {
    store: Store,
    fixed: Vec<(String, [u8; 32], Principal)>,
    cache: Mutex<HashMap<String, Cached>>,
}

impl StoreAuthenticator {
    /// An authenticator for the engine's own login plus the store's team logins.
    pub fn new(store: Store, engine_user: &str, engine_password: &str) -> Self {
        Self {
            store,
            fixed: vec![(
                engine_user.to_owned(),
                digest(engine_password.as_bytes()),
                Principal::Engine,
            )],
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// Adds a read-only monitor login.
    pub fn with_monitor(mut self, user: &str, password: &str) -> Self {
        self.fixed.push((
            user.to_owned(),
            digest(password.as_bytes()),
            Principal::Monitor,
        ));
        self
    }
}

impl Authenticator for StoreAuthenticator {
    async fn authenticate(&self, username: &str, password: &[u8]) -> Option<Principal> {
        let given = digest(password);
        if let Some((_, hash, principal)) = self.fixed.iter().find(|(u, _, _)| u == username) {
            return bool::from(hash.ct_eq(&given)).then(|| principal.clone());
        }
        if let Ok(cache) = self.cache.lock()
            && let Some(c) = cache.get(username)
            && c.until > Instant::now()
        {
            return bool::from(c.password.ct_eq(&given)).then(|| c.principal.clone());
        }
        let team = self
            .store
            .find_team_by_mqtt_username(username)
            .await
            .ok()??;
        let stored = digest(team.mqtt_password.as_bytes());
        let principal = Principal::Team {
            exercise: team.exercise_id.clone(),
            team: team.team_id.clone(),
        };
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() > 10_000 {
                cache.clear();
            }
            cache.insert(
                username.to_owned(),
                Cached {
                    principal: principal.clone(),
                    password: stored,
                    until: Instant::now() + CACHE_FOR,
                },
            );
        }
        bool::from(stored.ct_eq(&given)).then_some(principal)
    }
}
