//! Authentication for the embedded broker: the [`Authenticator`] trait the application
//! implements, and [`CredentialTable`], an in-memory implementation that exercises add to and
//! remove from while the broker runs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::RwLock;

use scip_core::ExerciseId;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::principal::{Credential, MqttUsername, Principal};

/// Decides who a connecting client is. The embedded broker calls it once per CONNECT; `None`
/// refuses the connection (bad username or password). Clients without a username never reach
/// it: anonymous clients are always refused.
pub trait Authenticator: Send + Sync + 'static {
    /// The principal for this username and password, or `None` to refuse.
    fn authenticate(
        &self,
        username: &str,
        password: &[u8],
    ) -> impl Future<Output = Option<Principal>> + Send;
}

struct Entry {
    password_sha256: [u8; 32],
    principal: Principal,
}

/// Credentials held in memory: usernames with the SHA-256 of their password (compared in
/// constant time) and their principal. Safe to share; changes apply to the next CONNECT.
#[derive(Default)]
pub struct CredentialTable {
    entries: RwLock<HashMap<MqttUsername, Entry>>,
}

impl CredentialTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// A table holding `credentials`.
    pub fn with(credentials: impl IntoIterator<Item = Credential>) -> Self {
        let table = Self::new();
        for c in credentials {
            table.insert(&c);
        }
        table
    }

    /// Adds a credential, replacing any with the same username.
    pub fn insert(&self, credential: &Credential) {
        let entry = Entry {
            password_sha256: sha256(credential.password().as_bytes()),
            principal: credential.principal().clone(),
        };
        self.write().insert(credential.username().clone(), entry);
    }

    /// Removes a username; returns whether it was there.
    pub fn remove(&self, username: &MqttUsername) -> bool {
        self.write().remove(username).is_some()
    }

    /// Removes every team credential of an exercise; returns how many were removed.
    pub fn remove_exercise(&self, exercise: &ExerciseId) -> usize {
        let mut entries = self.write();
        let before = entries.len();
        entries.retain(
            |_, e| !matches!(&e.principal, Principal::Team { exercise: ex, .. } if ex == exercise),
        );
        before - entries.len()
    }

    /// Number of usernames.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The principal for a username and password, if they match.
    pub fn check(&self, username: &str, password: &[u8]) -> Option<Principal> {
        let username = MqttUsername::new(username).ok()?;
        let entries = self.read();
        let entry = entries.get(&username)?;
        let matches: bool = entry.password_sha256.ct_eq(&sha256(password)).into();
        matches.then(|| entry.principal.clone())
    }

    // A poisoned lock only means another thread panicked while holding it; the map itself is
    // always left consistent (single insert/remove calls), so keep using it.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<MqttUsername, Entry>> {
        self.entries.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<MqttUsername, Entry>> {
        self.entries.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Authenticator for CredentialTable {
    async fn authenticate(&self, username: &str, password: &[u8]) -> Option<Principal> {
        self.check(username, password)
    }
}

impl<A: Authenticator> Authenticator for std::sync::Arc<A> {
    fn authenticate(
        &self,
        username: &str,
        password: &[u8],
    ) -> impl Future<Output = Option<Principal>> + Send {
        A::authenticate(self, username, password)
    }
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use scip_core::TeamId;

    fn team_cred(user: &str, ex: &str) -> Credential {
        Credential::new(
            user,
            format!("pw-{user}"),
            Principal::Team {
                exercise: ExerciseId::new(ex).unwrap(),
                team: TeamId::new("red").unwrap(),
            },
        )
        .unwrap()
    }

    #[test]
    fn right_password_gives_the_principal_and_wrong_ones_nothing() {
        let table =
            CredentialTable::with([Credential::new("eng", "s3cret", Principal::Engine).unwrap()]);
        assert_eq!(table.check("eng", b"s3cret"), Some(Principal::Engine));
        assert_eq!(table.check("eng", b"s3cret "), None);
        assert_eq!(table.check("eng", b""), None);
        assert_eq!(table.check("nobody", b"s3cret"), None);
        assert_eq!(table.check("bad name", b"s3cret"), None);
    }

    #[test]
    fn removing_an_exercise_drops_only_its_teams() {
        let table = CredentialTable::with([
            team_cred("a", "ex-1"),
            team_cred("b", "ex-1"),
            team_cred("c", "ex-2"),
            Credential::new("eng", "x", Principal::Engine).unwrap(),
        ]);
        assert_eq!(table.remove_exercise(&ExerciseId::new("ex-1").unwrap()), 2);
        assert_eq!(table.len(), 2);
        assert!(table.check("a", b"pw-a").is_none());
        assert!(table.check("c", b"pw-c").is_some());
    }

    #[test]
    fn inserting_again_replaces_the_password() {
        let table = CredentialTable::new();
        table.insert(&Credential::new("m", "one", Principal::Monitor).unwrap());
        table.insert(&Credential::new("m", "two", Principal::Monitor).unwrap());
        assert!(table.check("m", b"one").is_none());
        assert!(table.check("m", b"two").is_some());
        assert!(table.remove(&MqttUsername::new("m").unwrap()));
        assert!(table.is_empty());
    }
}
