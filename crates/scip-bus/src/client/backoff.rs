//! Reconnect back-off: doubling from an initial delay up to a cap.

use std::time::Duration;

/// How long to wait before each reconnect attempt: `initial × 2^(attempt−1)`, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait before the first retry.
    pub initial: Duration,
    /// Longest wait.
    pub max: Duration,
}

impl Default for Backoff {
    /// 100 ms, doubling, capped at 5 s.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

impl Backoff {
    /// The wait before reconnect attempt `attempt` (1 for the first retry).
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(20);
        self.initial.saturating_mul(1u32 << doublings).min(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap() {
        let b = Backoff::default();
        let ms = |a| b.delay(a).as_millis();
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(4), ms(6), ms(7)],
            [100, 200, 400, 800, 3200, 5000]
        );
        assert_eq!(b.delay(u32::MAX), Duration::from_secs(5));
        assert_eq!(b.delay(0), Duration::from_millis(100));
    }
}
