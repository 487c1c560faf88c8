//! The store's one error type. Driver errors are translated here, so nothing above the store
//! matches on sqlx.

use sqlx::error::ErrorKind;

/// Result of a store operation.
pub type StoreResult<T> = Result<T, StoreError>;

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The named thing does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// Someone else changed or took it first (a taken name, a stale version). Re-read and
    /// retry, or ask the user.
    #[error("{what}")]
    Conflict {
        /// What clashed, in words.
        what: String,
        /// The version now stored, when the conflict is about versions.
        current_version: Option<u64>,
    },
    /// The named thing cannot be deleted or changed while something refers to it.
    #[error("{0}")]
    InUse(String),
    /// The caller asked for something the store cannot accept (a bad URL, a number out of
    /// range); nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The database cannot be reached or is busy (connection refused, pool timed out, file
    /// locked). Retrying later may succeed.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A stored row cannot be read back (damaged JSON, an unknown state name).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database was migrated by a newer scip than this one.
    #[error(
        "database schema version {database} is newer than this scip (knows up to {known}); \
         upgrade scip"
    )]
    SchemaTooNew {
        /// Newest migration applied to the database.
        database: i64,
        /// Newest migration this binary carries.
        known: i64,
    },
    /// Any other database failure.
    #[error("database error: {0}")]
    Other(String),
}

impl StoreError {
    /// A conflict without a version.
    pub fn conflict(what: impl Into<String>) -> Self {
        Self::Conflict {
            what: what.into(),
            current_version: None,
        }
    }

    /// A conflict on a stale version.
    pub fn stale_version(what: impl Into<String>, current_version: u64) -> Self {
        Self::Conflict {
            what: what.into(),
            current_version: Some(current_version),
        }
    }

    /// True for errors worth retrying after a pause.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
}

/// SQLite result codes meaning "someone else holds the lock": BUSY, LOCKED and their extended
/// forms.
const SQLITE_BUSY_CODES: [&str; 5] = ["5", "6", "261", "262", "517"];

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::RowNotFound => Self::NotFound("row".into()),
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                let message = db.message().to_owned();
                match db.kind() {
                    ErrorKind::UniqueViolation => {
                        Self::conflict(format!("already exists: {message}"))
                    }
                    ErrorKind::ForeignKeyViolation => {
                        Self::InUse(format!("still referred to: {message}"))
                    }
                    ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                        Self::Invalid(format!("refused by the schema: {message}"))
                    }
                    _ if SQLITE_BUSY_CODES.contains(&code.as_str()) => {
                        Self::Unavailable(format!("database is locked: {message}"))
                    }
                    // PostgreSQL: serialization failure and deadlock both mean "retry".
                    _ if code == "40001" || code == "40P01" => {
                        Self::conflict(format!("concurrent update: {message}"))
                    }
                    // PostgreSQL classes 08 (connection), 53 (resources), 57 (operator).
                    _ if code.starts_with("08")
                        || code.starts_with("53")
                        || code.starts_with("57") =>
                    {
                        Self::Unavailable(message)
                    }
                    _ => Self::Other(if code.is_empty() {
                        message
                    } else {
                        format!("{message} (code {code})")
                    }),
                }
            }
            sqlx::Error::PoolTimedOut => {
                Self::Unavailable("timed out waiting for a database connection".into())
            }
            sqlx::Error::PoolClosed => Self::Unavailable("the store has been closed".into()),
            sqlx::Error::Io(e) => Self::Unavailable(e.to_string()),
            sqlx::Error::Tls(e) => Self::Unavailable(format!("TLS: {e}")),
            sqlx::Error::Protocol(e) => Self::Unavailable(format!("protocol: {e}")),
            sqlx::Error::WorkerCrashed => {
                Self::Unavailable("the database worker thread stopped".into())
            }
            sqlx::Error::Configuration(e) => Self::Invalid(format!("database configuration: {e}")),
            e @ (sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::ColumnNotFound(_)
            | sqlx::Error::ColumnIndexOutOfBounds { .. }
            | sqlx::Error::TypeNotFound { .. }) => Self::Corrupt(e.to_string()),
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError as M;
        match error {
            M::Execute(e) => e.into(),
            M::ExecuteMigration(e, version) => Self::Other(format!(
                "migration {version} failed: {}",
                StoreError::from(e)
            )),
            M::VersionMismatch(version) => Self::Corrupt(format!(
                "migration {version} applied to this database differs from the one this scip \
                 carries"
            )),
            other => Self::Other(format!("migrations: {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_too_new_names_both_versions_and_the_fix() {
        let e = StoreError::SchemaTooNew {
            database: 7,
            known: 1,
        };
        assert_eq!(
            e.to_string(),
            "database schema version 7 is newer than this scip (knows up to 1); upgrade scip"
        );
    }

    #[test]
    fn pool_errors_are_unavailable() {
        assert!(StoreError::from(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(StoreError::from(sqlx::Error::PoolClosed).is_unavailable());
    }
}
