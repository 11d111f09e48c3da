//! What an operator watches: the bot's counters, gauges and histograms, rendered in the
//! Prometheus text format by the optional listener (`[metrics] listen`, see [`http`]).
//!
//! Every process has its own recorder (no global one), so two bots in one process, as in
//! the tests, never mix their figures. Label values are `&'static str`: a label can only
//! hold one of the bot's own codes (a kind, an outcome, a route group), never a user id,
//! guild id, case reference or text, which keeps the series few and the scrape private.

pub mod http;

use std::sync::Arc;
use std::time::Duration;

use metrics::{Key, KeyName, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};

/// Reports filed, by `source` (slash, message or user menu) and `outcome`.
pub const REPORTS: &str = "safe_button_reports_total";
/// Stored reports by what they did to cases: `change` is `opened` or `merged`.
pub const CASES: &str = "safe_button_cases_total";
/// Protective actions recorded, by `kind`, `requested_by` and `result`.
pub const PROTECTIVE_ACTIONS: &str = "safe_button_protective_actions_total";
/// Delivery attempts that ended, by `kind` and `outcome`.
pub const DELIVERIES: &str = "safe_button_deliveries_total";
/// How long a delivery attempt took, by `kind`.
pub const DELIVERY_SECONDS: &str = "safe_button_delivery_seconds";
/// Deliveries due and not carried out yet.
pub const DELIVERY_BACKLOG: &str = "safe_button_delivery_backlog";
/// How long the oldest due delivery has waited.
pub const DELIVERY_OLDEST_DUE_SECONDS: &str = "safe_button_delivery_oldest_due_seconds";
/// Discord REST responses, by `route` group and `status`.
pub const DISCORD_REQUESTS: &str = "safe_button_discord_requests_total";
/// Discord's JSON error codes on refusals, by `route` group and `code`.
pub const DISCORD_ERRORS: &str = "safe_button_discord_errors_total";
/// The waits a 429 imposed, by `route` group.
pub const DISCORD_RATE_LIMIT_WAIT_SECONDS: &str = "safe_button_discord_rate_limit_wait_seconds";
/// From an interaction's creation to its acknowledgement reaching the REST forwarder.
pub const INTERACTION_ACK_SECONDS: &str = "safe_button_interaction_ack_seconds";
/// Shards of this process that should be connected, and those that are.
pub const GATEWAY_SHARDS: &str = "safe_button_gateway_shards";
pub const GATEWAY_SHARDS_CONNECTED: &str = "safe_button_gateway_shards_connected";
/// The slowest heartbeat round trip among the shards.
pub const GATEWAY_LATENCY_SECONDS: &str = "safe_button_gateway_latency_seconds";
/// Database connections, by `state` (`idle`, `in_use`), and the pool's bound.
pub const DB_CONNECTIONS: &str = "safe_button_db_connections";
pub const DB_MAX_CONNECTIONS: &str = "safe_button_db_max_connections";
/// How long transactions lasted from begin to end, by `end` (`commit`, `rollback`).
pub const DB_TRANSACTION_SECONDS: &str = "safe_button_db_transaction_seconds";
/// Retention purges, by `outcome` (`ran`, `skipped` for another process's, `failed`).
pub const RETENTION_PURGES: &str = "safe_button_retention_purges_total";
/// Rows the retention purge removed, by `what`.
pub const RETENTION_PURGED_ROWS: &str = "safe_button_retention_purged_rows_total";

/// Seconds, from 5 ms (a transaction) to 30 s (a delivery through a slow Discord).
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// The `# HELP` line of every metric.
const DESCRIPTIONS: [(Kind, &str, &str); 19] = [
    (
        Kind::Counter,
        REPORTS,
        "Reports filed, by source and outcome.",
    ),
    (
        Kind::Counter,
        CASES,
        "Stored reports that opened a case or joined one.",
    ),
    (
        Kind::Counter,
        PROTECTIVE_ACTIONS,
        "Protective actions recorded, by kind, requester and result.",
    ),
    (
        Kind::Counter,
        DELIVERIES,
        "Delivery attempts ended, by kind and outcome.",
    ),
    (
        Kind::Histogram,
        DELIVERY_SECONDS,
        "Duration of delivery attempts, by kind.",
    ),
    (
        Kind::Gauge,
        DELIVERY_BACKLOG,
        "Deliveries due and not carried out yet.",
    ),
    (
        Kind::Gauge,
        DELIVERY_OLDEST_DUE_SECONDS,
        "Age of the oldest due delivery.",
    ),
    (
        Kind::Counter,
        DISCORD_REQUESTS,
        "Discord REST responses, by route group and status.",
    ),
    (
        Kind::Counter,
        DISCORD_ERRORS,
        "Discord JSON error codes, by route group and code.",
    ),
    (
        Kind::Histogram,
        DISCORD_RATE_LIMIT_WAIT_SECONDS,
        "Waits imposed by HTTP 429, by route group.",
    ),
    (
        Kind::Histogram,
        INTERACTION_ACK_SECONDS,
        "From an interaction's creation to its acknowledgement.",
    ),
    (
        Kind::Gauge,
        GATEWAY_SHARDS,
        "Gateway shards this process runs.",
    ),
    (
        Kind::Gauge,
        GATEWAY_SHARDS_CONNECTED,
        "Gateway shards of this process connected now.",
    ),
    (
        Kind::Gauge,
        GATEWAY_LATENCY_SECONDS,
        "Slowest gateway heartbeat round trip among the shards.",
    ),
    (
        Kind::Gauge,
        DB_CONNECTIONS,
        "Database pool connections, by state.",
    ),
    (Kind::Gauge, DB_MAX_CONNECTIONS, "Database pool bound."),
    (
        Kind::Histogram,
        DB_TRANSACTION_SECONDS,
        "Duration of database transactions, by end.",
    ),
    (
        Kind::Counter,
        RETENTION_PURGES,
        "Retention purges, by outcome.",
    ),
    (
        Kind::Counter,
        RETENTION_PURGED_ROWS,
        "Rows removed by retention purges, by kind of row.",
    ),
];

/// Labels: fixed names, values from the bot's own codes.
pub type Labels<'a> = &'a [(&'static str, &'static str)];

static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, None);

/// This process's metrics; cheap to clone. [`Metrics::default`] records nothing (metrics off).
#[derive(Clone, Default)]
pub struct Metrics {
    recorder: Option<Arc<PrometheusRecorder>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("recording", &self.recorder.is_some())
            .finish()
    }
}

impl Metrics {
    /// A recorder of its own, every metric described.
    pub fn recording() -> Metrics {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        for (kind, name, help) in DESCRIPTIONS {
            let (name, help) = (KeyName::from_const_str(name), SharedString::const_str(help));
            match kind {
                Kind::Counter => recorder.describe_counter(name, None, help),
                Kind::Gauge => recorder.describe_gauge(name, None, help),
                Kind::Histogram => recorder.describe_histogram(name, Some(Unit::Seconds), help),
            }
        }
        Metrics {
            recorder: Some(Arc::new(recorder)),
        }
    }

    /// The Prometheus text of every metric recorded so far (empty when off).
    pub fn render(&self) -> String {
        self.recorder
            .as_ref()
            .map(|recorder| recorder.handle().render())
            .unwrap_or_default()
    }

    /// Adds `by` to a counter.
    pub fn add(&self, name: &'static str, labels: Labels<'_>, by: u64) {
        if let Some(recorder) = &self.recorder {
            recorder
                .register_counter(&key(name, labels), &METADATA)
                .increment(by);
        }
    }

    /// Adds one to a counter.
    pub fn count(&self, name: &'static str, labels: Labels<'_>) {
        self.add(name, labels, 1);
    }

    /// Records a duration in a histogram.
    pub fn observe(&self, name: &'static str, labels: Labels<'_>, took: Duration) {
        if let Some(recorder) = &self.recorder {
            recorder
                .register_histogram(&key(name, labels), &METADATA)
                .record(took.as_secs_f64());
        }
    }

    /// Sets a gauge.
    pub fn set(&self, name: &'static str, labels: Labels<'_>, value: f64) {
        if let Some(recorder) = &self.recorder {
            recorder
                .register_gauge(&key(name, labels), &METADATA)
                .set(value);
        }
    }
}

fn key(name: &'static str, labels: Labels<'_>) -> Key {
    let labels: Vec<Label> = labels
        .iter()
        .map(|&(label, value)| Label::from_static_parts(label, value))
        .collect();
    Key::from_parts(name, labels)
}

/// Discord's JSON error codes that get their own label value; any other is `other`.
pub fn error_code_label(code: i64) -> &'static str {
    match code {
        10003 => "10003",
        10004 => "10004",
        10007 => "10007",
        10008 => "10008",
        10062 => "10062",
        40003 => "40003",
        50001 => "50001",
        50007 => "50007",
        50013 => "50013",
        50035 => "50035",
        _ => "other",
    }
}

/// The HTTP statuses that get their own label value; any other is given as its class.
const DISTINCT_STATUSES: [&str; 11] = [
    "200", "201", "204", "400", "401", "403", "404", "429", "500", "502", "503",
];

/// An HTTP status as a label value: the statuses the bot tells apart, else the class.
pub fn status_label(status: u16) -> &'static str {
    let text = status.to_string();
    if let Some(known) = DISTINCT_STATUSES.iter().find(|known| **known == text) {
        return known;
    }
    match status {
        100..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_values_render_with_their_labels_and_off_renders_nothing() {
        let metrics = Metrics::recording();
        metrics.count(REPORTS, &[("source", "slash"), ("outcome", "recorded")]);
        metrics.count(REPORTS, &[("source", "slash"), ("outcome", "recorded")]);
        metrics.observe(
            DELIVERY_SECONDS,
            &[("kind", "help_card")],
            Duration::from_millis(20),
        );
        let text = metrics.render();
        assert!(
            text.contains(r#"safe_button_reports_total{source="slash",outcome="recorded"} 2"#),
            "{text}"
        );
        assert!(text.contains("# HELP safe_button_reports_total"), "{text}");
        assert!(
            text.contains(r#"safe_button_delivery_seconds_bucket{kind="help_card",le="0.025"} 1"#),
            "{text}"
        );
        let off = Metrics::default();
        off.count(REPORTS, &[("source", "slash"), ("outcome", "recorded")]);
        assert_eq!(off.render(), "");
    }

    #[test]
    fn unknown_codes_and_statuses_fall_into_a_few_values() {
        assert_eq!(error_code_label(50013), "50013");
        assert_eq!(error_code_label(12345), "other");
        assert_eq!(status_label(429), "429");
        assert_eq!(status_label(418), "4xx");
        assert_eq!(status_label(599), "5xx");
    }
}
