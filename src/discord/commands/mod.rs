//! Every application command, with its final name, options and permissions. Names and
//! descriptions here are placeholders: `registration` fills them from Fluent.

mod cases;
mod config;
pub(crate) mod report;
mod stats;

use poise::CreateReply;

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
    ]
}

/// The member's language: their Discord client's if shipped, else the server's, else the
/// bot default.
pub fn member_locale(ctx: Context<'_>) -> String {
    let data = ctx.data();
    let interaction_locale = ctx.locale();
    data.texts
        .negotiate(&[
            interaction_locale,
            Some(data.config.server_defaults.language()),
        ])
        .to_owned()
}

/// Answers a command whose capability has not shipped yet.
async fn not_available_yet(ctx: Context<'_>) -> Result<(), BotError> {
    let text = ctx
        .data()
        .texts
        .text(&member_locale(ctx), "not-available-yet");
    ctx.send(CreateReply::default().content(text).ephemeral(true))
        .await?;
    Ok(())
}
