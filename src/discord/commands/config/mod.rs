//! `/config`: per-server settings for admins (SPEC §6).
//!
//! Every subcommand checks on the server side that the member is an admin (Discord's default
//! member permissions can be changed by the server), validates every value with
//! [`SettingKey::parse`] before storing anything, stores the change and its audit entry in one
//! transaction, and answers ephemerally in the admin's language, deferring first when the
//! database is too slow for Discord's deadline.

mod admin;
mod autocomplete;
mod channel_check;
mod display;
mod setters;
mod show;

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::{BotError, Context, answer};
use crate::domain::settings::SettingKey;
use setters::{
    auto_mute, helpline_country, language, moderator_role, notify_reporter, queue_channel,
    reporter_sealed, reset, retention, self_mute, shield_duration, timezone,
};
use show::show;

pub(crate) use display::{command_path, display_value};

/// Settings that `/config reset` can return to the bot default; names are Fluent ids.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum SettingChoice {
    #[name = "setting-language"]
    Language,
    #[name = "setting-timezone"]
    Timezone,
    #[name = "setting-queue-channel"]
    QueueChannel,
    #[name = "setting-moderator-role"]
    ModeratorRole,
    #[name = "setting-self-mute-allowed"]
    SelfMuteAllowed,
    #[name = "setting-self-mute-duration"]
    SelfMuteDuration,
    #[name = "setting-auto-mute-threshold"]
    AutoMuteThreshold,
    #[name = "setting-auto-mute-window"]
    AutoMuteWindow,
    #[name = "setting-shield-duration"]
    ShieldDuration,
    #[name = "setting-reporter-sealed"]
    ReporterSealed,
    #[name = "setting-notify-reporter-on-close"]
    NotifyReporterOnClose,
    #[name = "setting-evidence-retention-days"]
    EvidenceRetentionDays,
    #[name = "setting-statistics-retention-months"]
    StatisticsRetentionMonths,
    #[name = "setting-helpline-country"]
    HelplineCountry,
}

impl From<SettingChoice> for SettingKey {
    fn from(choice: SettingChoice) -> SettingKey {
        match choice {
            SettingChoice::Language => SettingKey::Language,
            SettingChoice::Timezone => SettingKey::Timezone,
            SettingChoice::QueueChannel => SettingKey::QueueChannel,
            SettingChoice::ModeratorRole => SettingKey::ModeratorRole,
            SettingChoice::SelfMuteAllowed => SettingKey::SelfMuteAllowed,
            SettingChoice::SelfMuteDuration => SettingKey::SelfMuteDuration,
            SettingChoice::AutoMuteThreshold => SettingKey::AutoMuteThreshold,
            SettingChoice::AutoMuteWindow => SettingKey::AutoMuteWindow,
            SettingChoice::ShieldDuration => SettingKey::ShieldDuration,
            SettingChoice::ReporterSealed => SettingKey::ReporterSealed,
            SettingChoice::NotifyReporterOnClose => SettingKey::NotifyReporterOnClose,
            SettingChoice::EvidenceRetentionDays => SettingKey::EvidenceRetentionDays,
            SettingChoice::StatisticsRetentionMonths => SettingKey::StatisticsRetentionMonths,
            SettingChoice::HelplineCountry => SettingKey::HelplineCountry,
        }
    }
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "show",
        "language",
        "timezone",
        "queue_channel",
        "moderator_role",
        "self_mute",
        "auto_mute",
        "shield_duration",
        "reporter_sealed",
        "notify_reporter",
        "retention",
        "helpline_country",
        "reset"
    ),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD"
)]
#[allow(clippy::unused_async)] // poise needs an async fn, even for a parent command.
pub async fn config(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// An ephemeral answer that mentions channels and roles without notifying anyone.
async fn reply(ctx: Context<'_>, content: String) -> Result<(), BotError> {
    let reply = CreateReply::default()
        .content(content)
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    answer(ctx, reply).await
}
