//! The victim's protective buttons: deferred, carried out, answered, then the case's queue
//! post published.

use poise::serenity_prelude as serenity;

use crate::discord::custom_id::VictimAction;
use crate::discord::flows::publish::wake_deliveries;
use crate::discord::flows::victim::{self, Press};
use crate::discord::ids::DbId;
use crate::discord::{BotData, BotError};

/// `pressed` is `None` for a stale or forged id.
pub async fn on_button(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    pressed: Option<(VictimAction, i64)>,
) -> Result<(), BotError> {
    let defer = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    interaction.create_response(ctx, defer).await?;
    let settings = data.settings_or_default(interaction.guild_id).await;
    let locale = data.locale(Some(&interaction.locale), Some(&settings));
    let (Some(guild_id), Some((action, case_id))) = (interaction.guild_id, pressed) else {
        let answer = data.texts.text(&locale, "protection-not-yours");
        return edit(ctx, interaction, answer).await;
    };
    let press = Press {
        guild_id: guild_id.db(),
        presser: interaction.user.id.db(),
        case_id,
        action,
        settings: &settings,
        locale: &locale,
    };
    let answer = match victim::act(&ctx.http, data, &press).await {
        Ok((answer, changed)) => {
            wake_deliveries(data, changed);
            answer
        }
        Err(error) => {
            tracing::error!(%error, "victim protective action failed");
            data.texts.text(&locale, "error-internal")
        }
    };
    edit(ctx, interaction, answer).await
}

async fn edit(
    ctx: &serenity::Context,
    interaction: &serenity::ComponentInteraction,
    answer: String,
) -> Result<(), BotError> {
    let edit = serenity::EditInteractionResponse::new().content(answer);
    interaction.edit_response(ctx, edit).await?;
    Ok(())
}
