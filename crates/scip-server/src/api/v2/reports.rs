//! `/api/v2/exercises/{id}/report.csv` and `report.json`: the after-action data of an
//! exercise, one row per delivery (every run), with a summary per team. The portal's report
//! page reads the same [`Report`].

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use scip_core::format_tplus;
use scip_store::{
    DeliveryCause, DeliveryFilter, DeliveryRecord, DeliverySort, ExerciseRecord, Paging,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::extract::{ApiPath, exercise_id};
use crate::auth::{Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// One delivery in the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRow {
    /// Exercise id.
    pub exercise_id: String,
    /// Exercise name.
    pub exercise_name: String,
    /// Run (a reset starts a new one).
    pub run: u32,
    /// Team slug.
    pub team_id: String,
    /// Team name.
    pub team_name: String,
    /// Inject id (generated for live injects).
    pub inject_id: String,
    /// Headline or subject.
    pub title: String,
    /// Inject type.
    #[serde(rename = "type")]
    pub inject_type: String,
    /// When it was due, `T+MM:SS` (scheduled injects).
    pub scheduled_tplus: Option<String>,
    /// When it fired, `T+MM:SS`.
    pub fired_tplus: String,
    /// When it fired, wall time (RFC 3339).
    pub fired_at: String,
    /// Fired after its time.
    pub late: bool,
    /// By how much, ms.
    pub lateness_ms: u64,
    /// Broker acknowledgement (RFC 3339).
    pub published_at: Option<String>,
    /// First received by the dashboard (RFC 3339).
    pub received_at: Option<String>,
    /// First shown (RFC 3339).
    pub displayed_at: Option<String>,
    /// First read (RFC 3339).
    pub read_at: Option<String>,
    /// Seconds from firing to first read.
    pub seconds_to_read: Option<f64>,
    /// Times resent.
    pub resend_count: u32,
    /// `scheduled`, `live` or `fire-now`.
    pub source: String,
}

/// The summary of one team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamSummary {
    /// Team slug.
    pub team_id: String,
    /// Name.
    pub team_name: String,
    /// `#rrggbb`.
    pub color: String,
    /// Deliveries (every run).
    pub delivered: u64,
    /// Of which read.
    pub read: u64,
    /// Of which late.
    pub late: u64,
    /// Resends.
    pub resent: u64,
    /// Median seconds from firing to reading.
    pub median_seconds_to_read: Option<f64>,
    /// 90th percentile of the same.
    pub p90_seconds_to_read: Option<f64>,
}

impl TeamSummary {
    /// Read as a percentage of delivered.
    pub fn read_pct(&self) -> u64 {
        (self.read * 100).checked_div(self.delivered).unwrap_or(0)
    }
}

/// Totals over the exercise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSummary {
    /// Exercise id.
    pub exercise_id: String,
    /// Name.
    pub exercise_name: String,
    /// Scenario id.
    pub scenario_id: String,
    /// Scenario version.
    pub scenario_version: u32,
    /// State now.
    pub state: String,
    /// Runs so far.
    pub runs: u32,
    /// Exercise time reached, `T+MM:SS`.
    pub clock: String,
    /// Clock first started (RFC 3339).
    pub started_at: Option<String>,
    /// Finished or stopped (RFC 3339).
    pub ended_at: Option<String>,
    /// Wall seconds from start to end (or now).
    pub wall_seconds: Option<i64>,
    /// Deliveries.
    pub delivered: u64,
    /// Read.
    pub read: u64,
    /// Late.
    pub late: u64,
    /// Resends.
    pub resent: u64,
    /// Live injects (deliveries).
    pub live: u64,
    /// Median seconds to read.
    pub median_seconds_to_read: Option<f64>,
    /// 90th percentile.
    pub p90_seconds_to_read: Option<f64>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// Totals.
    pub summary: ReportSummary,
    /// Per team.
    pub teams: Vec<TeamSummary>,
    /// Every delivery, by run then firing time.
    pub deliveries: Vec<ReportRow>,
}

/// RFC 3339 of a wall time in ms.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// The `q` quantile (0–1) of sorted values, nearest rank.
pub fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Every delivery of every run of an exercise.
pub async fn all_deliveries(
    state: &AppState,
    record: &ExerciseRecord,
) -> Result<Vec<DeliveryRecord>, ApiError> {
    let mut all = Vec::new();
    for run in 1..=record.runtime.run.max(1) {
        let mut offset = 0;
        loop {
            let page = state
                .store
                .list_deliveries(
                    &record.id,
                    &DeliveryFilter {
                        run: Some(run),
                        team: None,
                        state: None,
                        late_only: false,
                        sort: DeliverySort::FiredAt,
                        paging: Paging::new(Paging::MAX_LIMIT, offset),
                    },
                )
                .await?;
            let n = page.items.len() as u64;
            all.extend(page.items);
            offset += n;
            if n == 0 || offset >= page.total {
                break;
            }
        }
    }
    Ok(all)
}

fn seconds_to_read(d: &DeliveryRecord) -> Option<f64> {
    d.read_at.map(|r| (r - d.fired_at).max(0) as f64 / 1000.0)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

/// Builds the report of an exercise.
pub async fn build_report(state: &AppState, record: &ExerciseRecord) -> Result<Report, ApiError> {
    let teams = state.store.exercise_teams(&record.id).await?;
    let deliveries = all_deliveries(state, record).await?;
    let name_of = |id: &str| {
        teams
            .iter()
            .find(|t| t.team_id.as_str() == id)
            .map_or_else(|| id.to_owned(), |t| t.name.clone())
    };
    let rows: Vec<ReportRow> = deliveries
        .iter()
        .map(|d| ReportRow {
            exercise_id: record.id.to_string(),
            exercise_name: record.name.clone(),
            run: d.run,
            team_id: d.team_id.to_string(),
            team_name: name_of(d.team_id.as_str()),
            inject_id: d.inject_id.to_string(),
            title: d.title.clone(),
            inject_type: d.inject_type.as_str().to_owned(),
            scheduled_tplus: d.scheduled_ms.map(format_tplus),
            fired_tplus: format_tplus(d.fired_elapsed_ms),
            fired_at: rfc3339(d.fired_at),
            late: d.late,
            lateness_ms: d.lateness_ms,
            published_at: d.published_at.map(rfc3339),
            received_at: d.received_at.map(rfc3339),
            displayed_at: d.displayed_at.map(rfc3339),
            read_at: d.read_at.map(rfc3339),
            seconds_to_read: seconds_to_read(d),
            resend_count: d.resent_count,
            source: match d.cause {
                DeliveryCause::Live => "live",
                DeliveryCause::FireNow => "fire-now",
                _ => "scheduled",
            }
            .to_owned(),
        })
        .collect();
    let team_summaries = teams
        .iter()
        .map(|t| {
            let mine: Vec<&DeliveryRecord> = deliveries
                .iter()
                .filter(|d| d.team_id == t.team_id)
                .collect();
            let times = sorted(mine.iter().filter_map(|d| seconds_to_read(d)).collect());
            TeamSummary {
                team_id: t.team_id.to_string(),
                team_name: t.name.clone(),
                color: t.color.clone(),
                delivered: mine.len() as u64,
                read: mine.iter().filter(|d| d.read_at.is_some()).count() as u64,
                late: mine.iter().filter(|d| d.late).count() as u64,
                resent: mine.iter().map(|d| u64::from(d.resent_count)).sum(),
                median_seconds_to_read: quantile(&times, 0.5),
                p90_seconds_to_read: quantile(&times, 0.9),
            }
        })
        .collect();
    let times = sorted(deliveries.iter().filter_map(seconds_to_read).collect());
    let now = state.engine.clock.now();
    let ended = record.finished_at.or(record.stopped_at);
    let summary = ReportSummary {
        exercise_id: record.id.to_string(),
        exercise_name: record.name.clone(),
        scenario_id: record.scenario_id.to_string(),
        scenario_version: record.scenario_version,
        state: record.runtime.state.as_str().to_owned(),
        runs: record.runtime.run,
        clock: format_tplus(record.runtime.clock.elapsed(now)),
        started_at: record.started_at.map(rfc3339),
        ended_at: ended.map(rfc3339),
        wall_seconds: record
            .started_at
            .map(|s| (ended.unwrap_or(now) - s).max(0) / 1000),
        delivered: deliveries.len() as u64,
        read: deliveries.iter().filter(|d| d.read_at.is_some()).count() as u64,
        late: deliveries.iter().filter(|d| d.late).count() as u64,
        resent: deliveries.iter().map(|d| u64::from(d.resent_count)).sum(),
        live: deliveries
            .iter()
            .filter(|d| d.cause == DeliveryCause::Live)
            .count() as u64,
        median_seconds_to_read: quantile(&times, 0.5),
        p90_seconds_to_read: quantile(&times, 0.9),
    };
    Ok(Report {
        summary,
        teams: team_summaries,
        deliveries: rows,
    })
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 20] = [
    "exercise_id",
    "exercise_name",
    "run",
    "team_id",
    "inject_id",
    "team_name",
    "title",
    "type",
    "scheduled_tplus",
    "fired_tplus",
    "fired_at",
    "late",
    "lateness_ms",
    "published_at",
    "received_at",
    "displayed_at",
    "read_at",
    "seconds_to_read",
    "resend_count",
    "source",
];

/// One CSV field: quoted when it holds a comma, quote or line break; text that a spreadsheet
/// would run as a formula gets a leading `'`.
pub fn csv_field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The report's deliveries as CSV (header row first, CRLF line ends).
pub fn to_csv(rows: &[ReportRow]) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    for r in rows {
        let fields = [
            r.exercise_id.clone(),
            r.exercise_name.clone(),
            r.run.to_string(),
            r.team_id.clone(),
            r.inject_id.clone(),
            r.team_name.clone(),
            r.title.clone(),
            r.inject_type.clone(),
            opt(&r.scheduled_tplus),
            r.fired_tplus.clone(),
            r.fired_at.clone(),
            r.late.to_string(),
            r.lateness_ms.to_string(),
            opt(&r.published_at),
            opt(&r.received_at),
            opt(&r.displayed_at),
            opt(&r.read_at),
            r.seconds_to_read
                .map(|s| format!("{s:.3}"))
                .unwrap_or_default(),
            r.resend_count.to_string(),
            r.source.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn attachment(id: &str, ext: &str) -> String {
    format!("attachment; filename=\"{id}-report.{ext}\"")
}

/// Every delivery of the exercise as CSV, one row per delivery.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/report.csv", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "CSV with a header row: exercise_id, exercise_name, run, team_id, inject_id, team_name, title, type, scheduled_tplus, fired_tplus, fired_at, late, lateness_ms, published_at, received_at, displayed_at, read_at, seconds_to_read, resend_count, source (scheduled, live or fire-now)", content_type = "text/csv", body = String),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn csv(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = exercise_id(&id)?;
    let record = state.store.get_exercise(&id).await?;
    let report = build_report(&state, &record).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, attachment(id.as_str(), "csv")),
        ],
        to_csv(&report.deliveries),
    )
        .into_response())
}

/// The after-action report: summary, teams, and every delivery.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/report.json", tag = "exercises",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$")),
    responses(
        (status = 200, description = "The report", body = Report),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn json(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let id = exercise_id(&id)?;
    let record = state.store.get_exercise(&id).await?;
    let report = build_report(&state, &record).await?;
    Ok((
        [(header::CONTENT_DISPOSITION, attachment(id.as_str(), "json"))],
        Json(report),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_guarded() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
        assert_eq!(quantile(&v, 0.5), Some(5.0));
        assert_eq!(quantile(&v, 0.9), Some(9.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[4.0], 0.9), Some(4.0));
    }
}
