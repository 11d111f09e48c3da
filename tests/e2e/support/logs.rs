//! Log captures in memory, through the bot's own filter (`safe_button::logging::filter`), so
//! tests see exactly the lines an operator running at `info` would see.
//!
//! One capture covers the whole suite, in the JSON format (`logging.format = "json"`): the
//! fake Discord registers every interaction token, report text and message content it
//! carries as a secret, every test app the names of its world's members, and checks at stop
//! that every captured line is a JSON object, and that none holds a secret (nor the bot
//! token) or a member's name.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use safe_button::logging::LogFormat;
use serde_json::Value;
use tracing::subscriber::DefaultGuard;

use super::fake_discord::FakeDiscordConfig;

/// What a capture has written so far, shared with its writer.
#[derive(Clone, Debug, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(PoisonError::into_inner)).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bot's own subscriber, writing in `format` the lines `spec` lets through its filter
/// into `captured`.
fn subscriber(
    format: LogFormat,
    spec: &str,
    captured: &Captured,
) -> Box<dyn tracing::Subscriber + Send + Sync> {
    let writer = captured.clone();
    safe_button::logging::subscriber(format, spec, move || writer.clone(), false)
}

/// Captures, at `info` and in the human format, what this thread logs until the guard is
/// dropped: everything a `#[tokio::test]` (one thread) and the bot it spawns log.
pub fn capture_this_thread() -> (Captured, DefaultGuard) {
    let captured = Captured::default();
    let guard = tracing::subscriber::set_default(subscriber(LogFormat::Human, "info", &captured));
    (captured, guard)
}

/// Shorter strings are not registered as secrets: they could occur in any log line.
const MIN_SECRET_CHARS: usize = 8;

/// The suite-wide capture at `info` (every thread without a capture of its own) and the
/// strings no line of it may contain.
struct Suite {
    captured: Captured,
    secrets: Mutex<Vec<String>>,
    /// The fake's members' user names and display names.
    names: Mutex<Vec<String>>,
}

static SUITE: std::sync::OnceLock<Suite> = std::sync::OnceLock::new();

fn suite() -> &'static Suite {
    SUITE.get_or_init(|| {
        let captured = Captured::default();
        // Fails only if another global subscriber exists: none does in this binary.
        let _ =
            tracing::subscriber::set_global_default(subscriber(LogFormat::Json, "info", &captured));
        Suite {
            captured,
            secrets: Mutex::new(vec![super::app::TEST_TOKEN.to_owned()]),
            names: Mutex::default(),
        }
    })
}

/// Starts the suite-wide capture (once; every spawned app calls it).
pub fn capture_suite() {
    suite();
}

/// Where the suite-wide capture stands now, for [`suite_lines_since`].
pub fn suite_mark() -> usize {
    suite().captured.text().len()
}

/// The suite-wide capture's lines since `mark` containing `needle` (other tests running
/// meanwhile log there too).
pub fn suite_lines_since(mark: usize, needle: &str) -> Vec<String> {
    let text = suite().captured.text();
    text.get(mark..)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains(needle))
        .map(str::to_owned)
        .collect()
}

/// Registers a string the bot must never log at `info`: an interaction token, report text,
/// message content. Short strings are ignored.
pub fn register_secret(secret: &str) {
    if secret.chars().count() < MIN_SECRET_CHARS {
        return;
    }
    let mut secrets = suite()
        .secrets
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if !secrets.iter().any(|known| known == secret) {
        secrets.push(secret.to_owned());
    }
}

/// Registers the user and display names of `world`'s members (the bot's own aside), which
/// no log line may hold at `info`.
pub fn register_member_names(world: &FakeDiscordConfig) {
    let users = world
        .guilds
        .iter()
        .flat_map(|guild| &guild.members)
        .map(|member| &member.user)
        .filter(|user| user.id != world.bot.id);
    let mut names = suite().names.lock().unwrap_or_else(PoisonError::into_inner);
    for name in users.flat_map(|user| std::iter::once(&user.username).chain(&user.global_name)) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
}

/// Each line of `text` that is not a JSON object, and each (name, line) where a string in a
/// line's object holds one of `names`.
pub fn json_problems(text: &str, names: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for line in text.lines() {
        let Ok(Value::Object(object)) = serde_json::from_str::<Value>(line) else {
            problems.push(format!("not a JSON object: {line}"));
            continue;
        };
        let mut values: Vec<&Value> = object.values().collect();
        while let Some(value) = values.pop() {
            match value {
                Value::String(text) => problems.extend(
                    names
                        .iter()
                        .filter(|name| text.contains(name.as_str()))
                        .map(|name| format!("the name {name:?} in: {line}")),
                ),
                Value::Array(items) => values.extend(items),
                Value::Object(fields) => values.extend(fields.values()),
                _ => {}
            }
        }
    }
    problems
}

/// The lines of `text` that contain one of `secrets`, with the secret found.
pub fn leaked<'a>(text: &'a str, secrets: &'a [String]) -> Vec<(&'a str, &'a str)> {
    text.lines()
        .flat_map(|line| {
            secrets
                .iter()
                .filter(move |secret| line.contains(secret.as_str()))
                .map(move |secret| (secret.as_str(), line))
        })
        .collect()
}

/// What the bot logs when it shows a Fluent id for want of its text.
const MISSING_FLUENT: &str = "missing Fluent message";

/// The lines of `text` telling of a text shown as its bare Fluent id.
pub fn untranslated(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.contains(MISSING_FLUENT))
        .collect()
}

/// Fails when a line captured so far in the suite carries a registered secret, or tells of
/// a text missing from the locales.
pub fn assert_clean_logs() {
    let suite = suite();
    let text = suite.captured.text();
    let secrets = suite
        .secrets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let leaks = leaked(&text, &secrets);
    assert!(
        leaks.is_empty(),
        "{} log line(s) at info carry a secret:\n{leaks:#?}",
        leaks.len()
    );
    let names = suite
        .names
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    // Every text the bot shows exists in every shipped language: a fallback to a bare
    // Fluent id is a bug the whole suite watches for.
    let untranslated = untranslated(&text);
    assert!(
        untranslated.is_empty(),
        "{} untranslated text(s) shown:\n{untranslated:#?}",
        untranslated.len()
    );
    let problems = json_problems(&text, &names);
    assert!(
        problems.is_empty(),
        "{} problem(s) in the JSON log lines:\n{problems:#?}",
        problems.len()
    );
}

/// How many lines the suite-wide capture holds now (each checked to be a JSON object).
pub fn suite_line_count() -> usize {
    suite().captured.text().lines().count()
}

#[test]
fn the_checker_finds_a_secret_in_any_line_and_nothing_else() {
    let secrets = vec![
        "fake-interaction-token-42".to_owned(),
        "il m'insulte depuis lundi".to_owned(),
    ];
    let text = "INFO safe_button: report recorded case=AB12\n\
                WARN serenity: text: {\"token\":\"fake-interaction-token-42\"}\n\
                INFO safe_button: details=\"il m'insulte depuis lundi\"";
    let leaks = leaked(text, &secrets);
    assert_eq!(leaks.len(), 2, "{leaks:?}");
    assert_eq!(leaks[0].0, "fake-interaction-token-42");
    assert_eq!(leaks[1].0, "il m'insulte depuis lundi");
    assert!(leaked("INFO safe_button: report recorded", &secrets).is_empty());
}

#[test]
fn the_untranslated_checker_finds_the_missing_message_warning_only() {
    let texts = safe_button::i18n::Texts::embedded().unwrap();
    let (captured, _guard) = capture_this_thread();
    assert_eq!(texts.text("fr", "help-card-hours-label"), "Horaires");
    assert!(untranslated(&captured.text()).is_empty());
    assert_eq!(texts.text("fr", "queue-detail-10m"), "queue-detail-10m");
    let lines = captured.text();
    assert_eq!(untranslated(&lines).len(), 1, "{lines}");
}

#[test]
fn the_json_checker_finds_plain_lines_and_names_anywhere_in_an_object() {
    let names = vec!["alice.martin".to_owned()];
    let text = "{\"level\":\"INFO\",\"message\":\"report recorded\"}\n\
                INFO safe_button: report recorded\n\
                {\"level\":\"INFO\",\"span\":{\"user\":\"alice.martin\"}}\n\
                [1, 2]";
    let problems = json_problems(text, &names);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("not a JSON object: INFO"));
    assert!(problems[1].starts_with("the name \"alice.martin\""));
    assert!(problems[2].starts_with("not a JSON object: [1, 2]"));
    assert!(json_problems("{\"message\":\"connected\"}", &names).is_empty());
}
