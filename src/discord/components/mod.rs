//! The router of components and modals (which poise does not route): every custom id is
//! parsed once into a [`CustomId`] and handed to the handler of its kind. A handler answers
//! the interaction, calls a flow, and publishes what the flow changed once the flow's locks
//! are released.

mod queue;
mod report;
mod victim;

use poise::serenity_prelude as serenity;

use super::custom_id::{CustomId, Stale};
use super::{BotData, BotError};

/// Routes a component interaction (a button or a select).
pub async fn on_component(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
) -> Result<(), BotError> {
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
        Ok(CustomId::ReportDetails { .. }) | Err(Stale::Unknown) => {
            tracing::warn!("component with an unknown custom id ignored");
            Ok(())
        }
    }
}

/// Routes a modal submission.
pub async fn on_modal(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
) -> Result<(), BotError> {
    match CustomId::parse(&interaction.data.custom_id) {
        Ok(CustomId::ReportDetails {
            reason,
            token,
            locale,
        }) => report::on_details(ctx, data, interaction, Some((reason, token)), &locale).await,
        Err(Stale::Report { locale }) => {
            report::on_details(ctx, data, interaction, None, &locale).await
        }
        _ => {
            tracing::warn!("modal with an unknown custom id ignored");
            Ok(())
        }
    }
}
