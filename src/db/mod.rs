//! Database access: one binary, two backends (SQLite by default, PostgreSQL for several instances).
//!
//! Diesel is synchronous, so every query runs on the blocking pool through [`Db::run`]; async workers
//! never wait on the database.

pub mod migrate;
pub mod models;
pub mod schema;
pub mod types;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, Pool, PooledConnection};
use std::time::Duration;

pub mod any {
    // The derive generates MultiBackend and friends next to the enum: it lives in its own module.
    #[derive(diesel::MultiConnection)]
    pub enum AnyConnection {
        Postgresql(diesel::PgConnection),
        Sqlite(diesel::SqliteConnection),
    }
}
pub use any::AnyConnection;
/// The result of a query, named here so the layers above need not import diesel.
pub use diesel::QueryResult;

/// Which database a `DATABASE_URL` names. Anything else is refused with a clear message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "DATABASE_URL must start with sqlite:// or postgres:// (got scheme \"{0}\"); for example sqlite://data/chorus-desk.db"
    )]
    UnknownScheme(String),
    #[error("could not open the database: {0}")]
    Connection(#[from] ConnectionError),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("the database worker stopped: {0}")]
    Blocking(String),
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or("");
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            other => Err(DbError::UnknownScheme(other.to_string())),
        }
    }
}

/// Opens one connection, dispatching on the URL scheme so that the real error (not diesel's
/// "Invalid connection url for multiconnection") reaches the user.
pub fn establish(url: &str) -> Result<AnyConnection, DbError> {
    match Backend::from_url(url)? {
        Backend::Postgres => Ok(AnyConnection::Postgresql(PgConnection::establish(url)?)),
        Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            if let Some(parent) = std::path::Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent).map_err(|e| {
                    DbError::Connection(ConnectionError::BadConnection(format!(
                        "cannot create {}: {e}",
                        parent.display()
                    )))
                })?;
            }
            if path != ":memory:" {
                keep_private(std::path::Path::new(path));
            }
            let mut conn = SqliteConnection::establish(path)?;
            conn.batch_execute(
                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;",
            )
            .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
            Ok(AnyConnection::Sqlite(conn))
        }
    }
}

/// The SQLite file holds every invoice, customer and password hash: readable by its owner only.
/// Created 0600 before SQLite opens it (its `-wal` and `-shm` files then take the same mode), and
/// a file left readable by others by an earlier version is tightened.
fn keep_private(path: &std::path::Path) {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    if created.is_err()
        && let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
        && let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    {
        tracing::warn!(path = %path.display(), error = %e, "the database file is readable by other users and could not be made private");
    }
}

pub struct AnyManager(String);

impl r2d2::ManageConnection for AnyManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        establish(&self.0).map_err(|e| match e {
            DbError::Connection(c) => r2d2::Error::ConnectionError(c),
            other => r2d2::Error::ConnectionError(ConnectionError::BadConnection(other.to_string())),
        })
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

pub type DbConn = PooledConnection<AnyManager>;

/// The shared pool. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<AnyManager>,
    backend: Backend,
    /// Nanoseconds spent in `run` closures, summed over connections (the poller benchmark's DB time).
    busy_nanos: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Db {
    pub fn connect(url: &str, max_size: u32) -> Result<Db, DbError> {
        let backend = Backend::from_url(url)?;
        // Fail fast with the real error rather than letting the pool retry for 30 s.
        drop(establish(url)?);
        let pool = Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(AnyManager(url.to_string()))?;
        Ok(Db {
            pool,
            backend,
            busy_nanos: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Time spent running database work so far, summed over connections.
    pub fn busy_time(&self) -> Duration {
        Duration::from_nanos(self.busy_nanos.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// A connection for synchronous callers (CLI commands, blocking jobs).
    pub fn get(&self) -> Result<DbConn, DbError> {
        Ok(self.pool.get()?)
    }

    /// Runs database work on the blocking pool.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let busy = self.busy_nanos.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(DbError::from)?;
            let started = std::time::Instant::now();
            let result = work(&mut conn);
            busy.fetch_add(
                started.elapsed().as_nanos() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            result
        })
        .await
        .map_err(|e| E::from(DbError::Blocking(e.to_string())))?
    }

    /// Checks that the database answers (used by `/health`).
    pub async fn ping(&self) -> Result<(), DbError> {
        self.run(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok::<_, DbError>(())
        })
        .await
    }
}

/// Counts the pages show stop here: exact below, "10,000+" above, so that no page load counts
/// millions of rows.
pub const COUNT_CAP: i64 = 10_000;

/// A count of at most [`COUNT_CAP`] + 1 (see [`bounded_count`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct BoundedCount(pub i64);

impl BoundedCount {
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// The sum of several, still capped.
    pub fn sum(counts: impl IntoIterator<Item = BoundedCount>) -> BoundedCount {
        BoundedCount(counts.into_iter().map(|c| c.0).sum::<i64>().min(COUNT_CAP + 1))
    }
}

impl std::fmt::Display for BoundedCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 > COUNT_CAP {
            f.write_str("10,000+")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// `SELECT COUNT(*)` over at most [`COUNT_CAP`] + 1 rows of `from_where` (a `FROM … WHERE …`
/// clause built from trusted values only: ids and constants, never user input).
pub fn bounded_count(conn: &mut AnyConnection, from_where: &str) -> QueryResult<BoundedCount> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let count: Count = diesel::sql_query(format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one {from_where} LIMIT {}) AS capped",
        COUNT_CAP + 1
    ))
    .get_result(conn)?;
    Ok(BoundedCount(count.n))
}

/// The current time as stored in the database: UTC, microsecond precision on both backends.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    let now = chrono::Utc::now().naive_utc();
    now.with_nanosecond(now.nanosecond() / 1000 * 1000).unwrap_or(now)
}

/// A write transaction that takes the write lock up front. On SQLite a deferred transaction that
/// reads first and writes later fails with SQLITE_BUSY under concurrency, so we say
/// `BEGIN IMMEDIATE`; PostgreSQL uses an ordinary transaction.
/// The closure must not open transactions of its own.
pub fn write_tx<T, E, F>(conn: &mut AnyConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        AnyConnection::Postgresql(_) => conn.transaction(work),
        AnyConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            match work(conn) {
                Ok(value) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

/// PostgreSQL: takes the transaction-scoped advisory lock `key` (released at commit or rollback),
/// serialising the transactions that take the same key. SQLite: nothing (a write transaction
/// already holds the database's write lock, see [`write_tx`]).
pub fn advisory_xact_lock(conn: &mut AnyConnection, key: i64) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .execute(pg)?;
    }
    Ok(())
}

/// PostgreSQL: `ANALYZE` the tables a bulk load filled, what autovacuum does a while after it (the
/// planner needs the new sizes). Returns whether it ran (not on SQLite).
pub fn analyze_after_bulk_load(conn: &mut AnyConnection) -> QueryResult<bool> {
    match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query("ANALYZE invoices, submissions, audit_log").execute(pg)?;
            Ok(true)
        }
        AnyConnection::Sqlite(_) => Ok(false),
    }
}
