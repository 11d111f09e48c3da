//! Per-server settings (SPEC §6): their keys, allowed values and parsing.
//!
//! One definition serves `bot.toml` (`[server_defaults]`) and `/config`, so a value refused in
//! one place is refused in the other with the same explanation.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono_tz::Tz;

/// Discord refuses timeouts longer than 28 days.
pub const MAX_TIMEOUT: Duration = Duration::from_hours(672);

const MINUTE: Duration = Duration::from_mins(1);
const HOUR: Duration = Duration::from_hours(1);
const DAY: Duration = Duration::from_hours(24);

/// Discord permission bits the bot needs in the queue channel to post a case (embed and
/// evidence file included), with the Fluent id of each permission's name.
pub const QUEUE_CHANNEL_PERMISSIONS: [(u64, &str); 4] = [
    (1 << 10, "permission-view-channel"),
    (1 << 11, "permission-send-messages"),
    (1 << 14, "permission-embed-links"),
    (1 << 15, "permission-attach-files"),
];

const ADMINISTRATOR: u64 = 1 << 3;

/// The Fluent ids of the queue channel permissions missing from `granted` (the bot's
/// effective permissions in the channel), in Discord's order.
pub fn missing_queue_permissions(granted: u64) -> Vec<&'static str> {
    if granted & ADMINISTRATOR != 0 {
        return Vec::new();
    }
    QUEUE_CHANNEL_PERMISSIONS
        .iter()
        .filter(|(bit, _)| granted & bit == 0)
        .map(|(_, id)| *id)
        .collect()
}

/// Every setting an admin can change for their server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SettingKey {
    Language,
    Timezone,
    QueueChannel,
    ModeratorRole,
    SelfMuteAllowed,
    SelfMuteDuration,
    AutoMuteThreshold,
    AutoMuteWindow,
    ShieldDuration,
    ReporterSealed,
    NotifyReporterOnClose,
    EvidenceRetentionDays,
    StatisticsRetentionMonths,
    HelplineCountry,
}

/// What a setting accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Bool,
    Duration { min: Duration, max: Duration },
    Integer { min: i64, max: i64 },
    Timezone,
    Locale,
    Channel,
    Role,
    Country,
}

/// A parsed, valid setting value.
#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    Bool(bool),
    Duration(Duration),
    Integer(i64),
    Timezone(Tz),
    Locale(String),
    Channel(u64),
    Role(u64),
    Country(String),
}

/// Why a value was refused. `Display` is the operator-facing English text (for `bot.toml`);
/// Discord users see the Fluent message named by the adapter instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidValue {
    #[error("expected true or false")]
    NotABool,
    #[error("expected a duration such as \"30m\", \"12h\" or \"7d\"")]
    NotADuration,
    #[error("expected a duration from {} to {}", format_duration(*min), format_duration(*max))]
    DurationOutOfRange { min: Duration, max: Duration },
    #[error("expected a whole number")]
    NotAnInteger,
    #[error("expected a whole number from {min} to {max}")]
    IntegerOutOfRange { min: i64, max: i64 },
    #[error("expected an IANA timezone name such as \"Europe/Paris\"")]
    UnknownTimezone,
    #[error("expected one of the shipped languages: {}", shipped.join(", "))]
    UnknownLocale { shipped: Vec<String> },
    #[error("expected a Discord ID (a positive number)")]
    NotASnowflake,
    #[error("expected one of the helpline countries: {}", available.join(", "))]
    UnknownCountry { available: Vec<String> },
}

impl InvalidValue {
    /// Fluent id of the message shown to an admin; its variables are the variant's fields
    /// (`min`, `max`, `shipped`, `available`) and `setting`.
    pub fn fluent_id(&self) -> &'static str {
        match self {
            InvalidValue::NotABool => "config-invalid-bool",
            InvalidValue::NotADuration => "config-invalid-duration",
            InvalidValue::DurationOutOfRange { .. } => "config-invalid-duration-range",
            InvalidValue::NotAnInteger => "config-invalid-integer",
            InvalidValue::IntegerOutOfRange { .. } => "config-invalid-integer-range",
            InvalidValue::UnknownTimezone => "config-invalid-timezone",
            InvalidValue::UnknownLocale { .. } => "config-invalid-language",
            InvalidValue::NotASnowflake => "config-invalid-id",
            InvalidValue::UnknownCountry { .. } => "config-invalid-country",
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown setting `{0}`")]
pub struct UnknownSetting(pub String);

/// What the parser needs to know about the running bot: shipped languages and countries.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    pub locales: Vec<String>,
    pub countries: Vec<String>,
}

impl SettingKey {
    pub const ALL: [SettingKey; 14] = [
        SettingKey::Language,
        SettingKey::Timezone,
        SettingKey::QueueChannel,
        SettingKey::ModeratorRole,
        SettingKey::SelfMuteAllowed,
        SettingKey::SelfMuteDuration,
        SettingKey::AutoMuteThreshold,
        SettingKey::AutoMuteWindow,
        SettingKey::ShieldDuration,
        SettingKey::ReporterSealed,
        SettingKey::NotifyReporterOnClose,
        SettingKey::EvidenceRetentionDays,
        SettingKey::StatisticsRetentionMonths,
        SettingKey::HelplineCountry,
    ];

    /// Stable name, used in `bot.toml`, in the database and in Fluent ids.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingKey::Language => "language",
            SettingKey::Timezone => "timezone",
            SettingKey::QueueChannel => "queue_channel",
            SettingKey::ModeratorRole => "moderator_role",
            SettingKey::SelfMuteAllowed => "self_mute_allowed",
            SettingKey::SelfMuteDuration => "self_mute_duration",
            SettingKey::AutoMuteThreshold => "auto_mute_threshold",
            SettingKey::AutoMuteWindow => "auto_mute_window",
            SettingKey::ShieldDuration => "shield_duration",
            SettingKey::ReporterSealed => "reporter_sealed",
            SettingKey::NotifyReporterOnClose => "notify_reporter_on_close",
            SettingKey::EvidenceRetentionDays => "evidence_retention_days",
            SettingKey::StatisticsRetentionMonths => "statistics_retention_months",
            SettingKey::HelplineCountry => "helpline_country",
        }
    }

    pub fn kind(self) -> ValueKind {
        match self {
            SettingKey::Language => ValueKind::Locale,
            SettingKey::Timezone => ValueKind::Timezone,
            SettingKey::QueueChannel => ValueKind::Channel,
            SettingKey::ModeratorRole => ValueKind::Role,
            SettingKey::SelfMuteAllowed
            | SettingKey::ReporterSealed
            | SettingKey::NotifyReporterOnClose => ValueKind::Bool,
            SettingKey::SelfMuteDuration => ValueKind::Duration {
                min: MINUTE,
                max: MAX_TIMEOUT,
            },
            SettingKey::AutoMuteThreshold => ValueKind::Integer { min: 2, max: 50 },
            SettingKey::AutoMuteWindow => ValueKind::Duration {
                min: 10 * MINUTE,
                max: 7 * DAY,
            },
            SettingKey::ShieldDuration => ValueKind::Duration {
                min: HOUR,
                max: 90 * DAY,
            },
            SettingKey::EvidenceRetentionDays => ValueKind::Integer { min: 1, max: 3650 },
            SettingKey::StatisticsRetentionMonths => ValueKind::Integer { min: 1, max: 120 },
            SettingKey::HelplineCountry => ValueKind::Country,
        }
    }

    /// Fluent id of the setting's name (also the `/config reset` choice label).
    pub fn fluent_id(self) -> &'static str {
        match self {
            SettingKey::Language => "setting-language",
            SettingKey::Timezone => "setting-timezone",
            SettingKey::QueueChannel => "setting-queue-channel",
            SettingKey::ModeratorRole => "setting-moderator-role",
            SettingKey::SelfMuteAllowed => "setting-self-mute-allowed",
            SettingKey::SelfMuteDuration => "setting-self-mute-duration",
            SettingKey::AutoMuteThreshold => "setting-auto-mute-threshold",
            SettingKey::AutoMuteWindow => "setting-auto-mute-window",
            SettingKey::ShieldDuration => "setting-shield-duration",
            SettingKey::ReporterSealed => "setting-reporter-sealed",
            SettingKey::NotifyReporterOnClose => "setting-notify-reporter-on-close",
            SettingKey::EvidenceRetentionDays => "setting-evidence-retention-days",
            SettingKey::StatisticsRetentionMonths => "setting-statistics-retention-months",
            SettingKey::HelplineCountry => "setting-helpline-country",
        }
    }

    /// Channel and role only make sense per server: `bot.toml` cannot default them.
    pub fn has_bot_default(self) -> bool {
        !matches!(self, SettingKey::QueueChannel | SettingKey::ModeratorRole)
    }

    /// Parses a value typed by an admin or read from the database.
    pub fn parse(self, text: &str, vocabulary: &Vocabulary) -> Result<SettingValue, InvalidValue> {
        let text = text.trim();
        match self.kind() {
            ValueKind::Bool => parse_bool(text).map(SettingValue::Bool),
            ValueKind::Duration { min, max } => {
                parse_duration_within(text, min, max).map(SettingValue::Duration)
            }
            ValueKind::Integer { min, max } => {
                let number: i64 = text.parse().map_err(|_| InvalidValue::NotAnInteger)?;
                if (min..=max).contains(&number) {
                    Ok(SettingValue::Integer(number))
                } else {
                    Err(InvalidValue::IntegerOutOfRange { min, max })
                }
            }
            ValueKind::Timezone => text
                .parse::<Tz>()
                .map(SettingValue::Timezone)
                .map_err(|_| InvalidValue::UnknownTimezone),
            ValueKind::Locale => vocabulary
                .locales
                .iter()
                .find(|locale| locale.as_str() == text)
                .map(|locale| SettingValue::Locale(locale.clone()))
                .ok_or_else(|| InvalidValue::UnknownLocale {
                    shipped: vocabulary.locales.clone(),
                }),
            ValueKind::Channel => parse_snowflake(text).map(SettingValue::Channel),
            ValueKind::Role => parse_snowflake(text).map(SettingValue::Role),
            ValueKind::Country => {
                let code = text.to_ascii_lowercase();
                if vocabulary.countries.contains(&code) {
                    Ok(SettingValue::Country(code))
                } else {
                    Err(InvalidValue::UnknownCountry {
                        available: vocabulary.countries.clone(),
                    })
                }
            }
        }
    }
}

impl FromStr for SettingKey {
    type Err = UnknownSetting;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        SettingKey::ALL
            .into_iter()
            .find(|key| key.as_str() == name)
            .ok_or_else(|| UnknownSetting(name.to_owned()))
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SettingValue {
    /// The canonical text stored in the database; `parse` reads it back unchanged.
    pub fn to_stored(&self) -> String {
        match self {
            SettingValue::Bool(value) => value.to_string(),
            SettingValue::Duration(duration) => format_duration(*duration),
            SettingValue::Integer(number) => number.to_string(),
            SettingValue::Timezone(tz) => tz.name().to_owned(),
            SettingValue::Locale(code) | SettingValue::Country(code) => code.clone(),
            SettingValue::Channel(id) | SettingValue::Role(id) => id.to_string(),
        }
    }
}

/// The effective settings of one server: the server's own values over the bot defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    values: BTreeMap<SettingKey, SettingValue>,
}

/// Where an effective value comes from, for `/config show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Server,
    BotDefault,
    Unset,
}

impl Settings {
    /// The bot defaults; every key with a bot default must be present.
    pub fn from_defaults(values: BTreeMap<SettingKey, SettingValue>) -> Result<Self, SettingKey> {
        match SettingKey::ALL
            .into_iter()
            .find(|key| key.has_bot_default() && !values.contains_key(key))
        {
            Some(missing) => Err(missing),
            None => Ok(Settings { values }),
        }
    }

    pub fn get(&self, key: SettingKey) -> Option<&SettingValue> {
        self.values.get(&key)
    }

    pub fn language(&self) -> &str {
        match self.get(SettingKey::Language) {
            Some(SettingValue::Locale(code)) => code,
            _ => unreachable_default("language"),
        }
    }

    pub fn timezone(&self) -> Tz {
        match self.get(SettingKey::Timezone) {
            Some(SettingValue::Timezone(tz)) => *tz,
            _ => unreachable_default("timezone"),
        }
    }

    /// The statistics hour of `now` in the server's timezone, `YYYY-MM-DDTHH`: the one
    /// place statistics events get their local time.
    pub fn local_hour(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        now.with_timezone(&self.timezone())
            .format("%Y-%m-%dT%H")
            .to_string()
    }

    pub fn helpline_country(&self) -> &str {
        match self.get(SettingKey::HelplineCountry) {
            Some(SettingValue::Country(code)) => code,
            _ => unreachable_default("helpline_country"),
        }
    }

    pub fn flag(&self, key: SettingKey) -> bool {
        matches!(self.get(key), Some(SettingValue::Bool(true)))
    }

    pub fn duration(&self, key: SettingKey) -> Option<Duration> {
        match self.get(key) {
            Some(SettingValue::Duration(duration)) => Some(*duration),
            _ => None,
        }
    }

    pub fn integer(&self, key: SettingKey) -> Option<i64> {
        match self.get(key) {
            Some(SettingValue::Integer(number)) => Some(*number),
            _ => None,
        }
    }

    /// Applies a server's stored overrides. A stored value that no longer parses (a language
    /// removed since, a hand-edited row) is skipped and its name returned, never fatal.
    pub fn with_overrides<'a>(
        &self,
        stored: impl IntoIterator<Item = (&'a str, &'a str)>,
        vocabulary: &Vocabulary,
    ) -> (Settings, Vec<SettingKey>, Vec<String>) {
        let mut effective = self.clone();
        let mut overridden = Vec::new();
        let mut ignored = Vec::new();
        for (name, text) in stored {
            let parsed = name
                .parse::<SettingKey>()
                .ok()
                .and_then(|key| Some((key, key.parse(text, vocabulary).ok()?)));
            match parsed {
                Some((key, value)) => {
                    effective.values.insert(key, value);
                    overridden.push(key);
                }
                None => ignored.push(name.to_owned()),
            }
        }
        (effective, overridden, ignored)
    }

    pub fn origin(&self, key: SettingKey, overridden: &[SettingKey]) -> Origin {
        if overridden.contains(&key) {
            Origin::Server
        } else if self.values.contains_key(&key) {
            Origin::BotDefault
        } else {
            Origin::Unset
        }
    }
}

/// `from_defaults` guarantees these keys; reaching this is a programming error in this module.
fn unreachable_default(key: &str) -> ! {
    unreachable!("Settings::from_defaults guarantees `{key}`")
}

fn parse_bool(text: &str) -> Result<bool, InvalidValue> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" => Ok(true),
        "false" | "no" | "off" => Ok(false),
        _ => Err(InvalidValue::NotABool),
    }
}

fn parse_snowflake(text: &str) -> Result<u64, InvalidValue> {
    match text.parse::<u64>() {
        Ok(id) if id > 0 && i64::try_from(id).is_ok() => Ok(id),
        _ => Err(InvalidValue::NotASnowflake),
    }
}

/// Parses "30m", "12h", "7d", "1h 30m" (humantime syntax) and checks the bounds. A fraction
/// of a second ("1500ms") is dropped: the stored form keeps whole seconds, and the value
/// used must be the one stored.
pub fn parse_duration_within(
    text: &str,
    min: Duration,
    max: Duration,
) -> Result<Duration, InvalidValue> {
    let parsed = humantime::parse_duration(text).map_err(|_| InvalidValue::NotADuration)?;
    let duration = Duration::from_secs(parsed.as_secs());
    if (min..=max).contains(&duration) {
        Ok(duration)
    } else {
        Err(InvalidValue::DurationOutOfRange { min, max })
    }
}

/// Compact, round-trippable form: "28d", "1h 30m", "45s".
pub fn format_duration(duration: Duration) -> String {
    let mut seconds = duration.as_secs();
    let mut parts = Vec::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if seconds >= size {
            parts.push(format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    if parts.is_empty() {
        "0s".to_owned()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        Vocabulary {
            locales: vec!["fr".into(), "en-US".into()],
            countries: vec!["fr".into()],
        }
    }

    #[test]
    fn keys_round_trip_through_their_names() {
        for key in SettingKey::ALL {
            assert_eq!(key.as_str().parse::<SettingKey>(), Ok(key));
        }
        assert!("colour".parse::<SettingKey>().is_err());
    }

    #[test]
    fn durations_are_bounded_by_discord_timeout_limit() {
        let vocabulary = vocabulary();
        assert_eq!(
            SettingKey::SelfMuteDuration.parse("28d", &vocabulary),
            Ok(SettingValue::Duration(MAX_TIMEOUT))
        );
        assert!(matches!(
            SettingKey::SelfMuteDuration.parse("29d", &vocabulary),
            Err(InvalidValue::DurationOutOfRange { .. })
        ));
        assert_eq!(
            SettingKey::SelfMuteDuration.parse("soon", &vocabulary),
            Err(InvalidValue::NotADuration)
        );
    }

    #[test]
    fn thresholds_below_two_are_refused() {
        let vocabulary = vocabulary();
        assert_eq!(
            SettingKey::AutoMuteThreshold.parse("0", &vocabulary),
            Err(InvalidValue::IntegerOutOfRange { min: 2, max: 50 })
        );
        assert_eq!(
            SettingKey::AutoMuteThreshold.parse("3", &vocabulary),
            Ok(SettingValue::Integer(3))
        );
        assert_eq!(
            SettingKey::AutoMuteThreshold.parse("three", &vocabulary),
            Err(InvalidValue::NotAnInteger)
        );
    }

    #[test]
    fn timezones_locales_and_countries_are_checked() {
        let vocabulary = vocabulary();
        assert_eq!(
            SettingKey::Timezone.parse("Europe/Pariss", &vocabulary),
            Err(InvalidValue::UnknownTimezone)
        );
        assert_eq!(
            SettingKey::Timezone.parse("Pacific/Noumea", &vocabulary),
            Ok(SettingValue::Timezone(chrono_tz::Pacific::Noumea))
        );
        assert!(matches!(
            SettingKey::Language.parse("ja", &vocabulary),
            Err(InvalidValue::UnknownLocale { .. })
        ));
        assert_eq!(
            SettingKey::HelplineCountry.parse("FR", &vocabulary),
            Ok(SettingValue::Country("fr".into()))
        );
    }

    #[test]
    fn stored_form_parses_back_to_the_same_value() {
        let vocabulary = vocabulary();
        for (key, text) in [
            (SettingKey::SelfMuteDuration, "1h 30m"),
            (SettingKey::SelfMuteDuration, "86197795µs"),
            (SettingKey::ReporterSealed, "no"),
            (SettingKey::QueueChannel, "123456789012345678"),
            (SettingKey::Timezone, "America/Montreal"),
        ] {
            let value = key.parse(text, &vocabulary).unwrap();
            assert_eq!(key.parse(&value.to_stored(), &vocabulary), Ok(value));
        }
    }

    #[test]
    fn snowflakes_must_fit_a_signed_64_bit_column() {
        let vocabulary = vocabulary();
        assert_eq!(
            SettingKey::QueueChannel.parse("0", &vocabulary),
            Err(InvalidValue::NotASnowflake)
        );
        assert_eq!(
            SettingKey::QueueChannel.parse("18446744073709551615", &vocabulary),
            Err(InvalidValue::NotASnowflake)
        );
    }

    #[test]
    fn server_overrides_win_and_bad_stored_values_are_skipped() {
        let vocabulary = vocabulary();
        let defaults = Settings::from_defaults(
            SettingKey::ALL
                .into_iter()
                .filter(|key| key.has_bot_default())
                .map(|key| {
                    let text = match key.kind() {
                        ValueKind::Bool => "true",
                        ValueKind::Duration { .. } => "1d",
                        ValueKind::Integer { .. } => "5",
                        ValueKind::Timezone => "Europe/Paris",
                        ValueKind::Locale | ValueKind::Country => "fr",
                        ValueKind::Channel | ValueKind::Role => "1",
                    };
                    (key, key.parse(text, &vocabulary).unwrap())
                })
                .collect(),
        )
        .unwrap();
        let (effective, overridden, ignored) = defaults.with_overrides(
            [("language", "en-US"), ("timezone", "Mars/Olympus")],
            &vocabulary,
        );
        assert_eq!(effective.language(), "en-US");
        assert_eq!(effective.timezone(), chrono_tz::Europe::Paris);
        assert_eq!(overridden, vec![SettingKey::Language]);
        assert_eq!(ignored, vec!["timezone".to_owned()]);
        assert_eq!(
            effective.origin(SettingKey::Language, &overridden),
            Origin::Server
        );
        assert_eq!(
            effective.origin(SettingKey::Timezone, &overridden),
            Origin::BotDefault
        );
        assert_eq!(
            effective.origin(SettingKey::QueueChannel, &overridden),
            Origin::Unset
        );
    }

    #[test]
    fn missing_queue_permissions_are_named_in_order() {
        let all: u64 = QUEUE_CHANNEL_PERMISSIONS.iter().map(|(bit, _)| bit).sum();
        assert!(missing_queue_permissions(all).is_empty());
        assert!(missing_queue_permissions(ADMINISTRATOR).is_empty());
        assert_eq!(
            missing_queue_permissions(1 << 10 | 1 << 11),
            ["permission-embed-links", "permission-attach-files"]
        );
        assert_eq!(missing_queue_permissions(0).len(), 4);
    }

    #[test]
    fn every_refusal_and_setting_names_its_message() {
        let vocabulary = vocabulary();
        for key in SettingKey::ALL {
            assert_eq!(
                key.fluent_id(),
                format!("setting-{}", key.as_str().replace('_', "-"))
            );
        }
        let refusal = SettingKey::Timezone
            .parse("Mars/Olympus", &vocabulary)
            .unwrap_err();
        assert_eq!(refusal.fluent_id(), "config-invalid-timezone");
    }

    #[test]
    fn missing_bot_defaults_are_named() {
        assert_eq!(
            Settings::from_defaults(BTreeMap::new()),
            Err(SettingKey::Language)
        );
    }
}
