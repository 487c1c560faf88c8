//! Saving an edited scenario from the portal: always a new version, based on the version the
//! author started from; refused with who saved in between, or with the validator's problems.

use scip_core::model::document::ScenarioDoc;
use scip_core::{Report, Scenario, ScenarioId};
use scip_store::StoreError;

use super::page::{PageError, PortalUser};
use crate::api::v2::scenarios::save_new_version;
use crate::api::validation::validate_against_library;
use crate::error::ApiError;
use crate::state::AppState;

/// Why an edit was not saved.
#[derive(Debug)]
pub enum SaveFailure {
    /// Someone saved a newer version; the message says who and which.
    Conflict(String),
    /// The edited scenario has errors.
    Invalid(Report),
    /// Anything else.
    Page(PageError),
}

impl From<ApiError> for SaveFailure {
    fn from(e: ApiError) -> Self {
        Self::Page(e.into())
    }
}

impl From<StoreError> for SaveFailure {
    fn from(e: StoreError) -> Self {
        Self::Page(e.into())
    }
}

/// "Maya saved version 7 while you edited version 6; reload to see their changes."
pub async fn conflict_message(
    state: &AppState,
    user: &PortalUser,
    id: &ScenarioId,
    base: u32,
) -> Result<String, StoreError> {
    let versions = state.store.scenario_versions(id).await?;
    let latest = versions.iter().map(|v| v.version).max().unwrap_or(base);
    let who = versions
        .iter()
        .find(|v| v.version == latest)
        .and_then(|v| v.created_by.clone());
    let who = match who {
        Some(name) if name == user.actor() => "You (in another tab or window)".to_owned(),
        Some(name) => match state.store.find_user_by_username(&name).await {
            Ok(Some(u)) if !u.user.display_name.trim().is_empty() => u.user.display_name,
            _ => name,
        },
        None => "Someone".to_owned(),
    };
    Ok(format!(
        "{who} saved version {latest} while you edited version {base}; reload to see their changes. Your change was not saved."
    ))
}

/// Validates `scenario` and saves it as the version after `base`.
pub async fn save(
    state: &AppState,
    user: &PortalUser,
    base: u32,
    scenario: &Scenario,
    comment: String,
) -> Result<u32, SaveFailure> {
    let id = &scenario.id;
    let (_, latest) = state.store.latest_scenario(id).await?;
    if latest != base {
        return Err(SaveFailure::Conflict(
            conflict_message(state, user, id, base).await?,
        ));
    }
    let report = validate_against_library(state, scenario).await?;
    if report.has_errors() {
        return Err(SaveFailure::Invalid(report));
    }
    let doc = ScenarioDoc::from_scenario(scenario);
    match save_new_version(state, user.actor(), id, base, doc, Some(comment)).await {
        Ok(saved) => Ok(saved.version),
        Err(e) if e.status == axum::http::StatusCode::CONFLICT => Err(SaveFailure::Conflict(
            conflict_message(state, user, id, base).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// A short sentence listing the first problems of a report.
pub fn problems_sentence(report: &Report) -> String {
    let errors: Vec<String> = report
        .problems
        .iter()
        .filter(|p| p.is_error())
        .take(3)
        .map(ToString::to_string)
        .collect();
    let more = report.error_count().saturating_sub(errors.len());
    let mut text = format!("Not saved: {}", errors.join("; "));
    if more > 0 {
        text.push_str(&format!(" (and {more} more)"));
    }
    text
}
