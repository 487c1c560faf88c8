//! Uploaded import files held between the dry run and "Import now": a folder per upload under
//! the system temp folder, named by a random token, readable only by the user who uploaded it,
//! removed after the commit or after an hour.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// How long uploaded files wait for "Import now".
pub const KEEP_FOR: Duration = Duration::from_secs(3600);

/// What was uploaded and how it is to be imported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Held {
    /// The user who uploaded (only they may commit).
    pub user: String,
    /// File names, in upload order.
    pub names: Vec<String>,
    /// `new` or `version`.
    pub target: String,
    /// Import under this id (new scenario).
    pub as_id: Option<String>,
    /// The existing scenario a new version goes into.
    pub into: Option<String>,
}

fn root() -> PathBuf {
    std::env::temp_dir().join("scip-portal-imports")
}

fn folder(token: &str) -> Option<PathBuf> {
    (token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit())).then(|| root().join(token))
}

/// Keeps the files; returns the token naming them.
pub async fn hold(held: &Held, files: &[(String, Vec<u8>)]) -> Result<String, ApiError> {
    sweep().await;
    let mut raw = [0u8; 16];
    rand::rng().fill(&mut raw[..]);
    let token = hex::encode(raw);
    let dir = root().join(&token);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| ApiError::internal(format!("cannot keep the upload: {e}")))?;
    for (i, (_, bytes)) in files.iter().enumerate() {
        tokio::fs::write(dir.join(format!("{i}.bin")), bytes)
            .await
            .map_err(|e| ApiError::internal(format!("cannot keep the upload: {e}")))?;
    }
    let manifest = serde_json::to_vec(held).map_err(ApiError::internal)?;
    tokio::fs::write(dir.join("manifest.json"), manifest)
        .await
        .map_err(|e| ApiError::internal(format!("cannot keep the upload: {e}")))?;
    Ok(token)
}

/// The held upload of `token` for `user`, or None when it expired or is someone else's.
pub async fn take(token: &str, user: &str) -> Option<(Held, Vec<(String, Vec<u8>)>)> {
    let dir = folder(token)?;
    let manifest = tokio::fs::read(dir.join("manifest.json")).await.ok()?;
    let held: Held = serde_json::from_slice(&manifest).ok()?;
    if held.user != user {
        return None;
    }
    let age = tokio::fs::metadata(&dir)
        .await
        .ok()?
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .unwrap_or_default();
    if age > KEEP_FOR {
        forget(token).await;
        return None;
    }
    let mut files = Vec::new();
    for (i, name) in held.names.iter().enumerate() {
        let bytes = tokio::fs::read(dir.join(format!("{i}.bin"))).await.ok()?;
        files.push((name.clone(), bytes));
    }
    Some((held, files))
}

/// Removes a held upload.
pub async fn forget(token: &str) {
    if let Some(dir) = folder(token)
        && let Err(e) = tokio::fs::remove_dir_all(&dir).await
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(error = %e, "a held import upload could not be removed");
    }
}

/// Removes held uploads older than an hour.
async fn sweep() {
    let Ok(mut entries) = tokio::fs::read_dir(root()).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > KEEP_FOR);
        if old {
            let _ = tokio::fs::remove_dir_all(entry.path()).await;
        }
    }
}
