//! The team-scoped API as a feed source, for `scip dashboard` processes and containers: every
//! call carries the dashboard token (`SCIP_DASHBOARD_TOKEN`), never database credentials.

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;
use futures::TryStreamExt;
use reqwest::{Response, StatusCode, header};
use serde::Deserialize;
use serde_json::json;

use super::{CodeCheck, MediaFile, SourceError, is_plain_file_name};
use crate::dashboard::snapshot::{HistoryPage, TeamSnapshot};

/// How long a JSON call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The team-scoped API of one team.
#[derive(Clone)]
pub struct ApiFeed {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for ApiFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiFeed")
            .field("base", &self.base)
            .field("token", &"***")
            .finish()
    }
}

#[derive(Deserialize)]
struct CodeAnswer {
    code_version: u32,
}

impl ApiFeed {
    /// A source for `team` of `exercise` at `api_url` (`SCIP_API_URL`, e.g. `http://api:8000`).
    pub fn new(
        api_url: &str,
        exercise: &scip_core::ExerciseId,
        team: &scip_core::TeamId,
        token: String,
    ) -> Result<Self, SourceError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SourceError::Invalid(format!("HTTP client: {e}")))?;
        let base = format!(
            "{}/api/v2/team-feed/{exercise}/{team}",
            api_url.trim_end_matches('/')
        );
        Ok(Self {
            client,
            base,
            token,
        })
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .get(format!("{}/{path}", self.base))
            .bearer_auth(&self.token)
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}/{path}", self.base))
            .bearer_auth(&self.token)
            .timeout(CALL_TIMEOUT)
    }

    /// The exercise and team now.
    pub async fn snapshot(&self) -> Result<TeamSnapshot, SourceError> {
        let response = send(self.get("state").timeout(CALL_TIMEOUT)).await?;
        json_of(ok(response).await?).await
    }

    /// A page of the current run's feed after `after_seq`.
    pub async fn history(&self, after_seq: u64, limit: u32) -> Result<HistoryPage, SourceError> {
        let request = self
            .get(&format!("history?after_seq={after_seq}&limit={limit}"))
            .timeout(CALL_TIMEOUT);
        json_of(ok(send(request).await?).await?).await
    }

    /// Asks the API to check a typed code for a participant at `client`.
    pub async fn check_code(&self, code: &str, client: IpAddr) -> Result<CodeCheck, SourceError> {
        let request = self
            .post("check-code")
            .json(&json!({ "code": code, "client_ip": client.to_string() }));
        code_answer(send(request).await?).await
    }

    /// Asks the API to check a signed team link.
    pub async fn check_link(&self, token: &str) -> Result<CodeCheck, SourceError> {
        let request = self.post("check-link").json(&json!({ "token": token }));
        code_answer(send(request).await?).await
    }

    /// Streams a media file of the team's feed through the API.
    pub async fn media(&self, name: &str) -> Result<MediaFile, SourceError> {
        if !is_plain_file_name(name) {
            return Err(SourceError::NotFound(format!("media file {name:?}")));
        }
        // Path segments are percent-encoded by the URL builder.
        let mut url = reqwest::Url::parse(&self.base)
            .map_err(|e| SourceError::Invalid(format!("API URL {}: {e}", self.base)))?;
        url.path_segments_mut()
            .map_err(|()| {
                SourceError::Invalid(format!("API URL {} cannot hold a path", self.base))
            })?
            .push("media")
            .push(name);
        let response = ok(send(self.client.get(url).bearer_auth(&self.token)).await?).await?;
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/octet-stream")
            .to_owned();
        let length = response.content_length();
        let stream = response.bytes_stream().map_err(std::io::Error::other);
        Ok(MediaFile {
            content_type,
            length,
            body: Body::from_stream(stream),
        })
    }
}

async fn send(request: reqwest::RequestBuilder) -> Result<Response, SourceError> {
    request
        .send()
        .await
        .map_err(|e| SourceError::Unavailable(format!("the API does not answer: {e}")))
}

/// The response when it is a success; the API's error otherwise, in our terms.
async fn ok(response: Response) -> Result<Response, SourceError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let message = error_message(response).await;
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => SourceError::Refused(message),
        StatusCode::NOT_FOUND => SourceError::NotFound(message),
        s if s.is_server_error() => {
            SourceError::Unavailable(format!("API answered {s}: {message}"))
        }
        s => SourceError::Invalid(format!("API answered {s}: {message}")),
    })
}

async fn error_message(response: Response) -> String {
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.chars().take(200).collect())
}

async fn json_of<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, SourceError> {
    response
        .json()
        .await
        .map_err(|e| SourceError::Invalid(format!("unreadable answer from the API: {e}")))
}

/// The error code the API gives a wrong access code or link (as opposed to a refused token).
pub const INVALID_CODE: &str = "invalid_code";

/// 200 `{code_version}` → accepted, 401 `invalid_code` → refused, 429 → throttled
/// (`Retry-After`); a 401 for the dashboard token itself is [`SourceError::Refused`].
async fn code_answer(response: Response) -> Result<CodeCheck, SourceError> {
    match response.status() {
        StatusCode::UNAUTHORIZED => {
            let text = response.text().await.unwrap_or_default();
            let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if body["error"]["code"] == INVALID_CODE {
                Ok(CodeCheck::Refused)
            } else {
                Err(SourceError::Refused(
                    body["error"]["message"]
                        .as_str()
                        .unwrap_or("401")
                        .to_owned(),
                ))
            }
        }
        StatusCode::TOO_MANY_REQUESTS => {
            let seconds = response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(60);
            Ok(CodeCheck::Throttled {
                retry_after: Duration::from_secs(seconds),
            })
        }
        _ => {
            let answer: CodeAnswer = json_of(ok(response).await?).await?;
            Ok(CodeCheck::Accepted {
                code_version: answer.code_version,
            })
        }
    }
}
