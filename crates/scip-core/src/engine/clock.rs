//! The exercise clock, derived from a persisted triple and never accumulated by ticks:
//! `elapsed = base_elapsed + (now − running_since) × speed` while running.

use serde::{Deserialize, Serialize};

/// Wall-clock time in milliseconds since the Unix epoch. Engines feed a value derived from a
/// monotonic clock inside one process, so it never steps backwards there.
pub type WallMs = i64;

/// Clock speed in thousandths (1000 = real time), between ×0.5 and ×60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Speed(u32);

/// A speed outside ×0.5–×60.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("speed ×{0} is outside ×0.5–×60")]
pub struct SpeedError(pub f64);

impl Speed {
    /// Real time.
    pub const NORMAL: Speed = Speed(1000);
    /// Slowest: half speed.
    pub const MIN_MILLI: u32 = 500;
    /// Fastest: sixty times.
    pub const MAX_MILLI: u32 = 60_000;

    /// A speed in thousandths.
    pub fn from_milli(milli: u32) -> Result<Self, SpeedError> {
        if (Self::MIN_MILLI..=Self::MAX_MILLI).contains(&milli) {
            Ok(Self(milli))
        } else {
            Err(SpeedError(f64::from(milli) / 1000.0))
        }
    }

    /// A speed as a factor (`2.5` = ×2.5), rounded to thousandths.
    pub fn from_factor(factor: f64) -> Result<Self, SpeedError> {
        if !factor.is_finite() {
            return Err(SpeedError(factor));
        }
        let milli = (factor * 1000.0).round();
        if milli < f64::from(Self::MIN_MILLI) || milli > f64::from(Self::MAX_MILLI) {
            return Err(SpeedError(factor));
        }
        // In range, so the cast is exact.
        Ok(Self(milli as u32))
    }

    /// Thousandths.
    pub fn milli(self) -> u32 {
        self.0
    }

    /// As a factor.
    pub fn factor(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

impl Default for Speed {
    fn default() -> Self {
        Self::NORMAL
    }
}

impl TryFrom<u32> for Speed {
    type Error = SpeedError;
    fn try_from(milli: u32) -> Result<Self, Self::Error> {
        Self::from_milli(milli)
    }
}

impl From<Speed> for u32 {
    fn from(s: Speed) -> u32 {
        s.0
    }
}

/// The persisted clock triple.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Clock {
    /// Exercise time accumulated before the current running stretch, in ms.
    pub base_elapsed_ms: u64,
    /// When the current running stretch began (wall ms); `None` while stopped.
    pub running_since: Option<WallMs>,
    /// How fast exercise time runs.
    pub speed: Speed,
}

impl Clock {
    /// True while the clock runs.
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Exercise time at `now`, in ms.
    pub fn elapsed(&self, now: WallMs) -> u64 {
        match self.running_since {
            None => self.base_elapsed_ms,
            Some(since) => {
                let wall = u64::try_from(now.saturating_sub(since)).unwrap_or(0);
                let scaled = u128::from(wall) * u128::from(self.speed.0) / 1000;
                self.base_elapsed_ms
                    .saturating_add(u64::try_from(scaled).unwrap_or(u64::MAX))
            }
        }
    }

    /// The first wall instant at which elapsed time reaches `target`; `None` while stopped.
    /// A target already reached gives `now`.
    pub fn wall_when(&self, target: u64, now: WallMs) -> Option<WallMs> {
        let since = self.running_since?;
        if target <= self.elapsed(now) {
            return Some(now);
        }
        let ahead = u128::from(target - self.base_elapsed_ms);
        let wall = (ahead * 1000).div_ceil(u128::from(self.speed.0));
        Some(since.saturating_add(i64::try_from(wall).unwrap_or(i64::MAX)))
    }

    /// Starts (or keeps) running from `now`.
    pub fn run(&mut self, now: WallMs) {
        if self.running_since.is_none() {
            self.running_since = Some(now);
        }
    }

    /// Stops at the current elapsed time.
    pub fn hold(&mut self, now: WallMs) {
        self.base_elapsed_ms = self.elapsed(now);
        self.running_since = None;
    }

    /// Folds the running stretch into the base so a change of speed or position starts fresh.
    fn rebase(&mut self, now: WallMs) {
        let running = self.is_running();
        self.hold(now);
        if running {
            self.running_since = Some(now);
        }
    }

    /// Changes speed from `now` on, keeping the elapsed time.
    pub fn set_speed(&mut self, speed: Speed, now: WallMs) {
        self.rebase(now);
        self.speed = speed;
    }

    /// Jumps to `target` elapsed ms, keeping the running state.
    pub fn jump_to(&mut self, target: u64, now: WallMs) {
        self.rebase(now);
        self.base_elapsed_ms = target;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_clock_counts_wall_time_times_speed() {
        let mut c = Clock::default();
        c.run(1_000);
        assert_eq!(c.elapsed(3_500), 2_500);
        c.set_speed(Speed::from_factor(2.0).unwrap(), 3_500);
        assert_eq!(c.elapsed(4_500), 4_500);
        c.hold(4_500);
        assert_eq!(c.elapsed(99_000), 4_500);
    }

    #[test]
    fn wall_when_finds_the_first_instant_reaching_a_target() {
        let mut c = Clock {
            speed: Speed::from_milli(1_500).unwrap(),
            ..Clock::default()
        };
        assert_eq!(c.wall_when(10, 0), None);
        c.run(0);
        let at = c.wall_when(1_000, 0).unwrap();
        assert!(c.elapsed(at) >= 1_000);
        assert!(c.elapsed(at - 1) < 1_000);
    }

    #[test]
    fn speed_limits_are_enforced() {
        assert!(Speed::from_factor(0.49).is_err());
        assert!(Speed::from_factor(60.0).is_ok());
        assert!(Speed::from_factor(f64::NAN).is_err());
        assert_eq!(Speed::from_factor(0.5).unwrap().milli(), 500);
    }

    #[test]
    fn clock_before_its_start_reads_its_base() {
        let c = Clock {
            base_elapsed_ms: 7,
            running_since: Some(100),
            speed: Speed::NORMAL,
        };
        assert_eq!(c.elapsed(50), 7);
    }
}
