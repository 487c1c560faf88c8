//! Controller commands, applied from any process: read the exercise, run the pure engine,
//! commit the result in one store step guarded by the exercise's version, then tell everyone.
//! A concurrent change (the owning engine firing an inject at the same moment) makes the step
//! conflict; the command is then simply re-read and re-applied.

use scip_core::engine::{Command, Effect, Engine};
use scip_core::validate::check_content;
use scip_core::{ExerciseId, InjectId, TeamId};
use scip_store::{DeliveryId, ExerciseRecord, StepOutcome, StoreError};
use tracing::{info, instrument};

use crate::EngineHandle;
use crate::error::EngineError;
use crate::hub::LiveEvent;
use crate::step::{LiveContent, live_deliveries, step_from_effects};

/// How many times a command is re-applied after losing a race before giving up.
const ATTEMPTS: u32 = 8;

/// What a controller asks of an exercise.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A lifecycle action, seek, speed or fire-now.
    Control(Command),
    /// An ad-hoc inject to some teams.
    LiveInject {
        /// Target teams (at least one).
        teams: Vec<TeamId>,
        /// What to send.
        live: Box<LiveContent>,
    },
    /// Publish a delivery again (same seq and payload).
    Resend {
        /// The delivery.
        delivery: DeliveryId,
    },
}

/// What a command did.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The exercise afterwards.
    pub exercise: ExerciseRecord,
    /// Effects of the pure engine (announcements, firings, skips).
    pub effects: Vec<Effect>,
    /// Deliveries written (fire-now, seek, next-turn, live inject).
    pub deliveries: Vec<scip_store::StoredDelivery>,
    /// The generated id of a live inject.
    pub live_inject: Option<InjectId>,
}

impl EngineHandle {
    /// Applies a controller's request to an exercise on behalf of `actor`.
    #[instrument(skip_all, fields(exercise.id = %exercise, actor = actor))]
    pub async fn execute(
        &self,
        exercise: &ExerciseId,
        request: Request,
        actor: &str,
    ) -> Result<Outcome, EngineError> {
        for _ in 0..ATTEMPTS {
            let record = self.store.get_exercise(exercise).await?;
            let scenario = self
                .scenarios
                .get(&self.store, &record.scenario_id, record.scenario_version)
                .await?;
            let done = self.store.done_set(exercise).await?;
            let mut engine = Engine::new(
                scenario.plan(),
                record.runtime,
                self.settings(&record),
                done,
            );
            // The owning engine commits firings a little ahead of their instant (see
            // `runner`). A command lands no earlier than the last of them, so the exercise
            // clock never reads less than the due time of anything already committed.
            let committed_through = self.store.last_fired_at(exercise).await?;
            let now = committed_through.map_or(self.clock.now(), |t| t.max(self.clock.now()));
            let command = match &request {
                Request::Control(c) => c.clone(),
                Request::LiveInject { .. } => Command::LiveInject,
                Request::Resend { .. } => Command::Resend,
            };
            let effects = engine.apply(command, now)?;
            if let Request::Resend { delivery } = &request {
                return self.resend(record, delivery, actor, now).await;
            }
            let mut step =
                step_from_effects(&record, &scenario, *engine.runtime(), &effects, actor, now)?;
            let mut live_inject = None;
            if let Request::LiveInject { teams, live } = &request {
                let live: &LiveContent = live;
                self.check_live(&record, teams, live).await?;
                let (id, deliveries) = live_deliveries(
                    exercise,
                    teams,
                    live,
                    engine.runtime(),
                    engine.elapsed(now),
                    now,
                )?;
                live_inject = Some(id);
                step.deliveries.extend(deliveries);
            }
            match self.store.apply_step(step).await {
                Ok(outcome) => {
                    let exercise = ExerciseRecord {
                        runtime: *engine.runtime(),
                        version: outcome.version,
                        ..record
                    };
                    self.after_commit(&exercise, &outcome).await;
                    info!(action = %request_name(&request), "command applied");
                    return Ok(Outcome {
                        exercise,
                        effects,
                        deliveries: outcome.deliveries,
                        live_inject,
                    });
                }
                Err(StoreError::Conflict {
                    current_version: Some(_),
                    ..
                }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(EngineError::Contended(ATTEMPTS))
    }

    async fn check_live(
        &self,
        record: &ExerciseRecord,
        teams: &[TeamId],
        live: &LiveContent,
    ) -> Result<(), EngineError> {
        if teams.is_empty() {
            return Err(EngineError::Invalid(
                "choose at least one team for the live inject".into(),
            ));
        }
        let known = self.store.exercise_teams(&record.id).await?;
        for team in teams {
            if !known.iter().any(|t| &t.team_id == team) {
                return Err(EngineError::Invalid(format!(
                    "exercise {} has no team {team}",
                    record.id
                )));
            }
        }
        let problems: Vec<String> = check_content(&live.content)
            .into_iter()
            .filter(|p| p.is_error())
            .map(|p| p.to_string())
            .collect();
        if !problems.is_empty() {
            return Err(EngineError::Invalid(problems.join("; ")));
        }
        for name in &live.media {
            match self.store.get_media(name).await {
                Ok(_) => {}
                Err(StoreError::NotFound(_)) => {
                    return Err(EngineError::Invalid(format!(
                        "media file {name:?} is not in the library"
                    )));
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    async fn resend(
        &self,
        record: ExerciseRecord,
        delivery: &DeliveryId,
        actor: &str,
        now: scip_core::engine::WallMs,
    ) -> Result<Outcome, EngineError> {
        let found = self.store.get_delivery(delivery).await?;
        if found.exercise_id != record.id {
            return Err(StoreError::NotFound(format!(
                "delivery {delivery} in exercise {}",
                record.id
            ))
            .into());
        }
        self.store.mark_for_resend(delivery, actor, now).await?;
        let item = scip_store::StoredDelivery {
            id: found.id.clone(),
            team: found.team_id.clone(),
            seq: found.seq,
            payload: found.payload.clone(),
            fired_at: found.fired_at,
        };
        let outcome = StepOutcome {
            version: record.version,
            deliveries: vec![item],
            last_event_seq: 0,
        };
        self.after_commit(&record, &outcome).await;
        Ok(Outcome {
            exercise: record,
            effects: vec![],
            deliveries: outcome.deliveries,
            live_inject: None,
        })
    }

    /// Tells the relay, the owning engine and pages what a committed step did. (Control
    /// messages are published by the engine that owns the exercise, from the event log, so a
    /// command run anywhere needs no broker connection.)
    pub(crate) async fn after_commit(&self, exercise: &ExerciseRecord, outcome: &StepOutcome) {
        if !outcome.deliveries.is_empty() {
            if let Some(relay) = &self.relay {
                relay.enqueue(&exercise.id, &outcome.deliveries);
            }
            self.hub
                .publish(LiveEvent::DeliveriesCreated {
                    exercise: exercise.id.to_string(),
                })
                .await;
        }
        self.hub
            .publish(LiveEvent::ExerciseChanged {
                exercise: exercise.id.to_string(),
                version: exercise.version,
            })
            .await;
    }
}

fn request_name(request: &Request) -> String {
    match request {
        Request::Control(c) => c.action().to_string(),
        Request::LiveInject { teams, .. } => format!("live-inject to {} teams", teams.len()),
        Request::Resend { delivery } => format!("resend {delivery}"),
    }
}
