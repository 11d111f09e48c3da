//! The append-only audit log of moderator and admin actions (SPEC §5). The database refuses
//! every update and delete of its rows.

use chrono::{DateTime, TimeDelta, Utc};

use super::deliveries::enqueue_queue_post;
use super::{Reads, Store, StoreError, decode_error, stored};
use crate::domain::delivery::SHIELD_REFRESH_DELAY;
use crate::domain::queue::AuditAction;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub guild_id: i64,
    pub case_id: Option<i64>,
    pub actor_user_id: i64,
    pub action: AuditAction,
    pub detail: Option<String>,
    pub now: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub guild_id: i64,
    pub case_id: Option<i64>,
    pub actor_user_id: i64,
    #[sqlx(try_from = "String")]
    pub action: AuditAction,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Appends an entry and returns its id.
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<i64, StoreError> {
        let now = stored(entry.now);
        let mut tx = self.begin().await?;
        let id = on_transaction!(&mut tx, conn => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO audit_log (guild_id, case_id, actor_user_id, action, detail, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING id",
            )
            .bind(entry.guild_id)
            .bind(entry.case_id)
            .bind(entry.actor_user_id)
            .bind(entry.action.as_str())
            .bind(entry.detail.as_deref())
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        if let Some(case_id) = entry.case_id {
            let delay = match entry.action {
                AuditAction::ShieldDeletion => SHIELD_REFRESH_DELAY,
                _ => std::time::Duration::ZERO,
            };
            let due = now + TimeDelta::from_std(delay).unwrap_or(TimeDelta::zero());
            enqueue_queue_post(&mut tx, case_id, due, now).await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// [`Reads::audit_of_case`], on a connection of its own.
    pub async fn audit_of_case(&self, case_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.reads().await?.audit_of_case(case_id).await
    }
}

impl Reads {
    /// The case's audit trail, oldest first.
    pub async fn audit_of_case(&mut self, case_id: i64) -> Result<Vec<AuditEntry>, StoreError> {
        on_reads!(self, conn => {
            sqlx::query_as::<_, AuditEntry>(
                "SELECT id, guild_id, case_id, actor_user_id, action, detail, created_at
                 FROM audit_log WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(conn)
            .await
            .map_err(decode_error("audit_log"))
        })
    }
}
