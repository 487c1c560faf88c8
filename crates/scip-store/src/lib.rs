//! SCIP's persistence on SQLite (all-in-one) or PostgreSQL (distributed), with one set of
//! portable migrations and one set of queries through sqlx's `Any` driver.
//!
//! Everything goes through [`Store`], a cheap-to-clone handle; each repository below adds
//! methods to it. Errors are one [`StoreError`]; nothing above this crate sees sqlx.
//!
//! - [`store`]: connecting (`sqlite://PATH` or `postgres://…`), migrating, ping, close.
//! - [`schema`]: the migrations and the guard against a database newer than this binary.
//! - [`users`]: portal accounts and roles.
//! - [`scenarios`]: scenarios and their versions, with optimistic concurrency on saves.
//! - [`media`]: media library metadata and which scenarios use each file.
//! - [`exercises`]: exercises and their engine runtime; [`teams`]: their teams, access
//!   codes, dashboards and presence.
//! - [`step`]: the engine step — runtime, deliveries, skips and events in one transaction.
//! - [`delivery`]: what a delivery is; [`deliveries`]: delivery lists, team feeds, progress
//!   counts, the done set.
//! - [`backup`]: backup archives of every table and the media folder, and restoring them.
//! - [`outbox`]: what the publisher still has to send; [`receipts`]: what dashboards saw.
//! - [`events`]: the per-exercise event log; [`leases`]: one engine per exercise;
//!   [`settings`]: named values.
//!
//! Times are wall-clock Unix milliseconds ([`WallMs`](scip_core::engine::WallMs)) given by
//! the caller; the store never reads a clock.

pub mod backup;
mod bulk;
pub mod deliveries;
pub mod delivery;
mod delivery_rows;
pub mod error;
pub mod events;
pub mod exercises;
pub mod ids;
pub mod leases;
pub mod media;
pub mod outbox;
mod page;
pub mod receipts;
mod row;
mod runtime;
pub mod scenarios;
pub mod schema;
pub mod settings;
pub mod step;
pub mod store;
pub mod teams;
pub mod users;

pub use backup::{
    BackupError, BackupRequest, BackupResult, BackupSummary, Progress, RestoreRequest,
    RestoreSummary, VerifiedArchive, verify_archive,
};
pub use deliveries::{DeliveryCounts, DeliveryFilter, DeliverySort, FeedItem, TeamDeliveryCounts};
pub use delivery::{DeliveryCause, DeliveryKind, DeliveryRecord, DeliveryState};
pub use error::{StoreError, StoreResult};
pub use events::{EventOrder, EventQuery, EventRecord, NewEvent};
pub use exercises::{DashboardRuntime, ExerciseRecord, NewExercise, NewExerciseTeam};
pub use ids::{DeliveryId, UserId};
pub use leases::Lease;
pub use media::{MediaRecord, MediaUse};
pub use outbox::OutboxItem;
pub use page::{Page, Paging};
pub use receipts::{Receipt, ReceiptKind};
pub use scenarios::{ScenarioSummary, ScenarioVersionInfo, VersionNote};
pub use step::{EngineStep, NewDelivery, StepOutcome, StoredDelivery};
pub use store::{DbKind, Store};
pub use teams::{DashboardHealth, DashboardInfo, ExerciseTeam};
pub use users::{NewUser, Role, User, UserCredentials};
