//! Every application command, with its final name, options and permissions. Names and
//! descriptions here are placeholders: `registration` fills them from Fluent.

mod cases;
pub(crate) mod config;
mod evidence;
mod privacy;
pub(crate) mod report;
mod stats;

use std::time::Duration;

use super::{BotError, Command, Context};

/// All commands, in registration order.
pub fn all() -> Vec<Command> {
    vec![
        report::report(),
        report::report_message(),
        report::report_user(),
        evidence::add_to_report(),
        evidence::evidence_file(),
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

/// Most commands are done at once and answer in the interaction callback itself; a busy
/// database (a lock, a slow query) can hold them past Discord's 3-second deadline, so past
/// this delay the command defers and its [`answer`] edits the deferred message instead.
const DEFER_AFTER: Duration = Duration::from_millis(1500);

/// Runs a command's `work`, deferring its answer (ephemerally) if it takes longer than
/// [`DEFER_AFTER`]. Whatever `work` says goes through [`answer`].
pub(crate) async fn within_deadline<T>(
    ctx: Context<'_>,
    work: impl Future<Output = Result<T, BotError>>,
) -> Result<T, BotError> {
    tokio::pin!(work);
    tokio::select! {
        done = &mut work => done,
        () = tokio::time::sleep(DEFER_AFTER) => {
            ctx.defer_ephemeral().await?;
            work.await
        }
    }
}
