//! The servers the bot is in, and their per-server settings (SPEC §6).

use chrono::{DateTime, Utc};

use super::{Reads, Store, StoreError, decode_error, retry_busy, stored};
use crate::domain::queue::AuditAction;

/// When the bot joined a server and, if it has, when it left.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct GuildRecord {
    pub guild_id: i64,
    pub joined_at: DateTime<Utc>,
    pub left_at: Option<DateTime<Utc>>,
}

/// A setting an admin changed on a server. Keys without a row use the bot.toml default; the
/// domain validates values, the store keeps them as text.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredSetting {
    pub key: String,
    pub value: String,
    pub updated_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// One change an admin makes to a setting: a new value, or back to the bot default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingChange {
    pub key: String,
    /// `None` returns the setting to its `bot.toml` default.
    pub value: Option<String>,
}

impl Store {
    /// Records that the bot is in the server. Seeing a server again (every start sends
    /// `GUILD_CREATE`) keeps the first `joined_at`; coming back after leaving starts anew.
    pub async fn upsert_guild_joined(
        &self,
        guild_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO guilds (guild_id, joined_at, left_at) VALUES ($1, $2, NULL)
                 ON CONFLICT (guild_id) DO UPDATE SET
                     joined_at = CASE WHEN guilds.left_at IS NULL
                                      THEN guilds.joined_at ELSE excluded.joined_at END,
                     left_at = NULL",
            )
            .bind(guild_id)
            .bind(stored(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Records that the bot left (or was removed from) the server. Unknown servers are ignored.
    pub async fn mark_guild_left(
        &self,
        guild_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query("UPDATE guilds SET left_at = $2 WHERE guild_id = $1 AND left_at IS NULL")
                .bind(guild_id)
                .bind(stored(now))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn guild(&self, guild_id: i64) -> Result<Option<GuildRecord>, StoreError> {
        on_backend!(self, pool => {
            sqlx::query_as::<_, GuildRecord>(
                "SELECT guild_id, joined_at, left_at FROM guilds WHERE guild_id = $1",
            )
            .bind(guild_id)
            .fetch_optional(pool)
            .await
            .map_err(decode_error("guilds"))
        })
    }

    /// [`Reads::guild_settings`], on a connection of its own.
    pub async fn guild_settings(&self, guild_id: i64) -> Result<Vec<StoredSetting>, StoreError> {
        self.reads().await?.guild_settings(guild_id).await
    }

    /// Applies an admin's changes and appends one audit entry per change, in one
    /// transaction: either every change and its audit entry is stored, or nothing.
    pub async fn change_guild_settings(
        &self,
        guild_id: i64,
        changes: &[SettingChange],
        actor_user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        retry_busy(|| self.try_change_guild_settings(guild_id, changes, actor_user_id, now)).await
    }

    /// One attempt at [`Store::change_guild_settings`].
    async fn try_change_guild_settings(
        &self,
        guild_id: i64,
        changes: &[SettingChange],
        actor_user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        on_transaction!(&mut tx, conn => {
            for change in changes {
                let (action, detail) = if let Some(value) = &change.value {
                    sqlx::query(
                        "INSERT INTO guild_settings (guild_id, key, value, updated_by, updated_at)
                         VALUES ($1, $2, $3, $4, $5)
                         ON CONFLICT (guild_id, key) DO UPDATE SET
                             value = excluded.value,
                             updated_by = excluded.updated_by,
                             updated_at = excluded.updated_at",
                    )
                    .bind(guild_id)
                    .bind(change.key.as_str())
                    .bind(value.as_str())
                    .bind(actor_user_id)
                    .bind(stored(now))
                    .execute(&mut *conn)
                    .await?;
                    (AuditAction::SettingSet, format!("{}={value}", change.key))
                } else {
                    sqlx::query("DELETE FROM guild_settings WHERE guild_id = $1 AND key = $2")
                        .bind(guild_id)
                        .bind(change.key.as_str())
                        .execute(&mut *conn)
                        .await?;
                    (AuditAction::SettingReset, change.key.clone())
                };
                sqlx::query(
                    "INSERT INTO audit_log (guild_id, case_id, actor_user_id, action, detail, created_at)
                     VALUES ($1, NULL, $2, $3, $4, $5)",
                )
                .bind(guild_id)
                .bind(actor_user_id)
                .bind(action.as_str())
                .bind(detail)
                .bind(stored(now))
                .execute(&mut *conn)
                .await?;
            }
        });
        tx.commit().await
    }

    /// Marks the setup checklist as shown on this server. Returns `true` only to the one
    /// caller that marked it, so the checklist is shown once per server even when two admins
    /// act at the same moment (or several bot processes share the database).
    pub async fn claim_setup_checklist(
        &self,
        guild_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let claimed = on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO guilds (guild_id, joined_at, left_at, setup_checklist_shown_at)
                 VALUES ($1, $2, NULL, $2)
                 ON CONFLICT (guild_id) DO UPDATE SET
                     setup_checklist_shown_at = excluded.setup_checklist_shown_at
                 WHERE guilds.setup_checklist_shown_at IS NULL",
            )
            .bind(guild_id)
            .bind(stored(now))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(claimed > 0)
    }
}

impl Reads {
    /// The settings changed on this server, by key.
    pub async fn guild_settings(
        &mut self,
        guild_id: i64,
    ) -> Result<Vec<StoredSetting>, StoreError> {
        on_reads!(self, conn => {
            sqlx::query_as::<_, StoredSetting>(
                "SELECT key, value, updated_by, updated_at FROM guild_settings
                 WHERE guild_id = $1 ORDER BY key",
            )
            .bind(guild_id)
            .fetch_all(conn)
            .await
            .map_err(decode_error("guild_settings"))
        })
    }
}
