//! The store as a feed source: embedded dashboards read it directly, and the team-scoped API
//! answers dashboard processes with the same code.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use scip_bus::payload::TimerPayload;
use scip_core::engine::ExerciseState;
use scip_core::{ExerciseId, TeamId};
use scip_engine::ProcessClock;
use scip_engine::step::{media_path, wall_to_datetime};
use scip_store::{ExerciseRecord, Store};
use subtle::ConstantTimeEq;
use tokio::io::AsyncReadExt;
use tracing::warn;

use super::{CodeCheck, MediaFile, SourceError, is_plain_file_name};
use crate::auth::limit::AttemptLimiter;
use crate::auth::token::{TokenKeys, TokenKind};
use crate::dashboard::snapshot::{HistoryItem, HistoryPage, MAX_HISTORY_PAGE, TeamSnapshot};

/// What a [`StoreFeed`] needs from the server, shared by every team.
#[derive(Debug, Clone)]
pub struct StoreFeedParts {
    /// Storage.
    pub store: Store,
    /// The engine's wall clock (the same one that stamps the exercise clock).
    pub clock: ProcessClock,
    /// The media library folder (`MEDIA_PATH`).
    pub media_dir: PathBuf,
    /// Access-code attempt limits (per client address).
    pub code_limiter: AttemptLimiter,
    /// Keys that signed team links (`JWT_SECRET`).
    pub link_keys: TokenKeys,
}

/// One team's feed read from the store.
#[derive(Debug, Clone)]
pub struct StoreFeed {
    parts: StoreFeedParts,
    exercise: ExerciseId,
    team: TeamId,
    // An exercise never changes scenario version, so its turn count is read once.
    total_turns: Arc<tokio::sync::OnceCell<Option<u32>>>,
}

/// How many times a history read is repeated when a reset changes the run under it.
const RUN_RACE_ATTEMPTS: usize = 3;

impl StoreFeed {
    /// The feed of `team` in `exercise`.
    pub fn new(parts: StoreFeedParts, exercise: ExerciseId, team: TeamId) -> Self {
        Self {
            parts,
            exercise,
            team,
            total_turns: Arc::new(tokio::sync::OnceCell::new()),
        }
    }

    async fn total_turns(&self, record: &ExerciseRecord) -> Result<Option<u32>, SourceError> {
        let store = &self.parts.store;
        self.total_turns
            .get_or_try_init(|| async {
                let scenario = store
                    .scenario_version(&record.scenario_id, record.scenario_version)
                    .await?;
                Ok::<_, SourceError>(scenario.mode.total_turns())
            })
            .await
            .copied()
    }

    /// The exercise and team now, with the clock computed at this instant.
    pub async fn snapshot(&self) -> Result<TeamSnapshot, SourceError> {
        let store = &self.parts.store;
        let record = store.get_exercise(&self.exercise).await?;
        let team = store.exercise_team(&self.exercise, &self.team).await?;
        let total = self.total_turns(&record).await?;
        let now = self.parts.clock.now();
        let runtime = &record.runtime;
        let turns = total.map(|t| (runtime.turn.map_or(0, |p| p.current), t));
        let timer = TimerPayload::new(
            runtime.state,
            runtime.clock.elapsed(now),
            runtime.clock.speed,
            turns,
            wall_to_datetime(now),
        );
        Ok(TeamSnapshot {
            exercise_id: record.id.clone(),
            exercise_name: record.name.clone(),
            state: runtime.state,
            run: runtime.run,
            version: record.version,
            stopped: runtime.state == ExerciseState::Stopped,
            team_id: team.team_id.clone(),
            team_name: team.name.clone(),
            team_color: team.color.clone(),
            team_kind: team.kind,
            code_version: team.code_version,
            last_seq: team.next_seq,
            timer,
        })
    }

    /// Up to `limit` (at most [`MAX_HISTORY_PAGE`]) deliveries of the current run after
    /// `after_seq`. A payload that is not JSON is skipped with a warning rather than breaking
    /// the feed.
    pub async fn history(&self, after_seq: u64, limit: u32) -> Result<HistoryPage, SourceError> {
        let store = &self.parts.store;
        let limit = limit.clamp(1, MAX_HISTORY_PAGE);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let before = store.get_exercise(&self.exercise).await?.runtime.run;
            let rows = store
                .team_feed(
                    &self.exercise,
                    &self.team,
                    after_seq,
                    self.parts.clock.now(),
                    limit,
                )
                .await?;
            let after = store.get_exercise(&self.exercise).await?.runtime.run;
            // A reset between the two reads would mix runs; read again.
            if before != after && attempt < RUN_RACE_ATTEMPTS {
                continue;
            }
            let items = rows
                .into_iter()
                .filter_map(|row| match serde_json::from_str(&row.payload) {
                    Ok(payload) => Some(HistoryItem {
                        seq: row.seq,
                        payload,
                    }),
                    Err(e) => {
                        warn!(exercise.id = %self.exercise, team.id = %self.team, seq = row.seq, error = %e, "stored delivery payload is not JSON; left out of the feed");
                        None
                    }
                })
                .collect();
            return Ok(HistoryPage { run: after, items });
        }
    }

    /// Checks a typed access code against this team's (spaces, dashes and case ignored).
    /// Failures count against the client's address; a stopped exercise refuses every code.
    pub async fn check_code(&self, code: &str, client: IpAddr) -> Result<CodeCheck, SourceError> {
        let limiter = &self.parts.code_limiter;
        match limiter.check(None, client).await {
            Err(e) => return Err(SourceError::Unavailable(e.to_string())),
            Ok(Err(throttled)) => {
                return Ok(CodeCheck::Throttled {
                    retry_after: throttled.retry_after,
                });
            }
            Ok(Ok(())) => {}
        }
        let store = &self.parts.store;
        let team = store.exercise_team(&self.exercise, &self.team).await?;
        let record = store.get_exercise(&self.exercise).await?;
        let typed = scip_engine::normalize_access_code(code);
        let matches = bool::from(typed.as_bytes().ct_eq(team.access_code.as_bytes()));
        if matches && record.runtime.state != ExerciseState::Stopped {
            return Ok(CodeCheck::Accepted {
                code_version: team.code_version,
            });
        }
        limiter
            .failed(None, client)
            .await
            .map_err(|e| SourceError::Unavailable(e.to_string()))?;
        Ok(CodeCheck::Refused)
    }

    /// Checks a signed team link: signed with `JWT_SECRET`, for this exercise and team, issued
    /// under the current access-code version, exercise not stopped.
    pub async fn check_link(&self, token: &str) -> Result<CodeCheck, SourceError> {
        let Ok(claims) = self.parts.link_keys.verify(token, TokenKind::TeamLink) else {
            return Ok(CodeCheck::Refused);
        };
        if claims.exercise.as_deref() != Some(self.exercise.as_str())
            || claims.team.as_deref() != Some(self.team.as_str())
        {
            return Ok(CodeCheck::Refused);
        }
        let store = &self.parts.store;
        let team = store.exercise_team(&self.exercise, &self.team).await?;
        let record = store.get_exercise(&self.exercise).await?;
        if record.runtime.state == ExerciseState::Stopped
            || claims.code_version != Some(i64::from(team.code_version))
        {
            return Ok(CodeCheck::Refused);
        }
        Ok(CodeCheck::Accepted {
            code_version: team.code_version,
        })
    }

    /// Whether a delivery of the team's current run refers to media file `name`.
    pub async fn shares_media(&self, name: &str) -> Result<bool, SourceError> {
        let wanted = media_path(name);
        let mut after = 0;
        loop {
            let page = self.history(after, MAX_HISTORY_PAGE).await?;
            let Some(last) = page.items.last() else {
                return Ok(false);
            };
            after = last.seq;
            let found = page.items.iter().any(|item| {
                item.payload["media"]
                    .as_array()
                    .is_some_and(|list| list.iter().any(|m| m.as_str() == Some(wanted.as_str())))
            });
            if found {
                return Ok(true);
            }
        }
    }

    /// A media file of the library, only when one of the team's deliveries of the current run
    /// refers to it ([`SourceError::NotFound`] otherwise, whether or not the file exists).
    pub async fn media(&self, name: &str) -> Result<MediaFile, SourceError> {
        let not_shared = || SourceError::NotFound(format!("media file {name:?} of this team"));
        if !is_plain_file_name(name) || !self.shares_media(name).await? {
            return Err(not_shared());
        }
        let content_type = match self.parts.store.get_media(name).await {
            Ok(record) => record.content_type,
            Err(scip_store::StoreError::NotFound(_)) => guess_content_type(name).to_owned(),
            Err(e) => return Err(e.into()),
        };
        let path = self.parts.media_dir.join(name);
        let file = match tokio::fs::File::open(&path).await {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_shared()),
            Err(e) => {
                return Err(SourceError::Unavailable(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        let length = file.metadata().await.ok().map(|m| m.len());
        Ok(MediaFile {
            content_type,
            length,
            body: file_body(file),
        })
    }
}

/// Streams a file in 64 KiB chunks.
fn file_body(file: tokio::fs::File) -> Body {
    let chunks = futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(Bytes::from(buf)), Some(file)))
            }
            // One error ends the stream.
            Err(e) => Some((Err(e), None)),
        }
    });
    Body::from_stream(chunks)
}

/// A content type from the file extension, for files the library has no record of.
fn guess_content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_guessed_from_the_extension() {
        assert_eq!(guess_content_type("a.PNG"), "image/png");
        assert_eq!(guess_content_type("clip.mp4"), "video/mp4");
        assert_eq!(guess_content_type("noext"), "application/octet-stream");
    }
}
