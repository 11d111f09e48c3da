//! What the adapter counts in the metrics: reports and their cases, how deliveries end, and
//! the retention purges. Labels are the bot's own codes only (see [`crate::metrics`]).

use std::time::Duration;

use crate::domain::case::ReportSource;
use crate::domain::delivery::DeliveryKind;
use crate::metrics::{self, Metrics};
use crate::store::{Finished, PurgeReport, StoreError};

/// A report stored: its source, and whether it opened a case or joined one.
pub fn report_recorded(metrics: &Metrics, source: ReportSource, merged: bool) {
    let source = source.as_str();
    metrics.count(
        metrics::REPORTS,
        &[("source", source), ("outcome", "recorded")],
    );
    let change = if merged { "merged" } else { "opened" };
    metrics.count(metrics::CASES, &[("change", change)]);
}

/// A report the database did not take (the reporter still gets the help card).
pub fn report_not_recorded(metrics: &Metrics, source: ReportSource) {
    metrics.count(
        metrics::REPORTS,
        &[("source", source.as_str()), ("outcome", "store_failed")],
    );
}

/// A delivery attempt that took `took`.
pub fn delivery_attempted(metrics: &Metrics, kind: DeliveryKind, took: Duration) {
    metrics.observe(metrics::DELIVERY_SECONDS, &[("kind", kind.as_str())], took);
}

/// A delivery that ended: carried out, or refused for good.
pub fn delivery_finished(metrics: &Metrics, kind: DeliveryKind, finished: &Finished) {
    let outcome = match finished {
        Finished::Posted { .. } => "posted",
        Finished::Done => "done",
        Finished::Refused(_) => "refused",
    };
    delivery_ended(metrics, kind, outcome);
}

/// A delivery attempt that failed and is retried: `why` is the failure's code.
pub fn delivery_retried(metrics: &Metrics, kind: DeliveryKind, why: &'static str) {
    delivery_ended(metrics, kind, why);
}

fn delivery_ended(metrics: &Metrics, kind: DeliveryKind, outcome: &'static str) {
    metrics.count(
        metrics::DELIVERIES,
        &[("kind", kind.as_str()), ("outcome", outcome)],
    );
}

/// An hourly retention purge: whether it ran, and the rows it removed.
pub fn purge_ended(metrics: &Metrics, purged: &Result<Option<PurgeReport>, StoreError>) {
    let outcome = match purged {
        Ok(Some(_)) => "ran",
        Ok(None) => "skipped",
        Err(_) => "failed",
    };
    metrics.count(metrics::RETENTION_PURGES, &[("outcome", outcome)]);
    let Ok(Some(report)) = purged else {
        return;
    };
    let rows = [
        ("evidence", report.evidence_rows),
        ("report_details", report.report_details),
        ("question_texts", report.question_texts),
        ("statistics", report.statistics_rows),
        ("statistics_links", report.statistics_links),
        ("pending_reports", report.pending_reports),
    ];
    for (what, count) in rows {
        metrics.add(metrics::RETENTION_PURGED_ROWS, &[("what", what)], count);
    }
}
