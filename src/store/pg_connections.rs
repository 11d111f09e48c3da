//! PostgreSQL connections kept out of the pool between uses.
//!
//! sqlx pings every connection given back to its pool: one more round trip to the server
//! after every statement run on the pool, and after every [`super::Reads`]. Connections
//! are therefore lent from a stack of held ones and put back on it; the pool still opens
//! them (and bounds them). One that sat on the stack for [`IDLE_PING`] or longer is pinged
//! before it is lent, as the pool would: the server or a proxy may have closed it.
//!
//! A transaction's connection goes back to the pool when the transaction ends: the pool's
//! ping then sends the rollback of one dropped unfinished at once, so that it holds no lock
//! while it waits for its next use.
//!
//! Every use takes from the stack first. A caller that found it empty waits on the pool,
//! which does not look at the stack, so while one waits a connection coming back goes to
//! the pool. Once the store closes, connections go back to the pool too, which waits for
//! them all.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool};
use sqlx::{Connection, Postgres};

/// How long a connection may stay idle and be lent without a ping.
pub(super) const IDLE_PING: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub(super) struct PgConnections {
    pool: PgPool,
    stack: Arc<Mutex<Stack>>,
}

#[derive(Debug, Default)]
struct Stack {
    idle: Vec<Idle>,
    /// Set, under the same lock, when the held ones are given back for good.
    closing: bool,
    /// Callers that found the stack empty and went to the pool, counted under the same
    /// lock as the pop that found it empty.
    waiting: usize,
}

#[derive(Debug)]
struct Idle {
    connection: PoolConnection<Postgres>,
    since: Instant,
}

/// A connection lent for one use; dropped, it goes back on the stack.
pub(super) struct HeldConnection {
    connection: Option<PoolConnection<Postgres>>,
    stack: Arc<Mutex<Stack>>,
    /// A use failed: it goes back to the pool, not the stack.
    failed: bool,
}

impl PgConnections {
    pub(super) fn new(pool: PgPool) -> PgConnections {
        PgConnections {
            pool,
            stack: Arc::default(),
        }
    }

    /// The pool itself, for what it alone can do (its size, its options).
    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Lends a held connection (pinged first if it sat idle for long), or one from the pool.
    pub(super) async fn acquire(&self) -> Result<HeldConnection, sqlx::Error> {
        loop {
            let idle = {
                let mut stack = self.lock();
                let Some(idle) = stack.idle.pop() else {
                    stack.waiting += 1;
                    break;
                };
                idle
            };
            let mut connection = idle.connection;
            if idle.since.elapsed() < IDLE_PING || connection.ping().await.is_ok() {
                return Ok(self.held(connection));
            }
            // Broken: closed rather than given back, and the next one is tried.
            drop(connection.detach());
        }
        let waited = Waiting(&self.stack);
        let connection = self.pool.acquire().await;
        drop(waited);
        Ok(self.held(connection?))
    }

    /// Takes a connection for good (a transaction's, or one holding a session lock): it goes
    /// back to the pool, not to the stack, when dropped.
    pub(super) async fn take(&self) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        let mut held = self.acquire().await?;
        Ok(held.connection.take().expect("a lent connection"))
    }

    /// Gives every held connection back to the pool (before a migration).
    pub(super) fn release_all(&self) {
        let idle = std::mem::take(&mut self.lock().idle);
        drop(idle);
    }

    /// Gives every held connection back to the pool, and those lent when they come back,
    /// then closes the pool.
    pub(super) async fn close(&self) {
        let idle = {
            let mut stack = self.lock();
            stack.closing = true;
            std::mem::take(&mut stack.idle)
        };
        drop(idle);
        self.pool.close().await;
    }

    /// Connections held idle on the stack.
    pub(super) fn held_idle(&self) -> usize {
        self.lock().idle.len()
    }

    fn held(&self, connection: PoolConnection<Postgres>) -> HeldConnection {
        HeldConnection {
            connection: Some(connection),
            stack: Arc::clone(&self.stack),
            failed: false,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Stack> {
        lock(&self.stack)
    }
}

/// A caller on its way to the pool; its count ends also if it is cancelled while waiting.
struct Waiting<'a>(&'a Mutex<Stack>);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        lock(self.0).waiting -= 1;
    }
}

// A panic while holding the lock cannot leave the stack inconsistent.
fn lock(stack: &Mutex<Stack>) -> MutexGuard<'_, Stack> {
    stack.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HeldConnection {
    /// A use failed: once dropped, the connection goes back to the pool instead of the
    /// stack, and the pool pings it and closes it if it is broken.
    pub(super) fn failed(&mut self) {
        self.failed = true;
    }
}

/// What a body of `on_held!` gave: [`FailedResult::failed`] when it is a `Result`, else
/// [`NeverFailed::failed`]. Method resolution tries `Outcome<Result<…>>` before
/// `&Outcome<_>` (autoref specialization), so a body that ends in an `Err` counts as
/// failed as much as one that returns early with `?`.
pub(super) struct Outcome<'a, T>(pub(super) &'a T);

pub(super) trait FailedResult {
    fn failed(&self) -> bool;
}

impl<T, E> FailedResult for Outcome<'_, Result<T, E>> {
    fn failed(&self) -> bool {
        self.0.is_err()
    }
}

pub(super) trait NeverFailed {
    fn failed(&self) -> bool {
        false
    }
}

impl<T> NeverFailed for &Outcome<'_, T> {}

impl Deref for HeldConnection {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.connection.as_deref().expect("a lent connection")
    }
}

impl DerefMut for HeldConnection {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.connection.as_deref_mut().expect("a lent connection")
    }
}

impl Drop for HeldConnection {
    fn drop(&mut self) {
        let Some(connection) = self.connection.take() else {
            return;
        };
        let mut stack = lock(&self.stack);
        if stack.closing || self.failed || stack.waiting > 0 {
            drop(stack);
            // To the pool: it is closing, the connection may be broken, or someone waits.
            drop(connection);
        } else {
            let since = Instant::now();
            stack.idle.push(Idle { connection, since });
        }
    }
}
