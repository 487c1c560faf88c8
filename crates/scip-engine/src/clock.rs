//! The engine's sense of time: wall-clock milliseconds derived from a monotonic clock, so that
//! inside one process time never steps backwards (a host clock adjustment does not move the
//! exercise clock), while across restarts the persisted wall times still line up.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use scip_core::engine::WallMs;

/// Wall time read once at creation, advanced by a monotonic clock afterwards.
#[derive(Debug, Clone, Copy)]
pub struct ProcessClock {
    anchor: Instant,
    anchor_wall: WallMs,
}

impl ProcessClock {
    /// Anchors to the system clock now.
    pub fn new() -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        Self {
            anchor: Instant::now(),
            anchor_wall: WallMs::try_from(wall).unwrap_or(0),
        }
    }

    /// Wall milliseconds now (monotonic within this process).
    pub fn now(&self) -> WallMs {
        self.at(Instant::now())
    }

    /// The wall milliseconds corresponding to a monotonic instant.
    pub fn at(&self, instant: Instant) -> WallMs {
        let since = instant.saturating_duration_since(self.anchor).as_millis();
        self.anchor_wall + WallMs::try_from(since).unwrap_or(WallMs::MAX / 2)
    }

    /// The monotonic instant at which wall time reaches `wall`.
    pub fn instant_of(&self, wall: WallMs) -> Instant {
        let ahead = u64::try_from(wall - self.anchor_wall).unwrap_or(0);
        self.anchor + std::time::Duration::from_millis(ahead)
    }
}

impl Default for ProcessClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn wall_time_follows_the_monotonic_clock() {
        let clock = ProcessClock::new();
        let a = clock.now();
        let later = clock.anchor + Duration::from_millis(1_500);
        assert_eq!(clock.at(later) - clock.anchor_wall, 1_500);
        assert!(clock.now() >= a);
        assert_eq!(
            clock.instant_of(clock.anchor_wall + 250),
            clock.anchor + Duration::from_millis(250)
        );
    }
}
