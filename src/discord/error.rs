//! The one error type of the adapter, and the one place that answers a failed command.

use poise::CreateReply;

use super::{BotData, Context};

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// A refusal the member should read: a Fluent message id.
    #[error("refused with `{0}`")]
    Refused(&'static str),
    #[error(transparent)]
    Discord(#[from] serenity::Error),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl BotError {
    /// The Fluent message shown to the member for this error.
    fn message_id(&self) -> &'static str {
        match self {
            BotError::Refused(id) => id,
            BotError::Discord(_) | BotError::Store(_) => "error-internal",
        }
    }
}

/// Poise's error hook: log what went wrong (without user content), answer ephemerally in the
/// member's language, and never panic.
pub async fn on_error(error: poise::FrameworkError<'_, BotData, BotError>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            if !matches!(error, BotError::Refused(_)) {
                tracing::error!(command = %ctx.command().qualified_name, %error, "command failed");
            }
            reply_error(ctx, error.message_id()).await;
        }
        poise::FrameworkError::ArgumentParse { ctx, .. } => {
            reply_error(ctx, "error-invalid-arguments").await;
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            reply_error(ctx, "error-guild-only").await;
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::error!(%error, "while handling a framework error");
            }
        }
    }
}

async fn reply_error(ctx: Context<'_>, message_id: &str) {
    let locale = super::commands::member_locale(ctx).await;
    let text = ctx.data().texts.text(&locale, message_id);
    let reply = CreateReply::default().content(text).ephemeral(true);
    if let Err(error) = ctx.send(reply).await {
        tracing::warn!(%error, "could not deliver an error message");
    }
}
