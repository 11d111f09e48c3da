//! Gateway events: servers joined and left, and the components and modals of multi-step
//! flows (which poise does not route).

use poise::serenity_prelude as serenity;

use super::commands::report;
use super::{BotData, BotError};
use super::{protection, queue};

pub async fn handle(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &BotData,
) -> Result<(), BotError> {
    match event {
        serenity::FullEvent::GuildCreate { guild, .. } => {
            data.store
                .upsert_guild_joined(guild.id.get() as i64, chrono::Utc::now())
                .await?;
        }
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            data.store
                .mark_guild_left(incomplete.id.get() as i64, chrono::Utc::now())
                .await?;
        }
        serenity::FullEvent::InteractionCreate { interaction } => {
            let handled = match interaction {
                serenity::Interaction::Component(component) => {
                    match report::on_reason_selected(ctx, data, component).await {
                        Ok(false) => match protection::on_victim_button(ctx, data, component).await
                        {
                            Ok(false) => queue::on_component(ctx, data, component).await,
                            other => other,
                        },
                        other => other,
                    }
                }
                serenity::Interaction::Modal(modal) => {
                    report::on_details_submitted(ctx, data, modal).await
                }
                _ => Ok(true),
            };
            match handled {
                Ok(true) => {}
                Ok(false) => tracing::warn!("interaction with an unknown custom id ignored"),
                Err(error) => tracing::error!(%error, "interaction failed"),
            }
        }
        // The contact shield: one in-memory lookup per message (SPEC §4).
        serenity::FullEvent::Message { new_message } => {
            if let Err(error) = protection::on_message(ctx, data, new_message).await {
                tracing::error!(%error, "contact shield failed on a message");
            }
        }
        serenity::FullEvent::MessageUpdate { event, .. } => {
            if let Err(error) = protection::on_message_update(ctx, data, event).await {
                tracing::error!(%error, "contact shield failed on an edit");
            }
        }
        _ => {}
    }
    Ok(())
}
