//! Scenario documents checked at the edge: a document from a request becomes a scenario only
//! when it reads cleanly and validates against the media library; otherwise every problem is
//! returned, each with where it is.

use std::collections::HashSet;

use scip_core::model::document::ScenarioDoc;
use scip_core::{Problem, Report, Scenario, Severity, validate_scenario};
use scip_store::StoreError;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// One problem of a scenario.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemView {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The file it is in (imports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The spreadsheet row (imports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The inject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    /// The field or column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The whole problem on one line.
    pub text: String,
}

impl From<&Problem> for ProblemView {
    fn from(p: &Problem) -> Self {
        Self {
            severity: match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            file: p.location.file.clone(),
            row: p.location.row,
            team: p.location.team.clone(),
            inject: p.location.inject.clone(),
            field: p.location.field.clone(),
            message: p.message.clone(),
            text: p.to_string(),
        }
    }
}

/// A validation report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    /// True when there is no error (warnings allowed).
    pub valid: bool,
    /// Errors.
    pub error_count: usize,
    /// Warnings.
    pub warning_count: usize,
    /// Every problem, in the order found.
    pub problems: Vec<ProblemView>,
}

impl From<&Report> for ReportView {
    fn from(r: &Report) -> Self {
        Self {
            valid: !r.has_errors(),
            error_count: r.error_count(),
            warning_count: r.warning_count(),
            problems: r.problems.iter().map(ProblemView::from).collect(),
        }
    }
}

/// A 422 carrying a report.
pub fn invalid(message: impl Into<String>, report: &Report) -> ApiError {
    ApiError::unprocessable(message).with_details(json!({ "report": ReportView::from(report) }))
}

/// The media names of `scenario` that exist in the library.
pub async fn media_in_library(
    state: &AppState,
    scenario: &Scenario,
) -> Result<HashSet<String>, ApiError> {
    let mut present = HashSet::new();
    for name in scenario.media_refs() {
        match state.store.get_media(name).await {
            Ok(_) => {
                present.insert(name.to_owned());
            }
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(present)
}

/// Validates a scenario against the media library.
pub async fn validate_against_library(
    state: &AppState,
    scenario: &Scenario,
) -> Result<Report, ApiError> {
    let present = media_in_library(state, scenario).await?;
    Ok(validate_scenario(scenario, &|name| present.contains(name)))
}

/// Reads a document and validates it: the scenario and the report of every problem.
pub async fn check_document(
    state: &AppState,
    doc: ScenarioDoc,
) -> Result<(Option<Scenario>, Report), ApiError> {
    let (scenario, problems) = doc.into_scenario(|_| None);
    let mut report = Report::default();
    report.extend(problems);
    if let Some(s) = &scenario {
        report.extend(validate_against_library(state, s).await?.problems);
    }
    Ok((scenario, report))
}

/// A scenario from a document with its warnings, or 422 with every problem.
pub async fn scenario_from_document(
    state: &AppState,
    doc: ScenarioDoc,
) -> Result<(Scenario, Report), ApiError> {
    let (scenario, report) = check_document(state, doc).await?;
    match scenario {
        Some(s) if !report.has_errors() => Ok((s, report)),
        _ => Err(invalid(
            format!(
                "the scenario has {} error(s); see details.report",
                report.error_count().max(1)
            ),
            &report,
        )),
    }
}
