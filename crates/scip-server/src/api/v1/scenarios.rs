//! SCIP v3's scenario endpoints: the scenario list (now with the turn count), a scenario file,
//! and a team's timeline — read, and replaced as a whole (validated, saved as a new version).

use axum::Json;
use axum::extract::State;
use scip_core::model::document::ScenarioDoc;
use scip_formats::v3::{V3Sources, read_v3};
use scip_formats::{FileSet, Lookup};
use serde_json::{Value, json};

use crate::api::extract::{ApiBytes, ApiPath};
use crate::api::v1::existing_scenario;
use crate::api::v1::legacy::{LibrarySource, v3_scenario, v3_timeline};
use crate::api::v2::scenarios::save_new_version;
use crate::api::validation::invalid;
use crate::auth::{Controller, Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// Every scenario (SCIP v3 #11), with `turn_based` and `total_turns` added.
#[utoipa::path(get, path = "/api/v1/scenarios", tag = "v1",
    responses((status = 200, description = "`{scenarios: [{id, name, description, duration_minutes, team_count, inject_count, turn_based, total_turns}]}`")))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
) -> Result<Json<Value>, ApiError> {
    let summaries = state.store.list_scenarios(None).await?;
    let mut out = Vec::with_capacity(summaries.len());
    for s in summaries {
        let (scenario, _) = state.store.latest_scenario(&s.id).await?;
        out.push(json!({
            "id": s.id,
            "name": s.name,
            "description": scenario.description,
            "duration_minutes": s.duration_ms.map_or(60, |ms| ms.div_ceil(60_000)),
            "team_count": s.team_count,
            "inject_count": s.inject_count,
            "turn_based": s.total_turns.is_some(),
            "total_turns": s.total_turns,
        }));
    }
    Ok(Json(json!({ "scenarios": out })))
}

/// A scenario file in SCIP v3's shape (SCIP v3 #12).
#[utoipa::path(get, path = "/api/v1/scenarios/{scenario}", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "The SCIP v3 scenario JSON"),
        (status = 404, description = "No such scenario"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(scenario): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id = existing_scenario(&state, &scenario).await?;
    let (s, version) = state.store.latest_scenario(&id).await?;
    Ok(Json(v3_scenario(&s, version)))
}

/// A team's timeline in SCIP v3's shape (SCIP v3 #13).
#[utoipa::path(get, path = "/api/v1/timelines/{scenario}/{team}", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team id", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    responses(
        (status = 200, description = "`{scenario_id, team, injects: [{id, time, turn, type, priority, content, media}]}`"),
        (status = 404, description = "No such scenario or team"),
    ))]
pub async fn get_timeline(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath((scenario, team)): ApiPath<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let id = existing_scenario(&state, &scenario).await?;
    let (s, _) = state.store.latest_scenario(&id).await?;
    let t = s
        .teams
        .iter()
        .find(|t| t.id.as_str() == team)
        .ok_or_else(|| ApiError::not_found(format!("Team {team:?} not found in scenario {id}")))?;
    Ok(Json(v3_timeline(&s, t)))
}

/// Replaces a team's timeline with a SCIP v3 timeline (SCIP v3 #14). Unlike SCIP v3 it is
/// validated first and saved as a new scenario version (exercises already running keep
/// theirs); the previous version is the backup.
#[utoipa::path(put, path = "/api/v1/timelines/{scenario}/{team}", tag = "v1",
    params(("scenario" = String, Path, description = "Scenario name (its id)", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("team" = String, Path, description = "Team id", pattern = r"^[a-z0-9][a-z0-9-]{0,47}$")),
    request_body(content = Object, description = "A SCIP v3 timeline: an object with `injects`"),
    responses(
        (status = 200, description = "`{status: \"success\", message, backup}`"),
        (status = 400, description = "Not JSON"),
        (status = 404, description = "No such scenario or team"),
        (status = 409, description = "The scenario changed while saving"),
        (status = 422, description = "The timeline has errors; details.report lists them"),
    ))]
pub async fn put_timeline(
    State(state): State<AppState>,
    user: RequireRole<Controller>,
    ApiPath((scenario, team)): ApiPath<(String, String)>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<Value>, ApiError> {
    let id = existing_scenario(&state, &scenario).await?;
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(_)) => {}
        Ok(_) => {
            return Err(ApiError::unprocessable(
                "a timeline is a JSON object with injects",
            ));
        }
        Err(e) => {
            return Err(ApiError::bad_request(format!(
                "the body is not valid JSON: {e}"
            )));
        }
    }
    let (latest, version) = state.store.latest_scenario(&id).await?;
    let current = latest
        .teams
        .iter()
        .find(|t| t.id.as_str() == team)
        .ok_or_else(|| ApiError::not_found(format!("Team {team:?} not found in scenario {id}")))?;
    // Read the timeline as SCIP v3 would have: a one-team scenario file pointing at it.
    let scenario_file = json!({
        "id": id,
        "name": latest.name,
        "turn_based": latest.mode.total_turns().is_some(),
        "total_turns": latest.mode.total_turns(),
        "teams": [{ "id": current.id, "name": current.name, "timeline_file": "timeline.json" }],
    });
    let mut files = FileSet::new();
    files.insert("the request", "timeline.json", body.to_vec())?;
    let library = LibrarySource(&state.media);
    let loaded = read_v3(
        &format!("{id}.json"),
        scenario_file.to_string().as_bytes(),
        V3Sources {
            timelines: Lookup::new().with(&files, ""),
            media: Lookup::new().with(&library, ""),
        },
    );
    let errors: Vec<_> = loaded
        .report
        .problems
        .iter()
        .filter(|p| p.is_error())
        .cloned()
        .collect();
    let Some(read) = loaded.scenario.filter(|_| errors.is_empty()) else {
        return Err(invalid(
            "the timeline has errors; nothing was saved",
            &loaded.report,
        ));
    };
    let Some(new_team) = read.teams.into_iter().next() else {
        return Err(invalid("the timeline could not be read", &loaded.report));
    };
    let mut updated = latest.clone();
    if let Some(slot) = updated.teams.iter_mut().find(|t| t.id == new_team.id) {
        slot.timeline = new_team.timeline;
    }
    let saved = save_new_version(
        &state,
        user.actor(),
        &id,
        version,
        ScenarioDoc::from_scenario(&updated),
        Some(format!("timeline of {team} replaced through /api/v1")),
    )
    .await?;
    Ok(Json(json!({
        "status": "success",
        "message": format!("Timeline for {team} in {id} saved as version {}", saved.version),
        "backup": format!("{id} version {version}"),
        "version": saved.version,
    })))
}
