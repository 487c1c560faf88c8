//! Keeping a dashboard in step with its source: the snapshot (state, run, code version) read
//! again on every control message, every reconnect and at least every few seconds, and the
//! feed completed from history whenever something may be missing (a gap in seqs, a reconnect,
//! a snapshot that knows a later seq). MQTT is the fast path; this is what makes it lossless.

use std::sync::Arc;
use std::time::Duration;

use scip_engine::{Hub, LiveEvent};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use super::DashboardState;
use super::feed::FeedEntry;
use super::snapshot::{HistoryItem, MAX_HISTORY_PAGE, TeamSnapshot};
use super::source::{FeedSource, SourceError};

/// How often the snapshot is read when nothing prompts it.
pub const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// Reads the first snapshot, retrying an unavailable source with back-off until `timeout`.
/// A refused token or a missing team fails at once.
pub async fn first_snapshot(
    source: &FeedSource,
    timeout: Duration,
    cancel: &CancellationToken,
) -> Result<TeamSnapshot, SourceError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut wait = Duration::from_millis(100);
    loop {
        match source.snapshot().await {
            Ok(s) => return Ok(s),
            Err(SourceError::Unavailable(why)) if tokio::time::Instant::now() + wait < deadline => {
                debug!(error = %why, "the source is not available yet; asking again");
            }
            Err(e) => return Err(e),
        }
        tokio::select! {
            _ = cancel.cancelled() => return Err(SourceError::Unavailable("stopped while starting".into())),
            _ = tokio::time::sleep(wait) => {}
        }
        wait = (wait * 2).min(Duration::from_secs(2));
    }
}

fn entry_of(item: HistoryItem) -> Option<FeedEntry> {
    let json = item.payload.to_string();
    FeedEntry::parse(json.as_bytes()).ok()
}

/// Fetches everything after the feed's complete prefix, page by page, into the feed.
pub async fn backfill_once(state: &DashboardState) -> Result<(), SourceError> {
    loop {
        let (after, _) = state.feed.progress();
        let page = state.source.history(after, MAX_HISTORY_PAGE).await?;
        let run = state.feed.run();
        if page.run < run {
            return Ok(());
        }
        if page.run > run {
            state.feed.reset(page.run);
        }
        let full = page.items.len() >= MAX_HISTORY_PAGE as usize;
        let mut progressed = false;
        for item in page.items {
            let seq = item.seq;
            match entry_of(item) {
                Some(entry) if entry.seq() == seq => {
                    state.feed.offer(Arc::new(entry));
                    progressed = true;
                }
                _ => {
                    warn!(exercise.id = %state.exercise, team.id = %state.team, seq, "history item is not a delivery; skipped")
                }
            }
        }
        if !full || !progressed || state.feed.progress().0 == after {
            return Ok(());
        }
    }
}

/// Fills the feed from history each time something may be missing.
pub async fn keep_complete(state: DashboardState) {
    loop {
        let wake = state.wake.backfill.notified();
        tokio::select! {
            _ = state.cancel.cancelled() => return,
            _ = wake => {}
        }
        if let Err(e) = backfill_once(&state).await {
            warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "could not fetch missing deliveries; trying again later");
            let _ = state.source_ok.send_replace(false);
        }
    }
}

/// Whether browsers must hear about the change from `a` to `b` (the clock is sent
/// separately, so its ticking alone is not a change).
fn differs(a: &TeamSnapshot, b: &TeamSnapshot) -> bool {
    (a.state, a.run, a.stopped, a.code_version) != (b.state, b.run, b.stopped, b.code_version)
        || (&a.exercise_name, &a.team_name, &a.team_color)
            != (&b.exercise_name, &b.team_name, &b.team_color)
        || (a.timer.turn, a.timer.total_turns) != (b.timer.turn, b.timer.total_turns)
}

/// What the hub said, as far as this dashboard cares.
enum HubNews {
    /// New deliveries of this exercise.
    Deliveries,
    /// Anything else about this exercise, or updates were missed.
    Changed,
    /// Nothing for this exercise.
    Other,
}

/// Reads the snapshot again every [`REFRESH_EVERY`], when woken (control message, reconnect)
/// and, inside the server, whenever the hub says the exercise changed.
pub async fn keep_snapshot(state: DashboardState, hub: Option<Hub>) {
    let mut hub = hub.map(|h| h.subscribe());
    let mut tick = tokio::time::interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let wake = state.wake.refresh.notified();
        tokio::select! {
            _ = state.cancel.cancelled() => return,
            _ = tick.tick() => {}
            _ = wake => {}
            news = next_hub_news(&mut hub, &state) => match news {
                HubNews::Deliveries => {
                    state.wake.backfill.notify_one();
                    continue;
                }
                HubNews::Changed => {}
                HubNews::Other => continue,
            },
        }
        refresh(&state).await;
    }
}

async fn next_hub_news(
    hub: &mut Option<tokio::sync::broadcast::Receiver<LiveEvent>>,
    state: &DashboardState,
) -> HubNews {
    use tokio::sync::broadcast::error::RecvError;
    let Some(rx) = hub else {
        return std::future::pending().await;
    };
    match rx.recv().await {
        Ok(event) if event.exercise() != state.exercise.as_str() => HubNews::Other,
        Ok(LiveEvent::DeliveriesCreated { .. }) => HubNews::Deliveries,
        // Presence and receipts change nothing a dashboard shows.
        Ok(LiveEvent::Presence { .. } | LiveEvent::DeliveriesUpdated { .. }) => HubNews::Other,
        Ok(_) => HubNews::Changed,
        // Missed some updates: one of them may have been ours.
        Err(RecvError::Lagged(_)) => HubNews::Changed,
        Err(RecvError::Closed) => {
            *hub = None;
            HubNews::Other
        }
    }
}

/// Reads the snapshot once and acts on it: a later run resets the feed, a later seq wakes the
/// backfill, significant changes are announced to browsers.
pub async fn refresh(state: &DashboardState) {
    match state.source.snapshot().await {
        Ok(fresh) => {
            let _ = state.source_ok.send_replace(true);
            if fresh.run > state.feed.run() {
                state.feed.reset(fresh.run);
            }
            if fresh.run == state.feed.run() && fresh.last_seq > state.feed.progress().0 {
                state.wake.backfill.notify_one();
            }
            let fresh = Arc::new(fresh);
            state.snapshot.send_if_modified(|current| {
                let changed = differs(current, &fresh);
                *current = fresh.clone();
                changed
            });
        }
        Err(e) => {
            let was_ok = state.source_ok.send_replace(false);
            if was_ok {
                warn!(exercise.id = %state.exercise, team.id = %state.team, error = %e, "the source does not answer; serving what the dashboard holds");
            }
        }
    }
}
