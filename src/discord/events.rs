//! Gateway events: servers joined and left, components and modals (to the
//! [`components`](super::components) router), and messages held to the contact shield.

use poise::serenity_prelude as serenity;

use super::flows::publish::wake_deliveries;
use super::flows::shield::{self, WatchedMessage};
use super::ids::DbId;
use super::{BotData, BotError, components};

pub async fn handle(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &BotData,
) -> Result<(), BotError> {
    match event {
        serenity::FullEvent::GuildCreate { guild, .. } => {
            data.store
                .upsert_guild_joined(guild.id.db(), chrono::Utc::now())
                .await?;
        }
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            data.store
                .mark_guild_left(incomplete.id.db(), chrono::Utc::now())
                .await?;
        }
        serenity::FullEvent::InteractionCreate { interaction } => {
            let handled = match interaction {
                serenity::Interaction::Component(component) => {
                    components::on_component(ctx, data, component).await
                }
                serenity::Interaction::Modal(modal) => components::on_modal(ctx, data, modal).await,
                _ => Ok(()),
            };
            if let Err(error) = handled {
                tracing::error!(%error, "interaction failed");
            }
        }
        serenity::FullEvent::Message { new_message } => {
            if let Some(message) = WatchedMessage::created(new_message) {
                hold_to_shield(ctx, data, message, "a message").await;
            }
        }
        serenity::FullEvent::MessageUpdate { event, .. } => {
            if let Some(message) = WatchedMessage::edited(event) {
                hold_to_shield(ctx, data, message, "an edit").await;
            }
        }
        _ => {}
    }
    Ok(())
}

async fn hold_to_shield(
    ctx: &serenity::Context,
    data: &BotData,
    message: WatchedMessage,
    what: &'static str,
) {
    match shield::enforce(ctx, data, message).await {
        Ok(changed) => wake_deliveries(data, changed),
        Err(error) => tracing::error!(%error, "contact shield failed on {what}"),
    }
}
