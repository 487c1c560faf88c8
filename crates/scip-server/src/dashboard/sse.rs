//! `GET /events`: the browser's live stream (Server-Sent Events).
//!
//! On every (re)connect the browser first gets every delivery after the last one it holds
//! (`Last-Event-ID`, or `?after=` from `live.js`, as `run:seq`), then the exercise state and
//! the clock, then live events. A browser holding another run first gets `reset`.
//!
//! | event | data |
//! |---|---|
//! | `delivery` (id `run:seq`) | `{run, seq, type, priority, live, html, reader, banner, payload}`: the server-rendered fragment for the page's view (null when the page does not show that type), the e-mail reading pane, the urgent pop-up, and the delivery JSON |
//! | `timer` | the MQTT timer payload, brought up to now |
//! | `state` | `{state, run, turn, total_turns, exercise_name}` |
//! | `control` | the MQTT control payload |
//! | `reset` | `{run}`: a new run began; the browser clears its feed |
//! | `signed-out` | `{reason}`: the session ended (code rotated, exercise stopped); the stream closes |
//! | `closed` | `{reason}`: the dashboard itself is stopping (torn down with its exercise) |

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use scip_bus::payload::TimerPayload;
use scip_core::InjectType;
use scip_core::engine::ExerciseState;
use serde::Deserialize;
use serde_json::json;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::DashboardState;
use super::cards;
use super::feed::{FeedEntry, FeedEvent, FragmentKind};
use super::session::SessionEnd;
use super::snapshot::{MAX_HISTORY_PAGE, TeamSnapshot};

/// Keep-alive comment interval, so proxies do not close a quiet stream (paused exercises are
/// quiet for long).
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// Events buffered per browser before the stream waits for it.
const STREAM_BUFFER: usize = 256;

/// What a page shows, which decides the fragment sent with each delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Every type, as cards.
    All,
    /// One type, as cards.
    Only(InjectType),
    /// E-mail: inbox rows and the reading pane.
    Email,
    /// SMS: conversation bubbles.
    Sms,
    /// The news wall of a public-feed team.
    Wall,
}

impl View {
    /// A small number naming the view and whether the event is live, to cache event data.
    fn cache_key(self, live: bool) -> u8 {
        let view = match self {
            Self::All => 0,
            Self::Only(kind) => {
                1 + InjectType::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
            }
            Self::Email => 10,
            Self::Sms => 11,
            Self::Wall => 12,
        };
        view * 2 + u8::from(live)
    }

    /// Reads `?view=` (`all`, `news`, `social`, `email`, `sms`, `intel`, `alerts`, `wall`);
    /// anything else is `all`.
    pub fn parse(name: Option<&str>) -> Self {
        match name.unwrap_or("all") {
            "news" => Self::Only(InjectType::News),
            "social" => Self::Only(InjectType::Social),
            "intel" => Self::Only(InjectType::Intel),
            "alerts" => Self::Only(InjectType::Alert),
            "email" => Self::Email,
            "sms" => Self::Sms,
            "wall" => Self::Wall,
            _ => Self::All,
        }
    }

    /// The main fragment for `kind` on this view, and a second one (the e-mail reader).
    fn fragments(self, kind: InjectType) -> (Option<FragmentKind>, Option<FragmentKind>) {
        match self {
            Self::All => (Some(FragmentKind::Card), None),
            Self::Only(shown) if shown == kind => (Some(FragmentKind::Card), None),
            Self::Email if kind == InjectType::Email => {
                (Some(FragmentKind::MailRow), Some(FragmentKind::MailReader))
            }
            Self::Sms if kind == InjectType::Sms => (Some(FragmentKind::Bubble), None),
            Self::Wall => (Some(FragmentKind::Wall), None),
            _ => (None, None),
        }
    }
}

/// Query of `GET /events`.
#[derive(Debug, Default, Deserialize)]
pub struct EventsQuery {
    /// The page's view.
    pub view: Option<String>,
    /// Resume after this event id (`run:seq`), when `Last-Event-ID` is not sent.
    pub after: Option<String>,
}

/// Reads an event id: `run:seq`, or a bare `seq` of the current run.
pub fn parse_event_id(id: &str, current_run: u32) -> Option<(u32, u64)> {
    let id = id.trim();
    match id.split_once(':') {
        Some((run, seq)) => Some((run.parse().ok()?, seq.parse().ok()?)),
        None => Some((current_run, id.parse().ok()?)),
    }
}

/// `GET /events`.
pub async fn events(
    State(state): State<DashboardState>,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    let snapshot = state.current();
    match state.sessions.of_request(&headers, &snapshot) {
        Ok(claims) => {
            let code_version = u32::try_from(claims.code_version.unwrap_or_default()).unwrap_or(0);
            let view = View::parse(query.view.as_deref());
            let resume = headers
                .get("last-event-id")
                .and_then(|v| v.to_str().ok())
                .or(query.after.as_deref())
                .and_then(|id| parse_event_id(id, state.feed.run()));
            let task_state = state.clone();
            state.tasks.spawn(async move {
                let stream = Stream {
                    state: task_state,
                    tx,
                    view,
                    code_version,
                };
                stream.run(resume).await;
            });
        }
        // Not an error status: the page hears `signed-out` and reloads into the sign-in page
        // (an error status would only make EventSource retry).
        Err(end) => {
            let _ = tx.try_send(Ok(signed_out(end)));
        }
    }
    Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response()
}

fn signed_out(end: SessionEnd) -> Event {
    let reason = match end {
        SessionEnd::Missing => "signed_out",
        SessionEnd::CodeRotated => "code_rotated",
        SessionEnd::ExerciseStopped => "exercise_stopped",
    };
    Event::default()
        .event("signed-out")
        .data(json!({ "reason": reason }).to_string())
}

/// The clock as of now: a running clock advanced by the time since its tick.
pub fn timer_now(timer: &TimerPayload) -> TimerPayload {
    let mut fresh = timer.clone();
    let now = time::OffsetDateTime::now_utc();
    if timer.state == ExerciseState::Running {
        let since_ms = (now - timer.at).whole_milliseconds().max(0);
        let advanced = (since_ms as f64 * timer.speed) as u64;
        fresh.elapsed_ms = timer.elapsed_ms.saturating_add(advanced);
        fresh.elapsed = fresh.elapsed_ms / 1000;
        fresh.formatted = scip_core::format_tplus(fresh.elapsed_ms);
    }
    fresh.at = now;
    fresh
}

/// The freshest clock the dashboard knows: the last MQTT tick or the snapshot's, whichever is
/// newer, brought up to now.
fn current_timer(state: &DashboardState, snapshot: &TeamSnapshot) -> TimerPayload {
    let latest = match state.feed.timer() {
        Some(t) if t.at >= snapshot.timer.at => t,
        _ => Arc::new(snapshot.timer.clone()),
    };
    timer_now(&latest)
}

fn state_event(snapshot: &TeamSnapshot) -> Event {
    Event::default().event("state").data(
        json!({
            "state": snapshot.state,
            "run": snapshot.run,
            "turn": snapshot.timer.turn,
            "total_turns": snapshot.timer.total_turns,
            "exercise_name": snapshot.exercise_name,
        })
        .to_string(),
    )
}

fn timer_event(timer: &TimerPayload) -> Event {
    Event::default()
        .event("timer")
        .data(serde_json::to_string(timer).unwrap_or_default())
}

/// The browser went away.
struct Gone;

/// One browser's stream.
struct Stream {
    state: DashboardState,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    view: View,
    code_version: u32,
}

impl Stream {
    async fn send(&self, event: Event) -> Result<(), Gone> {
        self.tx.send(Ok(event)).await.map_err(|_| Gone)
    }

    async fn delivery(&self, entry: &FeedEntry, live: bool) -> Result<(), Gone> {
        let view = self.view;
        // Built once per view and shared by every browser on that view.
        let data = entry.event_data(view.cache_key(live), || delivery_data(entry, view, live));
        let d = &entry.delivery;
        self.send(
            Event::default()
                .event("delivery")
                .id(format!("{}:{}", d.run, d.seq))
                .data(&*data),
        )
        .await
    }

    async fn reset(&self, run: u32) -> Result<(), Gone> {
        self.send(
            Event::default()
                .event("reset")
                .data(json!({ "run": run }).to_string()),
        )
        .await
    }

    /// Sends every delivery of `run` after `*last`, from the ring when it still holds them,
    /// otherwise from the source.
    async fn catch_up(&self, run: u32, last: &mut u64) -> Result<(), Gone> {
        if self.state.feed.run() == run
            && let Some(entries) = self.state.feed.after(*last)
        {
            for entry in entries {
                self.delivery(&entry, false).await?;
                *last = entry.seq();
            }
            return Ok(());
        }
        loop {
            let page = match self.state.source.history(*last, MAX_HISTORY_PAGE).await {
                Ok(page) if page.run == run => page,
                // Another run: the reset event follows. Unavailable: the live events still
                // come, and the next reconnect asks again.
                _ => return Ok(()),
            };
            let full = page.items.len() >= MAX_HISTORY_PAGE as usize;
            for item in page.items {
                let json = item.payload.to_string();
                let Ok(entry) = FeedEntry::parse(json.as_bytes()) else {
                    continue;
                };
                if entry.run() != run || entry.seq() <= *last {
                    continue;
                }
                self.delivery(&entry, false).await?;
                *last = entry.seq();
            }
            if !full {
                break;
            }
        }
        // Anything that arrived meanwhile and is still in the ring.
        if self.state.feed.run() == run
            && let Some(entries) = self.state.feed.after(*last)
        {
            for entry in entries {
                self.delivery(&entry, false).await?;
                *last = entry.seq();
            }
        }
        Ok(())
    }

    async fn run(self, resume: Option<(u32, u64)>) {
        let state = self.state.clone();
        let _viewer = state.viewers.join();
        // Subscribed before the backlog is read, so nothing falls between the two.
        let mut events = state.feed.subscribe();
        let mut snapshots = state.snapshot.subscribe();
        let _ = self.stream(resume, &mut events, &mut snapshots).await;
    }

    async fn stream(
        &self,
        resume: Option<(u32, u64)>,
        events: &mut broadcast::Receiver<FeedEvent>,
        snapshots: &mut tokio::sync::watch::Receiver<Arc<TeamSnapshot>>,
    ) -> Result<(), Gone> {
        let state = &self.state;
        let mut run = state.feed.run();
        let mut last = match resume {
            Some((held, seq)) if held == run => seq,
            Some(_) => {
                self.reset(run).await?;
                0
            }
            None => 0,
        };
        self.catch_up(run, &mut last).await?;
        let snapshot = snapshots.borrow_and_update().clone();
        self.send(state_event(&snapshot)).await?;
        self.send(timer_event(&current_timer(state, &snapshot)))
            .await?;
        loop {
            tokio::select! {
                _ = state.cancel.cancelled() => {
                    let closed = Event::default().event("closed").data(r#"{"reason":"dashboard_stopped"}"#);
                    return self.send(closed).await;
                }
                _ = self.tx.closed() => return Err(Gone),
                event = events.recv() => match event {
                    Ok(FeedEvent::Delivery(entry)) => {
                        if entry.run() != run || entry.seq() <= last {
                            continue;
                        }
                        if entry.seq() > last + 1 {
                            self.catch_up(run, &mut last).await?;
                        }
                        if entry.seq() > last {
                            self.delivery(&entry, true).await?;
                            last = entry.seq();
                        }
                    }
                    Ok(FeedEvent::Timer(timer)) => self.send(timer_event(&timer)).await?,
                    Ok(FeedEvent::Control(json)) => {
                        self.send(Event::default().event("control").data(&*json)).await?;
                    }
                    Ok(FeedEvent::Reset { run: new }) if new > run => {
                        run = new;
                        last = 0;
                        self.reset(run).await?;
                        self.catch_up(run, &mut last).await?;
                    }
                    Ok(FeedEvent::Reset { .. }) => {}
                    // This browser fell behind the broadcast: resume from what it holds.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        self.catch_up(run, &mut last).await?;
                    }
                    Err(broadcast::error::RecvError::Closed) => return Ok(()),
                },
                changed = snapshots.changed() => {
                    if changed.is_err() {
                        return Ok(());
                    }
                    let snapshot = snapshots.borrow_and_update().clone();
                    if snapshot.stopped {
                        return self.send(signed_out(SessionEnd::ExerciseStopped)).await;
                    }
                    if snapshot.code_version != self.code_version {
                        return self.send(signed_out(SessionEnd::CodeRotated)).await;
                    }
                    self.send(state_event(&snapshot)).await?;
                }
            }
        }
    }
}

/// The data of a `delivery` event for a view.
fn delivery_data(entry: &FeedEntry, view: View, live: bool) -> String {
    let d = &entry.delivery;
    let kind = d.content.inject_type();
    let (main, extra) = view.fragments(kind);
    let render =
        |k: Option<FragmentKind>| k.and_then(|k| entry.fragment(k, |d| cards::render(k, d)));
    let html = render(main);
    let reader = render(extra);
    let banner = entry.fragment(FragmentKind::Banner, |d| {
        cards::render(FragmentKind::Banner, d)
    });
    // The payload is inserted as the JSON text it arrived as.
    format!(
        r#"{{"run":{},"seq":{},"type":"{}","priority":"{}","live":{},"html":{},"reader":{},"banner":{},"payload":{}}}"#,
        d.run,
        d.seq,
        kind.as_str(),
        d.priority.as_str(),
        live,
        json_text(html.as_deref()),
        json_text(reader.as_deref()),
        json_text(banner.as_deref()),
        entry.json,
    )
}

fn json_text(text: Option<&str>) -> String {
    match text {
        Some(t) => serde_json::to_string(t).unwrap_or_else(|_| "null".into()),
        None => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_carry_the_run() {
        assert_eq!(parse_event_id("2:17", 5), Some((2, 17)));
        assert_eq!(parse_event_id("17", 5), Some((5, 17)));
        assert_eq!(parse_event_id("x:1", 5), None);
        assert_eq!(parse_event_id("", 5), None);
    }

    #[test]
    fn views_pick_the_fragment_of_their_layout() {
        assert_eq!(
            View::parse(Some("email")).fragments(InjectType::Email),
            (Some(FragmentKind::MailRow), Some(FragmentKind::MailReader))
        );
        assert_eq!(
            View::parse(Some("email")).fragments(InjectType::News),
            (None, None)
        );
        assert_eq!(
            View::parse(Some("alerts")).fragments(InjectType::Alert),
            (Some(FragmentKind::Card), None)
        );
        assert_eq!(View::parse(Some("bogus")), View::All);
        assert_eq!(
            View::parse(Some("wall")).fragments(InjectType::Social),
            (Some(FragmentKind::Wall), None)
        );
    }

    #[test]
    fn a_running_clock_is_brought_up_to_now() {
        let at = time::OffsetDateTime::now_utc() - time::Duration::seconds(3);
        let running = TimerPayload::new(
            ExerciseState::Running,
            10_000,
            scip_core::engine::Speed::NORMAL,
            None,
            at,
        );
        let now = timer_now(&running);
        assert!(
            now.elapsed_ms >= 13_000 && now.elapsed_ms < 15_000,
            "{}",
            now.elapsed_ms
        );
        let mut paused = running.clone();
        paused.state = ExerciseState::Paused;
        assert_eq!(timer_now(&paused).elapsed_ms, 10_000);
    }
}
