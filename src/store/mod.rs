//! Every database query, for SQLite and PostgreSQL, behind one interface.
//!
//! Each query is written once, as SQL text with `$1, $2…` placeholders (both sqlx-sqlite and
//! sqlx-postgres read them by number), and [`on_backend!`] (or [`on_transaction!`] inside a
//! transaction) runs that same text on whichever pool the bot uses. The SQL is a runtime
//! string, not checked when compiling: the tests run every query on both backends.
//! IDs are `i64` (Discord snowflakes fit). Timestamps are UTC and kept to the microsecond,
//! PostgreSQL's precision, on both backends so what is read back equals what was written.
//! A stored value that no longer parses gives [`StoreError::CorruptRow`], never a panic.

/// Expands `$body` once per backend with `$pool` bound to that backend's pool, so a query
/// written once runs against either database. Only the Rust around the SQL is compiled
/// twice; the SQL text itself is checked by the database when it runs.
macro_rules! on_backend {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

/// Like [`on_backend!`] inside a [`Transaction`]: expands `$body` once per backend with
/// `$conn` bound to the transaction's connection (`&mut SqliteConnection` or
/// `&mut PgConnection`), so one step of a transaction is written once for both databases.
macro_rules! on_transaction {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::store::Transaction::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::store::Transaction::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

mod audit;
mod cases;
mod deliveries;
mod guilds;
mod moderation;
mod pending;
mod retention;
mod statistics;

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use audit::{AuditEntry, NewAuditEntry};
pub use cases::{CaseRecord, EvidenceRecord, NewEvidence, NewReport, RecordedReport, ReportRecord};
pub use deliveries::{Delivery, Finished, HelpCardRequest, InteractionToken};
pub use guilds::{GuildRecord, SettingChange, StoredSetting};
pub use moderation::{
    ActiveShield, CaseUpdate, ModerationStep, NewProtectiveAction, NewStatsEvent,
    ProtectiveActionRecord, StepOutcome,
};
pub use pending::PendingReport;
pub use retention::{ErasureReport, PurgeReport};

/// How long a SQLite connection waits for another writer before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

/// The bot's database: cheap to clone, every clone shares one connection pool.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction on either backend. Dropped without [`Transaction::commit`], it rolls
/// back, as sqlx's own transactions do.
enum Transaction {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Transaction {
    async fn commit(self) -> Result<(), StoreError> {
        match self {
            Transaction::Sqlite(tx) => tx.commit().await?,
            Transaction::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    async fn rollback(self) -> Result<(), StoreError> {
        match self {
            Transaction::Sqlite(tx) => tx.rollback().await?,
            Transaction::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
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
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .connect_with(options)
                .await?;
            return Ok(Store {
                pool: Pool::Postgres(pool),
            });
        }

        let options = sqlite_options(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(SQLITE_BUSY_TIMEOUT)
            .synchronous(SqliteSynchronous::Normal);
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
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .connect_with(options)
            .await?;
        Ok(Store {
            pool: Pool::Sqlite(pool),
        })
    }

    /// Starts a transaction on this backend's pool.
    async fn begin(&self) -> Result<Transaction, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => Transaction::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Transaction::Postgres(pool.begin().await?),
        })
    }

    /// Applies the migrations of this backend that are not applied yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Closes every connection; on SQLite this also checkpoints the WAL into the file.
    pub async fn close(&self) {
        on_backend!(self, pool => pool.close().await);
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
