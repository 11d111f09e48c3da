//! The victim's protective buttons: deferred, carried out, answered, then the case's queue
//! post published.

use poise::serenity_prelude as serenity;

use crate::discord::custom_id::VictimAction;
use crate::discord::flows::evidence_file::{self, Request};
use crate::discord::flows::publish::wake_deliveries;
use crate::discord::flows::victim::{self, Press};
use crate::discord::ids::DbId;
use crate::discord::{BotData, BotError};
use crate::domain::settings::Settings;

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
    if action == VictimAction::EvidenceFile {
        let answer = evidence_file_answer(
            ctx,
            data,
            (guild_id.db(), case_id),
            interaction,
            &settings,
            &locale,
        )
        .await;
        return edit(ctx, interaction, answer).await;
    }
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

/// The victim's evidence file, asked from their report's answer.
async fn evidence_file_answer(
    ctx: &serenity::Context,
    data: &BotData,
    (guild_id, case_id): (i64, i64),
    interaction: &serenity::ComponentInteraction,
    settings: &Settings,
    locale: &str,
) -> String {
    let case = match data.store.case_by_id(case_id).await {
        Ok(Some(case)) if case.guild_id == guild_id => case,
        Ok(_) => return data.texts.text(locale, "evidence-file-not-victim"),
        Err(error) => {
            tracing::error!(%error, "evidence file: case unreadable");
            return data.texts.text(locale, "error-internal");
        }
    };
    let request = Request {
        requester: interaction.user.id.db(),
        case: &case,
        settings,
        locale,
    };
    match evidence_file::send(&ctx.http, data, &request).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "evidence file failed");
            data.texts.text(locale, "error-internal")
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
