//! Benchmark (not a test): `/stats` over a year of history, on `SQLite` and on `PostgreSQL`.
//!
//! Run with `cargo bench --bench stats` (`PostgreSQL` too when `TEST_POSTGRES_URL` names a
//! server the benchmark may create a database on). Each history is written as the previous
//! release's statistics events (10,000 or 1,000,000 reports' worth, for one server or spread
//! over 1,000) and folded into the roll-ups by the migration, as an upgraded database is.
//! Prints the fold's time, the roll-up rows, the time to read the aggregates and publish them
//! (suppression included) for each period as the median of several runs after a warm-up, and
//! the time to record a report on top of that history.

use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use safe_button::domain::case::ReportSource;
use safe_button::domain::pseudonym::Pseudonymizer;
use safe_button::domain::reason::Reason;
use safe_button::domain::statistics::{self, DEFAULT_MIN_PUBLISHED_COUNT, Period};
use safe_button::store::{NewReport, Store};
use sqlx::{AssertSqlSafe, Connection};

const GUILD_ID: i64 = 1_000_000_000_000_000;
const RUNS: usize = 7;
const REPORTS_WRITTEN: usize = 300;
/// The last migration before the roll-ups: the schema the history is written in.
const EVENTS_SCHEMA: i64 = 7;

const ROLL_UPS: [&str; 5] = [
    "stats_days",
    "stats_first_action_hours",
    "stats_first_action_minutes",
    "stats_reported_weeks",
    "stats_repeated_members",
];

/// A history: how many events, over how many servers (the first one is measured).
struct Shape {
    events: u64,
    servers: u64,
}

const SHAPES: [Shape; 3] = [
    Shape {
        events: 10_000,
        servers: 1,
    },
    Shape {
        events: 1_000_000,
        servers: 1,
    },
    Shape {
        events: 1_000_000,
        servers: 1_000,
    },
];

/// One year of events, spread over every hour, every reason and kind, 50,000 members;
/// `{servers}` servers take turns by ten events (so that each server gets every kind).
/// `SQLite` flavour.
const SQLITE_EVENTS: &str = "
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {events})
    INSERT INTO stats_events (guild_id, occurred_hour, kind, reason, action, duration_seconds,
                              help_card_delivered, reported_pseudonym, created_at)
    SELECT {guild} + (i / 10) % {servers},
           strftime('%Y-%m-%dT%H', 'now', '-' || (i % 8760) || ' hours'),
           CASE WHEN i % 10 < 7 THEN 'case_opened' WHEN i % 10 = 7 THEN 'report_merged'
                WHEN i % 10 = 8 THEN 'protective_action' ELSE 'moderator_action' END,
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
    FROM n";

/// The same events, `PostgreSQL` flavour.
const POSTGRES_EVENTS: &str = "
    INSERT INTO stats_events (guild_id, occurred_hour, kind, reason, action, duration_seconds,
                              help_card_delivered, reported_pseudonym, created_at)
    SELECT {guild} + (i / 10) % {servers},
           to_char(now() - (i % 8760) * interval '1 hour', 'YYYY-MM-DD\"T\"HH24'),
           CASE WHEN i % 10 < 7 THEN 'case_opened' WHEN i % 10 = 7 THEN 'report_merged'
                WHEN i % 10 = 8 THEN 'protective_action' ELSE 'moderator_action' END,
           CASE i % 8 WHEN 0 THEN 'harassment' WHEN 1 THEN 'insults-hate'
                      WHEN 2 THEN 'threats' WHEN 3 THEN 'sexual-content'
                      WHEN 4 THEN 'doxxing' WHEN 5 THEN 'impersonation'
                      WHEN 6 THEN 'self-harm' ELSE 'other' END,
           CASE WHEN i % 10 = 8 THEN (CASE WHEN i % 3 = 0 THEN 'shield' ELSE 'mute' END)
                WHEN i % 10 = 9 THEN 'claim' END,
           CASE WHEN i % 10 = 9 THEN i % 86400 END,
           CASE WHEN i % 10 < 8 THEN (i % 7 <> 0) END,
           CASE WHEN i % 10 < 8 THEN lpad(to_hex(i % 50000), 64, '0') END,
           now() - (i % 8760) * interval '1 hour'
    FROM generate_series(0, {events} - 1) AS i";

#[tokio::main]
async fn main() {
    for shape in &SHAPES {
        let folder = tempfile::TempDir::new().expect("a temporary folder");
        let url = format!("sqlite://{}", folder.path().join("bench.db").display());
        bench(&url, shape).await;
    }
    let Ok(server) = std::env::var("TEST_POSTGRES_URL") else {
        println!("TEST_POSTGRES_URL unset: PostgreSQL not measured");
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .expect("connect to PostgreSQL");
    for shape in &SHAPES {
        let name = format!("safe_button_bench_{}", std::process::id());
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create the benchmark database");
        let mut url = url::Url::parse(&server).expect("a URL");
        url.set_path(&format!("/{name}"));
        bench(url.as_str(), shape).await;
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
            .execute(&mut admin)
            .await
            .expect("drop the benchmark database");
    }
}

/// Writes the history at `url`, migrates it, and measures `/stats` and the report path.
async fn bench(url: &str, shape: &Shape) {
    let store = Store::connect(url, 5).await.expect("open the database");
    println!(
        "\n{}: {} events over {} server(s)",
        store.backend_name(),
        shape.events,
        shape.servers
    );
    write_events(url, shape).await;
    let started = Instant::now();
    store.migrate().await.expect("migrate");
    println!("  folded into the roll-ups in {:.1?}", started.elapsed());
    analyze(url).await;
    print_row_counts(url).await;
    measure_stats(&store).await;
    measure_reports(&store).await;
    store.close().await;
}

/// The schema before the roll-ups, and the history as its events.
async fn write_events(url: &str, shape: &Shape) {
    let started = Instant::now();
    let fill = |sql: &str| {
        sql.replace("{events}", &shape.events.to_string())
            .replace("{servers}", &shape.servers.to_string())
            .replace("{guild}", &GUILD_ID.to_string())
    };
    if url.starts_with("sqlite") {
        let mut connection = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::migrate!("./migrations/sqlite")
            .run_to(EVENTS_SCHEMA, &mut connection)
            .await
            .expect("migrate to the events");
        sqlx::query(AssertSqlSafe(fill(SQLITE_EVENTS)))
            .execute(&mut connection)
            .await
            .expect("insert the events");
    } else {
        let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::migrate!("./migrations/postgres")
            .run_to(EVENTS_SCHEMA, &mut connection)
            .await
            .expect("migrate to the events");
        sqlx::query(AssertSqlSafe(fill(POSTGRES_EVENTS)))
            .execute(&mut connection)
            .await
            .expect("insert the events");
    }
    println!("  events written in {:.1?}", started.elapsed());
}

async fn analyze(url: &str) {
    if url.starts_with("sqlite") {
        let mut connection = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query("ANALYZE")
            .execute(&mut connection)
            .await
            .expect("analyze");
    } else {
        let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query("ANALYZE")
            .execute(&mut connection)
            .await
            .expect("analyze");
    }
}

/// Each roll-up table's rows, for the measured server and in all.
async fn print_row_counts(url: &str) {
    for table in ROLL_UPS {
        let server = count(
            url,
            format!("SELECT COUNT(*) FROM {table} WHERE guild_id = {GUILD_ID}"),
        )
        .await;
        let all = count(url, format!("SELECT COUNT(*) FROM {table}")).await;
        println!("  {table:>27}: {server:>8} rows for the server, {all:>8} in all");
    }
}

async fn count(url: &str, sql: String) -> i64 {
    let sql = AssertSqlSafe(sql);
    if url.starts_with("sqlite") {
        let mut connection = sqlx::SqliteConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut connection)
            .await
            .expect("count rows")
    } else {
        let mut connection = sqlx::PgConnection::connect(url).await.expect("connect");
        sqlx::query_scalar(sql)
            .fetch_one(&mut connection)
            .await
            .expect("count rows")
    }
}

/// `/stats` of the measured server for each period: read and publish, median of `RUNS`
/// after one run that warms the connections up, as a running bot's are.
async fn measure_stats(store: &Store) {
    let today = Utc::now().date_naive();
    for period in Period::ALL {
        let (first_day, last_day) = period.days(today);
        store
            .stats_aggregates(GUILD_ID, first_day, last_day)
            .await
            .expect("aggregates");
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
            "  /stats {:>8}: median {:>8.1?}  (min {:.1?}, max {:.1?}, {RUNS} runs, {cases} cases in the period)",
            format!("{} w", period.weeks()),
            timings[RUNS / 2],
            timings[0],
            timings[RUNS - 1]
        );
    }
}

/// Recording reports against the measured server on top of its history: median and 90th
/// percentile of `REPORTS_WRITTEN`, against 100 members so that some reports merge.
async fn measure_reports(store: &Store) {
    let pseudonyms = Pseudonymizer::new(&[7; 32]).expect("a key");
    let mut timings = Vec::with_capacity(REPORTS_WRITTEN);
    for index in 0..REPORTS_WRITTEN {
        let now = Utc::now();
        let index = i64::try_from(index).expect("a small index");
        let (reported, reporter) = (5_000 + index % 100, 100 + index % 97);
        let report = NewReport {
            guild_id: GUILD_ID,
            reported_user_id: reported,
            reporter_user_id: reporter,
            victim_user_id: reporter,
            reason: Reason::ALL[usize::try_from(index).expect("small") % Reason::ALL.len()],
            details: Some("details".to_owned()),
            source: ReportSource::Slash,
            evidence: None,
            merge_window: TimeDelta::hours(24),
            now,
            stats_hour: now.format("%Y-%m-%dT%H").to_string(),
            reported_pseudonym: Some(pseudonyms.pseudonym(GUILD_ID, reported)),
            help_card: None,
            reporter_pseudonym: pseudonyms.reporter_pseudonym(GUILD_ID, reporter),
        };
        let started = Instant::now();
        store.record_report(report).await.expect("record a report");
        timings.push(started.elapsed());
    }
    timings.sort();
    println!(
        "  record_report: median {:.1?}, 90th percentile {:.1?} ({REPORTS_WRITTEN} reports)",
        timings[REPORTS_WRITTEN / 2],
        timings[REPORTS_WRITTEN * 9 / 10]
    );
}
