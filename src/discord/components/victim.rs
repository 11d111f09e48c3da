//! The victim's protective buttons: deferred, carried out, answered, then the case's queue
//! post published.

use poise::serenity_prelude as serenity;

use crate::discord::custom_id::VictimAction;
use crate::discord::flows::evidence_file::{self, Request};
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
    if let Some((VictimAction::EvidenceFile, case_id)) = pressed {
        let answer = evidence_file_answer(ctx, data, case_id, interaction).await;
        return edit(ctx, interaction, answer).await;
    }
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

/// The victim's evidence file, asked from their report's answer (in the server) or from
/// their help card's DM (outside it: the case's server is the one its id names, and
/// whoever presses must be its victim all the same).
async fn evidence_file_answer(
    ctx: &serenity::Context,
    data: &BotData,
    case_id: i64,
    interaction: &serenity::ComponentInteraction,
) -> String {
    let pressed_in = interaction.guild_id.map(DbId::db);
    let case = match data.store.case_by_id(case_id).await {
        Ok(Some(case)) if pressed_in.is_none_or(|guild_id| guild_id == case.guild_id) => case,
        Ok(_) => {
            let settings = data.settings_or_default(interaction.guild_id).await;
            let locale = data.locale(Some(&interaction.locale), Some(&settings));
            return data.texts.text(&locale, "evidence-file-not-victim");
        }
        Err(error) => {
            tracing::error!(%error, "evidence file: case unreadable");
            let locale = data.locale(Some(&interaction.locale), None);
            return data.texts.text(&locale, "error-internal");
        }
    };
    let settings = data.settings_of(case.guild_id).await;
    let locale = data.locale(Some(&interaction.locale), Some(&settings));
    let request = Request {
        requester: interaction.user.id.db(),
        case: &case,
        settings: &settings,
        locale: &locale,
    };
    match evidence_file::send(&ctx.http, data, &request).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "evidence file failed");
            data.texts.text(&locale, "error-internal")
        }
    }
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
