//! Validating scenarios: a stored version against the media library, or a document without
//! saving it.

use axum::Json;
use axum::extract::State;
use scip_core::model::document::ScenarioDoc;

use crate::api::extract::{ApiJson, ApiPath, ApiQuery, scenario_id};
use crate::api::v2::scenarios::{VersionQuery, example_document, load_version};
use crate::api::validation::{ReportView, check_document, validate_against_library};
use crate::auth::{Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// Validates a stored version against the media library.
#[utoipa::path(get, path = "/api/v2/scenarios/{id}/validation", tag = "scenarios",
    params(("id" = String, Path, description = "Scenario slug", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), VersionQuery),
    responses(
        (status = 200, description = "The report", body = ReportView),
        (status = 404, description = "No such scenario or version"),
    ))]
pub async fn validation(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<ReportView>, ApiError> {
    let id = scenario_id(&id)?;
    let (scenario, _, _) = load_version(&state, &id, query.version).await?;
    let report = validate_against_library(&state, &scenario).await?;
    Ok(Json(ReportView::from(&report)))
}

/// Validates a document without saving it.
#[utoipa::path(post, path = "/api/v2/scenarios/validate", tag = "scenarios",
    request_body(content = Object, description = "A scenario document", example = json!(example_document())),
    responses(
        (status = 200, description = "The report (errors included)", body = ReportView),
        (status = 422, description = "Not a scenario document at all"),
    ))]
pub async fn validate_document(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiJson(doc): ApiJson<ScenarioDoc>,
) -> Result<Json<ReportView>, ApiError> {
    let (_, report) = check_document(&state, doc).await?;
    Ok(Json(ReportView::from(&report)))
}
