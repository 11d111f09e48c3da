//! Load benchmark (not a test) of the report path: `cargo bench --bench reports`.
//!
//! For each database (SQLite, and PostgreSQL when `TEST_POSTGRES_URL` or `--postgres` names
//! one), each mode (distinct targets: a case per report; one target: every report merged
//! into one case) and each concurrency level, it starts the project's fake Discord (body
//! validation off) and the real bot binary as a child process on a fresh database, files N
//! `/report` interactions from distinct members with that many in flight, and prints what
//! one report costs and how long each step took, beside the floors measured in the same run
//! by a bare client process (one report-sized transaction, one loopback request) and by a
//! bot of serenity and poise alone (the stack's floor). See the
//! README's "Benchmarks" section for what each column means.

// A benchmark turns counts and durations into printed figures: far from 2^52, always
// positive.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]

mod bot;
mod databases;
mod drive;
mod floor;
mod report;
mod stack_floor;

// The test suite's fake Discord, under the lints its own crate sets for it
// (tests/e2e/main.rs).
#[path = "../../tests/e2e/support/fake_discord/mod.rs"]
#[allow(
    clippy::too_many_lines,
    clippy::needless_pass_by_value,
    clippy::assigning_clones,
    clippy::wildcard_imports
)]
mod fake_discord;

/// The fake Discord registers interaction tokens as secrets for the test suite's log scan;
/// the benchmark scans no logs.
mod support {
    pub mod logs {
        pub fn register_secret(_secret: &str) {}
    }
}

use clap::Parser;

use databases::Backend;
use drive::Mode;

#[derive(Parser, Debug)]
#[command(about = "Load benchmark of the report path")]
struct Args {
    /// Concurrency levels (reports in flight).
    #[arg(long, value_delimiter = ',', default_values_t = [1, 10, 50, 200])]
    levels: Vec<usize>,
    /// Reports per level: at least this many, and at least 10 times the concurrency.
    #[arg(long, default_value_t = 400)]
    reports: usize,
    /// Past cases (with their reports and statistics) written before the runs.
    #[arg(long, default_value_t = 0)]
    prefill: usize,
    /// PostgreSQL server URL (a database is created per run); default `TEST_POSTGRES_URL`.
    #[arg(long, env = "TEST_POSTGRES_URL")]
    postgres: Option<String>,
    /// Only SQLite.
    #[arg(long)]
    sqlite_only: bool,
    /// Only these modes.
    #[arg(long, value_delimiter = ',', default_values_t = [Mode::Distinct, Mode::Merged])]
    modes: Vec<Mode>,
    /// Print the statements of one report, by kind.
    #[arg(long)]
    sql_breakdown: bool,
    /// Keep the counting pass's statement log (the last one run) in this file, e.g. to
    /// look at the query plans of every statement.
    #[arg(long)]
    sql_log: Option<std::path::PathBuf>,
    /// Another build of the bot to measure (default: the one built with this benchmark),
    /// for a before/after run on the same machine; it must know every migration this
    /// benchmark applies to the databases it prepares.
    #[arg(long)]
    bot: Option<std::path::PathBuf>,
    /// Set by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
    /// Run as the floor's bare client (internal).
    #[arg(long, hide = true, num_args = 3, value_names = ["DATABASE", "API", "CALLS"])]
    floor_client: Option<Vec<String>>,
    /// Run as the stack floor's bot against this REST base (internal).
    #[arg(long, hide = true, value_name = "API")]
    stack_floor_bot: Option<String>,
}

fn main() {
    let args = Args::parse();
    if let Some(floor) = &args.floor_client {
        floor::client_main(&floor[0], &floor[1], floor[2].parse().unwrap_or(1));
        return;
    }
    if let Some(api_base) = &args.stack_floor_bot {
        stack_floor::bot_main(api_base);
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    runtime.block_on(run(args));
}

async fn run(args: Args) {
    if let Some(binary) = args.bot.clone() {
        bot::use_binary(binary);
    }
    let mut backends = vec![Backend::Sqlite];
    match (&args.postgres, args.sqlite_only) {
        (Some(url), false) => backends.push(Backend::Postgres(url.clone())),
        (None, false) => println!("(PostgreSQL skipped: set TEST_POSTGRES_URL or --postgres)"),
        _ => {}
    }
    for backend in backends {
        let template = databases::Template::prepare(&backend, args.prefill).await;
        for &mode in &args.modes {
            report::header(&backend, mode, args.prefill);
            let sql = drive::count_statements(
                &template,
                mode,
                args.sql_breakdown,
                args.sql_log.as_deref(),
            )
            .await;
            for &level in &args.levels {
                let reports = args.reports.max(level * 10);
                let outcome = drive::level(&template, mode, level, reports).await;
                let stack = stack_floor::measure(mode, level, reports).await;
                report::row(level, &outcome, sql, &stack);
            }
        }
        template.remove().await;
    }
}
