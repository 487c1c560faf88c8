//! SCIP's exercise engine driver: the async edge around the pure engine of `scip-core`.
//!
//! - [`EngineHandle`]: what the rest of SCIP holds — launch exercises ([`exercises`]), apply
//!   controller commands ([`commands`]) from any process.
//! - [`orchestrator`]: which exercises this process drives (leases), one [`runner`] each.
//! - [`runner`]: sleeps until the next due instant, fires, commits one store step.
//! - [`step`]: engine effects → store step (deliveries with payloads, skips, events).
//! - [`relay`]: the outbox publisher (at each delivery's instant, QoS 1, marked on PUBACK,
//!   retried with back-off).
//! - [`inbound`]: receipts and presence from dashboards.
//! - [`announce`]: control messages, retained timer and status.
//! - [`credentials`]: MQTT credentials of team dashboards (embedded broker or Mosquitto).
//! - [`hub`]: live updates between processes; [`clock`]: monotonic wall time.

pub mod announce;
pub mod clock;
pub mod commands;
pub mod credentials;
pub mod error;
pub mod exercises;
pub mod hub;
pub mod inbound;
pub mod orchestrator;
pub mod relay;
pub mod runner;
pub mod scenarios;
pub mod step;

use std::sync::Arc;

use scip_bus::{MqttClient, TopicLayout};
use scip_core::engine::EngineSettings;
use scip_store::{ExerciseRecord, Store};

pub use clock::ProcessClock;
pub use commands::{Outcome, Request};
pub use credentials::{Provisioning, StoreAuthenticator};
pub use error::EngineError;
pub use exercises::{LaunchRequest, generate_access_code, normalize_access_code};
pub use hub::{DeliveryRef, Hub, LiveEvent};
pub use orchestrator::{DashboardHost, NoDashboards, Orchestrator};
pub use relay::{Owned, Relay, RelayHandle};
pub use step::LiveContent;

/// Engine settings from configuration.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Default turn grace for new exercises, exercise ms.
    pub turn_grace_ms: u64,
    /// How long before their instant due injects are committed, wall ms (see [`runner`]).
    pub commit_ahead_ms: u64,
}

/// The default [`EngineConfig::commit_ahead_ms`]: well above a commit's time under load,
/// well below anything a controller would notice a command waiting for.
pub const DEFAULT_COMMIT_AHEAD_MS: u64 = 50;

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            turn_grace_ms: scip_core::engine::DEFAULT_TURN_GRACE_MS,
            commit_ahead_ms: DEFAULT_COMMIT_AHEAD_MS,
        }
    }
}

/// Everything the engine needs, cheap to clone.
#[derive(Clone)]
pub struct EngineHandle {
    /// Storage.
    pub store: Store,
    /// Live updates.
    pub hub: Hub,
    /// The engine's MQTT client; `None` in command-line tools, which never publish (the engine
    /// that owns an exercise announces what they did).
    pub mqtt: Option<MqttClient>,
    /// Topic layout.
    pub layout: TopicLayout,
    /// Monotonic wall time.
    pub clock: ProcessClock,
    /// Settings.
    pub config: Arc<EngineConfig>,
    /// Where team dashboards' MQTT credentials go.
    pub provisioning: Provisioning,
    scenarios: scenarios::ScenarioCache,
    relay: Option<RelayHandle>,
}

impl std::fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineHandle")
            .field("hub", &self.hub)
            .finish_non_exhaustive()
    }
}

impl EngineHandle {
    /// A handle over the given parts; add a relay with [`EngineHandle::with_relay`] in
    /// processes that publish deliveries.
    pub fn new(
        store: Store,
        hub: Hub,
        mqtt: Option<MqttClient>,
        layout: TopicLayout,
        clock: ProcessClock,
        config: EngineConfig,
        provisioning: Provisioning,
    ) -> Self {
        Self {
            store,
            hub,
            mqtt,
            layout,
            clock,
            config: Arc::new(config),
            provisioning,
            scenarios: scenarios::ScenarioCache::default(),
            relay: None,
        }
    }

    /// The same handle, handing committed deliveries straight to `relay`.
    pub fn with_relay(mut self, relay: RelayHandle) -> Self {
        self.relay = Some(relay);
        self
    }

    /// The pure engine's settings for an exercise.
    pub fn settings(&self, record: &ExerciseRecord) -> EngineSettings {
        EngineSettings {
            turn_grace_ms: record.turn_grace_ms,
        }
    }
}
