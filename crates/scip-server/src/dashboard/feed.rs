//! The dashboard's live feed: deliveries of the current run de-duplicated by `(run, seq)` into a
//! bounded ring, and a broadcast of everything new to the browsers' event streams.
//!
//! Deliveries reach the ring from MQTT (live) and from the source (history after a gap, a
//! reconnect or a lost message); whichever comes first wins and the other is a duplicate. The
//! ring remembers how far the feed is complete (`complete_through`) so the dashboard knows when
//! to fetch what it missed, and answers "everything after seq N" while it still holds it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use scip_bus::payload::{DeliveryPayload, TimerPayload};
use tokio::sync::broadcast;

/// Deliveries kept in memory per dashboard; older ones are read from the source again.
pub const DEFAULT_RING_CAPACITY: usize = 256;
/// Events buffered per browser stream before it counts as lagging (it then catches up).
const EVENT_BUFFER: usize = 1024;

/// The kinds of HTML fragment a delivery is shown as, one per page layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentKind {
    /// A feed card (All, News, Social, Intel, Alerts).
    Card,
    /// An inbox row (E-mail).
    MailRow,
    /// The reading pane (E-mail).
    MailReader,
    /// A conversation bubble (SMS).
    Bubble,
    /// A news-wall story (public-feed teams).
    Wall,
    /// The pop-up for urgent items and breaking news.
    Banner,
}

const FRAGMENT_KINDS: usize = 6;

impl FragmentKind {
    fn index(self) -> usize {
        match self {
            Self::Card => 0,
            Self::MailRow => 1,
            Self::MailReader => 2,
            Self::Bubble => 3,
            Self::Wall => 4,
            Self::Banner => 5,
        }
    }
}

/// One delivery as the dashboard holds it: parsed, its JSON text, its rendered fragments and
/// the event data sent for it (each built once, when first asked for, then shared by every
/// browser).
#[derive(Debug)]
pub struct FeedEntry {
    /// The delivery.
    pub delivery: DeliveryPayload,
    /// The payload JSON exactly as received.
    pub json: String,
    fragments: [OnceLock<Option<Arc<str>>>; FRAGMENT_KINDS],
    events: Mutex<Vec<(u8, Arc<str>)>>,
}

impl FeedEntry {
    /// Reads a delivery payload; `None` when it is not one.
    pub fn parse(json: &[u8]) -> Result<Self, scip_bus::payload::PayloadError> {
        let delivery = DeliveryPayload::parse(json)?;
        Ok(Self::new(
            delivery,
            String::from_utf8_lossy(json).into_owned(),
        ))
    }

    /// An entry for a parsed delivery and its JSON text.
    pub fn new(delivery: DeliveryPayload, json: String) -> Self {
        Self {
            delivery,
            json,
            fragments: Default::default(),
            events: Mutex::new(Vec::new()),
        }
    }

    /// The event data for one kind of page (`key`), built by `build` the first time.
    pub fn event_data(&self, key: u8, build: impl FnOnce() -> String) -> Arc<str> {
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, data)) = events.iter().find(|(k, _)| *k == key) {
            return data.clone();
        }
        let data: Arc<str> = Arc::from(build());
        events.push((key, data.clone()));
        data
    }

    /// The run.
    pub fn run(&self) -> u32 {
        self.delivery.run
    }

    /// The seq in the run.
    pub fn seq(&self) -> u64 {
        self.delivery.seq
    }

    /// A fragment, rendered by `render` the first time it is asked for (`None`: this delivery
    /// has no such fragment, e.g. a bubble for an e-mail).
    pub fn fragment(
        &self,
        kind: FragmentKind,
        render: impl FnOnce(&DeliveryPayload) -> Option<String>,
    ) -> Option<Arc<str>> {
        self.fragments[kind.index()]
            .get_or_init(|| render(&self.delivery).map(Arc::from))
            .clone()
    }
}

/// What the ring did with an offered delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// New: kept and broadcast. `gap` when seqs before it are still missing.
    Added {
        /// Some earlier seq of the run has not been seen.
        gap: bool,
    },
    /// Already held (a resend, or the same delivery by MQTT and history).
    Duplicate,
    /// From an earlier run than the feed's; dropped.
    Stale,
    /// From a later run: the feed was reset to it, then the delivery kept.
    NewRun,
}

/// The bounded, de-duplicating store of the current run's deliveries. Pure.
#[derive(Debug)]
pub struct FeedRing {
    run: u32,
    last_seq: u64,
    complete_through: u64,
    entries: BTreeMap<u64, Arc<FeedEntry>>,
    capacity: usize,
}

impl FeedRing {
    /// An empty ring for `run` holding at most `capacity` deliveries (at least 1).
    pub fn new(run: u32, capacity: usize) -> Self {
        Self {
            run,
            last_seq: 0,
            complete_through: 0,
            entries: BTreeMap::new(),
            capacity: capacity.max(1),
        }
    }

    /// The current run.
    pub fn run(&self) -> u32 {
        self.run
    }

    /// The highest seq seen in the run.
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Every seq up to this one has been seen.
    pub fn complete_through(&self) -> u64 {
        self.complete_through
    }

    /// Empties the ring for a later run; earlier or equal runs change nothing. Returns whether
    /// it reset.
    pub fn reset(&mut self, run: u32) -> bool {
        if run <= self.run {
            return false;
        }
        *self = Self::new(run, self.capacity);
        true
    }

    /// Takes a delivery in, de-duplicating by `(run, seq)`.
    pub fn offer(&mut self, entry: Arc<FeedEntry>) -> Offer {
        let (run, seq) = (entry.run(), entry.seq());
        let new_run = match run.cmp(&self.run) {
            std::cmp::Ordering::Less => return Offer::Stale,
            std::cmp::Ordering::Greater => self.reset(run),
            std::cmp::Ordering::Equal => false,
        };
        if seq == 0 || seq <= self.complete_through || self.entries.contains_key(&seq) {
            return Offer::Duplicate;
        }
        self.entries.insert(seq, entry);
        self.last_seq = self.last_seq.max(seq);
        while self.entries.contains_key(&(self.complete_through + 1)) {
            self.complete_through += 1;
        }
        while self.entries.len() > self.capacity {
            self.entries.pop_first();
        }
        if new_run {
            Offer::NewRun
        } else {
            Offer::Added {
                gap: self.complete_through < seq,
            }
        }
    }

    /// Every delivery after `seq` up to the last one seen, when the ring still holds them all
    /// without holes; `None` when the source must be asked.
    pub fn after(&self, seq: u64) -> Option<Vec<Arc<FeedEntry>>> {
        if seq >= self.last_seq {
            return Some(Vec::new());
        }
        let found: Vec<Arc<FeedEntry>> = self
            .entries
            .range(seq + 1..)
            .map(|(_, e)| e.clone())
            .collect();
        let wanted = usize::try_from(self.last_seq - seq).ok()?;
        (found.len() == wanted).then_some(found)
    }
}

/// What browsers' event streams hear.
#[derive(Debug, Clone)]
pub enum FeedEvent {
    /// A new delivery of the current run.
    Delivery(Arc<FeedEntry>),
    /// The clock (the MQTT timer payload).
    Timer(Arc<TimerPayload>),
    /// A control message, as JSON.
    Control(Arc<str>),
    /// A new run began: browsers clear their feed.
    Reset {
        /// The new run.
        run: u32,
    },
}

/// The ring behind a lock, the latest timer, and the broadcast to browsers.
#[derive(Debug)]
pub struct LiveFeed {
    ring: Mutex<FeedRing>,
    timer: Mutex<Option<Arc<TimerPayload>>>,
    events: broadcast::Sender<FeedEvent>,
}

impl LiveFeed {
    /// A feed of `run` holding `capacity` deliveries.
    pub fn new(run: u32, capacity: usize) -> Self {
        Self {
            ring: Mutex::new(FeedRing::new(run, capacity)),
            timer: Mutex::new(None),
            events: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    // Nothing is left half-updated by a panic inside these short critical sections.
    fn ring(&self) -> MutexGuard<'_, FeedRing> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes to new deliveries, timer ticks, control messages and resets.
    pub fn subscribe(&self) -> broadcast::Receiver<FeedEvent> {
        self.events.subscribe()
    }

    /// The current run.
    pub fn run(&self) -> u32 {
        self.ring().run()
    }

    /// `(complete_through, last_seq)` of the current run.
    pub fn progress(&self) -> (u64, u64) {
        let ring = self.ring();
        (ring.complete_through(), ring.last_seq())
    }

    /// Offers a delivery; new ones (and the reset a later run implies) are broadcast.
    pub fn offer(&self, entry: Arc<FeedEntry>) -> Offer {
        let offer = self.ring().offer(entry.clone());
        // The lock is released before anyone is told.
        match offer {
            Offer::NewRun => {
                let _ = self.events.send(FeedEvent::Reset { run: entry.run() });
                let _ = self.events.send(FeedEvent::Delivery(entry));
            }
            Offer::Added { .. } => {
                let _ = self.events.send(FeedEvent::Delivery(entry));
            }
            Offer::Duplicate | Offer::Stale => {}
        }
        offer
    }

    /// Moves to a later run (a reset announced on the control channel or seen in the state).
    pub fn reset(&self, run: u32) -> bool {
        let reset = self.ring().reset(run);
        if reset {
            let _ = self.events.send(FeedEvent::Reset { run });
        }
        reset
    }

    /// Deliveries after `seq` when still held without holes (see [`FeedRing::after`]).
    pub fn after(&self, seq: u64) -> Option<Vec<Arc<FeedEntry>>> {
        self.ring().after(seq)
    }

    /// Whether `seq` is a delivery the feed has seen in `run` (receipts for anything else are
    /// dropped).
    pub fn knows(&self, run: u32, seq: u64) -> bool {
        let ring = self.ring();
        ring.run() == run && seq >= 1 && seq <= ring.last_seq()
    }

    /// Records and broadcasts a clock tick.
    pub fn set_timer(&self, timer: TimerPayload) {
        let timer = Arc::new(timer);
        *self.timer.lock().unwrap_or_else(|e| e.into_inner()) = Some(timer.clone());
        let _ = self.events.send(FeedEvent::Timer(timer));
    }

    /// The latest clock tick received, if any.
    pub fn timer(&self) -> Option<Arc<TimerPayload>> {
        self.timer.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Broadcasts a control message.
    pub fn control(&self, json: Arc<str>) {
        let _ = self.events.send(FeedEvent::Control(json));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use scip_core::{Content, ExerciseId, InjectId, InjectType, Priority, TeamId};
    use time::OffsetDateTime;

    pub(crate) fn entry(run: u32, seq: u64) -> Arc<FeedEntry> {
        let serde_json::Value::Object(fields) =
            serde_json::json!({"from": "Ops", "body": format!("message {seq}")})
        else {
            unreachable!()
        };
        let delivery = DeliveryPayload {
            v: scip_bus::payload::V1,
            id: InjectId::new(format!("i-{seq}")).unwrap(),
            content: Content::from_fields(InjectType::Sms, fields).unwrap(),
            priority: Priority::Medium,
            media: vec![],
            team_id: TeamId::new("red").unwrap(),
            exercise_id: ExerciseId::new("ex-1").unwrap(),
            delivered_at: seq,
            turn: None,
            manual: false,
            action: None,
            time: seq,
            seq,
            delivery_id: format!("d{seq}"),
            scheduled_ms: None,
            fired_at: OffsetDateTime::UNIX_EPOCH,
            late: false,
            run,
        };
        let json = serde_json::to_string(&delivery).unwrap();
        Arc::new(FeedEntry::new(delivery, json))
    }

    #[test]
    fn duplicates_and_stale_runs_are_dropped() {
        let mut ring = FeedRing::new(2, 10);
        assert_eq!(ring.offer(entry(2, 1)), Offer::Added { gap: false });
        assert_eq!(ring.offer(entry(2, 1)), Offer::Duplicate);
        assert_eq!(ring.offer(entry(1, 5)), Offer::Stale);
        assert_eq!(ring.last_seq(), 1);
    }

    #[test]
    fn a_gap_is_reported_until_it_is_filled() {
        let mut ring = FeedRing::new(1, 10);
        ring.offer(entry(1, 1));
        assert_eq!(ring.offer(entry(1, 3)), Offer::Added { gap: true });
        assert_eq!(ring.complete_through(), 1);
        assert!(ring.after(1).is_none(), "seq 2 is missing");
        assert_eq!(ring.offer(entry(1, 2)), Offer::Added { gap: false });
        assert_eq!(ring.complete_through(), 3);
        let seqs: Vec<u64> = ring.after(1).unwrap().iter().map(|e| e.seq()).collect();
        assert_eq!(seqs, vec![2, 3]);
    }

    #[test]
    fn a_later_run_resets_the_ring() {
        let mut ring = FeedRing::new(1, 10);
        ring.offer(entry(1, 1));
        ring.offer(entry(1, 2));
        assert_eq!(ring.offer(entry(2, 1)), Offer::NewRun);
        assert_eq!((ring.run(), ring.last_seq()), (2, 1));
        assert!(!ring.reset(2));
    }

    #[test]
    fn old_entries_leave_the_ring_and_must_be_fetched() {
        let mut ring = FeedRing::new(1, 3);
        for seq in 1..=5 {
            ring.offer(entry(1, seq));
        }
        assert!(ring.after(0).is_none());
        assert_eq!(ring.after(2).unwrap().len(), 3);
        assert_eq!(ring.after(5).unwrap().len(), 0);
        // Something already seen and gone from the ring is still a duplicate.
        assert_eq!(ring.offer(entry(1, 1)), Offer::Duplicate);
    }

    #[tokio::test]
    async fn live_feed_broadcasts_new_deliveries_and_resets_only() {
        let feed = LiveFeed::new(1, 10);
        let mut rx = feed.subscribe();
        feed.offer(entry(1, 1));
        feed.offer(entry(1, 1));
        feed.offer(entry(2, 1));
        let mut seen = Vec::new();
        while let Ok(event) = rx.try_recv() {
            seen.push(match event {
                FeedEvent::Delivery(e) => format!("d{}:{}", e.run(), e.seq()),
                FeedEvent::Reset { run } => format!("reset{run}"),
                other => format!("{other:?}"),
            });
        }
        assert_eq!(seen, ["d1:1", "reset2", "d2:1"]);
        assert!(feed.knows(2, 1) && !feed.knows(1, 1) && !feed.knows(2, 2));
    }

    proptest! {
        /// Whatever order and repetition deliveries arrive in, each seq is added exactly once,
        /// and once all arrived the ring is complete.
        #[test]
        fn every_seq_is_added_once_in_any_order(order in proptest::collection::vec(1u64..40, 1..200)) {
            let mut ring = FeedRing::new(1, 1000);
            let mut added = std::collections::BTreeSet::new();
            for seq in &order {
                if let Offer::Added { .. } = ring.offer(entry(1, *seq)) {
                    prop_assert!(added.insert(*seq), "seq {} added twice", seq);
                }
            }
            let distinct: std::collections::BTreeSet<u64> = order.iter().copied().collect();
            prop_assert_eq!(&added, &distinct);
            let max = *distinct.iter().max().unwrap();
            let contiguous = (1..=max).all(|s| distinct.contains(&s));
            prop_assert_eq!(ring.complete_through() == max, contiguous);
        }
    }
}
