//! `SQLite` connections opened read-only by a permission fault, kept out of the pool.
//!
//! When `SQLite` cannot open the database file for writing (its permissions or attributes
//! were changed), it silently opens it read-only instead, and that connection refuses every
//! write (`SQLITE_READONLY`) for as long as it lives, even once the file is writable again.
//! The pool would keep lending it, so writes would fail now and then long after the fault.
//! Each new connection is therefore probed once; after a read-only one was seen, every
//! connection is probed again before it is lent, until any read-only one has surely been
//! closed, and the read-only ones are closed instead of lent.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnection, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Error};

use super::{SQLITE_BUSY_TIMEOUT, is_sqlite_contention};

/// The longest a pooled `SQLite` connection lives: a read-only one opened at `t` is closed
/// by `t` plus this, so probing can stop then.
const SQLITE_MAX_LIFETIME: Duration = Duration::from_mins(30);

/// `SQLITE_READONLY`, the primary code of every read-only refusal (264, 520, 776, 1032…).
const SQLITE_READONLY: i32 = 8;

/// Adds the probes to the pool's options; the watch tells when they are on.
pub(super) fn refuse_read_only(
    options: SqlitePoolOptions,
) -> (SqlitePoolOptions, Arc<ReadOnlyWatch>) {
    let watch = Arc::new(ReadOnlyWatch::default());
    let on_connect = Arc::clone(&watch);
    let on_acquire = Arc::clone(&watch);
    let options = options
        .max_lifetime(SQLITE_MAX_LIFETIME)
        .after_connect(move |connection, _| {
            let watch = Arc::clone(&on_connect);
            Box::pin(async move {
                if opened_read_only(connection).await? {
                    tracing::warn!(
                        "the database file could not be opened for writing: this connection \
                         is read-only and will be replaced"
                    );
                    watch.saw_read_only();
                }
                Ok(())
            })
        })
        .before_acquire(move |connection, _| {
            let watch = Arc::clone(&on_acquire);
            Box::pin(async move {
                // Lent as is in normal operation: no extra statement on the hot path.
                Ok(!watch.probing() || !opened_read_only(connection).await?)
            })
        });
    (options, watch)
}

/// When a read-only connection was last opened.
#[derive(Debug, Default)]
pub(super) struct ReadOnlyWatch {
    last_seen: Mutex<Option<Instant>>,
}

impl ReadOnlyWatch {
    pub(super) fn saw_read_only(&self) {
        *self.lock() = Some(Instant::now());
    }

    /// Whether a read-only connection may still be in the pool.
    pub(super) fn probing(&self) -> bool {
        self.lock()
            .is_some_and(|seen| seen.elapsed() < SQLITE_MAX_LIFETIME)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // The guarded value is a plain instant: a panic elsewhere cannot leave it half-written.
        self.last_seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether `SQLite` opened `connection` read-only. It starts a write without waiting for
/// the lock (creating a table, rolled back): a read-only connection refuses before even
/// trying to lock (`BEGIN IMMEDIATE` would not tell: on a read-only file it quietly begins a
/// read), so another writer holding the lock (busy) means this connection can write.
async fn opened_read_only(connection: &mut SqliteConnection) -> Result<bool, Error> {
    sqlx::query("PRAGMA busy_timeout = 0")
        .execute(&mut *connection)
        .await?;
    sqlx::query("BEGIN").execute(&mut *connection).await?;
    let write = sqlx::query("CREATE TABLE main._safe_button_write_probe (x)")
        .execute(&mut *connection)
        .await;
    sqlx::query("ROLLBACK").execute(&mut *connection).await?;
    let read_only = match write {
        Ok(_) => false,
        Err(error) => match primary_code(&error) {
            Some(SQLITE_READONLY) => true,
            Some(code) if is_sqlite_contention(code) => false,
            _ => return Err(error),
        },
    };
    let restore = format!("PRAGMA busy_timeout = {}", SQLITE_BUSY_TIMEOUT.as_millis());
    sqlx::query(AssertSqlSafe(restore))
        .execute(&mut *connection)
        .await?;
    Ok(read_only)
}

/// The primary result code (the low byte of the extended one) of a `SQLite` error.
fn primary_code(error: &Error) -> Option<i32> {
    let Error::Database(error) = error else {
        return None;
    };
    let code: i32 = error.code()?.parse().ok()?;
    Some(code & 0xff)
}
