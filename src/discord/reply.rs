//! Answering an interaction that was deferred: the edit of its "thinking" message, tried
//! twice, then a follow-up as the last resort, so an acknowledged report is never left
//! without its answer.

use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{CreateInteractionResponseFollowup, EditInteractionResponse, Http};

use super::render::help_card::RenderedHelpCard;
use super::rest::is_refusal;

/// Replaces the deferred "thinking" state of an interaction with the answer.
pub async fn edit_deferred(
    http: &Http,
    interaction_token: &str,
    content: String,
    help_card: Option<RenderedHelpCard>,
) {
    edit_answer(http, interaction_token, content, help_card, None).await;
}

/// Replaces the interaction's answer: its text, the help card (embed, link buttons, vCard)
/// if given, and an extra row of buttons.
pub async fn edit_answer(
    http: &Http,
    interaction_token: &str,
    content: String,
    help_card: Option<RenderedHelpCard>,
    extra_row: Option<serenity::CreateActionRow>,
) {
    let mut rows: Vec<serenity::CreateActionRow> = help_card
        .iter()
        .filter_map(|card| card.buttons.clone())
        .collect();
    rows.extend(extra_row);
    for attempt in 1..=2 {
        let mut edit = EditInteractionResponse::new()
            .content(content.clone())
            .components(rows.clone());
        if let Some(card) = &help_card {
            edit = edit
                .embed(card.embed.clone())
                .new_attachment(card.contact_file.clone());
        }
        match edit.execute(http, interaction_token).await {
            Ok(_) => return,
            Err(error) => {
                // serenity's Display of an error never includes the URL (and its token).
                tracing::warn!(attempt, %error, "cannot edit the deferred answer");
                if is_refusal(&error) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    // Last resort: a new ephemeral follow-up message, with the help card if there is one.
    let mut followup = CreateInteractionResponseFollowup::new()
        .content(content)
        .components(rows)
        .ephemeral(true);
    if let Some(card) = help_card {
        followup = followup.embed(card.embed).add_file(card.contact_file);
    }
    if let Err(error) = followup.execute(http, (None, interaction_token)).await {
        tracing::error!(%error, "the reporter could not be answered");
    }
}
