//! "Add to my report" (several messages per report) and `/evidence-file` (the victim's
//! evidence file by DM).

use chrono::{TimeDelta, Utc};
use poise::serenity_prelude as serenity;

use super::report::{Reporting, author_of, begin, start_menu_report};
use super::{BotError, Context, answer, member_locale};
use crate::discord::flows::evidence::evidence_of;
use crate::discord::flows::evidence_file::{self, Request};
use crate::discord::ids::DbId;
use crate::discord::reply::edit_deferred;
use crate::domain::case::{CaseReference, ReportSource};
use crate::i18n::tr;
use crate::store::Added;

// Appends the message to the reporter's open case against its author (within the merge
// window), or starts a report on it when there is none.
#[poise::command(context_menu_command = "Add to my report", guild_only)]
pub async fn add_to_report(ctx: Context<'_>, message: serenity::Message) -> Result<(), BotError> {
    let Some(Reporting {
        interaction,
        guild_id,
        locale,
        ..
    }) = begin(ctx).await?
    else {
        return Ok(());
    };
    let data = ctx.data();
    let now = Utc::now();
    let window = TimeDelta::from_std(data.config.anti_abuse.merge_window).unwrap_or(TimeDelta::MAX);
    let since = now
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
    let open = data
        .store
        .open_report_of(
            guild_id.db(),
            interaction.user.id.db(),
            message.author.id.db(),
            since,
        )
        .await?;
    let snapshot = evidence_of(&message);
    let Some(open) = open else {
        let reported = author_of(ctx, guild_id, &message).await;
        return start_menu_report(ctx, reported, ReportSource::MessageMenu, Some(snapshot)).await;
    };
    let reference = open.reference.as_str();
    let text = match data.store.add_evidence(&open, &snapshot, now).await? {
        Added::Appended { items } => {
            tracing::info!(case = %open.reference, items, "message added to a report");
            data.deliveries.notify_one();
            tr!(
                data.texts,
                &locale,
                "evidence-added",
                reference = reference,
                items = items
            )
        }
        Added::AlreadyThere => tr!(
            data.texts,
            &locale,
            "evidence-already-added",
            reference = reference
        ),
    };
    edit_deferred(ctx.http(), &interaction.token, text, None).await;
    Ok(())
}

// The victim's evidence file, by DM. (Not a doc comment: poise would take it as the
// description.)
#[poise::command(slash_command, guild_only, rename = "evidence-file")]
pub async fn evidence_file(
    ctx: Context<'_>,
    #[max_length = 16] reference: String,
) -> Result<(), BotError> {
    // Reading every file and opening a DM takes longer than Discord's 3 seconds.
    ctx.defer_ephemeral().await?;
    send_file(ctx, &reference).await
}

async fn send_file(ctx: Context<'_>, reference: &str) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Err(BotError::Refused("error-guild-only"));
    };
    let data = ctx.data();
    let locale = member_locale(ctx).await;
    let typed = reference.trim();
    let case = match CaseReference::parse(reference) {
        Ok(parsed) => data.store.case_by_reference(guild_id.db(), &parsed).await?,
        Err(_) => None,
    };
    let text = match case {
        None => tr!(
            data.texts,
            &locale,
            "evidence-file-unknown",
            reference = typed
        ),
        Some(case) => {
            let settings = data.settings(guild_id).await;
            let request = Request {
                requester: ctx.author().id.db(),
                case: &case,
                settings: &settings,
                locale: &locale,
            };
            evidence_file::send(ctx.http(), data, &request).await?
        }
    };
    answer(
        ctx,
        poise::CreateReply::default().content(text).ephemeral(true),
    )
    .await
}
