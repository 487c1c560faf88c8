//! `scip user`: manage portal accounts directly in the database (`add`, `passwd`, `list`,
//! `remove`). This is how the first administrator is made. A password is read from standard
//! input with `--password-stdin`, or generated and printed once.

use std::io::BufRead;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use scip_server::auth::password::{check_new_password, hash_password};
use scip_store::{NewUser, Role, Store, StoreError};

use crate::config::Config;

/// Arguments of `scip user`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// `scip user` actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Create an account.
    Add {
        /// Login name (letters, digits, '.', '_', '-', '@').
        username: String,
        /// admin, controller or observer.
        #[arg(long, default_value = "controller", value_parser = ["admin", "controller", "observer"])]
        role: String,
        /// Name shown in the portal (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (every session of the account ends).
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Remove an account (never the last enabled administrator).
    Remove {
        /// Login name.
        username: String,
    },
}

/// Runs `scip user`.
pub fn run(file: Option<&Path>, args: Args) -> ExitCode {
    let config = match Config::load(file, serde_json::Map::new()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("scip: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("scip: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(execute(&config, args.action)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scip user: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The password given on standard input, or a generated one (then shown once).
fn obtain_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        check_new_password(&password)?;
        Ok((password, false))
    } else {
        Ok((scip_server::auth::session::random_value(15), true))
    }
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    if config.database_url.is_none() {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data folder {}", config.data_dir.display()))?;
    }
    Store::connect(&config.database_url())
        .await
        .with_context(|| "opening the database (DATABASE_URL or the data folder)".to_owned())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

async fn find(store: &Store, username: &str) -> anyhow::Result<scip_store::User> {
    match store.find_user_by_username(username).await? {
        Some(c) => Ok(c.user),
        None => bail!("there is no account named {username:?}"),
    }
}

async fn execute(config: &Config, action: Action) -> anyhow::Result<()> {
    let store = open(config).await?;
    let result = match action {
        Action::Add {
            username,
            role,
            display_name,
            password_stdin,
        } => add(&store, &username, &role, display_name, password_stdin).await,
        Action::Passwd {
            username,
            password_stdin,
        } => {
            let user = find(&store, &username).await?;
            let (password, generated) = obtain_password(password_stdin)?;
            let hash = hash_password(&password)?;
            store
                .set_user_password_hash(&user.id, &hash, now_ms())
                .await?;
            println!("password of {username} changed; its sessions have ended");
            if generated {
                println!("new password (shown once): {password}");
            }
            Ok(())
        }
        Action::List => {
            let users = store.list_users().await?;
            println!(
                "{:<24} {:<11} {:<9} display name",
                "username", "role", "status"
            );
            for u in users {
                let status = if u.disabled { "disabled" } else { "active" };
                println!(
                    "{:<24} {:<11} {:<9} {}",
                    u.username, u.role, status, u.display_name
                );
            }
            Ok(())
        }
        Action::Remove { username } => {
            let user = find(&store, &username).await?;
            if user.role == Role::Admin && !user.disabled && store.count_admins().await? <= 1 {
                bail!(
                    "{username} is the last enabled administrator; add another administrator first"
                );
            }
            store.delete_user(&user.id).await?;
            println!("removed {username}");
            Ok(())
        }
    };
    store.close().await;
    result
}

async fn add(
    store: &Store,
    username: &str,
    role: &str,
    display_name: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<()> {
    scip_server::api::v2::users::check_username(username)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let role: Role = role.parse().map_err(anyhow::Error::msg)?;
    let (password, generated) = obtain_password(password_stdin)?;
    let hash = hash_password(&password)?;
    let new = NewUser {
        username: username.to_owned(),
        display_name: display_name
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| username.to_owned()),
        password_hash: hash,
        role,
    };
    match store.create_user(new, now_ms()).await {
        Ok(user) => {
            println!("added {} ({})", user.username, user.role);
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Err(StoreError::Conflict { .. }) => bail!("an account named {username:?} already exists"),
        Err(e) => Err(e.into()),
    }
}
