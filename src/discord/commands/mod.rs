//! Every application command, with its final name, options and permissions. Names and
//! descriptions here are placeholders: `registration` fills them from Fluent.

mod cases;
pub(crate) mod config;
mod privacy;
pub(crate) mod report;
mod stats;

use super::{BotError, Command, Context};

/// All commands, in registration order.
pub fn all() -> Vec<Command> {
    vec![
        report::report(),
        report::report_message(),
        report::report_user(),
        cases::cases(),
        config::config(),
        stats::stats(),
        privacy::privacy(),
    ]
}

/// The member's language: their Discord client's if shipped, else the server's (`/config
/// language`), else the bot default.
pub async fn member_locale(ctx: Context<'_>) -> String {
    let data = ctx.data();
    let settings = match ctx.guild_id() {
        Some(guild_id) => Some(data.settings(guild_id).await),
        None => None,
    };
    data.locale(ctx.locale(), settings.as_ref())
}

/// Answers a command: its first response, or, once the command deferred, the edit of the
/// deferred "thinking" message (Discord deprecates follow-ups standing in for that edit).
pub async fn answer(ctx: Context<'_>, reply: poise::CreateReply) -> Result<(), BotError> {
    use std::sync::atomic::Ordering;
    match ctx {
        poise::Context::Application(app)
            if app.has_sent_initial_response.load(Ordering::SeqCst) =>
        {
            let edit = reply.to_slash_initial_response_edit(
                poise::serenity_prelude::EditInteractionResponse::default(),
            );
            app.interaction.edit_response(ctx.http(), edit).await?;
        }
        _ => {
            ctx.send(reply).await?;
        }
    }
    Ok(())
}
