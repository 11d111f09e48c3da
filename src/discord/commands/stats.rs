//! `/stats`: anonymized statistics for moderators (SPEC §7).

use super::{BotError, Context, not_available_yet};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "period-7d"]
    Week,
    #[name = "period-30d"]
    Month,
    #[name = "period-90d"]
    Quarter,
    #[name = "period-12m"]
    Year,
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "export"),
    subcommand_required,
    default_member_permissions = "MODERATE_MEMBERS"
)]
pub async fn stats(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>, period: Option<PeriodChoice>) -> Result<(), BotError> {
    let _ = period;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn export(ctx: Context<'_>, period: Option<PeriodChoice>) -> Result<(), BotError> {
    let _ = period;
    not_available_yet(ctx).await
}
