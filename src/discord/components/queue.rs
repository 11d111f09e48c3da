//! The queue post's buttons and the prompts they open, for moderators only: every click is
//! checked server-side against the clicking member, never only the channel's visibility.

use poise::serenity_prelude as serenity;

use super::questions::open_question;
use crate::discord::checks::is_moderator;
use crate::discord::custom_id::QueueVerb;
use crate::discord::flows::CaseChanged;
use crate::discord::flows::moderation;
use crate::discord::flows::publish::wake_deliveries;
use crate::discord::flows::sanctions::Moderator;
use crate::discord::ids::DbId;
use crate::discord::render::prompts::moderator_prompt;
use crate::discord::{BotData, BotError};
use crate::store::CaseRecord;

/// `clicked` is `None` for a stale or forged id.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    clicked: Option<(QueueVerb, i64)>,
) -> Result<(), BotError> {
    let Some(guild_id) = interaction.guild_id else {
        let locale = data.locale(Some(&interaction.locale), None);
        return reply(
            ctx,
            interaction,
            data.texts.text(&locale, "error-guild-only"),
        )
        .await;
    };
    let settings = data.settings(guild_id).await;
    let locale = data.locale(Some(&interaction.locale), Some(&settings));
    let text = |id: &str| data.texts.text(&locale, id);
    let Some((verb, case_id)) = clicked else {
        return reply(ctx, interaction, text("queue-case-unknown")).await;
    };
    if !is_moderator(ctx, interaction.member.as_ref(), guild_id, &settings) {
        tracing::info!(
            verb = verb.as_str(),
            "queue action refused to a non-moderator"
        );
        return reply(ctx, interaction, text("queue-refused-not-moderator")).await;
    }
    let case = data
        .store
        .case_by_id(case_id)
        .await?
        .filter(|case| case.guild_id == guild_id.db());
    let Some(case) = case else {
        return reply(ctx, interaction, text("queue-case-unknown")).await;
    };
    if verb == QueueVerb::Ask {
        return open_question(ctx, data, interaction, &locale, &case).await;
    }
    if let Some(prompt) = moderator_prompt(&data.texts, &locale, verb, &case) {
        let prompt = serenity::CreateInteractionResponse::Message(prompt);
        interaction.create_response(ctx, prompt).await?;
        return Ok(());
    }
    let moderator = Moderator {
        user_id: interaction.user.id.db(),
        settings: &settings,
        locale: &locale,
    };
    carry_out(ctx, data, interaction, &moderator, verb, &case).await
}

/// Acknowledges the click, acts, publishes the case, and answers the moderator.
async fn carry_out(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    moderator: &Moderator<'_>,
    verb: QueueVerb,
    case: &CaseRecord,
) -> Result<(), BotError> {
    // A choice in a prompt replaces the prompt; a button gets its own answer.
    let acknowledgement = if verb.is_choice() {
        serenity::CreateInteractionResponse::Acknowledge
    } else {
        serenity::CreateInteractionResponse::Defer(
            serenity::CreateInteractionResponseMessage::new().ephemeral(true),
        )
    };
    interaction.create_response(ctx, acknowledgement).await?;
    let choice = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let acted = moderation::act(&ctx.http, data, moderator, verb, case.id, choice.as_deref()).await;
    let answer = acted.unwrap_or_else(|error| {
        tracing::error!(case = %case.reference, %error, "queue action failed");
        data.texts.text(moderator.locale, "error-internal")
    });
    wake_deliveries(data, [CaseChanged(case.id)]);
    let edit = serenity::EditInteractionResponse::new()
        .content(answer)
        .components(Vec::new());
    interaction.edit_response(ctx, edit).await?;
    Ok(())
}

async fn reply(
    ctx: &serenity::Context,
    interaction: &serenity::ComponentInteraction,
    content: String,
) -> Result<(), BotError> {
    let answer = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(content)
            .ephemeral(true),
    );
    interaction.create_response(ctx, answer).await?;
    Ok(())
}
