//! Which principal each live connection authenticated as.
//!
//! rmqtt's ACL hooks see the session but not what our authenticator decided, so the
//! authentication hook records the principal under the connection's id (unique per
//! connection: it holds the peer address and the connect time) and the ACL hooks look it up.
//! Entries leave when the connection ends. A connection refused after authentication (rare:
//! the broker's session lock timed out) never connects, so admitted but unconfirmed entries
//! older than [`UNCONFIRMED_TTL`] are dropped on the next admission.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use rmqtt::types::Id;

use crate::principal::Principal;

/// How long an authenticated connection may take to finish its handshake.
const UNCONFIRMED_TTL: Duration = Duration::from_secs(120);

struct Slot {
    principal: Principal,
    connected: bool,
    admitted_at: Instant,
}

/// Principals by connection.
#[derive(Default)]
pub(crate) struct PrincipalRegistry {
    slots: Mutex<HashMap<Id, Slot>>,
}

impl PrincipalRegistry {
    /// Records the principal of a connection that just authenticated.
    pub(crate) fn admit(&self, id: Id, principal: Principal) {
        let mut slots = self.slots();
        let now = Instant::now();
        slots.retain(|_, s| s.connected || now.duration_since(s.admitted_at) < UNCONFIRMED_TTL);
        slots.insert(
            id,
            Slot {
                principal,
                connected: false,
                admitted_at: now,
            },
        );
    }

    /// The connection completed its handshake.
    pub(crate) fn confirm(&self, id: &Id) {
        if let Some(slot) = self.slots().get_mut(id) {
            slot.connected = true;
        }
    }

    /// The connection ended.
    pub(crate) fn forget(&self, id: &Id) {
        self.slots().remove(id);
    }

    /// The principal of a live connection.
    pub(crate) fn principal(&self, id: &Id) -> Option<Principal> {
        self.slots().get(id).map(|s| s.principal.clone())
    }

    /// Number of connections tracked.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots().len()
    }

    // Every update is a single map operation, so a poisoned lock still guards a consistent map.
    fn slots(&self) -> MutexGuard<'_, HashMap<Id, Slot>> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(port: u16) -> Id {
        Id::new(
            0,
            1,
            None,
            Some(([127, 0, 0, 1], port).into()),
            "client".into(),
            Some("user".into()),
        )
    }

    #[test]
    fn connections_are_told_apart_and_forgotten() {
        let r = PrincipalRegistry::default();
        let (a, b) = (id(1), id(2));
        r.admit(a.clone(), Principal::Engine);
        r.admit(b.clone(), Principal::Monitor);
        r.confirm(&a);
        assert_eq!(r.principal(&a), Some(Principal::Engine));
        assert_eq!(r.principal(&b), Some(Principal::Monitor));
        r.forget(&a);
        assert_eq!(r.principal(&a), None);
        assert_eq!(r.len(), 1);
    }
}
