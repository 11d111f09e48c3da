//! The router of components and modals (which poise does not route): every custom id is
//! parsed once into a [`CustomId`] and handed to the handler of its kind. A handler answers
//! the interaction, calls a flow, and publishes what the flow changed once the flow's locks
//! are released.

mod inputs;
mod questions;
mod queue;
mod report;
mod victim;

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;

use super::custom_id::{CustomId, QuestionStep, Stale};
use super::{BotData, BotError};

/// Routes a component interaction (a button or a select).
pub async fn on_component(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
) -> Result<(), BotError> {
    let refuse_with = |id: &'static str| {
        let locale = interaction.locale.as_str();
        refuse(ctx, data, interaction.id, &interaction.token, locale, id)
    };
    match CustomId::parse(&interaction.data.custom_id) {
        Ok(CustomId::ReportReason { token, locale }) => {
            report::on_reason(ctx, data, interaction, Some(token), &locale).await
        }
        Err(Stale::Report { locale }) => {
            report::on_reason(ctx, data, interaction, None, &locale).await
        }
        Ok(CustomId::Victim { action, case_id }) => {
            victim::on_button(ctx, data, interaction, Some((action, case_id))).await
        }
        Err(Stale::Victim) => victim::on_button(ctx, data, interaction, None).await,
        Ok(CustomId::Queue { verb, case_id }) => {
            queue::on_component(ctx, data, interaction, Some((verb, case_id))).await
        }
        Err(Stale::Queue) => queue::on_component(ctx, data, interaction, None).await,
        Ok(CustomId::Question { step, id }) if !step.is_modal() => {
            questions::on_button(ctx, data, interaction, Some((step, id))).await
        }
        Err(Stale::Question) => questions::on_button(ctx, data, interaction, None).await,
        Ok(CustomId::ReportDetails { .. } | CustomId::Question { .. }) => {
            tracing::warn!("a form's custom id on a component");
            refuse_with("error-impossible-interaction").await
        }
        Err(Stale::Unknown) => {
            tracing::warn!("component with an unknown custom id");
            refuse_with("error-stale-button").await
        }
    }
}

/// Routes a modal submission.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
) -> Result<(), BotError> {
    let refuse_with = |id: &'static str| {
        let locale = interaction.locale.as_str();
        refuse(ctx, data, interaction.id, &interaction.token, locale, id)
    };
    match CustomId::parse(&interaction.data.custom_id) {
        Ok(CustomId::ReportDetails {
            reason,
            token,
            locale,
        }) => report::on_details(ctx, data, interaction, Some((reason, token)), &locale).await,
        Err(Stale::Report { locale }) => {
            report::on_details(ctx, data, interaction, None, &locale).await
        }
        Ok(CustomId::Question {
            step: QuestionStep::Send,
            id,
        }) => questions::on_question(ctx, data, interaction, id).await,
        Ok(CustomId::Question {
            step: QuestionStep::Reply,
            id,
        }) => questions::on_answer(ctx, data, interaction, id).await,
        Ok(
            CustomId::ReportReason { .. }
            | CustomId::Victim { .. }
            | CustomId::Queue { .. }
            | CustomId::Question { .. },
        ) => {
            tracing::warn!("a component's custom id on a modal");
            refuse_with("error-impossible-interaction").await
        }
        Err(Stale::Victim | Stale::Queue | Stale::Question | Stale::Unknown) => {
            tracing::warn!("modal with an unknown custom id");
            refuse_with("error-stale-form").await
        }
    }
}

/// Answers an interaction no handler can take, at once and in the member's client
/// language (no database read: the answer must beat Discord's deadline).
async fn refuse(
    ctx: &serenity::Context,
    data: &BotData,
    interaction_id: serenity::InteractionId,
    token: &str,
    client_locale: &str,
    message_id: &str,
) -> Result<(), BotError> {
    let locale = data.locale(Some(client_locale), None);
    let answer = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(data.texts.text(&locale, message_id))
            .ephemeral(true),
    );
    answer.execute(ctx, (interaction_id, token)).await?;
    Ok(())
}
