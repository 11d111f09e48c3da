//! The bot's log filter. Nothing logged at `info` or above may carry a token, message content
//! or report text (SPEC §7), including what dependencies log: serenity's gateway client logs
//! a frame it cannot decode in full at `warn` (`serenity::gateway::ws`, "Err deserializing
//! text: …; text: {payload}"), interaction token and report details included.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;

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
