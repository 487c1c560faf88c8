//! `/api/v2/exercises/{id}/deliveries` and `/receipts`: what was delivered to which team, how
//! far each delivery has got, and every receipt dashboards sent.

use axum::Json;
use axum::extract::State;
use scip_core::engine::WallMs;
use scip_store::{
    DeliveryFilter, DeliveryId, DeliveryRecord, DeliverySort, DeliveryState, ReceiptFilter,
    ReceiptKind, ReceiptRecord,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::extract::{ApiPath, ApiQuery, exercise_id, team_id};
use crate::api::paging::{Page, PageParams};
use crate::auth::{Observer, RequireRole};
use crate::error::ApiError;
use crate::state::AppState;

/// One inject delivered to one team.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    /// Id (also in the MQTT message).
    pub id: String,
    /// Team slug.
    pub team: String,
    /// Sequence number in the team's feed for this run.
    pub seq: u64,
    /// Run.
    pub run: u32,
    /// Inject id (generated for live injects).
    pub inject_id: String,
    /// `scheduled` or `live`.
    pub kind: String,
    /// `schedule`, `seek`, `fire-now`, `turn-advance` or `live`.
    pub cause: String,
    /// Inject type.
    #[serde(rename = "type")]
    pub inject_type: String,
    /// Headline or subject.
    pub title: String,
    /// Turn.
    pub turn: Option<u32>,
    /// Exercise time it was due (scheduled only), ms.
    pub scheduled_ms: Option<u64>,
    /// Exercise time it fired, ms.
    pub fired_elapsed_ms: u64,
    /// Wall ms it fired.
    pub fired_at: WallMs,
    /// How late it fired, ms.
    pub lateness_ms: u64,
    /// Fired late (after downtime).
    pub late: bool,
    /// Fired by a controller, not the clock.
    pub manual: bool,
    /// `pending`, `published`, `received`, `displayed` or `read`.
    pub state: String,
    /// Failed publish attempts.
    pub publish_attempts: u32,
    /// Broker acknowledgement, wall ms.
    pub published_at: Option<WallMs>,
    /// Last publish error.
    pub last_error: Option<String>,
    /// Times resent.
    pub resent_count: u32,
    /// First receipt of each kind, wall ms.
    pub received_at: Option<WallMs>,
    /// First `displayed`, wall ms.
    pub displayed_at: Option<WallMs>,
    /// First `read`, wall ms.
    pub read_at: Option<WallMs>,
    /// The MQTT message (single deliveries only).
    #[schema(value_type = Option<Object>)]
    pub payload: Option<serde_json::Value>,
}

impl DeliveryView {
    fn new(d: &DeliveryRecord, with_payload: bool) -> Self {
        Self {
            id: d.id.to_string(),
            team: d.team_id.to_string(),
            seq: d.seq,
            run: d.run,
            inject_id: d.inject_id.to_string(),
            kind: d.kind.as_str().to_owned(),
            cause: d.cause.as_str().to_owned(),
            inject_type: d.inject_type.as_str().to_owned(),
            title: d.title.clone(),
            turn: d.turn,
            scheduled_ms: d.scheduled_ms,
            fired_elapsed_ms: d.fired_elapsed_ms,
            fired_at: d.fired_at,
            lateness_ms: d.lateness_ms,
            late: d.late,
            manual: d.manual,
            state: d.state().as_str().to_owned(),
            publish_attempts: d.publish_attempts,
            published_at: d.published_at,
            last_error: d.last_error.clone(),
            resent_count: d.resent_count,
            received_at: d.received_at,
            displayed_at: d.displayed_at,
            read_at: d.read_at,
            payload: with_payload
                .then(|| serde_json::from_str(&d.payload).ok())
                .flatten(),
        }
    }
}

/// Order of the delivery list.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryOrder {
    /// By firing time (default).
    #[default]
    Fired,
    /// By team, then seq.
    Seq,
}

/// Filters of the delivery list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    /// Only this team's.
    pub team: Option<String>,
    /// Only deliveries in this state: pending, published, received, displayed, read.
    pub state: Option<String>,
    /// Only late ones.
    pub late: Option<bool>,
    /// A run (default: the current one).
    pub run: Option<u32>,
    /// `fired` (default) or `seq`.
    #[param(value_type = Option<String>)]
    pub sort: Option<DeliveryOrder>,
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// Deliveries of an exercise, filtered by team, state and lateness.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/deliveries", tag = "deliveries",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), DeliveryListQuery),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<DeliveryView>),
        (status = 400, description = "Bad filter or paging"),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<DeliveryListQuery>,
) -> Result<Json<Page<DeliveryView>>, ApiError> {
    let id = exercise_id(&id)?;
    state.store.get_exercise(&id).await?;
    let paging = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .paging()?;
    let filter = DeliveryFilter {
        run: query.run,
        team: query.team.as_deref().map(team_id).transpose()?,
        state: query
            .state
            .as_deref()
            .map(|s| s.parse::<DeliveryState>().map_err(ApiError::bad_request))
            .transpose()?,
        late_only: query.late.unwrap_or(false),
        sort: match query.sort.unwrap_or_default() {
            DeliveryOrder::Fired => DeliverySort::FiredAt,
            DeliveryOrder::Seq => DeliverySort::Seq,
        },
        paging,
    };
    let page = state.store.list_deliveries(&id, &filter).await?;
    Ok(Json(Page::new(
        page.items
            .iter()
            .map(|d| DeliveryView::new(d, false))
            .collect(),
        page.total,
        paging,
    )))
}

/// One delivery with its MQTT message.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/deliveries/{delivery}", tag = "deliveries",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ("delivery" = String, Path, description = "Delivery id", pattern = r"^[0-9A-Z]{26}$")),
    responses(
        (status = 200, description = "The delivery", body = DeliveryView),
        (status = 404, description = "No such exercise or delivery"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath((id, delivery)): ApiPath<(String, String)>,
) -> Result<Json<DeliveryView>, ApiError> {
    let id = exercise_id(&id)?;
    let record = state
        .store
        .get_delivery(&DeliveryId::from(delivery.as_str()))
        .await?;
    if record.exercise_id != id {
        return Err(ApiError::not_found(format!(
            "delivery {delivery} of exercise {id} not found"
        )));
    }
    Ok(Json(DeliveryView::new(&record, true)))
}

/// A receipt from a team dashboard.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptView {
    /// The delivery.
    pub delivery_id: String,
    /// Team slug.
    pub team: String,
    /// The delivery's seq.
    pub seq: u64,
    /// Run.
    pub run: u32,
    /// The inject.
    pub inject_id: String,
    /// `received`, `displayed` or `read`.
    pub kind: String,
    /// When, as the dashboard reported it (wall ms).
    pub at: WallMs,
    /// When it was stored (wall ms).
    pub stored_at: WallMs,
    /// Which browser, if the dashboard said.
    pub viewer: Option<String>,
}

impl From<&ReceiptRecord> for ReceiptView {
    fn from(r: &ReceiptRecord) -> Self {
        Self {
            delivery_id: r.delivery_id.to_string(),
            team: r.team_id.to_string(),
            seq: r.seq,
            run: r.run,
            inject_id: r.inject_id.clone(),
            kind: r.kind.as_str().to_owned(),
            at: r.at,
            stored_at: r.stored_at,
            viewer: r.viewer.clone(),
        }
    }
}

/// Filters of the receipt list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReceiptListQuery {
    /// Only this team's.
    pub team: Option<String>,
    /// Only this kind: received, displayed, read.
    #[param(value_type = Option<String>)]
    pub kind: Option<ReceiptKind>,
    /// Only this delivery's.
    pub delivery: Option<String>,
    /// A run (default: the current one).
    pub run: Option<u32>,
    /// Items per page (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

/// Receipts of an exercise in arrival order.
#[utoipa::path(get, path = "/api/v2/exercises/{id}/receipts", tag = "deliveries",
    params(("id" = String, Path, description = "Exercise id", pattern = r"^[a-z0-9][a-z0-9-]{0,63}$"), ReceiptListQuery),
    responses(
        (status = 200, description = "A page of receipts", body = Page<ReceiptView>),
        (status = 400, description = "Bad filter or paging"),
        (status = 404, description = "No such exercise"),
    ))]
pub async fn receipts(
    State(state): State<AppState>,
    _user: RequireRole<Observer>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ReceiptListQuery>,
) -> Result<Json<Page<ReceiptView>>, ApiError> {
    let id = exercise_id(&id)?;
    state.store.get_exercise(&id).await?;
    let paging = PageParams {
        limit: query.limit,
        offset: query.offset,
    }
    .paging()?;
    let filter = ReceiptFilter {
        run: query.run,
        team: query.team.as_deref().map(team_id).transpose()?,
        kind: query.kind,
        delivery: query.delivery.map(DeliveryId::from),
        paging,
    };
    let page = state.store.list_receipts(&id, &filter).await?;
    Ok(Json(Page::new(
        page.items.iter().map(ReceiptView::from).collect(),
        page.total,
        paging,
    )))
}
