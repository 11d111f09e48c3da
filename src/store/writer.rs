//! SQLite's one writer connection, held out of its pool between writes.
//!
//! sqlx pings every connection given back to its pool, a round trip to the connection's
//! worker thread, and the next writer waits for that ping too. On the connection all writes
//! share, that was one more step in line after every write statement and transaction. The
//! writer therefore keeps its connection; the pool (of one) still opens it, probes it and
//! replaces it. While a read-only connection may be around (see [`super::read_only`]), the
//! connection goes back to the pool after each use, so the pool probes it before the next.
//!
//! Transactions are plain `BEGIN IMMEDIATE` / `COMMIT` statements on the held connection.
//! One dropped unfinished (an error, a cancelled future) is rolled back before the
//! connection is used again.
//!
//! The WAL is checkpointed in the background, on a reader: left to SQLite, the commit that
//! takes the WAL past 1,000 pages copies them into the database file and syncs both files,
//! and every writer waits in line meanwhile.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqlitePool, SqlitePoolOptions};
use sqlx::{Error, Sqlite};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::read_only::ReadOnlyWatch;

/// How often the WAL is checkpointed in the background, when something was written since.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// The WAL's size, in pages, past which the writer checkpoints by itself (SQLite's default
/// is 1,000): only should the background checkpoints fall behind or fail.
pub(super) const WAL_BACKSTOP_PAGES: &str = "8000";

#[derive(Clone, Debug)]
pub(super) struct SqliteWriter {
    pool: SqlitePool,
    watch: Arc<ReadOnlyWatch>,
    slot: Arc<Mutex<Slot>>,
    /// Times lent: the checkpoints skip the rounds with nothing new.
    lent: Arc<AtomicU64>,
}

#[derive(Debug, Default)]
struct Slot {
    connection: Option<PoolConnection<Sqlite>>,
    /// A transaction may be open on it: set before `BEGIN`, cleared once it ended.
    in_transaction: bool,
}

/// The writer, lent to one caller at a time.
pub(super) struct HeldWriter {
    slot: OwnedMutexGuard<Slot>,
    give_back: bool,
}

/// A transaction on the held writer; dropped without [`WriteTransaction::commit`], it is
/// rolled back before the writer's next use.
pub(super) struct WriteTransaction {
    writer: HeldWriter,
}

impl SqliteWriter {
    /// Opens the writer's pool (of one connection) with `options`.
    pub(super) async fn connect(
        (options, watch): (SqlitePoolOptions, Arc<ReadOnlyWatch>),
        connect: SqliteConnectOptions,
    ) -> Result<SqliteWriter, Error> {
        let pool = options.max_connections(1).connect_with(connect).await?;
        Ok(SqliteWriter {
            pool,
            watch,
            slot: Arc::default(),
            lent: Arc::default(),
        })
    }

    /// Checkpoints the WAL on `readers` (passive: it never waits for a reader or the
    /// writer), every [`CHECKPOINT_EVERY`] the writer was used in, until `readers` closes.
    pub(super) fn checkpoint_in_background(&self, readers: SqlitePool) {
        let lent = Arc::clone(&self.lent);
        tokio::spawn(async move {
            let mut checkpointed = 0;
            loop {
                tokio::time::sleep(CHECKPOINT_EVERY).await;
                if readers.is_closed() {
                    return;
                }
                let now = lent.load(Ordering::Relaxed);
                if now == checkpointed {
                    continue;
                }
                checkpointed = now;
                let checkpoint = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)");
                if let Err(error) = checkpoint.execute(&readers).await {
                    tracing::debug!(%error, "background WAL checkpoint failed");
                }
            }
        });
    }

    /// Waits for the writer (as long as the pool would for a connection), then lends it; a
    /// transaction left unfinished is rolled back.
    pub(super) async fn lock(&self) -> Result<HeldWriter, Error> {
        let wait = self.pool.options().get_acquire_timeout();
        let mut slot = tokio::time::timeout(wait, Arc::clone(&self.slot).lock_owned())
            .await
            .map_err(|_| Error::PoolTimedOut)?;
        self.lent.fetch_add(1, Ordering::Relaxed);
        if slot.connection.is_none() {
            slot.connection = Some(self.pool.acquire().await?);
        }
        if slot.in_transaction {
            let connection = slot.connection.as_deref_mut().ok_or(Error::PoolClosed)?;
            roll_back(connection).await?;
            slot.in_transaction = false;
        }
        Ok(HeldWriter {
            slot,
            give_back: self.watch.probing(),
        })
    }

    /// Starts a transaction that takes the write lock at once.
    pub(super) async fn begin(&self) -> Result<WriteTransaction, Error> {
        let mut writer = self.lock().await?;
        writer.slot.in_transaction = true;
        sqlx::query("BEGIN IMMEDIATE").execute(&mut *writer).await?;
        Ok(WriteTransaction { writer })
    }

    /// Runs `migrator` on the writer's pool, the writer held meanwhile: the migrator
    /// takes its connection from the pool.
    pub(super) async fn migrate(&self, migrator: &Migrator) -> Result<(), MigrateError> {
        let mut writer = self.lock().await?;
        writer.slot.connection = None;
        migrator.run(&self.pool).await
    }

    /// The writer's connections, open and idle: `idle` counts the held connection while no
    /// one uses it.
    pub(super) fn open_and_idle(&self) -> (u32, usize) {
        let held_idle = self
            .slot
            .try_lock()
            .is_ok_and(|slot| slot.connection.is_some());
        (
            self.pool.size(),
            self.pool.num_idle() + usize::from(held_idle),
        )
    }

    pub(super) fn max_connections(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    /// Gives the connection back and closes the pool (which checkpoints the WAL; closing
    /// a connection also rolls back a transaction left open on it).
    pub(super) async fn close(&self) {
        self.slot.lock().await.connection = None;
        self.pool.close().await;
    }
}

impl Deref for HeldWriter {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.slot
            .connection
            .as_deref()
            .unwrap_or_else(|| unreachable!("a writer is lent with its connection"))
    }
}

impl DerefMut for HeldWriter {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.slot
            .connection
            .as_deref_mut()
            .unwrap_or_else(|| unreachable!("a writer is lent with its connection"))
    }
}

impl Drop for HeldWriter {
    fn drop(&mut self) {
        // A connection inside a transaction stays, to be rolled back first.
        if self.give_back && !self.slot.in_transaction {
            self.slot.connection = None;
        }
    }
}

impl WriteTransaction {
    pub(super) async fn commit(mut self) -> Result<(), Error> {
        sqlx::query("COMMIT").execute(&mut *self.writer).await?;
        self.writer.slot.in_transaction = false;
        Ok(())
    }

    pub(super) async fn rollback(mut self) -> Result<(), Error> {
        roll_back(&mut self.writer).await?;
        self.writer.slot.in_transaction = false;
        Ok(())
    }
}

impl Deref for WriteTransaction {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.writer
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.writer
    }
}

/// Ends the open transaction, if any: SQLite may have rolled it back already (some errors
/// do), and `BEGIN` may not have run at all.
async fn roll_back(connection: &mut SqliteConnection) -> Result<(), Error> {
    match sqlx::query("ROLLBACK").execute(&mut *connection).await {
        Err(Error::Database(error)) if error.message().contains("no transaction is active") => {
            Ok(())
        }
        outcome => outcome.map(drop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn writer(folder: &tempfile::TempDir) -> SqliteWriter {
        let options = SqliteConnectOptions::new()
            .filename(folder.path().join("writer.db"))
            .create_if_missing(true);
        let writer = SqliteWriter::connect(super::super::sqlite_pool_options(), options)
            .await
            .expect("open the writer");
        sqlx::query("CREATE TABLE marks (id INTEGER PRIMARY KEY)")
            .execute(&mut *writer.lock().await.expect("the writer"))
            .await
            .expect("create a table");
        writer
    }

    async fn marks(writer: &SqliteWriter) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM marks")
            .fetch_one(&mut *writer.lock().await.expect("the writer"))
            .await
            .expect("count")
    }

    async fn insert_mark(transaction: &mut WriteTransaction) {
        sqlx::query("INSERT INTO marks DEFAULT VALUES")
            .execute(&mut **transaction)
            .await
            .expect("insert");
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_is_rolled_back_before_the_next_use() {
        let folder = tempfile::TempDir::new().expect("a folder");
        let writer = writer(&folder).await;
        let mut abandoned = writer.begin().await.expect("begin");
        insert_mark(&mut abandoned).await;
        drop(abandoned);
        assert_eq!(marks(&writer).await, 0);

        let mut committed = writer.begin().await.expect("begin again");
        insert_mark(&mut committed).await;
        committed.commit().await.expect("commit");
        assert_eq!(marks(&writer).await, 1);
    }

    #[tokio::test]
    async fn a_begin_cancelled_before_it_ran_leaves_the_writer_usable() {
        let folder = tempfile::TempDir::new().expect("a folder");
        let writer = writer(&folder).await;
        // Polled once at most: dropped before or just after BEGIN reaches SQLite.
        let begin = writer.begin();
        drop(tokio::time::timeout(std::time::Duration::ZERO, begin).await);
        let mut transaction = writer.begin().await.expect("begin");
        insert_mark(&mut transaction).await;
        transaction.commit().await.expect("commit");
        assert_eq!(marks(&writer).await, 1);
    }

    #[tokio::test]
    async fn the_wal_is_checkpointed_in_the_background_once_written() {
        let folder = tempfile::TempDir::new().expect("a folder");
        let file = folder.path().join("wal.db");
        let options = SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES);
        let pools = super::super::sqlite_pool_options;
        let writer = SqliteWriter::connect(pools(), options.clone())
            .await
            .expect("open the writer");
        let readers = pools().0.connect_with(options).await.expect("readers");
        let size = || std::fs::metadata(&file).expect("the database file").len();
        let before = size();
        // 200 pages' worth: far below the backstop, so only a checkpoint moves them.
        sqlx::query("CREATE TABLE pages (filler BLOB)")
            .execute(&mut *writer.lock().await.expect("the writer"))
            .await
            .expect("create a table");
        for _ in 0..200 {
            sqlx::query("INSERT INTO pages VALUES (zeroblob(4000))")
                .execute(&mut *writer.lock().await.expect("the writer"))
                .await
                .expect("insert");
        }
        assert_eq!(size(), before, "the writes are in the WAL only");

        writer.checkpoint_in_background(readers.clone());
        // Generous for a loaded machine: the task's first round is due after 200 ms.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while size() <= 200 * 4000 && std::time::Instant::now() < deadline {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
        }
        assert!(size() > 200 * 4000, "checkpointed into the database file");
        readers.close().await;
    }

    #[tokio::test]
    async fn the_connection_is_held_between_uses_and_given_back_while_probing() {
        let folder = tempfile::TempDir::new().expect("a folder");
        let writer = writer(&folder).await;
        assert_eq!(writer.open_and_idle(), (1, 1), "held, idle");
        let held = writer.lock().await.expect("the writer");
        assert_eq!(writer.open_and_idle(), (1, 0), "in use");
        drop(held);

        writer.watch.saw_read_only();
        drop(writer.lock().await.expect("the writer"));
        assert!(
            writer.slot.try_lock().expect("free").connection.is_none(),
            "given back to the pool, to be probed before its next use"
        );
        assert_eq!(marks(&writer).await, 0, "taken again from the pool");
    }
}
