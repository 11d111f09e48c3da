//! What `/config` suggests while an admin types a language, a timezone or a country.

use poise::serenity_prelude as serenity;

use super::display::{country_name, language_name};
use crate::discord::commands::Context;

/// Autocomplete lists at most this many choices (Discord's limit).
const MAX_CHOICES: usize = 25;

pub(super) async fn autocomplete_language(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let languages = data.vocabulary.locales.iter();
    named_choices(
        partial,
        languages.map(|code| (language_name(data, code), code.as_str())),
    )
}

pub(super) async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = matching_timezones(partial)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

pub(super) async fn autocomplete_country(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let data = ctx.data();
    let countries = data.helplines.country_codes();
    named_choices(
        partial,
        countries.map(|code| (country_name(data, code), code)),
    )
}

/// The `(name, value)` pairs whose name contains what was typed (ignoring case), at most
/// [`MAX_CHOICES`].
fn named_choices<'a>(
    partial: &str,
    named: impl Iterator<Item = (String, &'a str)>,
) -> serenity::CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let choices = named
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
    found.sort_unstable();
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
