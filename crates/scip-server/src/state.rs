//! The application state every handler receives: cheap handles to long-lived parts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use scip_engine::EngineHandle;
use scip_store::Store;

use crate::auth::limit::AttemptLimiter;
use crate::auth::token::TokenKeys;
use crate::shared::SharedState;

/// Settings the HTTP side needs.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// `APP_ENV=production`: secure cookies, JSON logs, strict checks.
    pub production: bool,
    /// Media library folder.
    pub media_path: PathBuf,
    /// Host name used in links given to participants.
    pub public_host: String,
    /// Largest accepted media upload, bytes.
    pub upload_limit: usize,
    /// Largest accepted scenario import, bytes.
    pub import_limit: usize,
    /// Version string shown in the portal and `/health`.
    pub version: String,
    /// Description of the MQTT broker in use (for the about page and `/ready`).
    pub broker: String,
    /// Where new exercises' team dashboards run unless the launch says otherwise
    /// (`DASHBOARD_RUNTIME`).
    pub dashboard_runtime: scip_store::DashboardRuntime,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            production: false,
            media_path: PathBuf::from("./data/media"),
            public_host: "localhost".into(),
            upload_limit: 25 * 1024 * 1024,
            import_limit: 64 * 1024 * 1024,
            version: env!("CARGO_PKG_VERSION").into(),
            broker: "embedded".into(),
            dashboard_runtime: scip_store::DashboardRuntime::Embedded,
        }
    }
}

/// Everything a handler can reach.
pub struct AppParts {
    /// Settings.
    pub settings: ServerSettings,
    /// Storage.
    pub store: Store,
    /// The exercise engine (launch, commands, live updates).
    pub engine: EngineHandle,
    /// Counters and revocations shared between replicas.
    pub shared: SharedState,
    /// Token signing keys.
    pub tokens: TokenKeys,
    /// Login attempt limits.
    pub login_limiter: AttemptLimiter,
    /// Team access-code attempt limits.
    pub code_limiter: AttemptLimiter,
    /// When the process started.
    pub started: Instant,
}

/// The state handlers receive (`State<AppState>`), a cheap clone.
#[derive(Clone)]
pub struct AppState(pub Arc<AppParts>);

impl std::ops::Deref for AppState {
    type Target = AppParts;
    fn deref(&self) -> &AppParts {
        &self.0
    }
}

impl AppState {
    /// Builds the state.
    pub fn new(
        settings: ServerSettings,
        store: Store,
        engine: EngineHandle,
        shared: SharedState,
        jwt_secret: &[u8],
    ) -> Self {
        Self(Arc::new(AppParts {
            settings,
            store,
            engine,
            login_limiter: AttemptLimiter::new(shared.clone(), "login"),
            code_limiter: AttemptLimiter::new(shared.clone(), "team-code"),
            shared,
            tokens: TokenKeys::new(jwt_secret),
            started: Instant::now(),
        }))
    }
}
