//! Command interactions the command framework cannot route, answered before it sees them.
//! Poise panics on a command type it does not know (an `unimplemented!` in its dispatch),
//! and leaves unanswered a command it does not have and suggestions for an option that
//! has none: forged or outdated payloads, each answered here within Discord's deadline.

use poise::serenity_prelude as serenity;
use serenity::builder::Builder;

use super::{BotData, BotError, Command};

/// Why a command interaction cannot be routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unroutable {
    /// What Discord never sends for this bot's commands: a command type it registers none
    /// of, a parent command without its subcommand.
    Impossible,
    /// No command of that name and type (an old one, or none at all).
    UnknownCommand,
    /// Suggestions asked for an option that offers none.
    NoSuggestions,
}

/// Answers `event` if it is a command interaction that cannot be routed; `true` when it
/// did, and the framework must not see the event.
pub async fn answered_unroutable(
    ctx: &serenity::Context,
    framework: &poise::Framework<BotData, BotError>,
    event: &serenity::FullEvent,
) -> bool {
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return false;
    };
    let (command, suggestions) = match interaction {
        serenity::Interaction::Command(command) => (command, false),
        serenity::Interaction::Autocomplete(command) => (command, true),
        _ => return false,
    };
    let commands = &framework.options().commands;
    let Some(unroutable) = unroutable(commands, &command.data, suggestions) else {
        return false;
    };
    // Only now: the data is there once the framework's setup ran, on the first READY.
    let data = framework.user_data().await;
    tracing::warn!(?unroutable, "command interaction cannot be routed");
    let response = if suggestions {
        serenity::CreateInteractionResponse::Autocomplete(
            serenity::CreateAutocompleteResponse::new(),
        )
    } else {
        let locale = data.locale(Some(&command.locale), None);
        let message_id = match unroutable {
            Unroutable::UnknownCommand => "error-unknown-command",
            Unroutable::Impossible | Unroutable::NoSuggestions => "error-impossible-interaction",
        };
        serenity::CreateInteractionResponse::Message(
            serenity::CreateInteractionResponseMessage::new()
                .content(data.texts.text(&locale, message_id))
                .ephemeral(true),
        )
    };
    if let Err(error) = response.execute(ctx, (command.id, &command.token)).await {
        tracing::warn!(%error, "could not answer an unroutable command interaction");
    }
    true
}

fn unroutable(
    commands: &[Command],
    data: &serenity::CommandData,
    suggestions: bool,
) -> Option<Unroutable> {
    use serenity::CommandType::{ChatInput, Message, User};
    let kind = data.kind;
    if !matches!(kind, ChatInput | User | Message) || (suggestions && kind != ChatInput) {
        return Some(Unroutable::Impossible);
    }
    let options = data.options();
    let Some((command, options)) = find_command(commands, &data.name, kind, &options) else {
        return Some(Unroutable::UnknownCommand);
    };
    // Poise would run the parent, which answers nothing.
    if command.subcommand_required {
        return Some(Unroutable::Impossible);
    }
    if !suggestions {
        return None;
    }
    let focused = options.iter().find_map(|option| match option.value {
        serenity::ResolvedValue::Autocomplete { .. } => Some(option.name),
        _ => None,
    });
    let suggested = focused
        .and_then(|name| command.parameters.iter().find(|p| p.name == name))
        .is_some_and(|parameter| parameter.autocomplete_callback.is_some());
    (!suggested).then_some(Unroutable::NoSuggestions)
}

/// The command `name` of type `kind`, down its subcommands as the options name them, with
/// the options of that last subcommand; as the framework itself looks it up.
fn find_command<'a, 'o>(
    commands: &'a [Command],
    name: &str,
    kind: serenity::CommandType,
    options: &'o [serenity::ResolvedOption<'o>],
) -> Option<(&'a Command, &'o [serenity::ResolvedOption<'o>])> {
    let command = commands.iter().find(|command| {
        let named = command.name == name || command.context_menu_name.as_deref() == Some(name);
        let of_kind = if kind == serenity::CommandType::ChatInput {
            command.slash_action.is_some()
        } else {
            command
                .context_menu_action
                .is_some_and(|action| serenity::CommandType::from(action) == kind)
        };
        named && of_kind
    })?;
    let subcommand = options.iter().find_map(|option| match &option.value {
        serenity::ResolvedValue::SubCommand(options)
        | serenity::ResolvedValue::SubCommandGroup(options) => Some((option.name, options)),
        _ => None,
    });
    match subcommand {
        Some((name, options)) => find_command(&command.subcommands, name, kind, options),
        None => Some((command, options)),
    }
}
