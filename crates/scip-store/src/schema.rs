//! The schema: one migration folder for SQLite and PostgreSQL, applied at start-up, and the
//! guard that refuses a database a newer scip has migrated.

use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool};
use tracing::info;

use crate::error::{StoreError, StoreResult};
use crate::store::DbKind;

/// The migrations compiled into this binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// The newest migration this binary knows.
pub fn known_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The newest migration applied to the database, 0 when none has been.
pub(crate) async fn applied_version(pool: &AnyPool, kind: DbKind) -> StoreResult<i64> {
    let mut conn = pool.acquire().await?;
    applied_version_in(&mut conn, kind).await
}

/// [`applied_version`] on one connection (inside a transaction, say).
pub(crate) async fn applied_version_in(conn: &mut AnyConnection, kind: DbKind) -> StoreResult<i64> {
    let exists_sql = match kind {
        DbKind::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
        }
        DbKind::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
        }
    };
    let tables: i64 = sqlx::query_scalar(exists_sql).fetch_one(&mut *conn).await?;
    if tables == 0 {
        return Ok(0);
    }
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(newest.unwrap_or(0))
}

/// Refuses a database whose schema is newer than this binary's, then applies what is missing.
pub(crate) async fn migrate(pool: &AnyPool, kind: DbKind) -> StoreResult<()> {
    let database = applied_version(pool, kind).await?;
    let known = known_version();
    if database > known {
        return Err(StoreError::SchemaTooNew { database, known });
    }
    MIGRATOR.run(pool).await?;
    if database < known {
        info!(
            db.kind = %kind,
            from = database,
            to = known,
            "database schema migrated"
        );
    }
    Ok(())
}
