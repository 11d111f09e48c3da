//! What readiness and the metrics read of the database: the outbox's backlog (a query that
//! also proves the database answers), the pool's use, and the protective actions recorded.

use chrono::{DateTime, Utc};

use super::{ModerationStep, Pool, StepOutcome, Store, StoreError, stored};
use crate::metrics;

/// The deliveries due and not carried out yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backlog {
    pub due: i64,
    /// When the oldest of them came due.
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// The connection pool right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUse {
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

impl Store {
    /// The deliveries due at `now` and not done (being carried out or waiting).
    pub async fn delivery_backlog(&self, now: DateTime<Utc>) -> Result<Backlog, StoreError> {
        let sql = "SELECT COUNT(*), MIN(due_at) FROM deliveries
                   WHERE done_at IS NULL AND due_at <= $1";
        let (due, oldest_due_at) = on_backend!(self, pool => {
            sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(sql)
                .bind(stored(now))
                .fetch_one(pool)
                .await?
        });
        Ok(Backlog { due, oldest_due_at })
    }

    /// How many connections the pool holds, how many of them are idle, and its bound (on
    /// SQLite, the readers' and the writer's together).
    pub fn pool_use(&self) -> PoolUse {
        match &self.pool {
            Pool::Sqlite(pools) => {
                let (write_open, write_idle) = pools.write.open_and_idle();
                PoolUse {
                    open: pools.read.size() + write_open,
                    idle: pools.read.num_idle() + write_idle,
                    max: pools.read.options().get_max_connections() + pools.write.max_connections(),
                }
            }
            // Held on the stack, a connection is idle all the same.
            Pool::Postgres(connections) => PoolUse {
                open: connections.pool().size(),
                idle: connections.pool().num_idle() + connections.held_idle(),
                max: connections.pool().options().get_max_connections(),
            },
        }
    }
}

impl Store {
    /// Counts the protective action a step wrote, once it is committed.
    pub(super) fn count_recorded_action(&self, step: &ModerationStep, outcome: StepOutcome) {
        let (Some(action), StepOutcome::Written { action_id: Some(_) }) =
            (&step.new_action, outcome)
        else {
            return;
        };
        self.metrics.count(
            metrics::PROTECTIVE_ACTIONS,
            &[
                ("kind", action.kind.as_str()),
                ("requested_by", action.requested_by.as_str()),
                ("result", action.status.as_str()),
            ],
        );
    }
}
