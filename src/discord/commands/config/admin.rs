//! The admin behind a `/config` subcommand, and the server's current settings.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::display::{invalid_value_text, saved_text};
use super::reply;
use crate::discord::commands::{BotError, Context, member_locale};
use crate::discord::ids::DbId;
use crate::discord::{BotData, checks};
use crate::domain::settings::{SettingKey, SettingValue, Settings};
use crate::store::{SettingChange, StoredSetting};

/// An admin acting on their server, checked on the server side.
pub(super) struct Admin {
    pub(super) guild_id: serenity::GuildId,
    pub(super) user_id: i64,
    pub(super) locale: String,
}

impl Admin {
    /// Refuses anyone who is not an admin (Manage Server, Administrator or owner), whatever
    /// Discord's default member permissions let through.
    pub(super) async fn check(ctx: Context<'_>) -> Result<Admin, BotError> {
        let guild_id = ctx
            .guild_id()
            .ok_or(BotError::Refused("error-guild-only"))?;
        let member = match ctx {
            poise::Context::Application(app) => app.interaction.member.as_deref(),
            poise::Context::Prefix(_) => None,
        };
        if !checks::is_admin(ctx.serenity_context(), member, guild_id) {
            return Err(BotError::Refused("config-not-admin"));
        }
        Ok(Admin {
            guild_id,
            user_id: ctx.author().id.db(),
            locale: member_locale(ctx).await,
        })
    }

    /// Validates every value, then stores them all with their audit entries, or refuses with
    /// the first problem and stores nothing.
    pub(super) async fn apply(
        &self,
        ctx: Context<'_>,
        requested: &[(SettingKey, Option<String>)],
    ) -> Result<(), BotError> {
        let data = ctx.data();
        let locale = self.locale.as_str();
        let mut parsed = Vec::with_capacity(requested.len());
        for (key, text) in requested {
            let value = match text {
                Some(text) => match key.parse(text, &data.vocabulary) {
                    Ok(value) => Some(value),
                    Err(invalid) => {
                        let message = invalid_value_text(data, locale, *key, text, &invalid);
                        return reply(ctx, message).await;
                    }
                },
                None => None,
            };
            parsed.push((*key, value));
        }
        let changes: Vec<SettingChange> = parsed
            .iter()
            .map(|(key, value)| SettingChange {
                key: key.as_str().to_owned(),
                value: value.as_ref().map(SettingValue::to_stored),
            })
            .collect();
        let now = Utc::now();
        data.store
            .change_guild_settings(self.guild_id.db(), &changes, self.user_id, now)
            .await?;
        let lines: Vec<String> = parsed
            .iter()
            .map(|(key, value)| saved_text(data, locale, *key, value.as_ref(), now))
            .collect();
        reply(ctx, lines.join("\n")).await
    }
}

/// A server's effective settings, which of them it set, and the stored rows.
pub(super) struct Current {
    pub(super) settings: Settings,
    pub(super) overridden: Vec<SettingKey>,
    stored: Vec<StoredSetting>,
}

impl Current {
    pub(super) async fn load(
        data: &BotData,
        guild_id: serenity::GuildId,
    ) -> Result<Current, BotError> {
        let stored = data.store.guild_settings(guild_id.db()).await?;
        let (settings, overridden, _ignored) = data.config.server_defaults.with_overrides(
            stored
                .iter()
                .map(|row| (row.key.as_str(), row.value.as_str())),
            &data.vocabulary,
        );
        Ok(Current {
            settings,
            overridden,
            stored,
        })
    }

    pub(super) fn stored_row(&self, key: SettingKey) -> Option<&StoredSetting> {
        self.stored.iter().find(|row| row.key == key.as_str())
    }
}
