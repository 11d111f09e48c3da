//! Log captures in memory, through the bot's own filter (`safe_button::logging::filter`), so
//! tests see exactly the lines an operator running at `info` would see.
//!
//! One capture covers the whole suite: the fake Discord registers every interaction token,
//! report text and message content it carries as a secret, and every test app checks at stop
//! that no captured line holds one (nor the bot token).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::subscriber::DefaultGuard;

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

/// A subscriber writing the lines `spec` lets through the bot's filter into `captured`.
fn subscriber(spec: &str, captured: &Captured) -> impl tracing::Subscriber + Send + Sync {
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter(safe_button::logging::filter(spec))
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
}

/// Captures, at `info`, what this thread logs until the guard is dropped: everything a
/// `#[tokio::test]` (one thread) and the bot it spawns log.
pub fn capture_this_thread() -> (Captured, DefaultGuard) {
    let captured = Captured::default();
    let guard = tracing::subscriber::set_default(subscriber("info", &captured));
    (captured, guard)
}

/// Shorter strings are not registered as secrets: they could occur in any log line.
const MIN_SECRET_CHARS: usize = 8;

/// The suite-wide capture at `info` (every thread without a capture of its own) and the
/// strings no line of it may contain.
struct Suite {
    captured: Captured,
    secrets: Mutex<Vec<String>>,
}

static SUITE: std::sync::OnceLock<Suite> = std::sync::OnceLock::new();

fn suite() -> &'static Suite {
    SUITE.get_or_init(|| {
        let captured = Captured::default();
        // Fails only if another global subscriber exists: none does in this binary.
        let _ = tracing::subscriber::set_global_default(subscriber("info", &captured));
        Suite {
            captured,
            secrets: Mutex::new(vec![super::app::TEST_TOKEN.to_owned()]),
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

/// Fails when a line captured so far in the suite carries a registered secret.
pub fn assert_no_secret_logged() {
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
