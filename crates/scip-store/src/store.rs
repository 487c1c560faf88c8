//! The store handle: connecting to SQLite or PostgreSQL, migrating, and opening the write
//! transactions every repository uses.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use tracing::info;

use crate::error::{StoreError, StoreResult};
use crate::schema;

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DbKind {
    /// An SQLite file (the all-in-one default).
    Sqlite,
    /// A PostgreSQL server (distributed deployments).
    Postgres,
}

impl DbKind {
    /// `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

impl fmt::Display for DbKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long an SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 10_000;
/// How much of an SQLite file is read through a memory map (address space, not memory: pages
/// come from the system's file cache and are shared by every connection).
const SQLITE_MMAP_BYTES: u64 = 1 << 30;
/// Connections kept for an SQLite file (one writer at a time; readers run beside it in WAL).
const SQLITE_MAX_CONNECTIONS: u32 = 8;
/// Connections kept per process for PostgreSQL.
const POSTGRES_MAX_CONNECTIONS: u32 = 16;
/// How long a caller waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(15);

/// The persistence layer: a cheap-to-clone handle on a connection pool.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    kind: DbKind,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password, so only the kind is shown.
        f.debug_struct("Store").field("kind", &self.kind).finish()
    }
}

/// A database URL understood and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// An SQLite file, with the URL to open it (created if missing).
    SqliteFile { path: PathBuf, url: String },
    /// A private in-memory SQLite database (tests and experiments).
    SqliteMemory { url: String },
    /// A PostgreSQL URL.
    Postgres { url: String },
}

impl Target {
    /// Reads `sqlite://path`, `sqlite::memory:` or `postgres://…`/`postgresql://…`.
    pub(crate) fn parse(url: &str) -> StoreResult<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres {
                url: url.to_owned(),
            });
        }
        let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        else {
            let scheme = url.split_once(':').map_or(url, |(s, _)| s);
            return Err(StoreError::Invalid(format!(
                "database URL scheme {scheme:?} is not supported; use sqlite://PATH or \
                 postgres://USER:PASSWORD@HOST:PORT/DATABASE"
            )));
        };
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        if path == ":memory:" || query.is_some_and(|q| q.contains("mode=memory")) {
            return Ok(Self::SqliteMemory {
                url: "sqlite::memory:".to_owned(),
            });
        }
        if path.is_empty() {
            return Err(StoreError::Invalid(
                "SQLite URL has no file path; use sqlite://data/scip.db".into(),
            ));
        }
        let query = match query {
            Some(q) if q.contains("mode=") => q.to_owned(),
            Some(q) if !q.is_empty() => format!("{q}&mode=rwc"),
            _ => "mode=rwc".to_owned(),
        };
        Ok(Self::SqliteFile {
            path: PathBuf::from(path),
            url: format!("sqlite://{path}?{query}"),
        })
    }

    fn kind(&self) -> DbKind {
        match self {
            Self::SqliteFile { .. } | Self::SqliteMemory { .. } => DbKind::Sqlite,
            Self::Postgres { .. } => DbKind::Postgres,
        }
    }
}

fn create_parent_folder(path: &Path) -> StoreResult<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => {
            std::fs::create_dir_all(parent).map_err(|e| {
                StoreError::Unavailable(format!(
                    "cannot create the database folder {}: {e}",
                    parent.display()
                ))
            })
        }
        _ => Ok(()),
    }
}

/// Settings every SQLite connection gets: write-ahead log so readers never block the writer,
/// `synchronous=NORMAL` (safe with WAL; a power cut may lose the last commits, never corrupt
/// the file), foreign keys enforced, a wait instead of an immediate "database is locked", and
/// the database file read through a memory map: every write by one connection empties the
/// page caches of the others, and re-reading pages by copying them in cost the engine more
/// than anything else it does while firing.
async fn configure_sqlite(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    conn.execute(sqlx::AssertSqlSafe(format!(
        "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"
    )))
    .await?;
    conn.execute("PRAGMA journal_mode = WAL").await?;
    conn.execute("PRAGMA synchronous = NORMAL").await?;
    conn.execute("PRAGMA foreign_keys = ON").await?;
    conn.execute(sqlx::AssertSqlSafe(format!(
        "PRAGMA mmap_size = {SQLITE_MMAP_BYTES}"
    )))
    .await?;
    Ok(())
}

impl Store {
    /// Opens the database at `url` and brings its schema up to date.
    ///
    /// `sqlite://PATH` creates the file and its folder when missing; `postgres://…` connects to
    /// an existing database. Fails with [`StoreError::SchemaTooNew`] when a newer scip has
    /// migrated the database, [`StoreError::Invalid`] for a URL it cannot use and
    /// [`StoreError::Unavailable`] when the database cannot be reached.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let store = Self::open(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database without migrating it.
    pub async fn open(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let target = Target::parse(url)?;
        let kind = target.kind();
        let options = AnyPoolOptions::new().acquire_timeout(ACQUIRE_TIMEOUT);
        let (options, url) = match target {
            Target::SqliteFile { path, url } => {
                create_parent_folder(&path)?;
                (sqlite_options(options, SQLITE_MAX_CONNECTIONS), url)
            }
            // Every connection to `:memory:` would be a separate database: keep one.
            Target::SqliteMemory { url } => (sqlite_options(options, 1), url),
            Target::Postgres { url } => (options.max_connections(POSTGRES_MAX_CONNECTIONS), url),
        };
        // One direct attempt first: the pool would retry a refused connection until its
        // acquire timeout, and start-up should say at once that the database is not there.
        let unreachable = |e: sqlx::Error| match StoreError::from(e) {
            StoreError::Other(m) | StoreError::Unavailable(m) => {
                StoreError::Unavailable(format!("cannot connect to {}: {m}", redact_password(&url)))
            }
            other => other,
        };
        AnyConnection::connect(&url)
            .await
            .map_err(unreachable)?
            .close()
            .await
            .map_err(unreachable)?;
        let pool = options.connect(&url).await.map_err(unreachable)?;
        info!(db.kind = %kind, "database opened");
        Ok(Self { pool, kind })
    }

    /// Applies the migrations this binary carries that the database lacks. Refuses a
    /// database migrated by a newer scip ([`StoreError::SchemaTooNew`]).
    pub async fn migrate(&self) -> StoreResult<()> {
        schema::migrate(&self.pool, self.kind).await
    }

    /// The newest migration applied to the database (0 for an empty one).
    pub async fn schema_version(&self) -> StoreResult<i64> {
        schema::applied_version(&self.pool, self.kind).await
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// SQLite or PostgreSQL.
    pub fn kind(&self) -> DbKind {
        self.kind
    }

    /// Closes every connection; later calls fail with [`StoreError::Unavailable`].
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The pool, for the repositories.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one failing
    /// when it upgrades a read lock.
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        let tx = match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            DbKind::Postgres => self.pool.begin().await?,
        };
        Ok(tx)
    }
}

/// The URL with any password replaced by `***`, for messages.
fn redact_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |i| scheme_end + i);
    let authority = &url[scheme_end..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &url[scheme_end + at..]
        ),
        _ => url.to_owned(),
    }
}

fn sqlite_options(options: AnyPoolOptions, max_connections: u32) -> AnyPoolOptions {
    options
        .max_connections(max_connections)
        .after_connect(|conn, _meta| Box::pin(configure_sqlite(conn)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_open_the_file_creating_it() {
        assert_eq!(
            Target::parse("sqlite://data/scip.db").unwrap(),
            Target::SqliteFile {
                path: PathBuf::from("data/scip.db"),
                url: "sqlite://data/scip.db?mode=rwc".into()
            }
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/scip/scip.db?cache=private").unwrap(),
            Target::SqliteFile {
                path: PathBuf::from("/var/lib/scip/scip.db"),
                url: "sqlite:///var/lib/scip/scip.db?cache=private&mode=rwc".into()
            }
        );
        assert!(matches!(
            Target::parse("sqlite::memory:").unwrap(),
            Target::SqliteMemory { .. }
        ));
    }

    proptest::proptest! {
        #[test]
        fn any_url_is_read_or_refused_without_panicking(url in ".{0,80}") {
            let _ = Target::parse(&url);
        }

        #[test]
        fn sqlite_paths_are_kept_and_opened_read_write_create(path in "[a-zA-Z0-9_./-]{1,60}") {
            proptest::prop_assume!(path != ":memory:");
            match Target::parse(&format!("sqlite://{path}")).unwrap() {
                Target::SqliteFile { path: parsed, url } => {
                    proptest::prop_assert_eq!(parsed, PathBuf::from(&path));
                    proptest::prop_assert!(url.ends_with("?mode=rwc"));
                }
                other => proptest::prop_assert!(false, "{other:?}"),
            }
        }
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            redact_password("postgres://scip:s3cret@db:5432/scip?sslmode=disable"),
            "postgres://scip:***@db:5432/scip?sslmode=disable"
        );
        assert_eq!(redact_password("postgres://db/scip"), "postgres://db/scip");
        assert_eq!(
            redact_password("sqlite://data/scip.db"),
            "sqlite://data/scip.db"
        );
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        let err = Target::parse("mysql://root@localhost/scip").unwrap_err();
        assert!(err.to_string().contains("\"mysql\""), "{err}");
        assert!(Target::parse("sqlite://").is_err());
        assert_eq!(
            Target::parse("postgresql://u:p@h/db").unwrap().kind(),
            DbKind::Postgres
        );
    }
}
