//! Log captures in memory, through the bot's own filter (`safe_button::logging::filter`), so
//! tests see exactly the lines an operator running at `info` would see.

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
