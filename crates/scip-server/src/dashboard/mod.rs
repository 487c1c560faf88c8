//! A team dashboard: one team's feed on its own port, for that team only. `scip dashboard`
//! (process and Docker runtimes) and the embedded runtime run this same code; only the
//! [`source::FeedSource`] differs.
//!
//! Participants open the dashboard and enter their team's access code (or follow a signed
//! link); without a session they see the sign-in page, never data ([`session`]). The dashboard
//! holds one MQTT connection with the team's credentials ([`link`]): its feed, the timer and
//! control. Deliveries are de-duplicated by `(run, seq)` into a bounded ring ([`feed`]) and
//! pushed to browsers over Server-Sent Events ([`sse`]); on every (re)connect a browser first
//! gets everything after the last seq it holds, then the current clock. Browsers send
//! receipts, published once per team ([`receipts`]); the dashboard reports how many people
//! watch ([`presence`]).
//!
//! - [`snapshot`]: the state and history shapes shared with the team-scoped API.
//! - [`source`]: store or API.
//! - [`cards`]: deliveries rendered with the design system's feed components.
//! - [`pages`]: the feed pages and the news wall; [`sign_in`]: codes, links, signing out;
//!   [`media`]: files of the feed.
//! - [`sync`]: keeping the snapshot current and filling gaps from the source.

pub mod cards;
pub mod feed;
pub mod link;
pub mod media;
pub mod pages;
pub mod presence;
pub mod receipts;
pub mod session;
pub mod sign_in;
pub mod snapshot;
pub mod source;
pub mod sse;
pub mod sync;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use scip_bus::{ClientConfig, MqttClient, TopicLayout};
use scip_core::{ExerciseId, TeamId};
use scip_engine::Hub;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

use feed::LiveFeed;
use presence::Viewers;
use receipts::ReceiptOutbox;
use session::Sessions;
use snapshot::TeamSnapshot;
use source::{FeedSource, SourceError};

/// Everything a team dashboard needs to start.
pub struct DashboardConfig {
    /// The exercise.
    pub exercise: ExerciseId,
    /// The team this dashboard serves, and only it.
    pub team: TeamId,
    /// Where history, state, code checks and media come from.
    pub source: FeedSource,
    /// The broker, with the team's own MQTT credentials.
    pub mqtt: ClientConfig,
    /// Topic layout (prefix).
    pub layout: TopicLayout,
    /// The key that signs this team's sessions ([`session::session_secret`]).
    pub session_secret: [u8; 32],
    /// Mark session cookies `Secure` (production, HTTPS).
    pub secure_cookies: bool,
    /// Live updates of this process (embedded dashboards): state changes are seen at once.
    pub hub: Option<Hub>,
    /// Deliveries kept in memory.
    pub ring_capacity: usize,
    /// How long to keep asking an unavailable source before giving up at start.
    pub startup_timeout: Duration,
}

impl std::fmt::Debug for DashboardConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DashboardConfig")
            .field("exercise", &self.exercise)
            .field("team", &self.team)
            .field("source", &self.source)
            .field("mqtt", &self.mqtt)
            .finish_non_exhaustive()
    }
}

/// Why a dashboard could not start.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// The source never answered, or refused.
    #[error("team {team} of exercise {exercise}: {source}")]
    Source {
        /// The exercise.
        exercise: ExerciseId,
        /// The team.
        team: TeamId,
        /// What the source said.
        #[source]
        source: SourceError,
    },
    /// The MQTT settings are unusable.
    #[error("MQTT: {0}")]
    Mqtt(#[from] scip_bus::BusError),
}

/// Wake-ups between the dashboard's tasks.
#[derive(Debug, Default)]
pub struct Wakeups {
    /// Fetch what the feed is missing from the source.
    pub backfill: Notify,
    /// Read the snapshot again.
    pub refresh: Notify,
}

/// The parts of a running dashboard, shared by its handlers and tasks.
pub struct DashboardParts {
    /// The exercise.
    pub exercise: ExerciseId,
    /// The team.
    pub team: TeamId,
    /// Source of history, state, codes and media.
    pub source: FeedSource,
    /// The live feed.
    pub feed: LiveFeed,
    /// The latest snapshot; changes of state, run, code version or names are announced.
    pub snapshot: watch::Sender<Arc<TeamSnapshot>>,
    /// Whether the source answered the last time it was asked.
    pub source_ok: watch::Sender<bool>,
    /// Sessions.
    pub sessions: Sessions,
    /// The MQTT connection.
    pub mqtt: MqttClient,
    /// Topics.
    pub layout: TopicLayout,
    /// Browsers connected now.
    pub viewers: Viewers,
    /// Receipts waiting to be published.
    pub receipts: ReceiptOutbox,
    /// Wake-ups.
    pub wake: Wakeups,
    /// Every task of the dashboard, browser streams included.
    pub tasks: TaskTracker,
    /// Stops the dashboard.
    pub cancel: CancellationToken,
}

/// A running dashboard's state, as handlers receive it (cheap to clone).
#[derive(Clone)]
pub struct DashboardState(pub Arc<DashboardParts>);

impl std::ops::Deref for DashboardState {
    type Target = DashboardParts;
    fn deref(&self) -> &DashboardParts {
        &self.0
    }
}

impl DashboardState {
    /// The current snapshot.
    pub fn current(&self) -> Arc<TeamSnapshot> {
        self.snapshot.borrow().clone()
    }

    /// How the dashboard is doing.
    pub fn status(&self) -> DashboardStatus {
        let snapshot = self.current();
        DashboardStatus {
            exercise: self.exercise.to_string(),
            team: self.team.to_string(),
            mqtt_connected: self.mqtt.is_connected(),
            source_ok: *self.source_ok.borrow(),
            viewers: self.viewers.count(),
            run: self.feed.run(),
            last_seq: self.feed.progress().1,
            state: snapshot.state.as_str().to_owned(),
        }
    }
}

/// A dashboard's health, for `/health` and its host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DashboardStatus {
    /// The exercise.
    pub exercise: String,
    /// The team.
    pub team: String,
    /// Connected to the broker.
    pub mqtt_connected: bool,
    /// The store or API answered the last time.
    pub source_ok: bool,
    /// Browsers connected now.
    pub viewers: u32,
    /// Current run.
    pub run: u32,
    /// Highest seq held.
    pub last_seq: u64,
    /// Exercise state.
    pub state: String,
}

impl DashboardStatus {
    /// Healthy: it can deliver. Otherwise, what is wrong.
    pub fn problem(&self) -> Option<String> {
        match (self.mqtt_connected, self.source_ok) {
            (true, true) => None,
            (false, true) => Some("not connected to the MQTT broker".into()),
            (true, false) => Some("the store or API does not answer".into()),
            (false, false) => {
                Some("not connected to the MQTT broker; the store or API does not answer".into())
            }
        }
    }
}

/// A team dashboard that has started its tasks and is ready to serve.
pub struct TeamDashboard {
    state: DashboardState,
}

impl TeamDashboard {
    /// Reads the team's state and feed from the source (retrying an unavailable one until
    /// `config.startup_timeout`), connects to MQTT and starts its tasks. Stops with `cancel`.
    pub async fn start(
        config: DashboardConfig,
        cancel: CancellationToken,
    ) -> Result<Self, DashboardError> {
        let (exercise, team) = (config.exercise.clone(), config.team.clone());
        let error = move |source| DashboardError::Source {
            exercise: exercise.clone(),
            team: team.clone(),
            source,
        };
        let first = sync::first_snapshot(&config.source, config.startup_timeout, &cancel)
            .await
            .map_err(&error)?;
        if first.team_id != config.team || first.exercise_id != config.exercise {
            return Err(error(SourceError::Invalid(format!(
                "the source answered for team {} of exercise {}",
                first.team_id, first.exercise_id
            ))));
        }
        let feed = LiveFeed::new(first.run, config.ring_capacity);
        let mqtt_config =
            link::with_last_will(config.mqtt, &config.layout, &config.exercise, &config.team);
        // Not a child of `cancel`: the connection outlives the tasks long enough to publish
        // "offline" (a clean disconnect does not fire the last will); `serve` closes it.
        let (mqtt, inbox) = MqttClient::start(mqtt_config, CancellationToken::new())?;
        let (receipts, receipt_queue) = ReceiptOutbox::new();
        let state = DashboardState(Arc::new(DashboardParts {
            sessions: Sessions::new(
                &config.session_secret,
                config.exercise.clone(),
                config.team.clone(),
                config.secure_cookies,
            ),
            exercise: config.exercise,
            team: config.team,
            source: config.source,
            feed,
            snapshot: watch::Sender::new(Arc::new(first)),
            source_ok: watch::Sender::new(true),
            mqtt,
            layout: config.layout,
            viewers: Viewers::default(),
            receipts,
            wake: Wakeups::default(),
            tasks: TaskTracker::new(),
            cancel,
        }));
        sync::backfill_once(&state).await.map_err(&error)?;
        let tasks = &state.tasks;
        tasks.spawn(link::subscribe(state.clone()));
        tasks.spawn(link::consume(state.clone(), inbox));
        tasks.spawn(link::watch_connection(state.clone()));
        tasks.spawn(sync::keep_snapshot(state.clone(), config.hub));
        tasks.spawn(sync::keep_complete(state.clone()));
        tasks.spawn(presence::publish_presence(state.clone()));
        tasks.spawn(receipts::publish_receipts(state.clone(), receipt_queue));
        info!(exercise.id = %state.exercise, team.id = %state.team, "team dashboard started");
        Ok(Self { state })
    }

    /// The dashboard's state (for its host's health checks).
    pub fn state(&self) -> &DashboardState {
        &self.state
    }

    /// Serves the dashboard on `listener` until it is cancelled, then stops its tasks (browser
    /// streams end, presence goes offline).
    pub async fn serve(self, listener: TcpListener) -> std::io::Result<()> {
        let state = self.state;
        let addr: Option<SocketAddr> = listener.local_addr().ok();
        info!(exercise.id = %state.exercise, team.id = %state.team, addr = ?addr, "team dashboard listening");
        let router = crate::router::dashboard_router(state.clone());
        let served = crate::serve::serve(listener, router, state.cancel.clone()).await;
        state.cancel.cancel();
        state.tasks.close();
        if tokio::time::timeout(Duration::from_secs(5), state.tasks.wait())
            .await
            .is_err()
        {
            warn!(exercise.id = %state.exercise, team.id = %state.team, "dashboard tasks did not stop within 5 s");
        }
        state.mqtt.shutdown().await;
        info!(exercise.id = %state.exercise, team.id = %state.team, "team dashboard stopped");
        served
    }
}
