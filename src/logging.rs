//! The bot's log filter. Nothing logged at `info` or above may carry a token, message content
//! or report text (SPEC §7), including what dependencies log: serenity's gateway client logs
//! a frame it cannot decode in full at `warn` (`serenity::gateway::ws`, "Err deserializing
//! text: …; text: {payload}"), interaction token and report details included.

use std::fmt;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;
use tracing_subscriber::fmt::MakeWriter;

/// How log lines are written (`logging.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One readable line an event, the default.
    Human,
    /// One JSON object a line, for log shippers: the event's fields at the top level beside
    /// `timestamp`, `level`, `target` and `span` (the enclosing span's name and fields).
    Json,
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Human => "human",
            LogFormat::Json => "json",
        })
    }
}

/// The bot's subscriber: what `spec` lets through [`filter`], in `format`, to `writer`
/// (`ansi`: colours, for a terminal).
pub fn subscriber<W>(
    format: LogFormat,
    spec: &str,
    writer: W,
    ansi: bool,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(spec))
        .with_writer(writer);
    match format {
        LogFormat::Human => Box::new(builder.with_ansi(ansi).finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

/// Dependency targets that log raw payloads, each capped at `error` whatever the configured
/// filter says (ours are added last, so they win over the operator's own directive for the
/// same target). serenity still reports the undecodable frame, without its text, as
/// "Unhandled error: Json(…)" on `serenity::gateway::shard`.
pub const PAYLOAD_LOGGING_TARGETS: [&str; 1] = ["serenity::gateway::ws"];

/// The filter for `spec` (a level or a tracing filter such as `safe_button=debug,info`, as
/// `logging.level` or `RUST_LOG` give it), with the payload-logging targets capped.
pub fn filter(spec: &str) -> EnvFilter {
    PAYLOAD_LOGGING_TARGETS
        .iter()
        .filter_map(|target| format!("{target}=error").parse::<Directive>().ok())
        .fold(EnvFilter::new(spec), EnvFilter::add_directive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cap_parses_and_wins_over_the_operators_directive() {
        for target in PAYLOAD_LOGGING_TARGETS {
            assert!(format!("{target}=error").parse::<Directive>().is_ok());
        }
        let filter = filter("serenity::gateway::ws=trace,debug").to_string();
        assert!(filter.contains("serenity::gateway::ws=error"), "{filter}");
        assert!(!filter.contains("serenity::gateway::ws=trace"), "{filter}");
    }
}
