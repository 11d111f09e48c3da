//! Every database query, for SQLite and PostgreSQL, behind one interface.
//!
//! Each query is written once, as SQL text with `$1, $2…` placeholders (both sqlx-sqlite and
//! sqlx-postgres read them by number), and [`on_backend!`] (or [`on_transaction!`] inside a
//! transaction, [`on_reads!`] on a held [`Reads`] connection) runs that same text on
//! whichever pool the bot uses. The SQL is a runtime
//! string, not checked when compiling: the tests run every query on both backends.
//! IDs are `i64` (Discord snowflakes fit). Timestamps are UTC and kept to the microsecond,
//! PostgreSQL's precision, on both backends so what is read back equals what was written.
//! A stored value that no longer parses gives [`StoreError::CorruptRow`], never a panic.

/// Expands `$body` once per backend with `$pool` bound to a connection of that backend
/// (`&mut SqliteConnection` or `&mut PgConnection`, taken for the whole body), so a query
/// written once runs against either database. Only the Rust around the SQL is compiled
/// twice; the SQL text itself is checked by the database when it runs. For reads: a write
/// outside a transaction goes through [`on_writer!`].
macro_rules! on_backend {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pools) => {
                let mut reader = pools.read.acquire().await?;
                let $pool = &mut *reader;
                $body
            }
            $crate::store::Pool::Postgres(connections) => {
                let mut held = connections.acquire().await?;
                on_held!(&mut held, $pool => $body)
            }
        }
    };
}

/// Runs `$body` on a held `PostgreSQL` connection (`$held`: `&mut HeldConnection`) with
/// `$conn` bound to it. A connection whose use failed (an error returned early with `?`, or
/// a body ending in an `Err`) goes back to the pool once dropped, whose ping closes it if it
/// is broken, rather than back on the stack of held ones.
macro_rules! on_held {
    ($held:expr, $conn:ident => $body:expr) => {{
        #[allow(unused_imports)]
        use $crate::store::pg_connections::{FailedResult as _, NeverFailed as _, Outcome};
        let held: &mut $crate::store::pg_connections::HeldConnection = $held;
        let outcome: Result<_, $crate::store::StoreError> = async {
            let $conn = &mut **held;
            Ok($body)
        }
        .await;
        #[allow(clippy::needless_borrow)] // the borrow picks the impl
        let failed = outcome
            .as_ref()
            .map_or(true, |value| (&Outcome(value)).failed());
        if failed {
            held.failed();
        }
        outcome?
    }};
}

/// Like [`on_backend!`] for a statement that writes: on SQLite, on the one writer
/// connection (see [`SqlitePools`]), held for `$body`.
macro_rules! on_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite(pools) => {
                let mut writer = pools.write.lock().await?;
                let $pool = &mut *writer;
                $body
            }
            $crate::store::Pool::Postgres(connections) => {
                let mut held = connections.acquire().await?;
                on_held!(&mut held, $pool => $body)
            }
        }
    };
}

/// Like [`on_backend!`] inside a [`Transaction`]: expands `$body` once per backend with
/// `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`), so one step of a transaction is written once for both databases.
macro_rules! on_transaction {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.open {
            $crate::store::OpenTransaction::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::OpenTransaction::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Like [`on_backend!`] on a held [`Reads`] connection: expands `$body` once per backend
/// with `$conn` bound to `&mut SqliteConnection` or `&mut PgConnection`.
macro_rules! on_reads {
    ($reads:expr, $conn:ident => $body:expr) => {
        match &mut $reads.connection {
            $crate::store::ReadConnection::Sqlite(connection) => {
                let $conn = &mut **connection;
                $body
            }
            $crate::store::ReadConnection::Postgres(connection) => {
                on_held!(connection, $conn => $body)
            }
        }
    };
}

mod audit;
mod case_outline;
mod cases;
mod deliveries;
mod evidence;
mod guilds;
mod health;
mod moderation;
mod pending;
mod pg_connections;
mod questions;
mod read_only;
mod retention;
mod statistics;
mod writer;

use std::future::Future;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::pool::{MaybePoolConnection, PoolConnection};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteError, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, Sqlite};

use crate::metrics::{self, Metrics};
use pg_connections::{HeldConnection, PgConnections};
use read_only::ReadOnlyWatch;
use writer::{SqliteWriter, WriteTransaction};

pub use audit::{AuditEntry, NewAuditEntry};
pub use case_outline::CaseOutline;
pub use cases::{CaseRecord, EvidenceRecord, NewEvidence, NewReport, RecordedReport, ReportRecord};
pub use deliveries::{Delivery, Finished, HelpCardRequest, InteractionToken};
pub use evidence::{Added, EvidenceFile, NewAttachment, OpenReport, PendingFile, Settled};
pub use guilds::{GuildRecord, SettingChange, StoredSetting};
pub use health::{Backlog, PoolUse};
pub use moderation::{
    ActiveShield, CaseUpdate, ModerationStep, NewProtectiveAction, ProtectiveActionRecord,
    StepOutcome,
};
pub use pending::PendingReport;
pub use questions::{NewQuestion, QuestionRecord, Settlement};
pub use retention::{ErasureReport, PurgeReport};
pub use statistics::NewStatsEvent;

/// How long a SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times in all a transaction that met another writer is run before its error is
/// returned (see [`retry_busy`]).
const BUSY_ATTEMPTS: u32 = 5;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported backend or does not parse. Never echoes the URL, which
    /// may hold a password.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot create the database folder {path}: {source}")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The row an update targets does not exist.
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// Every freshly drawn reference was taken: practically impossible unless the
    /// reference space is nearly full.
    #[error("no unused case reference found after {attempts} attempts")]
    ReferencesExhausted { attempts: u32 },
    /// A stored value no longer parses (edited by hand, or written by a newer version).
    #[error("corrupt value in {table}.{column}: {detail}")]
    CorruptRow {
        table: &'static str,
        column: String,
        detail: String,
    },
}

/// The first key of the case locks' advisory locks ("SB").
const CASE_LOCK_SPACE: i32 = 0x5342;

/// Held while a step is applied to a case (see [`Store::lock_case`]).
pub struct CaseLock {
    _held: Option<sqlx::PgConnection>,
}

/// The bot's database: cheap to clone, every clone shares one connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Where transaction durations and recorded steps are counted (nowhere by default).
    metrics: Metrics,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePools),
    Postgres(PgConnections),
}

/// SQLite takes one writer at a time. Writers on several connections find the lock taken
/// and sleep in SQLite's busy handler (1, 2, 5… 100 ms) before they try again; on one
/// connection they wait their turn in line instead, and are woken the moment it is free
/// (see [`SqliteWriter`]). Readers have connections of their own (WAL lets them read
/// meanwhile).
#[derive(Clone, Debug)]
struct SqlitePools {
    read: SqlitePool,
    write: SqliteWriter,
}

/// A read connection held for several reads; dropped, it goes back to the pool. sqlx pings
/// every connection given back (a round trip to SQLite's worker thread, or to the
/// PostgreSQL server), so a flow that reads a dozen tables, such as drawing a queue post,
/// takes one connection for all of them. The reads are not one snapshot: each sees what was
/// committed when it ran. Hold it only while reading, not across a request to Discord.
pub struct Reads {
    connection: ReadConnection,
}

enum ReadConnection {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(HeldConnection),
}

/// An open transaction on either backend, timed from its begin. Dropped without
/// [`Transaction::commit`], it rolls back, as sqlx's own transactions do.
struct Transaction {
    open: OpenTransaction,
    began: Instant,
    metrics: Metrics,
}

enum OpenTransaction {
    Sqlite(WriteTransaction),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Transaction {
    async fn commit(self) -> Result<(), StoreError> {
        match self.open {
            OpenTransaction::Sqlite(tx) => tx.commit().await?,
            OpenTransaction::Postgres(tx) => tx.commit().await?,
        }
        self.metrics.observe(
            metrics::DB_TRANSACTION_SECONDS,
            &[("end", "commit")],
            self.began.elapsed(),
        );
        Ok(())
    }

    async fn rollback(self) -> Result<(), StoreError> {
        match self.open {
            OpenTransaction::Sqlite(tx) => tx.rollback().await?,
            OpenTransaction::Postgres(tx) => tx.rollback().await?,
        }
        self.metrics.observe(
            metrics::DB_TRANSACTION_SECONDS,
            &[("end", "rollback")],
            self.began.elapsed(),
        );
        Ok(())
    }
}

/// The options of both `SQLite` pools. A connection is a file handle, not a socket that can
/// drop: pinging it before each use (sqlx's default) would cost a round trip to its worker
/// thread per statement. The read-only probe stands in when a connection can be unfit.
fn sqlite_pool_options() -> (SqlitePoolOptions, Arc<ReadOnlyWatch>) {
    let (options, watch) = read_only::refuse_read_only(SqlitePoolOptions::new());
    (options.test_before_acquire(false), watch)
}

/// The options of the `PostgreSQL` pool. sqlx pings every connection given back to the pool,
/// so one taken again soon after is known to work; pinging it again before each use
/// (sqlx's default) would add a round trip to the server per statement. A connection idle
/// for longer may have been closed by the server or a proxy in between: it is pinged.
fn postgres_pool_options() -> PgPoolOptions {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|connection, idle| {
            Box::pin(async move {
                if idle.idle_for >= pg_connections::IDLE_PING {
                    connection.ping().await?;
                }
                Ok(true)
            })
        })
}

impl Store {
    /// Opens the database named by `url`:
    /// - `postgres://…` or `postgresql://…`: a PostgreSQL pool;
    /// - `sqlite://path`, `sqlite:path` or a plain file path: SQLite, creating the folder and
    ///   the file when missing, in WAL mode with foreign keys on.
    ///
    /// `max_connections` bounds the pool (at least one connection is always allowed).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let max_connections = max_connections.max(1);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|error| StoreError::InvalidUrl(error.to_string()))?;
            let pool = postgres_pool_options()
                .max_connections(max_connections)
                .connect_with(options)
                .await?;
            return Ok(Store {
                pool: Pool::Postgres(PgConnections::new(pool)),
                metrics: Metrics::default(),
            });
        }

        let options = sqlite_options(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .synchronous(SqliteSynchronous::Normal)
            .pragma("wal_autocheckpoint", writer::WAL_BACKSTOP_PAGES);
        if let Some(folder) = options.get_filename().parent()
            && !folder.as_os_str().is_empty()
        {
            tokio::fs::create_dir_all(folder)
                .await
                .map_err(|source| StoreError::CreateFolder {
                    path: folder.to_owned(),
                    source,
                })?;
        }
        let write = SqliteWriter::connect(sqlite_pool_options(), options.clone()).await?;
        let read = sqlite_pool_options()
            .0
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        write.checkpoint_in_background(read.clone());
        Ok(Store {
            pool: Pool::Sqlite(SqlitePools { read, write }),
            metrics: Metrics::default(),
        })
    }

    /// This store, counting into `metrics`.
    #[must_use]
    pub fn with_metrics(mut self, metrics: Metrics) -> Store {
        self.metrics = metrics;
        self
    }

    /// Starts a transaction on this backend's pool: every transaction of the store begins
    /// here. On `SQLite` it takes the write lock at once (`BEGIN IMMEDIATE`), waiting up to
    /// the busy timeout for another writer: a deferred transaction that read first would
    /// instead fail at its first write, without waiting, whenever another writer got in
    /// between.
    async fn begin(&self) -> Result<Transaction, StoreError> {
        let began = Instant::now();
        let open = match &self.pool {
            Pool::Sqlite(pools) => OpenTransaction::Sqlite(pools.write.begin().await?),
            Pool::Postgres(connections) => {
                let connection = MaybePoolConnection::PoolConnection(connections.take().await?);
                OpenTransaction::Postgres(sqlx::Transaction::begin(connection, None).await?)
            }
        };
        Ok(Transaction {
            open,
            began,
            metrics: self.metrics.clone(),
        })
    }

    /// Takes a read connection for several reads (see [`Reads`]).
    pub async fn reads(&self) -> Result<Reads, StoreError> {
        let connection = match &self.pool {
            Pool::Sqlite(pools) => ReadConnection::Sqlite(pools.read.acquire().await?),
            Pool::Postgres(connections) => ReadConnection::Postgres(connections.acquire().await?),
        };
        Ok(Reads { connection })
    }

    /// Serialises the steps applied to a case across processes: on PostgreSQL, a session
    /// advisory lock taken on a connection of its own, held by the returned guard and
    /// released by the database when the guard drops and its connection closes (also when
    /// the process dies). SQLite serves one process, whose in-process lock is enough.
    pub async fn lock_case(&self, case_id: i64) -> Result<CaseLock, StoreError> {
        let Pool::Postgres(connections) = &self.pool else {
            return Ok(CaseLock { _held: None });
        };
        let options = connections.pool().connect_options();
        let mut connection = sqlx::PgConnection::connect_with(&options).await?;
        // Two-key form: the first key keeps case locks apart from the bot's other locks; a
        // case id past 2^31 may share its lock with another case, which only serialises them.
        sqlx::query("SELECT pg_advisory_lock($1, ($2 % 2147483648)::int)")
            .bind(CASE_LOCK_SPACE)
            .bind(case_id)
            .execute(&mut connection)
            .await?;
        Ok(CaseLock {
            _held: Some(connection),
        })
    }

    /// Runs `work` unless another process is running work of the same `key`: on
    /// PostgreSQL, a session advisory lock held on one connection meanwhile (released by
    /// the database if the process dies); SQLite serves one process and always runs it.
    /// `None` when another process held the lock.
    pub async fn exclusively<T>(
        &self,
        key: i64,
        work: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<Option<T>, StoreError> {
        let Pool::Postgres(connections) = &self.pool else {
            return work.await.map(Some);
        };
        let mut holder = connections.take().await?;
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut *holder)
            .await?;
        if !locked {
            return Ok(None);
        }
        let outcome = work.await;
        let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut *holder)
            .await;
        if unlocked.is_err() {
            // A connection still holding the lock must not go back to the pool.
            drop(holder.detach());
        }
        outcome.map(Some)
    }

    /// Applies the migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pools) => {
                pools
                    .write
                    .migrate(&sqlx::migrate!("./migrations/sqlite"))
                    .await?;
            }
            Pool::Postgres(connections) => {
                // The migrator takes its connection from the pool.
                connections.release_all();
                sqlx::migrate!("./migrations/postgres")
                    .run(connections.pool())
                    .await?;
            }
        }
        Ok(())
    }

    /// Closes every connection; on SQLite this also checkpoints the WAL into the file.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pools) => {
                pools.read.close().await;
                pools.write.close().await;
            }
            Pool::Postgres(connections) => connections.close().await,
        }
    }

    /// `"sqlite"` or `"postgresql"`, for logs and diagnostics.
    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgresql",
        }
    }
}

fn sqlite_options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    if url.trim().is_empty() {
        return Err(StoreError::InvalidUrl(
            "the database URL is empty".to_owned(),
        ));
    }
    if url.starts_with("sqlite:") {
        return SqliteConnectOptions::from_str(url)
            .map_err(|error| StoreError::InvalidUrl(error.to_string()));
    }
    if let Some((scheme, _)) = url.split_once("://") {
        return Err(StoreError::InvalidUrl(format!(
            "unsupported scheme `{scheme}`: expected sqlite://, postgres://, postgresql:// or a file path"
        )));
    }
    Ok(SqliteConnectOptions::new().filename(url))
}

impl StoreError {
    /// Whether the database refused because of other writers (`SQLite` busy or locked,
    /// `PostgreSQL` serialization failure or deadlock): the same transaction run again may
    /// well succeed.
    fn is_contention(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(error)) = self else {
            return false;
        };
        let Some(code) = error.code() else {
            return false;
        };
        if error.try_downcast_ref::<SqliteError>().is_some() {
            code.parse().is_ok_and(is_sqlite_contention)
        } else {
            is_postgres_contention(&code)
        }
    }
}

/// `SQLITE_BUSY` (5) and `SQLITE_LOCKED` (6), with their extended codes (517
/// `BUSY_SNAPSHOT`, 262 `LOCKED_SHAREDCACHE`…): the primary code is the low byte.
fn is_sqlite_contention(extended_code: i32) -> bool {
    matches!(extended_code & 0xff, 5 | 6)
}

/// `serialization_failure` and `deadlock_detected`.
fn is_postgres_contention(sqlstate: &str) -> bool {
    matches!(sqlstate, "40001" | "40P01")
}

/// Runs `transaction` (a whole transaction, from its `begin` to its commit) until it
/// succeeds, fails for another reason than contention ([`StoreError::is_contention`]), or
/// has been tried [`BUSY_ATTEMPTS`] times, pausing a little longer (and at random, so that
/// the writers who collided do not collide again) before each new attempt.
async fn retry_busy<T, Attempt, Run>(mut transaction: Attempt) -> Result<T, StoreError>
where
    Attempt: FnMut() -> Run,
    Run: Future<Output = Result<T, StoreError>>,
{
    let mut attempt = 1;
    loop {
        match transaction().await {
            Err(error) if attempt < BUSY_ATTEMPTS && error.is_contention() => {
                tracing::debug!(attempt, %error, "database busy: the transaction runs again");
                tokio::time::sleep(busy_pause(attempt)).await;
                attempt += 1;
            }
            outcome => return outcome,
        }
    }
}

/// Between 20 and 40 ms after the first attempt, doubling with each attempt.
fn busy_pause(attempt: u32) -> Duration {
    let longest = 40_u64 << attempt.saturating_sub(1).min(4);
    Duration::from_millis(rand::random_range(longest / 2..=longest))
}

/// The stored form of an instant: UTC truncated to the microsecond.
fn stored(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// Parses a stored code (an enum, a reference) or reports which column holds garbage.
fn parse_column<T>(table: &'static str, column: &'static str, raw: &str) -> Result<T, StoreError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    raw.parse().map_err(|error: T::Err| StoreError::CorruptRow {
        table,
        column: column.to_owned(),
        detail: error.to_string(),
    })
}

/// A `COUNT(*)` or a row count as the unsigned number it is (a negative one would be a
/// database bug; it reads as zero).
trait Count {
    fn count(self) -> u64;
}

impl Count for i64 {
    fn count(self) -> u64 {
        u64::try_from(self).unwrap_or(0)
    }
}

/// Turns sqlx's "this column does not decode" into [`StoreError::CorruptRow`] for `table`.
fn decode_error(table: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |error| match error {
        sqlx::Error::ColumnDecode { index, source } => StoreError::CorruptRow {
            table,
            // sqlx names the column in Debug form, quotes included.
            column: index.trim_matches('"').to_owned(),
            detail: source.to_string(),
        },
        other => StoreError::Database(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_locked_sqlite_codes_are_contention_with_their_extended_codes() {
        // BUSY, LOCKED, BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT, LOCKED_SHAREDCACHE,
        // LOCKED_VTAB.
        for code in [5, 6, 261, 517, 773, 262, 518] {
            assert!(is_sqlite_contention(code), "{code}");
        }
        // ERROR, READONLY, IOERR, CORRUPT, FULL, CONSTRAINT, CONSTRAINT_UNIQUE,
        // CONSTRAINT_FOREIGNKEY, IOERR_BLOCKED (11 in its low byte).
        for code in [1, 8, 10, 11, 13, 19, 2067, 787, 2826] {
            assert!(!is_sqlite_contention(code), "{code}");
        }
    }

    #[test]
    fn only_serialization_failures_and_deadlocks_are_postgres_contention() {
        assert!(is_postgres_contention("40001"));
        assert!(is_postgres_contention("40P01"));
        for sqlstate in ["23505", "23503", "42P01", "57014", "53300", "08006"] {
            assert!(!is_postgres_contention(sqlstate), "{sqlstate}");
        }
    }

    #[test]
    fn errors_that_are_not_the_database_refusing_are_not_contention() {
        assert!(!StoreError::NotFound { entity: "report" }.is_contention());
        assert!(!StoreError::Database(sqlx::Error::PoolTimedOut).is_contention());
        assert!(!StoreError::Database(sqlx::Error::RowNotFound).is_contention());
    }

    #[test]
    fn pauses_grow_with_the_attempts_and_stay_short() {
        for attempt in 1..BUSY_ATTEMPTS {
            let pause = busy_pause(attempt);
            let longest = Duration::from_millis(40 << (attempt - 1));
            assert!(
                pause >= longest / 2 && pause <= longest,
                "{attempt}: {pause:?}"
            );
        }
        assert!(busy_pause(u32::MAX) <= Duration::from_millis(640));
    }

    #[tokio::test]
    async fn a_transaction_is_run_again_while_contended_then_gives_up() {
        let mut errors = busy_errors(BUSY_ATTEMPTS).await;
        let mut attempts = 0;
        let outcome: Result<(), StoreError> = retry_busy(|| {
            attempts += 1;
            let error = errors.pop().expect("one error per attempt");
            async move { Err(error) }
        })
        .await;
        assert!(outcome.is_err_and(|error| error.is_contention()));
        assert_eq!(attempts, BUSY_ATTEMPTS);

        let mut errors = busy_errors(2).await;
        let outcome = retry_busy(|| {
            let attempt = errors.pop().map_or(Ok("written"), Err);
            async move { attempt }
        })
        .await;
        assert_eq!(outcome.unwrap(), "written", "the third attempt succeeded");
    }

    #[tokio::test]
    async fn other_errors_are_returned_at_once() {
        let mut attempts = 0;
        let outcome: Result<(), StoreError> = retry_busy(|| {
            attempts += 1;
            async { Err(StoreError::NotFound { entity: "report" }) }
        })
        .await;
        assert!(matches!(outcome, Err(StoreError::NotFound { .. })));
        assert_eq!(attempts, 1);
    }

    /// Real `SQLITE_BUSY` errors: writes, without waiting, on a database whose write lock
    /// another connection holds.
    async fn busy_errors(count: u32) -> Vec<StoreError> {
        use sqlx::Connection;
        let folder = tempfile::TempDir::new().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(folder.path().join("busy.db"))
            .create_if_missing(true)
            .busy_timeout(Duration::ZERO);
        let mut holder = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut holder)
            .await
            .unwrap();
        let mut writer = sqlx::SqliteConnection::connect_with(&options)
            .await
            .unwrap();
        let mut errors = Vec::new();
        for _ in 0..count {
            let error = sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut writer)
                .await
                .expect_err("the database is locked");
            let error = StoreError::from(error);
            assert!(error.is_contention(), "{error}");
            errors.push(error);
        }
        errors
    }
}
