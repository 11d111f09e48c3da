//! Command names, descriptions and choices from Fluent, and their registration with Discord.
//!
//! Fluent ids: `cmd-<path>` for a slash command or subcommand (`cmd-config-queue-channel`)
//! with a `.description` attribute, `opt-<path>-<option>` for an option, `menu-<name>` for a
//! context menu; a choice's name in the code is its Fluent id. The base (unlocalized) texts
//! are `en-US`, Discord's fallback; every Discord locale served by a shipped locale gets
//! its localization.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::Command;
use crate::i18n::Texts;

/// The locale of the base texts Discord shows when a client's locale has no localization.
pub const BASE_LOCALE: &str = "en-US";

/// Fills names, descriptions and localizations from Fluent. Returns the Fluent ids that are
/// missing in some locale (an integrity test requires none).
pub fn localize(commands: &mut [Command], texts: &Texts) -> Vec<String> {
    let mut missing = Vec::new();
    for command in commands {
        localize_command(command, None, texts, &mut missing);
    }
    missing.sort();
    missing.dedup();
    missing
}

/// `parent` is the path of the enclosing command: poise only fills `qualified_name` when the
/// framework starts, after this runs.
fn localize_command(
    command: &mut Command,
    parent: Option<&str>,
    texts: &Texts,
    missing: &mut Vec<String>,
) {
    let lookup = |id: &str, missing: &mut Vec<String>| Localized::of(texts, id, missing);
    if command.context_menu_action.is_some() {
        let id = format!("menu-{}", command.name.replace('_', "-"));
        if let Some(name) = lookup(&id, missing) {
            command.context_menu_name = Some(name.base.into());
            command.name_localizations = name.localizations.into();
        }
        return;
    }
    let path = match parent {
        Some(parent) => format!("{parent}-{}", command.name),
        None => command.name.to_string(),
    };
    let id = format!("cmd-{path}");
    if let Some(name) = lookup(&id, missing) {
        command.name_localizations = name.localizations.into();
    }
    if let Some(description) = lookup(&format!("{id}.description"), missing) {
        command.description = Some(description.base.into());
        command.description_localizations = description.localizations.into();
    }
    for parameter in &mut command.parameters {
        let id = format!("opt-{path}-{}", parameter.name);
        if let Some(name) = lookup(&id, missing) {
            parameter.name_localizations = name.localizations.into();
        }
        if let Some(description) = lookup(&format!("{id}.description"), missing) {
            parameter.description = Some(description.base.into());
            parameter.description_localizations = description.localizations.into();
        }
        for choice in parameter.choices.to_mut() {
            if let Some(label) = lookup(&choice.name, missing) {
                choice.name = label.base.into();
                choice.localizations = label.localizations.into();
            }
        }
    }
    for subcommand in &mut command.subcommands {
        localize_command(subcommand, Some(&path), texts, missing);
    }
}

/// One text in the base locale and its Discord localizations.
struct Localized {
    base: String,
    localizations: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

impl Localized {
    fn of(texts: &Texts, id: &str, missing: &mut Vec<String>) -> Option<Localized> {
        let mut localizations = Vec::new();
        for (discord_locale, shipped) in texts.discord_localizations() {
            match texts.exact(shipped, id) {
                Some(text) => localizations.push((discord_locale.into(), text.into())),
                None => missing.push(format!("{shipped}: {id}")),
            }
        }
        let Some(base) = texts.exact(BASE_LOCALE, id) else {
            missing.push(format!("{BASE_LOCALE}: {id}"));
            return None;
        };
        Some(Localized {
            base,
            localizations,
        })
    }
}

/// The bodies of `PUT /applications/{id}/commands`. Poise builds slash commands; context
/// menus are built here because poise leaves out their name localizations.
pub fn application_commands(commands: &[Command]) -> Vec<serenity::CreateCommand> {
    commands
        .iter()
        .filter_map(|command| match command.context_menu_action {
            Some(action) => {
                let name = command
                    .context_menu_name
                    .as_deref()
                    .unwrap_or(&command.name);
                let mut builder = serenity::CreateCommand::new(name)
                    .kind(action.into())
                    .contexts(vec![serenity::InteractionContext::Guild]);
                for (locale, localized) in command.name_localizations.iter() {
                    builder = builder.name_localized(locale.as_ref(), localized.as_ref());
                }
                Some(builder)
            }
            None => command.create_as_slash_command(),
        })
        .collect()
}

/// Registers the commands globally, or in one server for development. A refusal (4xx: the
/// bodies are wrong) is final and logged as an error; outages and rate limits are retried
/// with a growing pause, capped, until they pass (the bot meanwhile serves the commands
/// registered before).
pub async fn register_with_retries(
    http: Arc<serenity::Http>,
    bodies: Vec<serenity::CreateCommand>,
    dev_guild: Option<serenity::GuildId>,
) {
    const LONGEST_PAUSE: Duration = Duration::from_mins(5);
    let mut pause = Duration::from_secs(2);
    loop {
        let outcome = match dev_guild {
            Some(guild) => guild.set_commands(&http, bodies.clone()).await,
            None => serenity::Command::set_global_commands(&http, bodies.clone()).await,
        };
        let error = match outcome {
            Ok(registered) => {
                tracing::info!(count = registered.len(), scope = ?dev_guild, "commands registered");
                return;
            }
            Err(error) => error,
        };
        if super::rest::is_refusal(&error) {
            tracing::error!(%error, "Discord refused the commands; they are not registered");
            return;
        }
        tracing::warn!(%error, retry_in_s = pause.as_secs(), "command registration failed");
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}
