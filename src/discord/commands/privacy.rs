//! `/privacy delete-my-data`: the right to erasure (SPEC §7). A member erases what they
//! authored here: their reports' details and their link to those reports. The cases stay
//! (they concern other people too) and show "reporter erased"; statistics hold nothing
//! about them and are untouched.

use chrono::Utc;
use fluent_bundle::FluentArgs;
use poise::CreateReply;

use super::{BotError, Context, member_locale};

#[poise::command(
    slash_command,
    guild_only,
    subcommands("delete_my_data"),
    subcommand_required
)]
pub async fn privacy(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only, rename = "delete-my-data")]
async fn delete_my_data(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Err(BotError::Refused("error-guild-only"));
    };
    let erased = ctx
        .data()
        .store
        .erase_reporter(
            guild_id.get() as i64,
            ctx.author().id.get() as i64,
            Utc::now(),
        )
        .await?;
    tracing::info!(
        guild_id = guild_id.get(),
        reports = erased.reports,
        pending = erased.pending_reports,
        "reporter data erased on request"
    );
    let locale = member_locale(ctx).await;
    let mut args = FluentArgs::new();
    args.set("reports", erased.reports + erased.pending_reports);
    let text = ctx
        .data()
        .texts
        .format(&locale, "privacy-data-erased", Some(&args));
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}
