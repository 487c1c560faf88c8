//! `scip mqtt-config`: write the Mosquitto password and ACL files that give an external
//! Mosquitto the same per-team isolation as SCIP's embedded broker, for the engine account and
//! every exercise that is not stopped. (A running `scip serve` with `MOSQUITTO_PASSWORD_FILE` and
//! `MOSQUITTO_ACL_FILE` set keeps these files in step by itself; this command is for a first
//! setup or a manual refresh.)

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use scip_bus::mosquitto::{DEFAULT_ITERATIONS, conf_snippet, render_static_files};
use scip_bus::{Credential, Principal, TopicLayout};
use scip_engine::{EngineConfig, EngineHandle, Hub, ProcessClock, Provisioning};

use crate::config::Config;

/// Arguments of `scip mqtt-config`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to write `passwd`, `acl` and `mosquitto-scip.conf` into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also add a read-only monitor account `NAME:PASSWORD`.
    #[arg(long, value_name = "NAME:PASSWORD")]
    pub monitor: Option<String>,
}

/// Runs `scip mqtt-config`.
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
    match rt.block_on(write(&config, &args)) {
        Ok(count) => {
            println!(
                "wrote {} accounts to {}/passwd and {}/acl; add {}/mosquitto-scip.conf to mosquitto.conf \
                 (include_dir or copy its lines) and reload Mosquitto",
                count,
                args.out.display(),
                args.out.display(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scip: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn write(config: &Config, args: &Args) -> anyhow::Result<usize> {
    let user = config
        .mqtt
        .user
        .clone()
        .unwrap_or_else(|| "scip-engine".into());
    let password = config
        .mqtt
        .password
        .as_ref()
        .map(|p| p.expose().to_owned())
        .context("set MQTT_PASSWORD: the engine account needs a password in the Mosquitto files")?;
    let mut credentials = vec![Credential::new(user, password, Principal::Engine)?];
    if let Some(monitor) = &args.monitor {
        let (name, pass) = monitor
            .split_once(':')
            .context("--monitor takes NAME:PASSWORD")?;
        credentials.push(Credential::new(name, pass, Principal::Monitor)?);
    }
    let layout = TopicLayout::new(&config.mqtt.topic_prefix)
        .map_err(|e| anyhow::anyhow!("MQTT_TOPIC_PREFIX: {e}"))?;
    let store = scip_store::Store::connect(&config.database_url()).await?;
    let engine = EngineHandle::new(
        store.clone(),
        Hub::local(),
        None,
        layout.clone(),
        ProcessClock::new(),
        EngineConfig::default(),
        Provisioning::Store,
    );
    credentials.extend(engine.live_credentials().await);
    store.close().await;
    let files = render_static_files(&layout, &credentials, DEFAULT_ITERATIONS);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let passwd = args.out.join("passwd");
    let acl = args.out.join("acl");
    write_private(&passwd, &files.password_file)?;
    write_private(&acl, &files.acl_file)?;
    let conf = conf_snippet(&passwd, &acl, None);
    std::fs::write(args.out.join("mosquitto-scip.conf"), conf)
        .context("cannot write mosquitto-scip.conf")?;
    Ok(credentials.len())
}

/// Writes a file readable by its owner only (it holds password hashes).
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
