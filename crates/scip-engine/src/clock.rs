//! The engine's sense of time: wall-clock milliseconds derived from a monotonic clock, so that
//! inside one process time never steps backwards (a host clock adjustment does not move the
//! exercise clock), while across restarts the persisted wall times still line up.
//!
//! The anchor keeps the system clock's microseconds: wall millisecond `W` is the instant the
//! system clock reads `W.000`, not up to a millisecond later.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use scip_core::engine::WallMs;

/// How much of a wait is left to a precise sleep after the runtime's millisecond timer.
const PRECISE_LEAD: Duration = Duration::from_millis(2);

/// Wall time read once at creation, advanced by a monotonic clock afterwards.
#[derive(Debug, Clone, Copy)]
pub struct ProcessClock {
    anchor: Instant,
    /// Wall time at `anchor`, µs since the Unix epoch.
    anchor_wall_us: i64,
}

impl ProcessClock {
    /// Anchors to the system clock now.
    pub fn new() -> Self {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros());
        Self {
            anchor: Instant::now(),
            anchor_wall_us: i64::try_from(wall).unwrap_or(0),
        }
    }

    /// Wall milliseconds now (monotonic within this process).
    pub fn now(&self) -> WallMs {
        self.at(Instant::now())
    }

    /// The wall milliseconds corresponding to a monotonic instant.
    pub fn at(&self, instant: Instant) -> WallMs {
        let since = instant.saturating_duration_since(self.anchor).as_micros();
        let since = i64::try_from(since).unwrap_or(i64::MAX / 2);
        self.anchor_wall_us.saturating_add(since).div_euclid(1_000)
    }

    /// The monotonic instant at which wall time reaches `wall` (the anchor for any earlier
    /// wall time).
    pub fn instant_of(&self, wall: WallMs) -> Instant {
        let ahead_us = wall
            .saturating_mul(1_000)
            .saturating_sub(self.anchor_wall_us);
        self.anchor + Duration::from_micros(u64::try_from(ahead_us).unwrap_or(0))
    }

    /// Waits until wall time reaches `wall`, waking within a few tens of microseconds of it.
    pub async fn sleep_until(&self, wall: WallMs) {
        sleep_until_precise(self.instant_of(wall)).await;
    }
}

impl Default for ProcessClock {
    fn default() -> Self {
        Self::new()
    }
}

/// Waits until `deadline` more precisely than the runtime's timer, which rounds every
/// deadline up to its next millisecond tick. The runtime's timer covers all but the last
/// [`PRECISE_LEAD`]; a blocking-pool thread sleeps the rest with the system's high-resolution
/// timer. Dropping the future early leaves that thread to finish its short sleep unobserved.
pub async fn sleep_until_precise(deadline: Instant) {
    if let Some(coarse) = deadline.checked_sub(PRECISE_LEAD)
        && coarse > Instant::now()
    {
        tokio::time::sleep_until(coarse.into()).await;
    }
    if deadline <= Instant::now() {
        return;
    }
    let fine = tokio::task::spawn_blocking(move || {
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    });
    // The blocking pool refuses work only while the runtime shuts down; waiting on the
    // runtime's timer then is as good as anything.
    if fine.await.is_err() {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_time_follows_the_monotonic_clock() {
        let clock = ProcessClock::new();
        let a = clock.now();
        let anchor_ms = clock.at(clock.anchor);
        let later = clock.anchor + Duration::from_millis(1_500);
        assert_eq!(clock.at(later) - anchor_ms, 1_500);
        assert!(clock.now() >= a);
        // Wall millisecond W begins at W.000, which is no later than the anchor's own
        // millisecond plus its fraction.
        let start_of_next = clock.instant_of(anchor_ms + 250);
        let expected_us = (anchor_ms + 250) * 1_000 - clock.anchor_wall_us;
        assert_eq!(
            start_of_next.duration_since(clock.anchor),
            Duration::from_micros(u64::try_from(expected_us).unwrap())
        );
        assert_eq!(clock.at(start_of_next), anchor_ms + 250);
        assert_eq!(
            clock.at(start_of_next - Duration::from_micros(1)),
            anchor_ms + 249
        );
    }

    #[test]
    fn earlier_wall_times_map_to_the_anchor() {
        let clock = ProcessClock::new();
        assert_eq!(clock.instant_of(0), clock.anchor);
        assert_eq!(clock.instant_of(clock.at(clock.anchor) - 5), clock.anchor);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn precise_sleep_wakes_at_its_deadline_not_before() {
        for ahead_us in [0, 300, 1_700, 4_250] {
            let deadline = Instant::now() + Duration::from_micros(ahead_us);
            sleep_until_precise(deadline).await;
            assert!(
                Instant::now() >= deadline,
                "woke before a deadline {ahead_us} µs ahead"
            );
        }
    }
}
