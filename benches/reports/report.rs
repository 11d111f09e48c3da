//! The printed tables.

use std::time::Duration;

use crate::databases::Backend;
use crate::drive::{Mode, Outcome};
use crate::stack_floor::StackFloor;

pub fn header(backend: &Backend, mode: Mode, prefill: usize) {
    println!();
    println!(
        "== {}, {mode} targets, {prefill} past cases ==",
        backend.name()
    );
    println!(
        "{:>4} {:>7} {:>7} {:>6} {:>6} {:>5} {:>5} {:>11} {:>11} {:>11} {:>11} {:>5} {:>5} {:>8} {:>5}",
        "C",
        "rep/s",
        "cpu ms",
        "floor",
        "ratio",
        "fake",
        "RSS",
        "ack p50/99",
        "ans p50/99",
        "DM p50/99",
        "queue 50/99",
        "REST",
        "SQL",
        "lost/dup",
        "stop"
    );
}

pub fn row(level: usize, outcome: &Outcome, sql: f64, stack: &StackFloor) {
    let per_report = |total: f64| total / outcome.reports as f64;
    let cpu = per_report(outcome.bot.cpu_ms);
    let floors = &outcome.floors;
    println!(
        "{level:>4} {:>7.0} {cpu:>7.2} {:>6.2} {:>6.1} {:>5.2} {:>5.1} {:>11} {:>11} {:>11} {:>11} {:>5.1} {:>5.1} {:>8} {:>5.1}",
        outcome.reports as f64 / outcome.elapsed.as_secs_f64(),
        floors.cpu_ms,
        cpu / floors.cpu_ms.max(f64::EPSILON),
        per_report(outcome.fake_cpu_ms),
        outcome.bot.rss_peak_kib as f64 / 1024.0,
        percentiles(&outcome.ack),
        percentiles(&outcome.answer),
        percentiles(&outcome.dm),
        percentiles(&outcome.queue),
        outcome.routes.values().sum::<usize>() as f64 / outcome.reports as f64,
        sql,
        format!("{}/{}", lost(outcome), duplicated(outcome)),
        outcome.bot.stop.as_secs_f64(),
    );
    let floor_step = floors.transaction + 2 * floors.request;
    println!(
        "     floors: transaction {}, request {}, CPU of 1 transaction + {} requests; ack floor {} (x{:.1}), answer/DM/queue floor {} (x{:.1}/x{:.1}/x{:.1}); {:.0} context switches/report",
        ms(floors.transaction),
        ms(floors.request),
        floors.calls,
        ms(floors.request),
        ratio(&outcome.ack, floors.request),
        ms(floor_step),
        ratio(&outcome.answer, floor_step),
        ratio(&outcome.dm, floor_step),
        ratio(&outcome.queue, floor_step),
        per_report(outcome.bot.context_switches as f64),
    );
    println!(
        "     forwarder hop: request {} -> {} through it, +{:.3} ms CPU per request (x{} calls = {:.2} ms/report)",
        ms(floors.request),
        ms(floors.forwarded),
        floors.forwarding_cpu_ms,
        floors.calls,
        floors.forwarding_cpu_ms * floors.calls as f64,
    );
    stack_floor_line(cpu, outcome, stack);
    println!(
        "     one statement's round trip on this database: {:.3} ms CPU (x{sql:.1} statements = {:.2} ms/report)",
        floors.statement_cpu_ms,
        floors.statement_cpu_ms * sql,
    );
    let routes: Vec<String> = outcome
        .routes
        .iter()
        .map(|(route, calls)| format!("{route} {:.2}", *calls as f64 / outcome.reports as f64))
        .collect();
    println!("     REST per report: {}", routes.join(", "));
    println!(
        "     delivered: every help card DM and queue post out {:.2} s after the first report: {:.0} reports/s",
        outcome.delivered.as_secs_f64(),
        outcome.reports as f64 / outcome.delivered.as_secs_f64().max(f64::EPSILON),
    );
}

fn lost(outcome: &Outcome) -> usize {
    let missing = usize::try_from(-outcome.stored_minus_sent.min(0)).unwrap_or(0);
    missing.max(outcome.unanswered) + outcome.queue_missing
}

fn duplicated(outcome: &Outcome) -> usize {
    usize::try_from(outcome.stored_minus_sent.max(0)).unwrap_or(0) + outcome.dm_miscount
}

fn percentiles(samples: &[Duration]) -> String {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let at = |fraction: f64| {
        let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
        sorted.get(index).copied()
    };
    match (at(0.5), at(0.99)) {
        (Some(p50), Some(p99)) => format!("{}/{}", ms(p50), ms(p99)),
        _ => "-".to_owned(),
    }
}

/// The median over the floor.
fn ratio(samples: &[Duration], floor: Duration) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
    median.as_secs_f64() / floor.as_secs_f64().max(f64::EPSILON)
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// The same reports answered by a bot of serenity and poise alone ([`crate::stack_floor`]).
fn stack_floor_line(cpu: f64, outcome: &Outcome, stack: &StackFloor) {
    let stack_cpu = stack.bot.cpu_ms / stack.reports as f64;
    println!(
        "     stack floor (serenity + poise, the same REST calls, no database): {stack_cpu:.2} ms CPU/report (ours x{:.1}), RSS {:.1} MiB (ours x{:.1}), {:.0} reports/s, {:.0} context switches/report, {} unanswered",
        cpu / stack_cpu.max(f64::EPSILON),
        stack.bot.rss_peak_kib as f64 / 1024.0,
        outcome.bot.rss_peak_kib as f64 / (stack.bot.rss_peak_kib.max(1) as f64),
        stack.reports as f64 / stack.elapsed.as_secs_f64().max(f64::EPSILON),
        stack.bot.context_switches as f64 / stack.reports as f64,
        stack.unanswered,
    );
}
