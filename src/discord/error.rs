//! The one error type of the adapter, and the one place that answers a failed command.

use poise::CreateReply;

use super::commands::member_locale;
use super::{BotData, Context};

#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// A refusal the member should read: a Fluent message id.
    #[error("refused with `{0}`")]
    Refused(&'static str),
    /// Boxed: serenity's error is large, and every flow returns this type.
    #[error(transparent)]
    Discord(Box<serenity::Error>),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// An attachment could not be fetched this time (network, 5xx): tried again later.
    #[error("an evidence file could not be downloaded")]
    Download,
}

impl From<serenity::Error> for BotError {
    fn from(error: serenity::Error) -> Self {
        BotError::Discord(Box::new(error))
    }
}

impl BotError {
    /// The Fluent message shown to the member for this error.
    fn message_id(&self) -> &'static str {
        match self {
            BotError::Refused(id) => id,
            BotError::Discord(_) | BotError::Store(_) | BotError::Download => "error-internal",
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
        // Options that do not match the registered command: an outdated or forged payload.
        poise::FrameworkError::CommandStructureMismatch {
            ctx, description, ..
        } => {
            tracing::warn!(
                description,
                "command payload does not match its registration"
            );
            reply_error(poise::Context::Application(ctx), "error-invalid-arguments").await;
        }
        other => {
            if let Err(error) = poise::builtins::on_error(other).await {
                tracing::error!(%error, "while handling a framework error");
            }
        }
    }
}

/// How long the server's language may take to read before an error answer falls back to
/// the bot default: the database may be what failed, and an undeferred interaction has only
/// three seconds.
const LANGUAGE_LOOKUP_LIMIT: std::time::Duration = std::time::Duration::from_millis(500);

async fn reply_error(ctx: Context<'_>, message_id: &str) {
    let data = ctx.data();
    let locale = match tokio::time::timeout(LANGUAGE_LOOKUP_LIMIT, member_locale(ctx)).await {
        Ok(locale) => locale,
        Err(_) => data.locale(ctx.locale(), None),
    };
    let text = data.texts.text(&locale, message_id);
    let reply = CreateReply::default().content(text).ephemeral(true);
    if let Err(error) = super::commands::answer(ctx, reply).await {
        tracing::warn!(%error, "could not deliver an error message");
    }
}
