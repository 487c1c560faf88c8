//! `scip exercise`: create and drive exercises from the command line. Commands go straight to
//! the database (use the same configuration as the server); the engine that owns the exercise
//! notices within a second and announces the change to dashboards.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use scip_core::engine::{Command, ExerciseState, Passed, Speed};
use scip_core::model::{Content, InjectType, Priority};
use scip_core::{ExerciseId, InjectId, ScenarioId, TeamId, format_tplus, parse_time};
use scip_engine::{
    EngineConfig, EngineHandle, Hub, LaunchRequest, LiveContent, ProcessClock, Provisioning,
    Request,
};
use scip_store::{DashboardRuntime, EventOrder, EventQuery, ExerciseRecord, Paging, Store};

use crate::config::Config;

/// Arguments of `scip exercise`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// `scip exercise` verbs.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Launch an exercise from a stored scenario; prints its id and each team's access code.
    Create {
        /// Scenario id.
        scenario: String,
        /// Scenario version (default: the latest).
        #[arg(long, value_name = "N")]
        scenario_version: Option<u32>,
        /// Display name (default: the scenario's).
        #[arg(long)]
        name: Option<String>,
        /// Clock speed, ×0.5 to ×60.
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Where team dashboards run: embedded, process or docker (default: DASHBOARD_RUNTIME).
        #[arg(long)]
        runtime: Option<String>,
    },
    /// List exercises, newest first.
    List {
        /// Only exercises in this state.
        #[arg(long)]
        state: Option<String>,
    },
    /// Show an exercise: state, clock, turn, teams and their progress.
    Status {
        /// Exercise id.
        exercise: String,
    },
    /// Start the clock (and turn 1).
    Start {
        /// Exercise id.
        exercise: String,
    },
    /// Hold the clock.
    Pause {
        /// Exercise id.
        exercise: String,
    },
    /// Run the clock again.
    Resume {
        /// Exercise id.
        exercise: String,
    },
    /// Begin the next turn.
    NextTurn {
        /// Exercise id.
        exercise: String,
        /// Skip the current turn's undelivered injects instead of firing them.
        #[arg(long)]
        skip: bool,
    },
    /// End the exercise (dashboards stay readable, reports available).
    Finish {
        /// Exercise id.
        exercise: String,
    },
    /// Back to T+0 with deliveries cleared (they stay in the log).
    Reset {
        /// Exercise id.
        exercise: String,
    },
    /// Tear the exercise down (dashboards close, access codes expire).
    Stop {
        /// Exercise id.
        exercise: String,
    },
    /// Jump forward to a time (T+MM:SS), firing what is passed (or skipping with --skip).
    Seek {
        /// Exercise id.
        exercise: String,
        /// Target time.
        to: String,
        /// Skip the passed injects instead of firing them.
        #[arg(long)]
        skip: bool,
    },
    /// Change the clock speed (×0.5 to ×60).
    Speed {
        /// Exercise id.
        exercise: String,
        /// Factor.
        factor: f64,
    },
    /// Fire one scheduled inject now.
    Fire {
        /// Exercise id.
        exercise: String,
        /// Team id.
        team: String,
        /// Inject id.
        inject: String,
    },
    /// Send a live inject to some teams.
    Inject {
        /// Exercise id.
        exercise: String,
        /// Target team (repeat for several).
        #[arg(long = "team", required = true)]
        teams: Vec<String>,
        /// Inject type: news, social, email, sms, intel, alert.
        #[arg(long = "type", default_value = "alert")]
        kind: String,
        /// Headline, subject or title.
        #[arg(long)]
        title: Option<String>,
        /// Sender, outlet or handle.
        #[arg(long)]
        from: Option<String>,
        /// Body text.
        #[arg(long)]
        body: String,
        /// Priority: low, medium, high, urgent.
        #[arg(long, default_value = "high")]
        priority: String,
    },
    /// Publish a delivery again (same seq and content).
    Resend {
        /// Exercise id.
        exercise: String,
        /// Delivery id.
        delivery: String,
    },
    /// Print the exercise's event log.
    Events {
        /// Exercise id.
        exercise: String,
        /// Most recent events shown.
        #[arg(long, default_value_t = 50)]
        last: u32,
    },
}

/// Runs `scip exercise`.
pub fn run(file: Option<&Path>, args: Args) -> ExitCode {
    let config = match Config::load(file, serde_json::Map::new()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        eprintln!("scip: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    match rt.block_on(execute(&config, args.action)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scip: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn exercise_id(text: &str) -> anyhow::Result<ExerciseId> {
    ExerciseId::new(text).map_err(|e| anyhow::anyhow!("exercise id {text:?} {e}"))
}

async fn execute(config: &Config, action: Action) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url())
        .await
        .with_context(|| format!("cannot open the database {}", mask(&config.database_url())))?;
    let engine = EngineHandle::new(
        store.clone(),
        Hub::local(),
        None,
        scip_bus::TopicLayout::new(&config.mqtt.topic_prefix)
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        ProcessClock::new(),
        EngineConfig {
            turn_grace_ms: config.turn_grace_ms(),
            ..EngineConfig::default()
        },
        Provisioning::Store,
    );
    let actor = std::env::var("USER")
        .map(|u| format!("cli:{u}"))
        .unwrap_or_else(|_| "cli".into());
    let control = |exercise: &str, command: Command| -> anyhow::Result<(ExerciseId, Request)> {
        Ok((exercise_id(exercise)?, Request::Control(command)))
    };
    let (id, request) = match action {
        Action::Create {
            scenario,
            scenario_version,
            name,
            speed,
            runtime,
        } => {
            let runtime = match runtime {
                Some(r) => r
                    .parse::<DashboardRuntime>()
                    .map_err(|e| anyhow::anyhow!(e))?,
                None => crate::dashboards::runtime_of(config),
            };
            let record = engine
                .launch(LaunchRequest {
                    scenario: ScenarioId::new(scenario.clone())
                        .map_err(|e| anyhow::anyhow!("scenario {scenario:?} {e}"))?,
                    version: scenario_version,
                    name,
                    speed: Speed::from_factor(speed)?,
                    runtime,
                    actor: Some(actor),
                })
                .await?;
            print_created(&store, &record).await?;
            return Ok(());
        }
        Action::List { state } => {
            let state = match state {
                Some(s) => {
                    Some(ExerciseState::parse(&s).with_context(|| format!("unknown state {s:?}"))?)
                }
                None => None,
            };
            let page = store.list_exercises(state, Paging::first(200)).await?;
            if page.items.is_empty() {
                println!("no exercises");
            }
            let now = engine.clock.now();
            for e in page.items {
                println!(
                    "{:<12} {:<9} {:>10}  {} ({} v{})",
                    e.id,
                    e.runtime.state,
                    format_tplus(e.runtime.clock.elapsed(now)),
                    e.name,
                    e.scenario_id,
                    e.scenario_version
                );
            }
            return Ok(());
        }
        Action::Status { exercise } => {
            print_status(&engine, &exercise_id(&exercise)?).await?;
            return Ok(());
        }
        Action::Events { exercise, last } => {
            let id = exercise_id(&exercise)?;
            store.get_exercise(&id).await?;
            let query = EventQuery {
                limit: last.clamp(1, 10_000),
                order: EventOrder::NewestFirst,
                ..EventQuery::default()
            };
            let mut events = store.events(&id, query).await?;
            events.reverse();
            for e in events {
                println!(
                    "{:>5} {:>10} {:<16} {:<18} {}",
                    e.seq,
                    format_tplus(e.elapsed_ms),
                    e.actor,
                    e.kind,
                    e.data
                );
            }
            return Ok(());
        }
        Action::Start { exercise } => control(&exercise, Command::Start)?,
        Action::Pause { exercise } => control(&exercise, Command::Pause)?,
        Action::Resume { exercise } => control(&exercise, Command::Resume)?,
        Action::Finish { exercise } => control(&exercise, Command::Finish)?,
        Action::Reset { exercise } => control(&exercise, Command::Reset)?,
        Action::Stop { exercise } => control(&exercise, Command::Stop)?,
        Action::NextTurn { exercise, skip } => control(
            &exercise,
            Command::NextTurn(if skip { Passed::Skip } else { Passed::Fire }),
        )?,
        Action::Seek { exercise, to, skip } => {
            let to_ms = parse_time(&to).map_err(|e| anyhow::anyhow!("time {e}"))?;
            control(
                &exercise,
                Command::Seek {
                    to_ms,
                    passed: if skip { Passed::Skip } else { Passed::Fire },
                },
            )?
        }
        Action::Speed { exercise, factor } => {
            control(&exercise, Command::SetSpeed(Speed::from_factor(factor)?))?
        }
        Action::Fire {
            exercise,
            team,
            inject,
        } => control(
            &exercise,
            Command::FireNow {
                team: TeamId::new(team.clone())
                    .map_err(|e| anyhow::anyhow!("team {team:?} {e}"))?,
                inject: InjectId::new(inject.clone())
                    .map_err(|e| anyhow::anyhow!("inject {inject:?} {e}"))?,
            },
        )?,
        Action::Resend { exercise, delivery } => (
            exercise_id(&exercise)?,
            Request::Resend {
                delivery: delivery
                    .parse()
                    .map_err(|e| anyhow::anyhow!("delivery {delivery:?}: {e}"))?,
            },
        ),
        Action::Inject {
            exercise,
            teams,
            kind,
            title,
            from,
            body,
            priority,
        } => {
            let kind = InjectType::parse(&kind)
                .with_context(|| format!("unknown inject type {kind:?}"))?;
            let priority = Priority::parse(&priority)
                .with_context(|| format!("unknown priority {priority:?}"))?;
            let content = live_content(kind, title, from, body)?;
            let teams = teams
                .iter()
                .map(|t| TeamId::new(t.clone()).map_err(|e| anyhow::anyhow!("team {t:?} {e}")))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let live = LiveContent {
                content,
                priority,
                media: vec![],
            };
            (
                exercise_id(&exercise)?,
                Request::LiveInject {
                    teams,
                    live: Box::new(live),
                },
            )
        }
    };
    let outcome = engine.execute(&id, request, &actor).await?;
    let now = engine.clock.now();
    let rt = outcome.exercise.runtime;
    print!(
        "{}: {} at {}",
        outcome.exercise.id,
        rt.state,
        format_tplus(rt.clock.elapsed(now))
    );
    if !outcome.deliveries.is_empty() {
        print!(", {} deliveries", outcome.deliveries.len());
    }
    if let Some(live) = outcome.live_inject {
        print!(" (live inject {live})");
    }
    println!();
    store.close().await;
    Ok(())
}

fn live_content(
    kind: InjectType,
    title: Option<String>,
    from: Option<String>,
    body: String,
) -> anyhow::Result<Content> {
    let title = title.unwrap_or_default();
    let from = from.unwrap_or_else(|| "Exercise Control".into());
    let fields = match kind {
        InjectType::News => serde_json::json!({"headline": title, "body": body, "source": from}),
        InjectType::Social => serde_json::json!({"handle": from, "body": body, "headline": title}),
        InjectType::Email => serde_json::json!({"from": from, "subject": title, "body": body}),
        InjectType::Sms => serde_json::json!({"from": from, "body": body}),
        InjectType::Intel => serde_json::json!({"headline": title, "body": body, "source": from}),
        InjectType::Alert => {
            serde_json::json!({"title": title, "message": body, "severity": "warning"})
        }
        InjectType::Media => bail!("media injects need files; send them from the portal"),
    };
    let serde_json::Value::Object(map) = fields else {
        bail!("internal: content is not an object")
    };
    Ok(Content::from_fields(kind, map)?)
}

async fn print_created(store: &Store, record: &ExerciseRecord) -> anyhow::Result<()> {
    println!(
        "exercise {} created ({} v{}, {})",
        record.id, record.scenario_id, record.scenario_version, record.runtime.state
    );
    for team in store.exercise_teams(&record.id).await? {
        let url = team
            .dashboard_url
            .as_deref()
            .unwrap_or("(dashboard starting)");
        println!("  {:<24} code {}  {}", team.name, team.access_code, url);
    }
    Ok(())
}

async fn print_status(engine: &EngineHandle, id: &ExerciseId) -> anyhow::Result<()> {
    let record = engine.store.get_exercise(id).await?;
    let now = engine.clock.now();
    let rt = record.runtime;
    println!("{} — {}", record.id, record.name);
    println!(
        "  scenario   {} v{}",
        record.scenario_id, record.scenario_version
    );
    println!(
        "  state      {}{}",
        rt.state,
        rt.completion
            .map(|c| format!(" ({c:?})"))
            .unwrap_or_default()
    );
    println!(
        "  clock      {} at ×{}",
        format_tplus(rt.clock.elapsed(now)),
        rt.clock.speed.factor()
    );
    if let Some(turn) = rt.turn {
        println!("  turn       {}", turn.current);
    }
    println!("  run        {}", rt.run);
    let counts = engine.store.delivery_counts(id).await?;
    for team in engine.store.exercise_teams(id).await? {
        let c = counts
            .iter()
            .find(|c| c.team_id == team.team_id)
            .map(|c| c.counts);
        println!(
            "  {:<24} delivered {:>4}  read {:>4}  late {:>3}  viewers {:>3}  {}",
            team.name,
            c.map_or(0, |c| c.delivered),
            c.map_or(0, |c| c.read),
            c.map_or(0, |c| c.late),
            team.viewers,
            team.dashboard_url.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

fn mask(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}••••{}", &url[..s + 3], &url[at..]),
        _ => url.to_owned(),
    }
}
