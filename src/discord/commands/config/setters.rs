//! The `/config` subcommands that change settings: each checks the admin, then lets
//! [`Admin::apply`] validate and store the values (`reset` removes one).

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::admin::{Admin, Current};
use super::autocomplete::{autocomplete_country, autocomplete_language, autocomplete_timezone};
use super::channel_check::{check_queue_channel, refusal_text};
use super::display::display_value;
use super::{SettingChoice, reply};
use crate::discord::commands::{BotError, Context, within_deadline};
use crate::discord::ids::DbId;
use crate::domain::settings::SettingKey;
use crate::i18n::tr;
use crate::store::SettingChange;

#[poise::command(slash_command, guild_only)]
pub(super) async fn language(
    ctx: Context<'_>,
    #[max_length = 16]
    #[autocomplete = "autocomplete_language"]
    language: String,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(ctx, &[(SettingKey::Language, Some(language))])
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only)]
pub(super) async fn timezone(
    ctx: Context<'_>,
    #[max_length = 64]
    #[autocomplete = "autocomplete_timezone"]
    timezone: String,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(ctx, &[(SettingKey::Timezone, Some(timezone))])
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "queue-channel")]
pub(super) async fn queue_channel(
    ctx: Context<'_>,
    #[channel_types("Text")] channel: serenity::ChannelId,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        let check = check_queue_channel(ctx, admin.guild_id, channel).await?;
        if let Some(refusal) = refusal_text(ctx.data(), &admin.locale, channel, check) {
            return reply(ctx, refusal).await;
        }
        admin
            .apply(
                ctx,
                &[(SettingKey::QueueChannel, Some(channel.get().to_string()))],
            )
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "moderator-role")]
pub(super) async fn moderator_role(ctx: Context<'_>, role: serenity::Role) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        // @everyone has the server's id: as moderator role it would show every case to everyone.
        if role.id.get() == admin.guild_id.get() {
            return Err(BotError::Refused("config-role-everyone"));
        }
        admin
            .apply(
                ctx,
                &[(SettingKey::ModeratorRole, Some(role.id.get().to_string()))],
            )
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "self-mute")]
pub(super) async fn self_mute(
    ctx: Context<'_>,
    allowed: bool,
    #[max_length = 32] duration: Option<String>,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        let mut changes = vec![(SettingKey::SelfMuteAllowed, Some(allowed.to_string()))];
        if let Some(duration) = duration {
            changes.push((SettingKey::SelfMuteDuration, Some(duration)));
        }
        admin.apply(ctx, &changes).await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "auto-mute")]
pub(super) async fn auto_mute(
    ctx: Context<'_>,
    threshold: i64,
    #[max_length = 32] window: String,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(
                ctx,
                &[
                    (SettingKey::AutoMuteThreshold, Some(threshold.to_string())),
                    (SettingKey::AutoMuteWindow, Some(window)),
                ],
            )
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "shield-duration")]
pub(super) async fn shield_duration(
    ctx: Context<'_>,
    #[max_length = 32] duration: String,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(ctx, &[(SettingKey::ShieldDuration, Some(duration))])
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "reporter-sealed")]
pub(super) async fn reporter_sealed(ctx: Context<'_>, sealed: bool) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(
                ctx,
                &[(SettingKey::ReporterSealed, Some(sealed.to_string()))],
            )
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "notify-reporter")]
pub(super) async fn notify_reporter(ctx: Context<'_>, notify: bool) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(
                ctx,
                &[(SettingKey::NotifyReporterOnClose, Some(notify.to_string()))],
            )
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only)]
pub(super) async fn retention(
    ctx: Context<'_>,
    #[rename = "evidence-days"] evidence_days: Option<i64>,
    #[rename = "statistics-months"] statistics_months: Option<i64>,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        let changes: Vec<(SettingKey, Option<String>)> = [
            (SettingKey::EvidenceRetentionDays, evidence_days),
            (SettingKey::StatisticsRetentionMonths, statistics_months),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, Some(value?.to_string()))))
        .collect();
        if changes.is_empty() {
            return Err(BotError::Refused("config-nothing-to-change"));
        }
        admin.apply(ctx, &changes).await
    })
    .await
}

#[poise::command(slash_command, guild_only, rename = "helpline-country")]
pub(super) async fn helpline_country(
    ctx: Context<'_>,
    #[max_length = 8]
    #[autocomplete = "autocomplete_country"]
    country: String,
) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        admin
            .apply(ctx, &[(SettingKey::HelplineCountry, Some(country))])
            .await
    })
    .await
}

#[poise::command(slash_command, guild_only)]
pub(super) async fn reset(ctx: Context<'_>, setting: SettingChoice) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        let data = ctx.data();
        let key = SettingKey::from(setting);
        let locale = admin.locale.as_str();
        let current = Current::load(data, admin.guild_id).await?;
        let default_value = data.config.server_defaults.get(key);
        let text = |id: &str| {
            tr!(
                data.texts,
                locale,
                id,
                setting = tr!(data.texts, locale, key.fluent_id()),
                value = display_value(data, locale, key, default_value),
            )
        };
        // A row that no longer parses is not "overridden" but is still removed by a reset.
        if current.stored_row(key).is_none() {
            return reply(ctx, text("config-reset-already")).await;
        }
        let change = SettingChange {
            key: key.as_str().to_owned(),
            value: None,
        };
        data.store
            .change_guild_settings(admin.guild_id.db(), &[change], admin.user_id, Utc::now())
            .await?;
        let id = if default_value.is_some() {
            "config-reset-done"
        } else {
            "config-reset-unset"
        };
        reply(ctx, text(id)).await
    })
    .await
}
