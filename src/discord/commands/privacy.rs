//! `/privacy delete-my-data`: the right to erasure (SPEC §7). A member erases what they
//! authored here: their reports' details and their link to those reports. The cases stay
//! (they concern other people too) and their queue posts are redrawn showing "reporter
//! erased"; where the member is the person harassed, they stay named as such so moderators
//! can protect them. Statistics hold nothing about them and are untouched.

use chrono::Utc;
use poise::CreateReply;

use super::{BotError, Context, answer, member_locale, within_deadline};
use crate::discord::flows::CaseChanged;
use crate::discord::flows::publish::wake_deliveries;
use crate::discord::ids::DbId;
use crate::i18n::tr;

#[poise::command(
    slash_command,
    guild_only,
    subcommands("delete_my_data"),
    subcommand_required
)]
#[allow(clippy::unused_async)] // poise needs an async fn, even for a parent command.
pub async fn privacy(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only, rename = "delete-my-data")]
async fn delete_my_data(ctx: Context<'_>) -> Result<(), BotError> {
    within_deadline(ctx, erase_and_answer(ctx)).await
}

async fn erase_and_answer(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Err(BotError::Refused("error-guild-only"));
    };
    let erased = ctx
        .data()
        .store
        .erase_reporter(guild_id.db(), ctx.author().id.db(), Utc::now())
        .await?;
    tracing::info!(
        guild_id = guild_id.get(),
        reports = erased.reports,
        pending = erased.pending_reports,
        "reporter data erased on request"
    );
    // The queue posts showed the reporter: redraw them as "reporter erased". A failure is
    // logged and does not undo the erasure, which the member is told about all the same.
    let changed = erased.case_ids.iter().copied().map(CaseChanged);
    wake_deliveries(ctx.data(), changed);
    let locale = member_locale(ctx).await;
    let texts = &ctx.data().texts;
    let reports = erased.reports + erased.pending_reports;
    let mut text = tr!(texts, &locale, "privacy-data-erased", reports = reports);
    if erased.cases_as_victim > 0 {
        let cases = erased.cases_as_victim;
        text.push('\n');
        text.push_str(&tr!(texts, &locale, "privacy-victim-kept", cases = cases));
    }
    answer(ctx, CreateReply::default().content(text).ephemeral(true)).await
}
