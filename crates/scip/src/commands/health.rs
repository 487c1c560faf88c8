//! `scip health`: asks a local SCIP process whether it is alive (for container health checks,
//! so images need no curl).

use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `scip health`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port to ask; defaults to API_PORT (8000).
    #[arg(long, env = "API_PORT", default_value_t = 8000)]
    pub port: u16,
    /// Host to ask.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Ask `/ready` (dependencies too) instead of `/health`.
    #[arg(long)]
    pub ready: bool,
}

/// Exit 0 when the endpoint answers 200, 1 otherwise.
pub fn run(args: Args) -> ExitCode {
    let path = if args.ready { "ready" } else { "health" };
    let url = format!("http://{}:{}/{path}", args.host, args.port);
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map(|rt| {
            rt.block_on(async {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(3))
                    .build()?;
                client.get(&url).send().await
            })
        });
    match result {
        Ok(Ok(response)) if response.status().is_success() => ExitCode::SUCCESS,
        Ok(Ok(response)) => {
            eprintln!("scip health: {url} answered {}", response.status());
            ExitCode::FAILURE
        }
        Ok(Err(e)) => {
            eprintln!("scip health: {url}: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("scip health: {e}");
            ExitCode::FAILURE
        }
    }
}
