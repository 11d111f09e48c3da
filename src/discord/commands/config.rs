//! `/config`: per-server settings for admins (SPEC §6).
//!
//! Every subcommand checks on the server side that the member is an admin (Discord's default
//! member permissions can be changed by the server), validates every value with
//! [`SettingKey::parse`] before storing anything, stores the change and its audit entry in one
//! transaction, and answers ephemerally in the admin's language.

use chrono::{DateTime, Utc};
use fluent_bundle::FluentArgs;
use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::{BotError, Context, member_locale};
use crate::discord::{BotData, checks};
use crate::domain::settings::{
    InvalidValue, Origin, SettingKey, SettingValue, Settings, missing_queue_permissions,
};
use crate::i18n::{format_date, format_integer, format_time};
use crate::store::{SettingChange, StoredSetting};

/// Autocomplete lists at most this many choices (Discord's limit).
const MAX_CHOICES: usize = 25;

/// Settings that `/config reset` can return to the bot default; names are Fluent ids.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum SettingChoice {
    #[name = "setting-language"]
    Language,
    #[name = "setting-timezone"]
    Timezone,
    #[name = "setting-queue-channel"]
    QueueChannel,
    #[name = "setting-moderator-role"]
    ModeratorRole,
    #[name = "setting-self-mute-allowed"]
    SelfMuteAllowed,
    #[name = "setting-self-mute-duration"]
    SelfMuteDuration,
    #[name = "setting-auto-mute-threshold"]
    AutoMuteThreshold,
    #[name = "setting-auto-mute-window"]
    AutoMuteWindow,
    #[name = "setting-shield-duration"]
    ShieldDuration,
    #[name = "setting-reporter-sealed"]
    ReporterSealed,
    #[name = "setting-notify-reporter-on-close"]
    NotifyReporterOnClose,
    #[name = "setting-evidence-retention-days"]
    EvidenceRetentionDays,
    #[name = "setting-statistics-retention-months"]
    StatisticsRetentionMonths,
    #[name = "setting-helpline-country"]
    HelplineCountry,
}

impl From<SettingChoice> for SettingKey {
    fn from(choice: SettingChoice) -> SettingKey {
        match choice {
            SettingChoice::Language => SettingKey::Language,
            SettingChoice::Timezone => SettingKey::Timezone,
            SettingChoice::QueueChannel => SettingKey::QueueChannel,
            SettingChoice::ModeratorRole => SettingKey::ModeratorRole,
            SettingChoice::SelfMuteAllowed => SettingKey::SelfMuteAllowed,
            SettingChoice::SelfMuteDuration => SettingKey::SelfMuteDuration,
            SettingChoice::AutoMuteThreshold => SettingKey::AutoMuteThreshold,
            SettingChoice::AutoMuteWindow => SettingKey::AutoMuteWindow,
            SettingChoice::ShieldDuration => SettingKey::ShieldDuration,
            SettingChoice::ReporterSealed => SettingKey::ReporterSealed,
            SettingChoice::NotifyReporterOnClose => SettingKey::NotifyReporterOnClose,
            SettingChoice::EvidenceRetentionDays => SettingKey::EvidenceRetentionDays,
            SettingChoice::StatisticsRetentionMonths => SettingKey::StatisticsRetentionMonths,
            SettingChoice::HelplineCountry => SettingKey::HelplineCountry,
        }
    }
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "show",
        "language",
        "timezone",
        "queue_channel",
        "moderator_role",
        "self_mute",
        "auto_mute",
        "shield_duration",
        "reporter_sealed",
        "notify_reporter",
        "retention",
        "helpline_country",
        "reset"
    ),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn config(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    let data = ctx.data();
    let current = Current::load(data, admin.guild_id).await?;
    let locale = admin.locale.as_str();
    let timezone = current.settings.timezone();
    let mut lines = Vec::with_capacity(SettingKey::ALL.len());
    for key in SettingKey::ALL {
        let mut args = FluentArgs::new();
        args.set("setting", data.texts.text(locale, key.fluent_id()));
        args.set(
            "value",
            display_value(data, locale, key, current.settings.get(key)),
        );
        let origin = match current.settings.origin(key, &current.overridden) {
            Origin::Server => match current.stored_row(key) {
                Some(row) => {
                    let mut origin_args = FluentArgs::new();
                    let changed_at = row.updated_at.with_timezone(&timezone);
                    origin_args.set("date", format_date(locale, &changed_at));
                    origin_args.set("time", format_time(locale, &changed_at));
                    let id = match row.updated_by {
                        Some(user) => {
                            origin_args.set("user", user.to_string());
                            "config-origin-server"
                        }
                        None => "config-origin-server-unattributed",
                    };
                    data.texts.format(locale, id, Some(&origin_args))
                }
                None => data.texts.text(locale, "config-origin-default"),
            },
            Origin::BotDefault => data.texts.text(locale, "config-origin-default"),
            Origin::Unset => data.texts.text(locale, "config-origin-unset"),
        };
        args.set("origin", origin);
        lines.push(data.texts.format(locale, "config-show-line", Some(&args)));
    }
    let mut footer = FluentArgs::new();
    footer.set("config", command_path(data, locale, &["cmd-config"]));
    footer.set(
        "reset",
        command_path(data, locale, &["cmd-config", "cmd-config-reset"]),
    );
    footer.set("timezone", timezone.name());
    // An embed: fourteen lines with their origin can exceed a message's 2000 characters.
    let embed = serenity::CreateEmbed::new()
        .title(data.texts.text(locale, "config-show-title"))
        .description(lines.join("\n"))
        .footer(serenity::CreateEmbedFooter::new(data.texts.format(
            locale,
            "config-show-footer",
            Some(&footer),
        )));
    ctx.send(
        CreateReply::default()
            .embed(embed)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn language(
    ctx: Context<'_>,
    #[max_length = 16]
    #[autocomplete = "autocomplete_language"]
    language: String,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(ctx, &[(SettingKey::Language, Some(language))])
        .await
}

#[poise::command(slash_command, guild_only)]
async fn timezone(
    ctx: Context<'_>,
    #[max_length = 64]
    #[autocomplete = "autocomplete_timezone"]
    timezone: String,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(ctx, &[(SettingKey::Timezone, Some(timezone))])
        .await
}

#[poise::command(slash_command, guild_only, rename = "queue-channel")]
async fn queue_channel(
    ctx: Context<'_>,
    #[channel_types("Text")] channel: serenity::ChannelId,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    let data = ctx.data();
    let locale = admin.locale.as_str();
    let mut args = FluentArgs::new();
    args.set("channel", format!("<#{channel}>"));
    let refusal = match check_queue_channel(ctx, admin.guild_id, channel).await? {
        QueueChannelCheck::Usable => None,
        QueueChannelCheck::Unknown => Some("config-queue-unknown-channel"),
        QueueChannelCheck::NotText => Some("config-queue-not-text"),
        QueueChannelCheck::Missing(missing) => {
            let names: Vec<String> = missing
                .iter()
                .map(|id| data.texts.text(locale, id))
                .collect();
            args.set("missing", names.join(", "));
            Some("config-queue-missing-permissions")
        }
    };
    if let Some(id) = refusal {
        return reply(ctx, data.texts.format(locale, id, Some(&args))).await;
    }
    admin
        .apply(
            ctx,
            &[(SettingKey::QueueChannel, Some(channel.get().to_string()))],
        )
        .await
}

#[poise::command(slash_command, guild_only, rename = "moderator-role")]
async fn moderator_role(ctx: Context<'_>, role: serenity::Role) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    // @everyone has the server's id: as moderator role it would show every case to everyone.
    if role.id.get() == admin.guild_id.get() {
        return Err(BotError::Refused("config-role-everyone"));
    }
    admin
        .apply(
            ctx,
            &[(SettingKey::ModeratorRole, Some(role.id.get().to_string()))],
        )
        .await
}

#[poise::command(slash_command, guild_only, rename = "self-mute")]
async fn self_mute(
    ctx: Context<'_>,
    allowed: bool,
    #[max_length = 32] duration: Option<String>,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    let mut changes = vec![(SettingKey::SelfMuteAllowed, Some(allowed.to_string()))];
    if let Some(duration) = duration {
        changes.push((SettingKey::SelfMuteDuration, Some(duration)));
    }
    admin.apply(ctx, &changes).await
}

#[poise::command(slash_command, guild_only, rename = "auto-mute")]
async fn auto_mute(
    ctx: Context<'_>,
    threshold: i64,
    #[max_length = 32] window: String,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(
            ctx,
            &[
                (SettingKey::AutoMuteThreshold, Some(threshold.to_string())),
                (SettingKey::AutoMuteWindow, Some(window)),
            ],
        )
        .await
}

#[poise::command(slash_command, guild_only, rename = "shield-duration")]
async fn shield_duration(
    ctx: Context<'_>,
    #[max_length = 32] duration: String,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(ctx, &[(SettingKey::ShieldDuration, Some(duration))])
        .await
}

#[poise::command(slash_command, guild_only, rename = "reporter-sealed")]
async fn reporter_sealed(ctx: Context<'_>, sealed: bool) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(
            ctx,
            &[(SettingKey::ReporterSealed, Some(sealed.to_string()))],
        )
        .await
}

#[poise::command(slash_command, guild_only, rename = "notify-reporter")]
async fn notify_reporter(ctx: Context<'_>, notify: bool) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(
            ctx,
            &[(SettingKey::NotifyReporterOnClose, Some(notify.to_string()))],
        )
        .await
}

#[poise::command(slash_command, guild_only)]
async fn retention(
    ctx: Context<'_>,
    #[rename = "evidence-days"] evidence_days: Option<i64>,
    #[rename = "statistics-months"] statistics_months: Option<i64>,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    let changes: Vec<(SettingKey, Option<String>)> = [
        (SettingKey::EvidenceRetentionDays, evidence_days),
        (SettingKey::StatisticsRetentionMonths, statistics_months),
    ]
    .into_iter()
    .filter_map(|(key, value)| Some((key, Some(value?.to_string()))))
    .collect();
    if changes.is_empty() {
        return Err(BotError::Refused("config-nothing-to-change"));
    }
    admin.apply(ctx, &changes).await
}

#[poise::command(slash_command, guild_only, rename = "helpline-country")]
async fn helpline_country(
    ctx: Context<'_>,
    #[max_length = 8]
    #[autocomplete = "autocomplete_country"]
    country: String,
) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    admin
        .apply(ctx, &[(SettingKey::HelplineCountry, Some(country))])
        .await
}

#[poise::command(slash_command, guild_only)]
async fn reset(ctx: Context<'_>, setting: SettingChoice) -> Result<(), BotError> {
    let admin = Admin::check(ctx).await?;
    let data = ctx.data();
    let key = SettingKey::from(setting);
    let locale = admin.locale.as_str();
    let current = Current::load(data, admin.guild_id).await?;
    let default_value = data.config.server_defaults.get(key);
    let mut args = FluentArgs::new();
    args.set("setting", data.texts.text(locale, key.fluent_id()));
    args.set("value", display_value(data, locale, key, default_value));
    // A row that no longer parses is not "overridden" but is still removed by a reset.
    if current.stored_row(key).is_none() {
        let text = data
            .texts
            .format(locale, "config-reset-already", Some(&args));
        return reply(ctx, text).await;
    }
    let change = SettingChange {
        key: key.as_str().to_owned(),
        value: None,
    };
    data.store
        .change_guild_settings(
            admin.guild_id.get() as i64,
            &[change],
            admin.user_id,
            Utc::now(),
        )
        .await?;
    let id = if default_value.is_some() {
        "config-reset-done"
    } else {
        "config-reset-unset"
    };
    reply(ctx, data.texts.format(locale, id, Some(&args))).await
}

/// An admin acting on their server, checked on the server side.
struct Admin {
    guild_id: serenity::GuildId,
    user_id: i64,
    locale: String,
}

impl Admin {
    /// Refuses anyone who is not an admin (Manage Server, Administrator or owner), whatever
    /// Discord's default member permissions let through.
    async fn check(ctx: Context<'_>) -> Result<Admin, BotError> {
        let guild_id = ctx
            .guild_id()
            .ok_or(BotError::Refused("error-guild-only"))?;
        let member = match ctx {
            poise::Context::Application(app) => app.interaction.member.as_deref(),
            poise::Context::Prefix(_) => None,
        };
        let is_admin = checks::is_admin(ctx.serenity_context(), member, guild_id);
        if !is_admin {
            return Err(BotError::Refused("config-not-admin"));
        }
        Ok(Admin {
            guild_id,
            user_id: ctx.author().id.get() as i64,
            locale: member_locale(ctx).await,
        })
    }

    /// Validates every value, then stores them all with their audit entries, or refuses with
    /// the first problem and stores nothing.
    async fn apply(
        &self,
        ctx: Context<'_>,
        requested: &[(SettingKey, Option<String>)],
    ) -> Result<(), BotError> {
        let data = ctx.data();
        let locale = self.locale.as_str();
        let mut parsed = Vec::with_capacity(requested.len());
        for (key, text) in requested {
            let value = match text {
                Some(text) => match key.parse(text, &data.vocabulary) {
                    Ok(value) => Some(value),
                    Err(invalid) => {
                        let message = invalid_value_text(data, locale, *key, text, &invalid);
                        return reply(ctx, message).await;
                    }
                },
                None => None,
            };
            parsed.push((*key, value));
        }
        let changes: Vec<SettingChange> = parsed
            .iter()
            .map(|(key, value)| SettingChange {
                key: key.as_str().to_owned(),
                value: value.as_ref().map(SettingValue::to_stored),
            })
            .collect();
        let now = Utc::now();
        data.store
            .change_guild_settings(self.guild_id.get() as i64, &changes, self.user_id, now)
            .await?;
        let lines: Vec<String> = parsed
            .iter()
            .map(|(key, value)| saved_text(data, locale, *key, value.as_ref(), now))
            .collect();
        reply(ctx, lines.join("\n")).await
    }
}

/// A server's effective settings, which of them it set, and the stored rows.
struct Current {
    settings: Settings,
    overridden: Vec<SettingKey>,
    stored: Vec<StoredSetting>,
}

impl Current {
    async fn load(data: &BotData, guild_id: serenity::GuildId) -> Result<Current, BotError> {
        let stored = data.store.guild_settings(guild_id.get() as i64).await?;
        let (settings, overridden, _ignored) = data.config.server_defaults.with_overrides(
            stored
                .iter()
                .map(|row| (row.key.as_str(), row.value.as_str())),
            &data.vocabulary,
        );
        Ok(Current {
            settings,
            overridden,
            stored,
        })
    }

    fn stored_row(&self, key: SettingKey) -> Option<&StoredSetting> {
        self.stored.iter().find(|row| row.key == key.as_str())
    }
}

/// "**Timezone** is now Europe/Paris (it is 14:05 there)."
fn saved_text(
    data: &BotData,
    locale: &str,
    key: SettingKey,
    value: Option<&SettingValue>,
    now: DateTime<Utc>,
) -> String {
    let mut args = FluentArgs::new();
    args.set("setting", data.texts.text(locale, key.fluent_id()));
    args.set("value", display_value(data, locale, key, value));
    match value {
        Some(SettingValue::Timezone(timezone)) => {
            args.set("time", format_time(locale, &now.with_timezone(timezone)));
            data.texts
                .format(locale, "config-saved-timezone", Some(&args))
        }
        _ => data.texts.format(locale, "config-saved", Some(&args)),
    }
}

/// The refusal of a value, naming the setting and what it accepts.
fn invalid_value_text(
    data: &BotData,
    locale: &str,
    key: SettingKey,
    typed: &str,
    invalid: &InvalidValue,
) -> String {
    let texts = &data.texts;
    let mut args = FluentArgs::new();
    args.set("setting", texts.text(locale, key.fluent_id()));
    args.set("value", typed.trim().to_owned());
    match invalid {
        InvalidValue::DurationOutOfRange { min, max } => {
            args.set("min", texts.duration(locale, *min));
            args.set("max", texts.duration(locale, *max));
        }
        InvalidValue::IntegerOutOfRange { min, max } => {
            args.set("min", format_integer(locale, *min));
            args.set("max", format_integer(locale, *max));
        }
        InvalidValue::UnknownLocale { shipped } => {
            let names: Vec<String> = shipped
                .iter()
                .map(|code| language_name(data, code))
                .collect();
            args.set("shipped", names.join(", "));
        }
        InvalidValue::UnknownCountry { available } => {
            args.set("available", available.join(", "));
        }
        InvalidValue::NotABool
        | InvalidValue::NotADuration
        | InvalidValue::NotAnInteger
        | InvalidValue::UnknownTimezone
        | InvalidValue::NotASnowflake => {}
    }
    texts.format(locale, invalid.fluent_id(), Some(&args))
}

/// A setting's value as an admin reads it, in their language.
pub(crate) fn display_value(
    data: &BotData,
    locale: &str,
    key: SettingKey,
    value: Option<&SettingValue>,
) -> String {
    let texts = &data.texts;
    match value {
        None if key == SettingKey::ModeratorRole => {
            texts.text(locale, "config-value-moderators-fallback")
        }
        None => texts.text(locale, "config-value-unset"),
        Some(SettingValue::Bool(true)) => texts.text(locale, "config-value-yes"),
        Some(SettingValue::Bool(false)) => texts.text(locale, "config-value-no"),
        Some(SettingValue::Duration(duration)) => texts.duration(locale, *duration),
        Some(SettingValue::Integer(number)) => format_integer(locale, *number),
        Some(SettingValue::Timezone(timezone)) => timezone.name().to_owned(),
        Some(SettingValue::Locale(code)) => language_name(data, code),
        Some(SettingValue::Channel(id)) => format!("<#{id}>"),
        Some(SettingValue::Role(id)) => format!("<@&{id}>"),
        Some(SettingValue::Country(code)) => country_name(data, code),
    }
}

/// "Français (fr)": a language's own name, from its own Fluent files.
fn language_name(data: &BotData, code: &str) -> String {
    match data.texts.exact(code, "language-autonym") {
        Some(name) => format!("{name} ({code})"),
        None => code.to_owned(),
    }
}

/// "FR · 3018 (Association e-Enfance)": from the helpline data, so that adding a country
/// needs no text.
fn country_name(data: &BotData, code: &str) -> String {
    match data.helplines.country(code) {
        Some(country) => format!(
            "{} · {} ({})",
            code.to_ascii_uppercase(),
            country.primary().name,
            country.primary().organisation
        ),
        None => code.to_ascii_uppercase(),
    }
}

/// "/config queue-channel" in the reader's language, from the command localizations.
pub(crate) fn command_path(data: &BotData, locale: &str, ids: &[&str]) -> String {
    let names: Vec<String> = ids.iter().map(|id| data.texts.text(locale, id)).collect();
    format!("/{}", names.join(" "))
}

/// Whether the bot can post cases in a channel.
enum QueueChannelCheck {
    Usable,
    Unknown,
    NotText,
    /// Fluent ids of the missing permissions.
    Missing(Vec<&'static str>),
}

/// Checks the channel against the cached server (GUILD_CREATE fills it): its type, and the
/// bot's effective permissions there (roles and channel overwrites).
async fn check_queue_channel(
    ctx: Context<'_>,
    guild_id: serenity::GuildId,
    channel_id: serenity::ChannelId,
) -> Result<QueueChannelCheck, BotError> {
    let bot_id = ctx.framework().bot_id();
    let cached = ctx
        .serenity_context()
        .cache
        .guild(guild_id)
        .and_then(|guild| guild.members.get(&bot_id).cloned());
    // Discord always sends the bot's own member in GUILD_CREATE; fetch it if the cache lost it.
    let bot = match cached {
        Some(member) => member,
        None => ctx.http().get_member(guild_id, bot_id).await?,
    };
    let Some(guild) = ctx.serenity_context().cache.guild(guild_id) else {
        return Ok(QueueChannelCheck::Unknown);
    };
    let Some(channel) = guild.channels.get(&channel_id) else {
        return Ok(QueueChannelCheck::Unknown);
    };
    if channel.kind != serenity::ChannelType::Text {
        return Ok(QueueChannelCheck::NotText);
    }
    let granted = guild.user_permissions_in(channel, &bot);
    let missing = missing_queue_permissions(granted.bits());
    Ok(if missing.is_empty() {
        QueueChannelCheck::Usable
    } else {
        QueueChannelCheck::Missing(missing)
    })
}

/// An ephemeral answer that mentions channels and roles without notifying anyone.
async fn reply(ctx: Context<'_>, content: String) -> Result<(), BotError> {
    ctx.send(
        CreateReply::default()
            .content(content)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await?;
    Ok(())
}

async fn autocomplete_language(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let partial = partial.trim().to_lowercase();
    let choices = data
        .vocabulary
        .locales
        .iter()
        .map(|code| (language_name(data, code), code))
        .filter(|(name, _)| name.to_lowercase().contains(&partial))
        .take(MAX_CHOICES)
        .map(|(name, code)| serenity::AutocompleteChoice::new(name, code.as_str()))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = matching_timezones(partial)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn autocomplete_country(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let partial = partial.trim().to_lowercase();
    let choices = data
        .helplines
        .country_codes()
        .map(|code| (country_name(data, code), code))
        .filter(|(name, _)| name.to_lowercase().contains(&partial))
        .take(MAX_CHOICES)
        .map(|(name, code)| serenity::AutocompleteChoice::new(name, code))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// IANA names containing what was typed (spaces read as `_`, accents dropped: "Nouméa"
/// finds `Pacific/Noumea`), those whose city starts with it first, at most [`MAX_CHOICES`].
fn matching_timezones(partial: &str) -> Vec<&'static str> {
    let wanted: String = partial
        .trim()
        .to_lowercase()
        .replace(' ', "_")
        .chars()
        .map(without_accent)
        .collect();
    let mut found: Vec<(bool, &'static str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter_map(|name| {
            let lower = name.to_lowercase();
            let city = lower.rsplit('/').next().unwrap_or(&lower);
            let starts = lower.starts_with(&wanted) || city.starts_with(&wanted);
            (starts || lower.contains(&wanted)).then_some((!starts, name))
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .take(MAX_CHOICES)
        .map(|(_, name)| name)
        .collect()
}

/// The unaccented letter IANA names use for an accented Latin letter.
fn without_accent(letter: char) -> char {
    match letter {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezone_suggestions_put_city_prefixes_first_and_stay_within_discord_limit() {
        let paris = matching_timezones("pari");
        assert_eq!(paris.first(), Some(&"Europe/Paris"));
        assert!(matching_timezones("").len() <= MAX_CHOICES);
        assert_eq!(matching_timezones("new york"), ["America/New_York"]);
        assert!(matching_timezones("Europe/Pariss").is_empty());
        assert!(
            matching_timezones("europe")
                .iter()
                .all(|name| name.to_lowercase().contains("europe"))
        );
    }
}
