//! State shared between API replicas: login rate-limit counters and revoked sessions. In
//! Redis when `REDIS_URL` is set (so every replica sees the same), in memory otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

/// Shared-state failure (Redis unreachable).
#[derive(Debug, Clone, thiserror::Error)]
#[error("shared state unavailable: {0}")]
pub struct SharedError(pub String);

impl From<redis::RedisError> for SharedError {
    fn from(e: redis::RedisError) -> Self {
        Self(e.to_string())
    }
}

#[derive(Default)]
struct Memory {
    counters: HashMap<String, (u32, Instant)>,
    revoked: HashMap<String, Instant>,
}

/// Counters and revocations, in Redis or in memory.
#[derive(Clone)]
pub struct SharedState(Backend);

#[derive(Clone)]
enum Backend {
    /// One process: a map behind a mutex.
    Memory(Arc<Mutex<Memory>>),
    /// Several replicas: Redis.
    Redis(ConnectionManager),
}

impl std::fmt::Debug for SharedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Backend::Memory(_) => "SharedState::Memory",
            Backend::Redis(_) => "SharedState::Redis",
        })
    }
}

const PREFIX: &str = "scip:";

impl SharedState {
    /// In-memory state for a single process.
    pub fn memory() -> Self {
        Self(Backend::Memory(Arc::new(Mutex::new(Memory::default()))))
    }

    /// Redis state; fails when the server cannot be reached.
    pub async fn redis(url: &str) -> Result<Self, SharedError> {
        let client = redis::Client::open(url)?;
        let manager = ConnectionManager::new(client).await?;
        Ok(Self(Backend::Redis(manager)))
    }

    /// `true` when backed by Redis.
    pub fn is_redis(&self) -> bool {
        matches!(self.0, Backend::Redis(_))
    }

    /// Checks Redis answers (always fine in memory).
    pub async fn ping(&self) -> Result<(), SharedError> {
        match &self.0 {
            Backend::Memory(_) => Ok(()),
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                let _: String = redis::cmd("PING").query_async(&mut conn).await?;
                Ok(())
            }
        }
    }

    /// The current count of a counter within its window.
    pub async fn count(&self, key: &str) -> Result<u32, SharedError> {
        match &self.0 {
            Backend::Memory(m) => {
                let mut m = m.lock().map_err(|_| SharedError("lock poisoned".into()))?;
                let now = Instant::now();
                Ok(match m.counters.get(key) {
                    Some((n, until)) if *until > now => *n,
                    Some(_) => {
                        m.counters.remove(key);
                        0
                    }
                    None => 0,
                })
            }
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                let n: Option<u32> = conn.get(format!("{PREFIX}{key}")).await?;
                Ok(n.unwrap_or(0))
            }
        }
    }

    /// Adds one to a counter whose window starts with its first increment; returns the count.
    pub async fn increment(&self, key: &str, window: Duration) -> Result<u32, SharedError> {
        match &self.0 {
            Backend::Memory(m) => {
                let mut m = m.lock().map_err(|_| SharedError("lock poisoned".into()))?;
                let now = Instant::now();
                if m.counters.len() > 100_000 {
                    m.counters.retain(|_, (_, until)| *until > now);
                }
                let entry = m
                    .counters
                    .entry(key.to_owned())
                    .or_insert((0, now + window));
                if entry.1 <= now {
                    *entry = (0, now + window);
                }
                entry.0 += 1;
                Ok(entry.0)
            }
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                let full = format!("{PREFIX}{key}");
                let (n,): (u32,) = redis::pipe()
                    .atomic()
                    .incr(&full, 1)
                    .cmd("PEXPIRE")
                    .arg(&full)
                    .arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX))
                    .arg("NX")
                    .ignore()
                    .query_async(&mut conn)
                    .await?;
                Ok(n)
            }
        }
    }

    /// Clears a counter.
    pub async fn reset(&self, key: &str) -> Result<(), SharedError> {
        match &self.0 {
            Backend::Memory(m) => {
                m.lock()
                    .map_err(|_| SharedError("lock poisoned".into()))?
                    .counters
                    .remove(key);
                Ok(())
            }
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                let _: () = conn.del(format!("{PREFIX}{key}")).await?;
                Ok(())
            }
        }
    }

    /// Marks a session id revoked for `ttl` (its remaining lifetime).
    pub async fn revoke(&self, sid: &str, ttl: Duration) -> Result<(), SharedError> {
        let ttl = ttl.max(Duration::from_secs(1));
        match &self.0 {
            Backend::Memory(m) => {
                let mut m = m.lock().map_err(|_| SharedError("lock poisoned".into()))?;
                let now = Instant::now();
                m.revoked.retain(|_, until| *until > now);
                m.revoked.insert(sid.to_owned(), now + ttl);
                Ok(())
            }
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                let _: () = conn
                    .set_ex(format!("{PREFIX}revoked:{sid}"), 1, ttl.as_secs().max(1))
                    .await?;
                Ok(())
            }
        }
    }

    /// True when a session id has been revoked.
    pub async fn is_revoked(&self, sid: &str) -> Result<bool, SharedError> {
        match &self.0 {
            Backend::Memory(m) => {
                let m = m.lock().map_err(|_| SharedError("lock poisoned".into()))?;
                Ok(m.revoked
                    .get(sid)
                    .is_some_and(|until| *until > Instant::now()))
            }
            Backend::Redis(conn) => {
                let mut conn = conn.clone();
                Ok(conn.exists(format!("{PREFIX}revoked:{sid}")).await?)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn exercise_backend(shared: SharedState) {
        let key = format!("test:{}", ulid::Ulid::generate());
        assert_eq!(shared.count(&key).await.unwrap(), 0);
        assert_eq!(
            shared
                .increment(&key, Duration::from_secs(60))
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            shared
                .increment(&key, Duration::from_secs(60))
                .await
                .unwrap(),
            2
        );
        assert_eq!(shared.count(&key).await.unwrap(), 2);
        shared.reset(&key).await.unwrap();
        assert_eq!(shared.count(&key).await.unwrap(), 0);
        assert!(!shared.is_revoked(&key).await.unwrap());
        shared.revoke(&key, Duration::from_secs(30)).await.unwrap();
        assert!(shared.is_revoked(&key).await.unwrap());
    }

    #[tokio::test]
    async fn counters_and_revocations_work_in_memory() {
        exercise_backend(SharedState::memory()).await;
    }

    #[tokio::test]
    async fn counters_and_revocations_work_in_redis_across_handles() {
        let url = scip_testkit::redis_url();
        let a = SharedState::redis(&url).await.unwrap();
        exercise_backend(a.clone()).await;
        // A second replica sees what the first wrote.
        let b = SharedState::redis(&url).await.unwrap();
        let sid = format!("sid-{}", ulid::Ulid::generate());
        a.revoke(&sid, Duration::from_secs(30)).await.unwrap();
        assert!(b.is_revoked(&sid).await.unwrap());
        b.ping().await.unwrap();
    }
}
