//! The context-menu report's later steps: the reason chosen (answered with the details
//! modal, at once: a modal cannot be deferred), then the details submitted (deferred, then
//! filed and answered).

use poise::serenity_prelude as serenity;

use super::inputs::modal_value;
use crate::discord::custom_id::{DETAILS_INPUT, PendingToken};
use crate::discord::flows::menu_report::MenuReport;
use crate::discord::flows::reporting::{answer_reporter, joined_at};
use crate::discord::ids::DbId;
use crate::discord::render::prompts::details_modal;
use crate::discord::reply::edit_deferred;
use crate::discord::{BotData, BotError};
use crate::domain::reason::Reason;

/// The reason select: answers with the details modal. `token` is `None` for a stale id.
pub async fn on_reason(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    token: Option<PendingToken>,
    locale: &str,
) -> Result<(), BotError> {
    let locale = data.locale(Some(locale), None);
    let reason = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values
            .first()
            .and_then(|value| value.parse::<Reason>().ok()),
        _ => None,
    };
    let response =
        match (reason, token) {
            (Some(reason), Some(token)) => serenity::CreateInteractionResponse::Modal(
                details_modal(&data.texts, &locale, reason, token),
            ),
            _ => serenity::CreateInteractionResponse::Message(
                serenity::CreateInteractionResponseMessage::new()
                    .content(data.texts.text(&locale, "report-expired"))
                    .ephemeral(true),
            ),
        };
    interaction.create_response(ctx, response).await?;
    Ok(())
}

/// The details modal: files the report. Once deferred, the reporter is always answered,
/// even when something fails.
pub async fn on_details(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
    step: Option<(Reason, PendingToken)>,
    locale: &str,
) -> Result<(), BotError> {
    let defer = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    interaction.create_response(ctx, defer).await?;
    let locale = data.locale(Some(locale), None);
    let (Some(guild_id), Some((reason, token))) = (interaction.guild_id, step) else {
        let text = data.texts.text(&locale, "report-expired");
        edit_deferred(&ctx.http, &interaction.token, text, None).await;
        return Ok(());
    };
    let report = MenuReport {
        guild_id: guild_id.db(),
        reporter_id: interaction.user.id.db(),
        bot_id: ctx.cache.current_user().id.db(),
        reporter_joined_at: joined_at(interaction.member.as_ref()),
    };
    let details = modal_value(interaction, DETAILS_INPUT);
    let answering = (locale.as_str(), interaction.token.as_str());
    let filed = report
        .file(&ctx.http, data, answering, (reason, &token, details))
        .await;
    match filed {
        Ok(answer) => answer_reporter(&ctx.http, data, &interaction.token, answer).await,
        Err(error) => {
            tracing::error!(%error, "menu report failed");
            let text = data.texts.text(&locale, "error-internal");
            edit_deferred(&ctx.http, &interaction.token, text, None).await;
        }
    }
    Ok(())
}
