//! Settings and `/config` answers as an admin reads them, in their language.

use chrono::{DateTime, Utc};
use poise::serenity_prelude::Mentionable;

use crate::discord::{BotData, ids};
use crate::domain::settings::{InvalidValue, SettingKey, SettingValue};
use crate::i18n::{format_integer, format_time, tr};

/// "**Timezone** is now Europe/Paris (it is 14:05 there)."
pub(super) fn saved_text(
    data: &BotData,
    locale: &str,
    key: SettingKey,
    value: Option<&SettingValue>,
    now: DateTime<Utc>,
) -> String {
    let texts = &data.texts;
    let setting = tr!(texts, locale, key.fluent_id());
    let shown = display_value(data, locale, key, value);
    if let Some(SettingValue::Timezone(timezone)) = value {
        tr!(
            texts,
            locale,
            "config-saved-timezone",
            setting = setting,
            value = shown,
            time = format_time(locale, &now.with_timezone(timezone)),
        )
    } else {
        tr!(
            texts,
            locale,
            "config-saved",
            setting = setting,
            value = shown
        )
    }
}

/// The refusal of a value, naming the setting and what it accepts.
pub(super) fn invalid_value_text(
    data: &BotData,
    locale: &str,
    key: SettingKey,
    typed: &str,
    invalid: &InvalidValue,
) -> String {
    let texts = &data.texts;
    let id = invalid.fluent_id();
    let setting = tr!(texts, locale, key.fluent_id());
    let value = typed.trim();
    let range = |min: String, max: String| {
        tr!(
            texts,
            locale,
            id,
            setting = setting.as_str(),
            value = value,
            min = min,
            max = max
        )
    };
    match invalid {
        InvalidValue::DurationOutOfRange { min, max } => {
            range(texts.duration(locale, *min), texts.duration(locale, *max))
        }
        InvalidValue::IntegerOutOfRange { min, max } => {
            range(format_integer(locale, *min), format_integer(locale, *max))
        }
        InvalidValue::UnknownLocale { shipped } => {
            let shipped = language_list(data, shipped);
            tr!(
                texts,
                locale,
                id,
                setting = setting,
                value = value,
                shipped = shipped
            )
        }
        InvalidValue::UnknownCountry { available } => {
            let available = available.join(", ");
            tr!(
                texts,
                locale,
                id,
                setting = setting,
                value = value,
                available = available
            )
        }
        InvalidValue::NotABool
        | InvalidValue::NotADuration
        | InvalidValue::NotAnInteger
        | InvalidValue::UnknownTimezone
        | InvalidValue::NotASnowflake => tr!(texts, locale, id, setting = setting, value = value),
    }
}

/// "English (en-US), Français (fr)".
fn language_list(data: &BotData, codes: &[String]) -> String {
    let names: Vec<String> = codes.iter().map(|code| language_name(data, code)).collect();
    names.join(", ")
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
            tr!(texts, locale, "config-value-moderators-fallback")
        }
        None => tr!(texts, locale, "config-value-unset"),
        Some(SettingValue::Bool(true)) => tr!(texts, locale, "config-value-yes"),
        Some(SettingValue::Bool(false)) => tr!(texts, locale, "config-value-no"),
        Some(SettingValue::Duration(duration)) => texts.duration(locale, *duration),
        Some(SettingValue::Integer(number)) => format_integer(locale, *number),
        Some(SettingValue::Timezone(timezone)) => timezone.name().to_owned(),
        Some(SettingValue::Locale(code)) => language_name(data, code),
        Some(SettingValue::Channel(id)) => ids::channel(id.cast_signed()).mention().to_string(),
        Some(SettingValue::Role(id)) => ids::role(id.cast_signed()).mention().to_string(),
        Some(SettingValue::Country(code)) => country_name(data, code),
    }
}

/// "Français (fr)": a language's own name, from its own Fluent files.
pub(super) fn language_name(data: &BotData, code: &str) -> String {
    match data.texts.exact(code, "language-autonym") {
        Some(name) => format!("{name} ({code})"),
        None => code.to_owned(),
    }
}

/// "FR · 3018 (Association e-Enfance)": from the helpline data, so that adding a country
/// needs no text.
pub(super) fn country_name(data: &BotData, code: &str) -> String {
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
    let names: Vec<String> = ids.iter().map(|id| tr!(data.texts, locale, id)).collect();
    format!("/{}", names.join(" "))
}
