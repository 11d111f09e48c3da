//! `/cases`: the moderators' queue (SPEC §5).

use poise::serenity_prelude as serenity;

use super::report::ReasonChoice;
use super::{BotError, Context, not_available_yet};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StatusChoice {
    #[name = "case-status-open"]
    Open,
    #[name = "case-status-claimed"]
    Claimed,
    #[name = "case-status-resolved"]
    Resolved,
    #[name = "case-status-dismissed"]
    Dismissed,
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands("open", "show", "history", "reveal"),
    subcommand_required,
    default_member_permissions = "MODERATE_MEMBERS"
)]
pub async fn cases(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn open(
    ctx: Context<'_>,
    reason: Option<ReasonChoice>,
    status: Option<StatusChoice>,
    #[min = 1] page: Option<u32>,
) -> Result<(), BotError> {
    let _ = (reason, status, page);
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>, #[max_length = 16] reference: String) -> Result<(), BotError> {
    let _ = reference;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn history(ctx: Context<'_>, member: serenity::User) -> Result<(), BotError> {
    let _ = member;
    not_available_yet(ctx).await
}

#[poise::command(slash_command, guild_only)]
async fn reveal(
    ctx: Context<'_>,
    #[max_length = 16] reference: String,
    #[max_length = 500] reason: String,
) -> Result<(), BotError> {
    let _ = (reference, reason);
    not_available_yet(ctx).await
}
