//! Benchmark (not a test): `/stats` over 1,000,000 statistics rows of one server on `SQLite`.
//!
//! Run with `cargo bench --bench stats`. Prints the time to read the aggregates and publish
//! them (suppression included) for each period, as the median of several runs.

use std::time::{Duration, Instant};

use chrono::Utc;
use safe_button::domain::statistics::{self, DEFAULT_MIN_PUBLISHED_COUNT, Period};
use safe_button::store::Store;
use sqlx::Connection;

const ROWS: u64 = 1_000_000;
const GUILD_ID: i64 = 1_000_000_000_000_001;
const RUNS: usize = 7;

#[tokio::main]
async fn main() {
    let folder = tempfile::TempDir::new().expect("a temporary folder");
    let url = format!("sqlite://{}", folder.path().join("bench.db").display());
    let store = Store::connect(&url, 5).await.expect("open SQLite");
    store.migrate().await.expect("migrate");

    let started = Instant::now();
    let mut connection = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    // One year of events, spread over every hour, every reason and kind, 50,000 members.
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {ROWS})
         INSERT INTO stats_events (guild_id, occurred_hour, kind, reason, action,
                                   duration_seconds, help_card_delivered, reported_pseudonym,
                                   created_at)
         SELECT {GUILD_ID},
                strftime('%Y-%m-%dT%H', 'now', '-' || (i % 8760) || ' hours'),
                CASE WHEN i % 10 < 7 THEN 'case_opened'
                     WHEN i % 10 = 7 THEN 'report_merged'
                     WHEN i % 10 = 8 THEN 'protective_action'
                     ELSE 'moderator_action' END,
                CASE i % 8 WHEN 0 THEN 'harassment' WHEN 1 THEN 'insults-hate'
                           WHEN 2 THEN 'threats' WHEN 3 THEN 'sexual-content'
                           WHEN 4 THEN 'doxxing' WHEN 5 THEN 'impersonation'
                           WHEN 6 THEN 'self-harm' ELSE 'other' END,
                CASE WHEN i % 10 = 8 THEN (CASE WHEN i % 3 = 0 THEN 'shield' ELSE 'mute' END)
                     WHEN i % 10 = 9 THEN 'claim' END,
                CASE WHEN i % 10 = 9 THEN i % 86400 END,
                CASE WHEN i % 10 < 8 THEN (i % 7 <> 0) END,
                CASE WHEN i % 10 < 8 THEN printf('%064x', i % 50000) END,
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (i % 8760) || ' hours')
         FROM n"
    )))
    .execute(&mut connection)
    .await
    .expect("insert the rows");
    sqlx::query("ANALYZE")
        .execute(&mut connection)
        .await
        .expect("analyze");
    println!(
        "inserted {ROWS} statistics rows in {:.1?}",
        started.elapsed()
    );

    let today = Utc::now().date_naive();
    for (name, period) in [
        ("1 week", Period::Week1),
        ("4 weeks", Period::Weeks4),
        ("13 weeks", Period::Weeks13),
        ("52 weeks", Period::Weeks52),
    ] {
        let (first_day, last_day) = period.days(today);
        let mut timings: Vec<Duration> = Vec::with_capacity(RUNS);
        let mut cases = 0;
        for _ in 0..RUNS {
            let started = Instant::now();
            let aggregates = store
                .stats_aggregates(GUILD_ID, first_day, last_day)
                .await
                .expect("aggregates");
            let published = statistics::compile(
                &aggregates,
                first_day,
                last_day,
                u64::from(DEFAULT_MIN_PUBLISHED_COUNT),
            );
            timings.push(started.elapsed());
            cases = aggregates
                .cases_by_day
                .iter()
                .map(|(_, _, count)| count)
                .sum::<u64>();
            std::hint::black_box(published);
        }
        timings.sort();
        println!(
            "/stats {name:>9}: median {:>8.1?}  (min {:.1?}, max {:.1?}, {RUNS} runs, {cases} cases in the period)",
            timings[RUNS / 2],
            timings[0],
            timings[RUNS - 1]
        );
    }
    store.close().await;
}
