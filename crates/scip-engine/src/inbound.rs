//! What dashboards send the engine over MQTT: receipts (`received`, `displayed`, `read`) and
//! presence (viewers online). Only the engine that owns an exercise stores them, so several
//! orchestrators never record the same message twice.

use scip_bus::payload::{PresencePayload, ReceiptKind as BusReceiptKind, ReceiptPayload};
use scip_bus::{Inbox, Topic};
use scip_store::{Receipt, ReceiptKind, StoreError};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

use crate::EngineHandle;
use crate::hub::{DeliveryRef, LiveEvent};
use crate::relay::Owned;

fn receipt_kind(kind: BusReceiptKind) -> ReceiptKind {
    match kind {
        BusReceiptKind::Received => ReceiptKind::Received,
        BusReceiptKind::Displayed => ReceiptKind::Displayed,
        BusReceiptKind::Read => ReceiptKind::Read,
    }
}

/// Consumes receipts and presence from the engine's MQTT inbox until `cancel` fires. `owned`
/// limits storage to exercises this process drives (`None`: store everything).
pub async fn consume_inbound(
    handle: EngineHandle,
    mut inbox: Inbox,
    owned: Option<Owned>,
    cancel: CancellationToken,
) {
    loop {
        let message = tokio::select! {
            _ = cancel.cancelled() => return,
            m = inbox.recv() => match m {
                Some(m) => m,
                None => return,
            },
        };
        let topic = match handle.layout.parse(&message.topic) {
            Ok(t) => t,
            Err(e) => {
                debug!(topic = %message.topic, error = %e, "ignoring a message on an unknown topic");
                continue;
            }
        };
        if let Some(owned) = &owned
            && !owned.contains(topic.exercise())
        {
            continue;
        }
        let now = handle.clock.now();
        match &topic {
            Topic::Receipts(exercise, team) => {
                let payload = match ReceiptPayload::parse(&message.payload) {
                    Ok(p) => p,
                    Err(e) => {
                        warn!(exercise.id = %exercise, team.id = %team, error = %e, "refused a receipt");
                        continue;
                    }
                };
                let at =
                    i64::try_from(payload.at.unix_timestamp_nanos() / 1_000_000).unwrap_or(now);
                let receipt = Receipt {
                    exercise: exercise.clone(),
                    team: team.clone(),
                    seq: payload.seq,
                    kind: receipt_kind(payload.kind),
                    at,
                    viewer: payload.viewer.clone(),
                };
                match handle.store.record_receipt(&receipt, now).await {
                    Ok(true) => {
                        handle
                            .hub
                            .publish(LiveEvent::DeliveriesUpdated {
                                exercise: exercise.to_string(),
                                state: receipt.kind.as_str().to_owned(),
                                at,
                                deliveries: vec![DeliveryRef {
                                    team: team.to_string(),
                                    seq: payload.seq,
                                    delivery: String::new(),
                                }],
                            })
                            .await;
                    }
                    Ok(false) => {}
                    Err(StoreError::NotFound(what)) => {
                        debug!(exercise.id = %exercise, team.id = %team, seq = payload.seq, "receipt for {what}; ignored");
                    }
                    Err(e) => {
                        warn!(exercise.id = %exercise, error = %e, "could not store a receipt")
                    }
                }
            }
            Topic::Presence(exercise, team) => {
                let payload = match PresencePayload::parse(&message.payload) {
                    Ok(p) => p,
                    Err(e) => {
                        warn!(exercise.id = %exercise, team.id = %team, error = %e, "refused a presence message");
                        continue;
                    }
                };
                let viewers = if payload.online { payload.viewers } else { 0 };
                if let Err(e) = handle
                    .store
                    .update_presence(exercise, team, viewers, now)
                    .await
                {
                    debug!(exercise.id = %exercise, error = %e, "could not store presence");
                    continue;
                }
                handle
                    .hub
                    .publish(LiveEvent::Presence {
                        exercise: exercise.to_string(),
                        team: team.to_string(),
                        viewers: i64::from(viewers),
                        online: payload.online,
                    })
                    .await;
            }
            _ => {}
        }
    }
}
