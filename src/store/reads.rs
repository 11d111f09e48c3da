//! Several reads on one pooled connection.
//!
//! A statement run on a pool takes a connection and gives it back, and sqlx pings every
//! connection given back (a round trip to SQLite's worker thread, or to the PostgreSQL
//! server). A flow that reads a dozen tables, such as drawing a queue post, takes one
//! connection for all of them instead. The reads are not one snapshot: each sees what was
//! committed when it ran, as on the pool.

use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite};

use super::{Pool, Store, StoreError};

/// A read connection held for a few reads; dropped, it goes back to the pool. Hold it
/// only while reading: not across a request to Discord.
pub struct Reads {
    pub(super) connection: ReadConnection,
}

pub(super) enum ReadConnection {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Store {
    /// Takes a read connection for several reads.
    pub async fn reads(&self) -> Result<Reads, StoreError> {
        let connection = match &self.pool {
            Pool::Sqlite(pools) => ReadConnection::Sqlite(pools.read.acquire().await?),
            Pool::Postgres(pool) => ReadConnection::Postgres(pool.acquire().await?),
        };
        Ok(Reads { connection })
    }
}
