//! Log output: readable lines in development, one JSON object per line in production.

use tracing_subscriber::EnvFilter;

use crate::config::{AppEnv, Config};

/// Installs the global log subscriber (once; later calls do nothing). `LOG_LEVEL` accepts a
/// level (`info`) or a filter (`scip=debug,info`).
pub fn init(config: &Config) {
    init_with(&config.log_level, config.app_env);
}

/// Installs the global log subscriber from a level and the environment (for subcommands that
/// do not load the whole configuration, such as `scip dashboard`).
pub fn init_with(log_level: &str, app_env: AppEnv) {
    let filter =
        EnvFilter::try_new(default_filter(log_level)).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match app_env {
        AppEnv::Production => builder.json().flatten_event(true).try_init(),
        AppEnv::Development => builder.compact().try_init(),
    };
    let _ = result;
}

/// A bare level also quiets the chattiest dependencies, which log every connection at info.
fn default_filter(level: &str) -> String {
    let level = level.trim().to_ascii_lowercase();
    if level.contains('=') || level.contains(',') {
        level
    } else {
        format!("{level},rmqtt=warn,rmqtt_net=warn,rumqttc=warn,sqlx=warn,tower_http=warn")
    }
}
