//! Onboarding (SPEC §6): reports work from the moment the bot joins; the first admin who runs
//! any command on the server is then shown, once, a setup checklist: what is set, what is
//! missing, and which `/config` command sets it.

use chrono::Utc;
use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::checks::is_admin;
use super::commands::config::{command_path, display_value};
use super::commands::member_locale;
use super::ids::DbId;
use super::{BotData, Context};
use crate::domain::settings::{SettingKey, Settings};
use crate::i18n::tr;

/// The checklist's items, with the Fluent id of the subcommand that sets each one.
const CHECKLIST: [(SettingKey, &str); 5] = [
    (SettingKey::QueueChannel, "cmd-config-queue-channel"),
    (SettingKey::ModeratorRole, "cmd-config-moderator-role"),
    (SettingKey::Language, "cmd-config-language"),
    (SettingKey::Timezone, "cmd-config-timezone"),
    (SettingKey::HelplineCountry, "cmd-config-helpline-country"),
];

/// Poise's `post_command` hook: after a command succeeded, shows the checklist if the member
/// is an admin and nobody on this server has seen it yet. Never fails the command.
pub async fn after_command(ctx: Context<'_>) {
    let (Some(guild_id), poise::Context::Application(app)) = (ctx.guild_id(), ctx) else {
        return;
    };
    let member = app.interaction.member.as_deref();
    if !is_admin(ctx.serenity_context(), member, guild_id) {
        return;
    }
    let data = ctx.data();
    let guild = guild_id.db();
    match data.store.claim_setup_checklist(guild, Utc::now()).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(guild_id = guild, %error, "cannot check the setup checklist");
            return;
        }
    }
    let locale = member_locale(ctx).await;
    let settings = data.settings(guild_id).await;
    let reply = CreateReply::default()
        .content(checklist(data, &locale, &settings))
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    if let Err(error) = ctx.send(reply).await {
        tracing::warn!(guild_id = guild, %error, "setup checklist not delivered");
    }
}

/// The checklist text in `locale`.
fn checklist(data: &BotData, locale: &str, settings: &Settings) -> String {
    let texts = &data.texts;
    let mut lines = vec![
        texts.text(locale, "setup-title"),
        texts.text(locale, "setup-intro"),
    ];
    for (key, command) in CHECKLIST {
        let setting = texts.text(locale, key.fluent_id());
        lines.push(if let Some(value) = settings.get(key) {
            let value = display_value(data, locale, key, Some(value));
            tr!(
                texts,
                locale,
                "setup-item-set",
                setting = setting,
                value = value
            )
        } else {
            let command = command_path(data, locale, &["cmd-config", command]);
            tr!(
                texts,
                locale,
                "setup-item-missing",
                setting = setting,
                command = command
            )
        });
    }
    if settings.get(SettingKey::QueueChannel).is_none() {
        lines.push(texts.text(locale, "setup-queue-explained"));
    }
    if settings.get(SettingKey::ModeratorRole).is_none() {
        lines.push(texts.text(locale, "setup-moderator-explained"));
    }
    let show = command_path(data, locale, &["cmd-config", "cmd-config-show"]);
    lines.push(tr!(texts, locale, "setup-footer", command = show));
    lines.join("\n")
}
