//! Texts: Fluent bundles embedded at compile time, and locale negotiation (SPEC §6).
//!
//! `locales/<discord-locale>/*.ftl` holds every text a person sees. A locale is shipped when
//! its folder exists. Negotiation tries the exact locale, then any shipped locale of the same
//! language (`en-GB` → `en-US`, `fr-CA` → `fr`), then the caller's fallbacks.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use include_dir::{Dir, include_dir};
use unic_langid::LanguageIdentifier;

static LOCALES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// Every locale Discord knows (its `locale` field values), for command localizations.
pub const DISCORD_LOCALES: [&str; 32] = [
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("locales/{locale}: `{locale}` is not a valid locale name")]
    InvalidLocale { locale: String },
    #[error("locales/{file}: not valid UTF-8")]
    NotUtf8 { file: String },
    #[error("locales/{file}: Fluent syntax errors: {errors}")]
    Syntax { file: String, errors: String },
    #[error("locales/{file}: {errors}")]
    Conflict { file: String, errors: String },
    #[error("no locale folder under locales/")]
    Empty,
}

/// A text in a locale, with its Fluent variables named inline:
/// `tr!(texts, locale, "queue-muted", reference = case.reference.as_str(), until = when)`.
/// Without variables it is [`Texts::text`].
macro_rules! tr {
    ($texts:expr, $locale:expr, $id:expr $(,)?) => {
        $texts.text($locale, $id)
    };
    ($texts:expr, $locale:expr, $id:expr, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = fluent_bundle::FluentArgs::new();
        $(args.set(stringify!($name), $value);)+
        $texts.format($locale, $id, Some(&args))
    }};
}
pub(crate) use tr;

/// One shipped locale and its messages.
struct Locale {
    code: String,
    language: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    sources: Vec<(String, String)>,
}

/// All shipped texts. Cheap to share behind an `Arc`.
pub struct Texts {
    locales: Vec<Locale>,
}

impl Texts {
    /// Parses the embedded `locales/` folder.
    pub fn embedded() -> Result<Texts, I18nError> {
        let mut folders: Vec<&Dir> = LOCALES.dirs().collect();
        folders.sort_by_key(|dir| dir.path());
        let mut sources = Vec::new();
        for folder in folders {
            let code = folder.path().to_string_lossy().into_owned();
            let mut files: Vec<(String, String)> = Vec::new();
            for file in folder.files() {
                if file.path().extension().is_some_and(|ext| ext == "ftl") {
                    let name = file.path().to_string_lossy().into_owned();
                    let text = file
                        .contents_utf8()
                        .ok_or_else(|| I18nError::NotUtf8 { file: name.clone() })?;
                    files.push((name, text.to_owned()));
                }
            }
            files.sort();
            sources.push((code, files));
        }
        Texts::from_sources(sources)
    }

    /// Builds bundles from `(locale, [(file name, Fluent source)])`; used by `embedded` and
    /// by tests that check the integrity rules on their own fixtures.
    pub fn from_sources(sources: Vec<(String, Vec<(String, String)>)>) -> Result<Texts, I18nError> {
        let mut locales = Vec::new();
        for (code, files) in sources {
            let language: LanguageIdentifier =
                code.parse().map_err(|_| I18nError::InvalidLocale {
                    locale: code.clone(),
                })?;
            let mut bundle = FluentBundle::new_concurrent(vec![language.clone()]);
            // Unicode isolation marks would end up inside Discord mentions and links.
            bundle.set_use_isolating(false);
            for (file, text) in &files {
                let resource = FluentResource::try_new(text.clone()).map_err(|(_, errors)| {
                    I18nError::Syntax {
                        file: file.clone(),
                        errors: format!("{errors:?}"),
                    }
                })?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| I18nError::Conflict {
                        file: file.clone(),
                        errors: format!("{errors:?}"),
                    })?;
            }
            locales.push(Locale {
                code,
                language,
                bundle,
                sources: files,
            });
        }
        if locales.is_empty() {
            return Err(I18nError::Empty);
        }
        Ok(Texts { locales })
    }

    /// Codes of the shipped locales, e.g. `["en-US", "fr"]`.
    pub fn shipped(&self) -> Vec<String> {
        self.locales
            .iter()
            .map(|locale| locale.code.clone())
            .collect()
    }

    /// The shipped locale serving `requested`, if any: exact match first, then same language.
    pub fn resolve(&self, requested: &str) -> Option<&str> {
        if let Some(exact) = self.locales.iter().find(|locale| locale.code == requested) {
            return Some(&exact.code);
        }
        let language: LanguageIdentifier = requested.parse().ok()?;
        self.locales
            .iter()
            .find(|locale| locale.language.language == language.language)
            .map(|locale| locale.code.as_str())
    }

    /// The first candidate that resolves to a shipped locale; the first shipped one otherwise.
    pub fn negotiate<'a>(&'a self, candidates: &[Option<&str>]) -> &'a str {
        candidates
            .iter()
            .flatten()
            .find_map(|candidate| self.resolve(candidate))
            .unwrap_or(&self.locales[0].code)
    }

    /// Formats message `id` (or `id.attribute`) in `locale`. A missing message falls back to
    /// the other shipped locales, then to the id itself (the integrity test keeps that from
    /// happening in practice).
    pub fn format(&self, locale: &str, id: &str, args: Option<&FluentArgs>) -> String {
        let preferred = self.locales.iter().filter(|l| l.code == locale);
        let others = self.locales.iter().filter(|l| l.code != locale);
        for candidate in preferred.chain(others) {
            if let Some(text) = candidate.format(id, args) {
                return text;
            }
        }
        tracing::warn!(id, locale, "missing Fluent message");
        id.to_owned()
    }

    /// `format` without arguments.
    pub fn text(&self, locale: &str, id: &str) -> String {
        self.format(locale, id, None)
    }

    /// The text of `id` in `locale` only, without fallback (for Discord localizations).
    pub fn exact(&self, locale: &str, id: &str) -> Option<String> {
        self.locales
            .iter()
            .find(|l| l.code == locale)
            .and_then(|l| l.format(id, None))
    }

    /// Discord locales to fill for each shipped locale: `("en-GB", "en-US")`, `("fr", "fr")`…
    pub fn discord_localizations(&self) -> Vec<(&'static str, &str)> {
        DISCORD_LOCALES
            .iter()
            .filter_map(|discord| Some((*discord, self.resolve(discord)?)))
            .collect()
    }

    /// Message ids (with `.attribute` entries) and their variables, per locale: the raw
    /// material of the translation integrity test.
    pub fn inventory(&self) -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
        self.locales
            .iter()
            .map(|locale| (locale.code.clone(), inventory_of(&locale.sources)))
            .collect()
    }
}

impl Locale {
    fn format(&self, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let (message_id, attribute) = match id.split_once('.') {
            Some((message, attribute)) => (message, Some(attribute)),
            None => (id, None),
        };
        let message = self.bundle.get_message(message_id)?;
        let pattern = match attribute {
            Some(attribute) => message.get_attribute(attribute)?.value(),
            None => message.value()?,
        };
        let mut errors = Vec::new();
        let text = self.bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(id, locale = %self.code, ?errors, "Fluent formatting errors");
        }
        Some(text.into_owned())
    }
}

/// A day as a person of `locale` writes it: "Sunday 22 November", "dimanche 22 novembre".
pub fn format_day<Tz: TimeZone>(locale: &str, moment: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (pattern, chrono_locale) = match locale.split('-').next() {
        Some("fr") => ("%A %-d %B", chrono::Locale::fr_FR),
        _ if locale == "en-US" => ("%A, %B %-d", chrono::Locale::en_US),
        _ => ("%A %-d %B", chrono::Locale::en_GB),
    };
    moment.format_localized(pattern, chrono_locale).to_string()
}

/// A date as a person of `locale` writes it: "22 novembre 2026", "November 22, 2026".
pub fn format_date<Tz: TimeZone>(locale: &str, moment: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (pattern, chrono_locale) = match locale.split('-').next() {
        Some("fr") => ("%-d %B %Y", chrono::Locale::fr_FR),
        _ if locale == "en-US" => ("%B %-d, %Y", chrono::Locale::en_US),
        _ => ("%-d %B %Y", chrono::Locale::en_GB),
    };
    moment.format_localized(pattern, chrono_locale).to_string()
}

/// A time of day as a person of `locale` reads it: "14:05", "2:05 PM".
pub fn format_time<Tz: TimeZone>(locale: &str, moment: &DateTime<Tz>) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let (pattern, chrono_locale) = match locale {
        "en-US" => ("%-I:%M %p", chrono::Locale::en_US),
        _ => ("%H:%M", chrono::Locale::fr_FR),
    };
    moment.format_localized(pattern, chrono_locale).to_string()
}

/// A time of day on a helpline's clock, as people of `locale` say it: "9 h", "23 h 30" in
/// French, "9:00 AM" in American English, "09:00" otherwise.
pub fn format_clock(locale: &str, time: chrono::NaiveTime) -> String {
    use chrono::Timelike;
    match locale {
        "en-US" => time.format("%-I:%M %p").to_string(),
        _ if locale.split('-').next() == Some("fr") => match time.minute() {
            0 => format!("{} h", time.hour()),
            minute => format!("{} h {minute:02}", time.hour()),
        },
        _ => time.format("%H:%M").to_string(),
    }
}

impl Texts {
    /// A timezone as people of `locale` name it ("Paris", "Londres", "New York"): a
    /// `zone-<area>-<city>` message when there is one, the IANA city otherwise.
    pub fn zone_label(&self, locale: &str, timezone: chrono_tz::Tz) -> String {
        let name = timezone.name();
        let id = format!("zone-{}", name.to_lowercase().replace(['/', '_'], "-"));
        self.exact(locale, &id)
            .unwrap_or_else(|| name.rsplit('/').next().unwrap_or(name).replace('_', " "))
    }
}

/// A whole number with the digit grouping of `locale`: "3\u{202f}650" in French (narrow
/// no-break space, as CLDR), "3,650" in English.
pub fn format_integer(locale: &str, number: i64) -> String {
    let separator = match locale.split('-').next() {
        Some("fr") => '\u{202f}',
        _ => ',',
    };
    let digits = number.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        grouped.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(separator);
        }
        grouped.push(digit);
    }
    grouped
}

impl Texts {
    /// A duration in words of `locale`, largest units first: "1 day 6 hours", "1 jour 6 h".
    pub fn duration(&self, locale: &str, duration: std::time::Duration) -> String {
        let mut seconds = duration.as_secs();
        let mut parts = Vec::new();
        for (id, size) in [
            ("duration-days", 86_400),
            ("duration-hours", 3_600),
            ("duration-minutes", 60),
            ("duration-seconds", 1),
        ] {
            if seconds >= size || (size == 1 && parts.is_empty()) {
                let mut args = FluentArgs::new();
                args.set("count", seconds / size);
                parts.push(self.format(locale, id, Some(&args)));
                seconds %= size;
            }
        }
        parts.join(" ")
    }
}

/// Ids → sorted variable names, from the Fluent AST.
fn inventory_of(sources: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    use fluent_syntax::ast;
    let mut inventory = BTreeMap::new();
    for (_, text) in sources {
        let Ok(resource) = fluent_syntax::parser::parse(text.as_str()) else {
            continue;
        };
        for entry in resource.body {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(message) => (
                    message.id.name.to_owned(),
                    message.value,
                    message.attributes,
                ),
                ast::Entry::Term(term) => (
                    format!("-{}", term.id.name),
                    Some(term.value),
                    term.attributes,
                ),
                _ => continue,
            };
            if let Some(pattern) = value {
                inventory.insert(id.clone(), variables_of(&pattern));
            }
            for attribute in attributes {
                inventory.insert(
                    format!("{id}.{}", attribute.id.name),
                    variables_of(&attribute.value),
                );
            }
        }
    }
    inventory
}

fn variables_of(pattern: &fluent_syntax::ast::Pattern<&str>) -> Vec<String> {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn walk_inline(expression: &InlineExpression<&str>, found: &mut Vec<String>) {
        match expression {
            InlineExpression::VariableReference { id } => found.push(id.name.to_owned()),
            InlineExpression::FunctionReference { arguments, .. } => {
                for argument in &arguments.positional {
                    walk_inline(argument, found);
                }
            }
            InlineExpression::Placeable { expression } => walk(expression, found),
            _ => {}
        }
    }
    fn walk(expression: &Expression<&str>, found: &mut Vec<String>) {
        match expression {
            Expression::Inline(inline) => walk_inline(inline, found),
            Expression::Select { selector, variants } => {
                walk_inline(selector, found);
                for variant in variants {
                    for element in &variant.value.elements {
                        if let PatternElement::Placeable { expression } = element {
                            walk(expression, found);
                        }
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            walk(expression, &mut found);
        }
    }
    found.sort();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> Texts {
        Texts::embedded().expect("embedded locales parse")
    }

    #[test]
    fn french_and_english_are_shipped() {
        let shipped = texts().shipped();
        assert!(shipped.contains(&"fr".to_owned()));
        assert!(shipped.contains(&"en-US".to_owned()));
    }

    #[test]
    fn tr_names_variables_inline() {
        let texts = texts();
        let mut args = FluentArgs::new();
        args.set("reference", "SB-ABCD");
        assert_eq!(
            tr!(texts, "en-US", "report-received", reference = "SB-ABCD"),
            texts.format("en-US", "report-received", Some(&args))
        );
        assert!(tr!(texts, "en-US", "report-received", reference = "SB-ABCD").contains("SB-ABCD"));
        assert_eq!(
            tr!(texts, "fr", "report-merged"),
            texts.text("fr", "report-merged")
        );
    }

    #[test]
    fn regional_variants_resolve_to_their_language() {
        let texts = texts();
        assert_eq!(texts.resolve("en-GB"), Some("en-US"));
        assert_eq!(texts.resolve("fr"), Some("fr"));
        assert_eq!(texts.resolve("fr-CA"), Some("fr"));
        assert_eq!(texts.resolve("ja"), None);
        assert_eq!(texts.resolve("not a locale"), None);
    }

    #[test]
    fn negotiation_falls_back_in_order() {
        let texts = texts();
        assert_eq!(
            texts.negotiate(&[Some("ja"), Some("en-US"), Some("fr")]),
            "en-US"
        );
        assert_eq!(texts.negotiate(&[None, Some("ja"), Some("fr")]), "fr");
    }

    #[test]
    fn english_gb_is_localized_from_english_us() {
        let texts = texts();
        let localizations = texts.discord_localizations();
        assert!(localizations.contains(&("en-GB", "en-US")));
        assert!(localizations.contains(&("fr", "fr")));
        assert!(!localizations.iter().any(|(discord, _)| *discord == "ja"));
    }

    #[test]
    fn days_are_written_in_the_reader_language() {
        use chrono::TimeZone;
        let moment = chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 11, 22, 9, 0, 0)
            .unwrap();
        assert_eq!(format_day("fr", &moment), "dimanche 22 novembre");
        assert_eq!(format_day("en-US", &moment), "Sunday, November 22");
    }

    #[test]
    fn dates_times_numbers_and_durations_follow_the_locale() {
        use chrono::TimeZone;
        let moment = chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 11, 22, 14, 5, 0)
            .unwrap();
        assert_eq!(format_date("fr", &moment), "22 novembre 2026");
        assert_eq!(format_date("en-US", &moment), "November 22, 2026");
        assert_eq!(format_time("fr", &moment), "14:05");
        assert_eq!(format_time("en-US", &moment), "2:05 PM");
        assert_eq!(format_integer("fr", 3650), "3\u{202f}650");
        assert_eq!(format_integer("en-US", -1_234_567), "-1,234,567");
        assert_eq!(format_integer("en-US", 25), "25");
        let texts = texts();
        let day_and_a_half = std::time::Duration::from_hours(36);
        assert_eq!(texts.duration("en-US", day_and_a_half), "1 day 12 hours");
        assert_eq!(texts.duration("fr", day_and_a_half), "1 jour 12 h");
        assert_eq!(
            texts.duration("fr", std::time::Duration::from_hours(48)),
            "2 jours"
        );
        assert_eq!(
            texts.duration("en-US", std::time::Duration::ZERO),
            "0 seconds"
        );
    }

    #[test]
    fn attributes_and_arguments_are_formatted() {
        let texts = Texts::from_sources(vec![(
            "en-US".into(),
            vec![(
                "test.ftl".into(),
                "hello = Hello { $name }\n    .short = Hi\n".into(),
            )],
        )])
        .unwrap();
        let mut args = FluentArgs::new();
        args.set("name", "Ada");
        assert_eq!(texts.format("en-US", "hello", Some(&args)), "Hello Ada");
        assert_eq!(texts.text("en-US", "hello.short"), "Hi");
        assert_eq!(texts.text("en-US", "absent"), "absent");
    }

    #[test]
    fn broken_fluent_is_refused_with_the_file_name() {
        let error = Texts::from_sources(vec![(
            "fr".into(),
            vec![("broken.ftl".into(), "= no id\n".into())],
        )])
        .err()
        .expect("syntax error");
        assert!(error.to_string().contains("broken.ftl"));
    }
}
