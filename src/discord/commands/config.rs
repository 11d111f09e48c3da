//! `/config`: per-server settings for admins (SPEC §6).

use poise::serenity_prelude as serenity;

use super::{BotError, Context, not_available_yet};

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
pub async fn config(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), BotError> {
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn language(ctx: Context<'_>, #[max_length = 16] language: String) -> Result<(), BotError> {
    let _ = language;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn timezone(ctx: Context<'_>, #[max_length = 64] timezone: String) -> Result<(), BotError> {
    let _ = timezone;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "queue-channel")]
async fn queue_channel(
    ctx: Context<'_>,
    #[channel_types("Text")] channel: serenity::GuildChannel,
) -> Result<(), BotError> {
    let _ = channel;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "moderator-role")]
async fn moderator_role(ctx: Context<'_>, role: serenity::Role) -> Result<(), BotError> {
    let _ = role;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "self-mute")]
async fn self_mute(
    ctx: Context<'_>,
    allowed: bool,
    #[max_length = 32] duration: Option<String>,
) -> Result<(), BotError> {
    let _ = (allowed, duration);
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "auto-mute")]
async fn auto_mute(
    ctx: Context<'_>,
    threshold: i64,
    #[max_length = 32] window: String,
) -> Result<(), BotError> {
    let _ = (threshold, window);
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "shield-duration")]
async fn shield_duration(
    ctx: Context<'_>,
    #[max_length = 32] duration: String,
) -> Result<(), BotError> {
    let _ = duration;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "reporter-sealed")]
async fn reporter_sealed(ctx: Context<'_>, sealed: bool) -> Result<(), BotError> {
    let _ = sealed;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "notify-reporter")]
async fn notify_reporter(ctx: Context<'_>, notify: bool) -> Result<(), BotError> {
    let _ = notify;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn retention(
    ctx: Context<'_>,
    #[rename = "evidence-days"] evidence_days: Option<i64>,
    #[rename = "statistics-months"] statistics_months: Option<i64>,
) -> Result<(), BotError> {
    let _ = (evidence_days, statistics_months);
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only, rename = "helpline-country")]
async fn helpline_country(
    ctx: Context<'_>,
    #[max_length = 8] country: String,
) -> Result<(), BotError> {
    let _ = country;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn reset(ctx: Context<'_>, setting: SettingChoice) -> Result<(), BotError> {
    let _ = setting;
    not_available_yet(ctx).await
}
