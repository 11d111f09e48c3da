//! Messages reported from the context menu, waiting for the reporter's modal (SPEC §2).
//! Kept in the database so that a restart between the click and the submission loses nothing.

use chrono::{DateTime, Utc};

use super::{Store, StoreError, decode_error, stored};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PendingReport {
    /// The random token carried in the modal's `custom_id`.
    pub id: String,
    pub guild_id: i64,
    pub reporter_user_id: i64,
    /// The JSON snapshot of the reported message.
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

impl Store {
    pub async fn save_pending_report(
        &self,
        id: &str,
        guild_id: i64,
        reporter_user_id: i64,
        payload_json: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO pending_reports (id, guild_id, reporter_user_id, payload, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(guild_id)
            .bind(reporter_user_id)
            .bind(payload_json)
            .bind(stored(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Removes the pending report `id` of `reporter_user_id` in `guild_id` and returns it,
    /// unless it was saved before `not_older_than` (then it is removed all the same, and
    /// `None` is returned). Someone else's token takes nothing and removes nothing: the
    /// owner checked in the statement itself, a forged submission cannot spoil the real one.
    pub async fn take_pending_report(
        &self,
        id: &str,
        guild_id: i64,
        reporter_user_id: i64,
        not_older_than: DateTime<Utc>,
    ) -> Result<Option<PendingReport>, StoreError> {
        let taken = on_writer!(self, pool => {
            sqlx::query_as::<_, PendingReport>(
                "DELETE FROM pending_reports
                 WHERE id = $1 AND guild_id = $2 AND reporter_user_id = $3
                 RETURNING id, guild_id, reporter_user_id, payload, created_at",
            )
            .bind(id)
            .bind(guild_id)
            .bind(reporter_user_id)
            .fetch_optional(pool)
            .await
            .map_err(decode_error("pending_reports"))?
        });
        Ok(taken.filter(|pending| pending.created_at >= not_older_than))
    }

    /// Deletes pending reports saved before `before`; returns how many.
    pub async fn delete_expired_pending_reports(
        &self,
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        on_writer!(self, pool => {
            Ok(sqlx::query("DELETE FROM pending_reports WHERE created_at < $1")
                .bind(stored(before))
                .execute(pool)
                .await?
                .rows_affected())
        })
    }
}
