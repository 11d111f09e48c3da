//! The servers the bot is in, and their per-server settings (SPEC §6).

use chrono::{DateTime, Utc};

use super::{Store, StoreError, decode_error, stored};

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

impl Store {
    /// Records that the bot is in the server. Seeing a server again (every start sends
    /// GUILD_CREATE) keeps the first `joined_at`; coming back after leaving starts anew.
    pub async fn upsert_guild_joined(
        &self,
        guild_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, pool => {
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
        on_backend!(self, pool => {
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

    /// The settings changed on this server, by key.
    pub async fn guild_settings(&self, guild_id: i64) -> Result<Vec<StoredSetting>, StoreError> {
        on_backend!(self, pool => {
            sqlx::query_as::<_, StoredSetting>(
                "SELECT key, value, updated_by, updated_at FROM guild_settings
                 WHERE guild_id = $1 ORDER BY key",
            )
            .bind(guild_id)
            .fetch_all(pool)
            .await
            .map_err(decode_error("guild_settings"))
        })
    }

    pub async fn set_guild_setting(
        &self,
        guild_id: i64,
        key: &str,
        value: &str,
        actor_user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, pool => {
            sqlx::query(
                "INSERT INTO guild_settings (guild_id, key, value, updated_by, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (guild_id, key) DO UPDATE SET
                     value = excluded.value,
                     updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at",
            )
            .bind(guild_id)
            .bind(key)
            .bind(value)
            .bind(actor_user_id)
            .bind(stored(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Goes back to the bot.toml default. Returns whether the server had its own value.
    pub async fn reset_guild_setting(&self, guild_id: i64, key: &str) -> Result<bool, StoreError> {
        let deleted = on_backend!(self, pool => {
            sqlx::query("DELETE FROM guild_settings WHERE guild_id = $1 AND key = $2")
                .bind(guild_id)
                .bind(key)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted > 0)
    }
}
