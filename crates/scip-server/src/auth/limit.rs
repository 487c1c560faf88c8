//! Login and access-code attempt limits, per account and per client address.

use std::net::IpAddr;
use std::time::Duration;

use crate::shared::{SharedError, SharedState};

/// Failed attempts allowed per account in a window.
pub const ACCOUNT_LIMIT: u32 = 8;
/// Failed attempts allowed per address in a window.
pub const ADDRESS_LIMIT: u32 = 30;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Too many failed attempts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("too many failed attempts for this {scope}; try again in {} minutes", retry_after.as_secs().div_ceil(60))]
pub struct Throttled {
    /// `account` or `address`.
    pub scope: &'static str,
    /// When to try again, at the latest.
    pub retry_after: Duration,
}

/// Rate limiter over the shared state.
#[derive(Debug, Clone)]
pub struct AttemptLimiter {
    shared: SharedState,
    namespace: &'static str,
}

impl AttemptLimiter {
    /// A limiter for one kind of attempt (`login`, `team-code`).
    pub fn new(shared: SharedState, namespace: &'static str) -> Self {
        Self { shared, namespace }
    }

    fn keys(&self, account: Option<&str>, address: IpAddr) -> (Option<String>, String) {
        (
            account.map(|a| format!("limit:{}:account:{}", self.namespace, a.to_lowercase())),
            format!("limit:{}:addr:{address}", self.namespace),
        )
    }

    /// Refuses when the account or the address has used up its failures.
    pub async fn check(
        &self,
        account: Option<&str>,
        address: IpAddr,
    ) -> Result<Result<(), Throttled>, SharedError> {
        let (account_key, address_key) = self.keys(account, address);
        if let Some(k) = account_key
            && self.shared.count(&k).await? >= ACCOUNT_LIMIT
        {
            return Ok(Err(Throttled {
                scope: "account",
                retry_after: WINDOW,
            }));
        }
        if self.shared.count(&address_key).await? >= ADDRESS_LIMIT {
            return Ok(Err(Throttled {
                scope: "address",
                retry_after: WINDOW,
            }));
        }
        Ok(Ok(()))
    }

    /// Counts a failed attempt.
    pub async fn failed(&self, account: Option<&str>, address: IpAddr) -> Result<(), SharedError> {
        let (account_key, address_key) = self.keys(account, address);
        if let Some(k) = account_key {
            self.shared.increment(&k, WINDOW).await?;
        }
        self.shared.increment(&address_key, WINDOW).await?;
        Ok(())
    }

    /// Clears the account's failures after a success.
    pub async fn succeeded(
        &self,
        account: Option<&str>,
        address: IpAddr,
    ) -> Result<(), SharedError> {
        let (account_key, _) = self.keys(account, address);
        if let Some(k) = account_key {
            self.shared.reset(&k).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_account_is_throttled_after_its_failures_and_freed_by_success() {
        let limiter = AttemptLimiter::new(SharedState::memory(), "login");
        let addr: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..ACCOUNT_LIMIT {
            assert_eq!(limiter.check(Some("Ann"), addr).await.unwrap(), Ok(()));
            limiter.failed(Some("Ann"), addr).await.unwrap();
        }
        let refused = limiter.check(Some("ann"), addr).await.unwrap().unwrap_err();
        assert_eq!(refused.scope, "account");
        assert_eq!(limiter.check(Some("bob"), addr).await.unwrap(), Ok(()));
        limiter.succeeded(Some("ann"), addr).await.unwrap();
        assert_eq!(limiter.check(Some("ann"), addr).await.unwrap(), Ok(()));
    }
}
