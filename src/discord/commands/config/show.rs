//! `/config show`: every setting, its value and where the value comes from.

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::admin::{Admin, Current};
use super::display::{command_path, display_value};
use crate::discord::BotData;
use crate::discord::commands::{BotError, Context, answer, within_deadline};
use crate::domain::settings::{Origin, SettingKey};
use crate::i18n::{format_date, format_time, tr};
use crate::store::StoredSetting;

#[poise::command(slash_command, guild_only)]
pub(super) async fn show(ctx: Context<'_>) -> Result<(), BotError> {
    within_deadline(ctx, async {
        let admin = Admin::check(ctx).await?;
        let data = ctx.data();
        let current = Current::load(data, admin.guild_id).await?;
        let reply = CreateReply::default()
            .embed(embed(data, admin.locale.as_str(), &current))
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        answer(ctx, reply).await
    })
    .await
}

/// An embed: fourteen lines with their origin can exceed a message's 2000 characters.
fn embed(data: &BotData, locale: &str, current: &Current) -> serenity::CreateEmbed {
    let lines: Vec<String> = SettingKey::ALL
        .into_iter()
        .map(|key| setting_line(data, locale, current, key))
        .collect();
    let footer = tr!(
        data.texts,
        locale,
        "config-show-footer",
        config = command_path(data, locale, &["cmd-config"]),
        reset = command_path(data, locale, &["cmd-config", "cmd-config-reset"]),
        timezone = current.settings.timezone().name(),
    );
    serenity::CreateEmbed::new()
        .title(tr!(data.texts, locale, "config-show-title"))
        .description(lines.join("\n"))
        .footer(serenity::CreateEmbedFooter::new(footer))
}

/// "Timezone: Europe/Paris (set on this server by … on …)".
fn setting_line(data: &BotData, locale: &str, current: &Current, key: SettingKey) -> String {
    tr!(
        data.texts,
        locale,
        "config-show-line",
        setting = tr!(data.texts, locale, key.fluent_id()),
        value = display_value(data, locale, key, current.settings.get(key)),
        origin = origin(data, locale, current, key),
    )
}

/// Where a setting's value comes from: the server (who changed it, when), the bot default,
/// or nowhere.
fn origin(data: &BotData, locale: &str, current: &Current, key: SettingKey) -> String {
    match current.settings.origin(key, &current.overridden) {
        Origin::Server => match current.stored_row(key) {
            Some(row) => changed(data, locale, current, row),
            None => tr!(data.texts, locale, "config-origin-default"),
        },
        Origin::BotDefault => tr!(data.texts, locale, "config-origin-default"),
        Origin::Unset => tr!(data.texts, locale, "config-origin-unset"),
    }
}

/// When (in the server's timezone) and by whom a stored setting was last changed.
fn changed(data: &BotData, locale: &str, current: &Current, row: &StoredSetting) -> String {
    let changed_at = row.updated_at.with_timezone(&current.settings.timezone());
    let day = format_date(locale, &changed_at);
    let time = format_time(locale, &changed_at);
    if let Some(user) = row.updated_by {
        tr!(
            data.texts,
            locale,
            "config-origin-server",
            date = day,
            time = time,
            user = user.to_string(),
        )
    } else {
        tr!(
            data.texts,
            locale,
            "config-origin-server-unattributed",
            date = day,
            time = time,
        )
    }
}
