//! Property-based fuzzing of every parser of untrusted input, through the very functions
//! the bot calls: custom ids (and the locale they carry), message links, case references,
//! durations, every `/config` value, the report details of the modal, `bot.toml` and the
//! helpline files.
//!
//! `cargo fuzz` needs a nightly toolchain; proptest runs on stable, shrinks what it finds to
//! a small input, and keeps the seed of every failure in `tests/e2e/fuzz-regressions/` (one
//! file per target, replayed first on every run: commit them).
//!
//! Each target runs `FUZZ_CASES` cases per property (256 by default, so `cargo test` stays
//! fast; `.ci/run` sets more) and prints how many executions it made and how long they took:
//! `cargo test --test e2e fuzz -- --nocapture`.

use std::cell::Cell;
use std::fmt::{Debug, Write};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{FileFailurePersistence, TestCaseError, TestRunner};
use rand::SeedableRng;
use rand::rngs::StdRng;

use safe_button::app::Embedded;
use safe_button::config::Config;
use safe_button::discord::custom_id::{
    CustomId, PendingToken, QuestionStep, QueueVerb, VictimAction,
};
use safe_button::domain::case::CaseReference;
use safe_button::domain::helpline::CountryHelplines;
use safe_button::domain::reason::Reason;
use safe_button::domain::report::{MAX_DETAILS_CHARS, MessageLink, Person, Refusal, ReportDraft};
use safe_button::domain::settings::{
    SettingKey, SettingValue, ValueKind, Vocabulary, format_duration, parse_duration_within,
};

const BOT_TOML: &str = include_str!("../../bot.toml");
const FR_HELPLINES: &str = include_str!("../../helplines/fr.toml");

/// The languages and countries of this build, as the bot gets them.
static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    Embedded::load()
        .expect("the embedded texts and helplines load")
        .vocabulary()
});

/// Cases per property: `FUZZ_CASES`, or 256.
fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256)
}

/// Runs one property of `target` for `cases()` cases, replaying and persisting failures in
/// `tests/e2e/fuzz-regressions/<target>.txt`, and prints the executions made.
fn fuzz<S>(
    target: &str,
    property: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let corpus = format!(
        "{}/tests/e2e/fuzz-regressions/{target}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let config = ProptestConfig {
        cases: cases(),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(Box::leak(
            corpus.into_boxed_str(),
        )))),
        ..ProptestConfig::default()
    };
    let mut runner = TestRunner::new(config);
    let executions = Cell::new(0u64);
    let started = Instant::now();
    let outcome = runner.run(&strategy, |value| {
        executions.set(executions.get() + 1);
        test(value)
    });
    eprintln!(
        "fuzz {target}/{property}: {} executions in {:.2?}",
        executions.get(),
        started.elapsed()
    );
    if let Err(failure) = outcome {
        panic!("fuzz {target}/{property}: {failure}");
    }
}

/// Any text: every Unicode scalar value, up to `max` characters.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..=max).prop_map(|chars| chars.into_iter().collect())
}

/// Characters that trip text handling: combining marks, bidi overrides, zero-width and
/// odd whitespace, surrogates' neighbours, astral and private-use characters.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => select(vec![
            '\u{0300}', '\u{0301}', '\u{036F}', '\u{20DD}', // combining marks
            '\u{202A}', '\u{202B}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2069}', // bidi
            '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', // zero width
            ' ', '\t', '\n', '\r', '\u{00A0}', '\u{2028}', '\u{2029}', '\u{3000}', '\u{0085}',
            '\u{0000}', '\u{001B}', '\u{007F}', '\u{FFFD}', '\u{FFFF}', '\u{D7FF}', '\u{E000}',
            '\u{10FFFF}', '😀', '👩', 'é', 'ß', 'İ', 'ﷺ', ':', '#', '<', '>', '/', '@', '`',
        ]),
        3 => prop::char::range('a', 'z'),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(|chars| chars.into_iter().collect())
}

// ---------------------------------------------------------------------------------------
// Custom ids
// ---------------------------------------------------------------------------------------

fn token() -> impl Strategy<Value = PendingToken> {
    "[A-Za-z0-9]{20}".prop_map(|text| PendingToken::parse(&text).expect("20 alphanumerics"))
}

fn valid_custom_id() -> impl Strategy<Value = CustomId> {
    let case_id = 0..=i64::MAX;
    prop_oneof![
        (token(), any_text(12))
            .prop_map(|(token, locale)| CustomId::ReportReason { token, locale }),
        (select(Reason::ALL.to_vec()), token(), any_text(12)).prop_map(
            |(reason, token, locale)| {
                CustomId::ReportDetails {
                    reason,
                    token,
                    locale,
                }
            }
        ),
        (select(VictimAction::ALL.to_vec()), case_id.clone())
            .prop_map(|(action, case_id)| CustomId::Victim { action, case_id }),
        (select(QueueVerb::ALL.to_vec()), case_id.clone())
            .prop_map(|(verb, case_id)| CustomId::Queue { verb, case_id }),
        (select(QuestionStep::ALL.to_vec()), case_id)
            .prop_map(|(step, id)| CustomId::Question { step, id }),
    ]
}

/// Text that looks like an id: a real prefix, then fields made of the real codes, tokens,
/// numbers and noise.
fn id_like_text() -> impl Strategy<Value = String> {
    let codes: Vec<String> = QueueVerb::ALL
        .iter()
        .map(|verb| verb.as_str().to_owned())
        .chain(
            VictimAction::ALL
                .iter()
                .map(|action| action.as_str().to_owned()),
        )
        .chain(Reason::ALL.iter().map(|reason| reason.as_str().to_owned()))
        .chain(
            QuestionStep::ALL
                .iter()
                .map(|step| step.as_str().to_owned()),
        )
        .collect();
    let prefix = select(vec![
        "sb:q:",
        "sb:ask:",
        "sb:p:",
        "sb:report-reason:",
        "sb:report-details:",
        "sb:",
        "SB:Q:",
        "",
    ]);
    let field = prop_oneof![
        3 => select(codes),
        2 => "[A-Za-z0-9]{18,22}",
        2 => "[0-9]{1,21}",
        1 => "[-+]?0*[0-9]{0,5}",
        2 => "0+[0-9]{0,3}",
        1 => Just(String::new()),
        1 => any_text(6),
        1 => "[a-z]{2}(-[A-Z]{2})?",
    ];
    (prefix, prop::collection::vec(field, 0..5), any::<bool>()).prop_map(
        |(prefix, fields, trailing_colon)| {
            let mut text = format!("{prefix}{}", fields.join(":"));
            if trailing_colon {
                text.push(':');
            }
            text
        },
    )
}

/// `parse(s) == Ok(id)` implies `id.format() == s`, but for the legacy reason-select id of
/// the versions before the locale was added (`sb:report-reason:<token>`), which format
/// now writes with an empty locale.
fn formats_back(text: &str) -> Result<(), TestCaseError> {
    if let Ok(id) = CustomId::parse(text) {
        let formatted = id.format();
        let legacy = matches!(id, CustomId::ReportReason { ref locale, .. } if locale.is_empty())
            && formatted == format!("{text}:");
        prop_assert!(
            formatted == text || legacy,
            "{text:?} parses to {id:?}, which formats as {formatted:?}"
        );
    }
    Ok(())
}

/// The minimal inputs of the failures found so far, kept as text too: a proptest seed
/// replays the same input only while the strategies stay the same.
const CUSTOM_ID_FOUND: [&str; 2] = [
    // A case id with leading zeros, formatted back without them.
    "sb:q:claim:00",
    // A details modal id without its locale field, which no version ever wrote.
    "sb:report-details:harassment:0A00A0AaAAaAaaA000A0",
];

#[test]
fn custom_ids() {
    for text in CUSTOM_ID_FOUND {
        formats_back(text).unwrap();
    }
    fuzz("custom_id", "any text", any_text(300), |text| {
        formats_back(&text)
    });
    fuzz("custom_id", "id-like text", id_like_text(), |text| {
        formats_back(&text)
    });
    // The locale field is forgeable text too: the bot answers in what it negotiates to.
    let texts = Embedded::load().expect("embedded data").texts;
    let locale = prop_oneof![
        any_text(20),
        "[a-zA-Z]{0,9}([-_][a-zA-Z0-9]{0,9}){0,3}",
        select(VOCABULARY.locales.clone()),
    ];
    fuzz("custom_id", "locale field negotiates", locale, |locale| {
        let shipped = &VOCABULARY.locales;
        if let Some(resolved) = texts.resolve(&locale) {
            prop_assert!(shipped.iter().any(|code| code == resolved));
        }
        let negotiated = texts.negotiate(&[Some(&locale), Some("fr")]);
        prop_assert!(shipped.iter().any(|code| code == negotiated));
        Ok(())
    });
    fuzz(
        "custom_id",
        "valid ids round-trip",
        valid_custom_id(),
        |id| {
            let text = id.format();
            prop_assert_eq!(CustomId::parse(&text), Ok(id));
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Message links
// ---------------------------------------------------------------------------------------

const LINK_HOSTS: [&str; 8] = [
    "discord.com",
    "www.discord.com",
    "ptb.discord.com",
    "canary.discord.com",
    "discordapp.com",
    "www.discordapp.com",
    "ptb.discordapp.com",
    "canary.discordapp.com",
];

fn link_ids() -> impl Strategy<Value = (i64, i64, i64)> {
    (1..=i64::MAX, 1..=i64::MAX, 1..=i64::MAX)
}

fn whitespace() -> impl Strategy<Value = String> {
    "[ \t\n\r\u{00A0}\u{3000}]{0,3}"
}

fn canonical_link(link: &MessageLink) -> String {
    format!(
        "https://discord.com/channels/{}/{}/{}",
        link.guild_id, link.channel_id, link.message_id
    )
}

#[test]
fn message_links() {
    fuzz("message_link", "any text", any_text(200), |text| {
        if let Ok(link) = MessageLink::parse(&text) {
            prop_assert!(link.guild_id > 0 && link.channel_id > 0 && link.message_id > 0);
            prop_assert_eq!(MessageLink::parse(&canonical_link(&link)), Ok(link));
        }
        Ok(())
    });
    let decorated = (
        link_ids(),
        select(LINK_HOSTS.to_vec()),
        any::<bool>(),
        any::<bool>(),
        whitespace(),
        whitespace(),
    );
    fuzz(
        "message_link",
        "valid links round-trip",
        decorated,
        |((guild, channel, message), host, angle, slash, before, after)| {
            let slash = if slash { "/" } else { "" };
            let mut link = format!("https://{host}/channels/{guild}/{channel}/{message}{slash}");
            if angle {
                link = format!("<{link}>");
            }
            let text = format!("{before}{link}{after}");
            let expected = MessageLink {
                guild_id: guild,
                channel_id: channel,
                message_id: message,
            };
            prop_assert_eq!(MessageLink::parse(&text), Ok(expected));
            Ok(())
        },
    );
    let hostile = (link_ids(), "[a-z0-9.@:-]{0,24}", 0..10u8, any::<u64>());
    fuzz(
        "message_link",
        "hostile hosts and paths are refused",
        hostile,
        |((guild, channel, message), noise, how, big)| {
            let path = format!("/channels/{guild}/{channel}/{message}");
            let text = match how {
                // Another host, unless the noise happens to spell an accepted one.
                0 => format!("https://{noise}{path}"),
                1 => format!("https://discord.com.{noise}x{path}"),
                2 => format!("https://discord.com@{noise}{path}"),
                3 => format!("http://discord.com{path}"),
                4 => format!("https://discord.com{path}/{noise}x"),
                5 => format!("x{noise}https://discord.com{path}"),
                6 => format!("https://discord.com/channels/@me/{channel}/{message}"),
                7 => format!("https://discord.com/channels/{guild}/0/{message}"),
                // Past a signed 64-bit column, or past 20 digits.
                8 => format!(
                    "https://discord.com/channels/{guild}/{channel}/{}",
                    big.max(i64::MAX as u64 + 1)
                ),
                _ => format!("https://discord.com/channels/{guild}/{channel}/{message}0{big}"),
            };
            if how == 9 && format!("{message}0{big}").parse::<i64>().is_ok() {
                return Ok(());
            }
            if how == 0 && LINK_HOSTS.contains(&noise.as_str()) {
                return Ok(());
            }
            prop_assert_eq!(
                MessageLink::parse(&text),
                Err(Refusal::LinkMalformed),
                "{:?}",
                text
            );
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Case references
// ---------------------------------------------------------------------------------------

#[test]
fn case_references() {
    fuzz("case_reference", "any text", any_text(40), |text| {
        if let Ok(reference) = CaseReference::parse(&text) {
            let canonical = reference.as_str();
            prop_assert_eq!(canonical.len(), CaseReference::LEN);
            prop_assert!(
                canonical
                    .bytes()
                    .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b)),
                "{:?}",
                canonical
            );
            prop_assert_eq!(CaseReference::parse(canonical), Ok(reference.clone()));
        }
        Ok(())
    });
    let typed = (
        any::<u64>(),
        prop::collection::vec((any::<bool>(), any::<bool>(), any::<bool>()), 6),
        any::<bool>(),
        whitespace(),
        whitespace(),
    );
    fuzz(
        "case_reference",
        "typed references read back",
        typed,
        |(seed, styles, hash, before, after)| {
            let reference = CaseReference::generate(&mut StdRng::seed_from_u64(seed));
            let mut text = before.clone();
            if hash {
                text.push('#');
            }
            for (symbol, (lower, look_alike, dash)) in reference.as_str().chars().zip(styles) {
                let symbol = match (symbol, look_alike) {
                    ('0', true) => 'O',
                    ('1', true) => 'l',
                    (other, _) => other,
                };
                text.push(if lower {
                    symbol.to_ascii_lowercase()
                } else {
                    symbol
                });
                if dash {
                    text.push('-');
                }
            }
            text.push_str(&after);
            prop_assert_eq!(CaseReference::parse(&text), Ok(reference), "{:?}", text);
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------

/// Text in humantime's syntax: numbers (some huge) and units, spaced or not.
fn duration_text() -> impl Strategy<Value = String> {
    let unit = select(vec![
        "ns", "us", "µs", "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins",
        "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "week",
        "weeks", "M", "month", "months", "y", "year", "years", "", "x", "D",
    ]);
    let part = (
        "[0-9]{1,3}|[0-9]{1,25}|-[0-9]{1,3}",
        unit,
        select(vec!["", " ", "  ", "\t"]),
    );
    prop::collection::vec(part, 0..5).prop_map(|parts| {
        parts
            .into_iter()
            .fold(String::new(), |mut text, (number, unit, gap)| {
                let _ = write!(text, "{number}{unit}{gap}");
                text
            })
    })
}

fn bounds() -> impl Strategy<Value = (Duration, Duration)> {
    (0..=400 * 86_400u64, 0..=400 * 86_400u64)
        .prop_map(|(a, b)| (Duration::from_secs(a.min(b)), Duration::from_secs(a.max(b))))
}

fn duration_property(
    (text, (min, max)): (String, (Duration, Duration)),
) -> Result<(), TestCaseError> {
    if let Ok(duration) = parse_duration_within(&text, min, max) {
        prop_assert!(min <= duration && duration <= max);
        let stored = format_duration(duration);
        prop_assert_eq!(
            parse_duration_within(&stored, min, max),
            Ok(duration),
            "{:?} parses to {:?}, stored as {:?}",
            text,
            duration,
            stored
        );
    }
    Ok(())
}

/// Found so far (see `CUSTOM_ID_FOUND`): a fraction of a second, lost once stored.
const DURATION_FOUND: [(&str, u64, u64); 1] = [("4000000001ms", 0, 4_000_001)];

#[test]
fn durations() {
    for (text, min, max) in DURATION_FOUND {
        let bounds = (Duration::from_secs(min), Duration::from_secs(max));
        duration_property((text.to_owned(), bounds)).unwrap();
    }
    fuzz(
        "duration",
        "any text",
        (any_text(40), bounds()),
        duration_property,
    );
    fuzz(
        "duration",
        "humantime-like text",
        (duration_text(), bounds()),
        duration_property,
    );
    fuzz(
        "duration",
        "formatted durations parse back",
        0..=3650 * 86_400u64,
        |seconds| {
            let duration = Duration::from_secs(seconds);
            let text = format_duration(duration);
            prop_assert_eq!(
                parse_duration_within(&text, Duration::ZERO, Duration::MAX),
                Ok(duration),
                "{:?}",
                text
            );
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// `/config` values
// ---------------------------------------------------------------------------------------

/// Text an admin might type for a setting of `kind`, near-misses included.
fn setting_text() -> impl Strategy<Value = String> {
    let timezones: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    let words: Vec<String> = VOCABULARY
        .locales
        .iter()
        .chain(&VOCABULARY.countries)
        .cloned()
        .chain(
            [
                "true", "false", "yes", "no", "on", "off", "TRUE", "Oui", "1", "0", "",
            ]
            .map(str::to_owned),
        )
        .collect();
    let raw = prop_oneof![
        2 => select(timezones).prop_map(str::to_owned),
        2 => select(words),
    ];
    let mangled = (raw, 0..4u8).prop_map(|(word, how)| match how {
        0 => word,
        1 => word.to_uppercase(),
        2 => word.to_lowercase(),
        _ => format!("{word}\u{0301}"),
    });
    prop_oneof![
        3 => mangled,
        2 => duration_text(),
        2 => "[-+]?[0-9]{1,22}",
        1 => any_text(30),
        1 => hostile_text(30),
    ]
    .prop_flat_map(|text| (whitespace(), Just(text), whitespace()))
    .prop_map(|(before, text, after)| format!("{before}{text}{after}"))
}

/// Found so far (see `CUSTOM_ID_FOUND`): a fraction of a second, lost once stored.
const CONFIG_VALUE_FOUND: [(SettingKey, &str); 1] =
    [(SettingKey::SelfMuteDuration, "86197795µs\t")];

#[test]
fn config_values() {
    for (key, text) in CONFIG_VALUE_FOUND {
        setting_property((key, text.to_owned())).unwrap();
    }
    fuzz(
        "config_value",
        "every setting",
        (select(SettingKey::ALL.to_vec()), setting_text()),
        setting_property,
    );
}

fn setting_property((key, text): (SettingKey, String)) -> Result<(), TestCaseError> {
    let vocabulary = &*VOCABULARY;
    let Ok(value) = key.parse(&text, vocabulary) else {
        return Ok(());
    };
    match (key.kind(), &value) {
        (ValueKind::Duration { min, max }, SettingValue::Duration(duration)) => {
            prop_assert!(min <= *duration && *duration <= max);
        }
        (ValueKind::Integer { min, max }, SettingValue::Integer(number)) => {
            prop_assert!((min..=max).contains(number));
        }
        (ValueKind::Channel, SettingValue::Channel(id))
        | (ValueKind::Role, SettingValue::Role(id)) => {
            prop_assert!(*id > 0 && i64::try_from(*id).is_ok());
        }
        (ValueKind::Locale, SettingValue::Locale(code)) => {
            prop_assert!(vocabulary.locales.contains(code));
        }
        (ValueKind::Country, SettingValue::Country(code)) => {
            prop_assert!(vocabulary.countries.contains(code));
        }
        (ValueKind::Bool, SettingValue::Bool(_))
        | (ValueKind::Timezone, SettingValue::Timezone(_)) => {}
        (kind, value) => prop_assert!(false, "{kind:?} parsed to {value:?}"),
    }
    let stored = value.to_stored();
    prop_assert_eq!(
        key.parse(&stored, vocabulary),
        Ok(value),
        "{} = {:?}, stored as {:?}",
        key,
        text,
        stored
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Report details (the modal's free text)
// ---------------------------------------------------------------------------------------

fn details_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Short, hostile.
        4 => hostile_text(200),
        // Around the limit: a run of one character, padded with whitespace.
        3 => (
            hostile_char(),
            MAX_DETAILS_CHARS - 20..=MAX_DETAILS_CHARS + 20,
            whitespace(),
            whitespace()
        )
            .prop_map(|(fill, count, before, after)| {
                format!("{before}{}{after}", String::from(fill).repeat(count))
            }),
        // Long: up to 10 000 characters, a random chunk repeated (generating 10 000 random
        // characters per case would take most of the run's time).
        2 => (hostile_text(50), 1..=200usize, hostile_text(50))
            .prop_map(|(chunk, times, tail)| format!("{}{tail}", chunk.repeat(times))),
    ]
}

fn draft(details: Option<String>) -> ReportDraft {
    let member = |id| Person {
        id,
        is_bot: false,
        is_member: true,
    };
    ReportDraft {
        guild_id: 100,
        reporter_id: 1,
        bot_id: 9,
        reported: member(2),
        victim: None,
        reason: Reason::Other,
        details,
        message_link: None,
    }
}

#[test]
fn report_details() {
    fuzz(
        "report_details",
        "details are kept within the limit or refused",
        prop::option::weighted(0.95, details_text()),
        |details| {
            let trimmed = details.as_deref().map_or("", str::trim);
            match draft(details.clone()).check() {
                Ok(report) => {
                    let stored = report.details;
                    match &stored {
                        None => prop_assert_eq!(trimmed, ""),
                        Some(text) => {
                            prop_assert_eq!(text.as_str(), trimmed);
                            prop_assert!(!text.is_empty());
                            prop_assert!(text.chars().count() <= MAX_DETAILS_CHARS);
                        }
                    }
                    // What is stored passes the check again, unchanged.
                    let again = draft(stored.clone()).check().map(|report| report.details);
                    prop_assert_eq!(again, Ok(stored));
                }
                Err(refusal) => {
                    prop_assert_eq!(refusal, Refusal::DetailsTooLong);
                    prop_assert!(trimmed.chars().count() > MAX_DETAILS_CHARS);
                }
            }
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------------------
// Files: `bot.toml` and the helpline files
// ---------------------------------------------------------------------------------------

/// One change to a file's text, at line or character positions chosen by `Index`.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// Removes a leading `# `, so commented-out keys come into play.
    Uncomment(Index),
    /// Replaces what follows ` = ` on a line.
    ReplaceValue(Index, String),
    InsertText(Index, String),
    /// Random bytes, as the lossy UTF-8 a text editor would save.
    InsertBytes(Index, Vec<u8>),
}

/// Values to put in a file: typed TOML values, plausible strings and noise.
fn toml_value() -> impl Strategy<Value = String> {
    let timezones: Vec<&'static str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    prop_oneof![
        2 => any_text(20),
        1 => hostile_text(20).prop_map(|text| format!("{text:?}")),
        1 => "[-+]?[0-9]{1,20}",
        1 => select(vec!["true", "false", "[]", "{}", "[\"self-harm\"]", "\"\"", "\"24/7\"", "1979-05-27T07:32:00Z", "nan", "inf"]).prop_map(str::to_owned),
        1 => duration_text().prop_map(|text| format!("{text:?}")),
        1 => select(timezones).prop_map(|tz| format!("{tz:?}")),
        1 => "[0-9]{1,3}:[0-9]{1,3} ?- ?[0-9]{1,3}:[0-9]{1,3}".prop_map(|hours| format!("{hours:?}")),
        1 => "(postgres|postgresql|sqlite|https?)://[a-zA-Z0-9:@/?&=%.#\\[\\]-]{0,30}".prop_map(|url| format!("{url:?}")),
        1 => "[a-z_]{1,10}(=[a-z]{1,6})?(,[a-z_]{1,10}(=[a-z]{1,6})?)?|\\[[a-z{}=/\"]{0,12}\\]".prop_map(|filter| format!("{filter:?}")),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => any::<Index>().prop_map(Mutation::DeleteLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        1 => any::<Index>().prop_map(Mutation::Uncomment),
        4 => (any::<Index>(), toml_value()).prop_map(|(at, value)| Mutation::ReplaceValue(at, value)),
        1 => (any::<Index>(), hostile_text(8)).prop_map(|(at, text)| Mutation::InsertText(at, text)),
        1 => (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, bytes)| Mutation::InsertBytes(at, bytes)),
    ]
}

fn mutate(original: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
    for mutation in mutations {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let count = lines.len();
        match mutation {
            Mutation::DeleteLine(at) => {
                lines.remove(at.index(count));
            }
            Mutation::DuplicateLine(at) => {
                let line = lines[at.index(count)].clone();
                lines.insert(at.index(count), line);
            }
            Mutation::SwapLines(a, b) => lines.swap(a.index(count), b.index(count)),
            Mutation::Uncomment(at) => {
                let line = &mut lines[at.index(count)];
                if let Some(rest) = line.strip_prefix("# ") {
                    *line = rest.to_owned();
                }
            }
            Mutation::ReplaceValue(at, value) => {
                // The n-th line holding a value, so that most replacements hit one.
                let assignments: Vec<usize> = (0..count)
                    .filter(|&line| lines[line].contains(" = "))
                    .collect();
                if !assignments.is_empty() {
                    let line = &mut lines[assignments[at.index(assignments.len())]];
                    let (key, _) = line.split_once(" = ").expect("an assignment");
                    *line = format!("{key} = {value}");
                }
            }
            Mutation::InsertText(at, text) => insert_at(&mut lines, *at, text),
            Mutation::InsertBytes(at, bytes) => {
                insert_at(&mut lines, *at, &String::from_utf8_lossy(bytes));
            }
        }
    }
    lines.join("\n")
}

/// Inserts `text` at a character boundary of the joined lines.
fn insert_at(lines: &mut Vec<String>, at: Index, text: &str) {
    let mut joined = lines.join("\n");
    let boundaries: Vec<usize> = joined
        .char_indices()
        .map(|(offset, _)| offset)
        .chain([joined.len()])
        .collect();
    joined.insert_str(boundaries[at.index(boundaries.len())], text);
    *lines = joined.split('\n').map(str::to_owned).collect();
}

fn mutated(original: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(mutation(), 1..5).prop_map(move |mutations| mutate(original, &mutations))
}

fn config_property(text: String) -> Result<(), TestCaseError> {
    match Config::parse(&text, &VOCABULARY) {
        Ok(config) => {
            // What `check-config` prints: reads every server default.
            let _ = config.summary();
        }
        Err(errors) => {
            prop_assert!(!errors.0.is_empty(), "refused without saying why");
            let _ = errors.to_string();
        }
    }
    Ok(())
}

#[test]
fn bot_toml() {
    assert!(
        Config::parse(BOT_TOML, &VOCABULARY).is_ok(),
        "the repository's bot.toml is valid"
    );
    fuzz("bot_toml", "any text", any_text(300), config_property);
    fuzz(
        "bot_toml",
        "mutations of bot.toml",
        mutated(BOT_TOML),
        config_property,
    );
}

/// Instants from chrono's first to its last representable second.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    let (first, last) = (
        DateTime::<Utc>::MIN_UTC.timestamp(),
        DateTime::<Utc>::MAX_UTC.timestamp(),
    );
    prop_oneof![
        1 => Just(first),
        1 => Just(last),
        2 => first..=last,
        6 => 0..=4_102_444_800i64,
    ]
    .prop_map(|seconds| Utc.timestamp_opt(seconds, 0).unwrap())
}

fn helpline_property(
    (file, text, now): (String, String, DateTime<Utc>),
) -> Result<(), TestCaseError> {
    match CountryHelplines::from_toml(&file, &text) {
        Ok(country) => {
            prop_assert_eq!(country.code().len(), 2);
            let lines = std::iter::once(country.primary()).chain(country.urgent_lines());
            for line in lines {
                prop_assert!(!line.number.is_empty());
                prop_assert!(line.number.bytes().all(|b| b.is_ascii_digit()));
                // The card asks every line whether it answers now.
                let _ = line.hours.status_at(now);
            }
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
    Ok(())
}

#[test]
fn helpline_files() {
    let file = || {
        prop_oneof![
            8 => Just("helplines/fr.toml".to_owned()),
            1 => "helplines/[a-zA-Z0-9é]{0,3}\\.toml",
            1 => any_text(12),
        ]
    };
    let fr = CountryHelplines::from_toml("helplines/fr.toml", FR_HELPLINES);
    assert!(fr.is_ok(), "the repository's fr.toml is valid");
    fuzz(
        "helplines",
        "any text",
        (file(), any_text(300), instant()),
        helpline_property,
    );
    fuzz(
        "helplines",
        "mutations of fr.toml",
        (file(), mutated(FR_HELPLINES), instant()),
        helpline_property,
    );
}
