//! `scip demo`: the whole product on one machine with nothing installed — the all-in-one
//! server (embedded broker, SQLite under the data folder, portal, API, team dashboards), the
//! GREY TIDE demo scenario, a ready exercise and an administrator account — then one block
//! telling you where everything is.
//!
//! Running it again reuses the data folder: the scenario, the account and an exercise that is
//! not stopped are kept and said so.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use rand::distr::{Alphanumeric, SampleString};
use rust_embed::RustEmbed;
use scip_core::ScenarioId;
use scip_core::engine::{Command, ExerciseState, Speed};
use scip_engine::{LaunchRequest, Request};
use scip_formats::{FileSet, LoadOptions, load_files};
use scip_server::app::{Role, RunningApp};
use scip_server::auth::password::hash_password;
use scip_server::import::{ImportOptions, import_loaded};
use scip_server::media::MediaLibrary;
use scip_store::{ExerciseRecord, NewUser, Paging, Role as UserRole, Store, StoreError};

use super::serve::{ListenArgs, app_config, explain, load_config, shutdown_signal};
use crate::config::Config;

/// The demo scenario, embedded in the binary.
#[derive(RustEmbed)]
#[folder = "$CARGO_MANIFEST_DIR/../../scenarios/demo/"]
#[include = "scenario.yaml"]
#[include = "teams/*.yaml"]
#[include = "media/*"]
struct DemoBundle;

/// The demo scenario's id.
pub const DEMO_SCENARIO: &str = "grey-tide";
/// The administrator account the demo creates.
pub const DEMO_ADMIN: &str = "admin";

/// Arguments of `scip demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Clock speed of the demo exercise (×0.5 to ×60); 10 plays the 33-minute exercise in
    /// about three and a half minutes of running time.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Start the exercise's clock right away.
    #[arg(long)]
    pub start: bool,
    /// Listener and data flags.
    #[command(flatten)]
    pub listen: ListenArgs,
}

/// Demo defaults that differ from `serve`: the embedded broker avoids port 1883, which an
/// installed Mosquitto often holds.
const DEMO_MQTT_PORT: u16 = 1884;

/// Runs `scip demo`.
pub fn run(file: Option<&Path>, mut args: Args) -> ExitCode {
    if std::env::var_os("MQTT_PORT").is_none() && args.listen.mqtt.port.is_none() {
        args.listen.mqtt.port = Some(DEMO_MQTT_PORT);
    }
    let config = match load_config(file, &args.listen) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    crate::logging::init(&Config {
        log_level: demo_log_level(&config.log_level),
        ..config.clone()
    });
    let speed = match Speed::from_factor(args.speed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("scip: --speed: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(runtime) = tokio::runtime::Runtime::new() else {
        eprintln!("scip: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async move {
        match demo(&config, speed, args.start).await {
            Ok(code) => code,
            Err(e) => {
                eprintln!("scip: {e:#}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Quiet by default: the demo prints its own block; `LOG_LEVEL` still overrides.
fn demo_log_level(configured: &str) -> String {
    if std::env::var_os("LOG_LEVEL").is_some() {
        configured.to_owned()
    } else {
        "warn".into()
    }
}

async fn demo(config: &Config, speed: Speed, start: bool) -> anyhow::Result<ExitCode> {
    let reused = config.data_dir.join("scip.db").exists() && config.database_url.is_none();
    let app_config = app_config(config, Role::All)?;
    let host = crate::dashboards::host_for(config, &app_config)?;
    let app = match RunningApp::start_with_host(app_config, host).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("scip: {}", explain(&e));
            return Ok(ExitCode::FAILURE);
        }
    };
    let state = app.state.clone();
    let store = &state.store;
    let now = state.engine.clock.now();
    let mut notes = Vec::new();

    // The scenario.
    let scenario_id = ScenarioId::new(DEMO_SCENARIO).context("demo scenario id")?;
    match store.latest_scenario(&scenario_id).await {
        Ok((_, version)) => notes.push(format!(
            "scenario {DEMO_SCENARIO} v{version} already loaded"
        )),
        Err(StoreError::NotFound(_)) => {
            let mut files = FileSet::new();
            for path in DemoBundle::iter() {
                if let Some(file) = DemoBundle::get(&path) {
                    files.insert("demo", &path, file.data.into_owned())?;
                }
            }
            let loaded = load_files("demo", files, &LoadOptions::default())?;
            let library = MediaLibrary::new(
                state.settings.media_path.clone(),
                state.settings.upload_limit as u64,
            );
            let options = ImportOptions {
                commit: true,
                actor: Some("demo".into()),
                comment: Some("demo scenario".into()),
                ..ImportOptions::default()
            };
            let outcome = import_loaded(store, &library, loaded, &options, now)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            anyhow::ensure!(
                outcome.committed,
                "the demo scenario did not import: {:?}",
                outcome.report.problems.first()
            );
            notes.push(format!(
                "loaded scenario {DEMO_SCENARIO} ({} media files)",
                outcome.media.len()
            ));
        }
        Err(e) => return Err(e.into()),
    }

    // The administrator.
    let password = match store.find_user_by_username(DEMO_ADMIN).await? {
        Some(_) => {
            notes.push(format!("account {DEMO_ADMIN} already exists (its password was printed the first time; `scip user passwd {DEMO_ADMIN}` sets a new one)"));
            None
        }
        None => {
            let password = Alphanumeric.sample_string(&mut rand::rng(), 16);
            store
                .create_user(
                    NewUser {
                        username: DEMO_ADMIN.into(),
                        display_name: "Demo administrator".into(),
                        password_hash: hash_password(&password)
                            .map_err(|e| anyhow::anyhow!("{e}"))?,
                        role: UserRole::Admin,
                    },
                    now,
                )
                .await?;
            Some(password)
        }
    };

    // The exercise: the newest demo exercise that is not stopped, or a new one.
    let existing = store
        .list_exercises(None, Paging::first(50))
        .await?
        .items
        .into_iter()
        .find(|e| e.scenario_id == scenario_id && e.runtime.state != ExerciseState::Stopped);
    let exercise = match existing {
        Some(e) => {
            notes.push(format!("exercise {} reused ({})", e.id, e.runtime.state));
            e
        }
        None => {
            state
                .engine
                .launch(LaunchRequest {
                    scenario: scenario_id.clone(),
                    version: None,
                    name: Some("GREY TIDE demo".into()),
                    speed,
                    runtime: crate::dashboards::runtime_of(config),
                    actor: Some(DEMO_ADMIN.into()),
                })
                .await?
        }
    };
    wait_for_dashboards(store, &exercise).await;
    if start && exercise.runtime.state == ExerciseState::Deployed {
        state
            .engine
            .execute(&exercise.id, Request::Control(Command::Start), DEMO_ADMIN)
            .await?;
        notes.push("exercise started".into());
    }
    // Listen for Ctrl-C before saying we are ready.
    let stop = shutdown_signal();
    print_block(
        config,
        &app,
        store,
        &exercise,
        password.as_deref(),
        reused,
        &notes,
    )
    .await?;

    let cancel = app.cancel_token();
    tokio::spawn(async move {
        stop.await;
        eprintln!("\nstopping SCIP…");
        cancel.cancel();
    });
    app.run_until_stopped(Duration::from_secs(4)).await;
    eprintln!(
        "SCIP stopped; the data is kept in {}",
        config.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Waits (briefly) until every team's dashboard has its URL.
async fn wait_for_dashboards(store: &Store, exercise: &ExerciseRecord) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while tokio::time::Instant::now() < deadline {
        match store.exercise_teams(&exercise.id).await {
            Ok(teams) if teams.iter().all(|t| t.dashboard_url.is_some()) => return,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

async fn print_block(
    config: &Config,
    app: &RunningApp,
    store: &Store,
    exercise: &ExerciseRecord,
    password: Option<&str>,
    reused: bool,
    notes: &[String],
) -> anyhow::Result<()> {
    let host = &config.public_host;
    let portal_port = app.client_addr.map_or(config.client_port, |a| a.port());
    let api_port = app.api_addr.map_or(config.api_port, |a| a.port());
    let teams = store.exercise_teams(&exercise.id).await?;
    let line = "─".repeat(78);
    println!("\n{line}");
    println!("  SCIP demo — exercise GREY TIDE ({})", exercise.id);
    println!("{line}");
    if reused {
        println!("  Reusing the data in {}:", config.data_dir.display());
        for n in notes {
            println!("    · {n}");
        }
        println!();
    }
    println!("  Control portal   http://{host}:{portal_port}/");
    match password {
        Some(p) => println!("  Sign in as       {DEMO_ADMIN} / {p}   (shown once; keep it)"),
        None => println!("  Sign in as       {DEMO_ADMIN} (password as printed on the first run)"),
    }
    println!("  API              http://{host}:{api_port}/api/v2  (docs: /api/docs)");
    if let (Some(tcp), Some(ws)) = (app.broker_tcp, app.broker_ws) {
        println!(
            "  MQTT broker      {host}:{} (TCP), ws://{host}:{}/mqtt",
            tcp.port(),
            ws.port()
        );
    }
    println!();
    println!("  Team dashboards (participants open the link and enter the code):");
    let width = teams
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(10);
    for t in &teams {
        let url = t.dashboard_url.as_deref().unwrap_or("(starting)");
        println!(
            "    {:<width$}  {:<28}  code {}",
            t.name, url, t.access_code
        );
    }
    println!();
    let state = if exercise.runtime.state == ExerciseState::Deployed
        && !notes.iter().any(|n| n == "exercise started")
    {
        "ready: start it from the portal (Exercises → GREY TIDE demo → Start)"
    } else {
        "running"
    };
    println!("  Exercise {state}.");
    println!(
        "  Press Ctrl-C to stop; the data stays in {}.",
        config.data_dir.display()
    );
    println!("{line}\n");
    Ok(())
}
