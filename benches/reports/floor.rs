//! The floors: what a bare client, in a process of its own, pays for one report-sized
//! transaction on the run's database and for one loopback request to the fake Discord.

use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};

const ITERATIONS: usize = 300;

/// The floors of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Floors {
    /// Median of one bare transaction (begin, one insert, commit).
    pub transaction: Duration,
    /// Median of one bare loopback request.
    pub request: Duration,
    /// CPU of one transaction plus `calls` requests, in the bare client.
    pub cpu_ms: f64,
    pub calls: usize,
}

/// Runs the bare client against `database_url` and `api_base` with `calls` requests per
/// report (rounded up).
pub async fn measure(database_url: &str, api_base: &str, calls: f64) -> Floors {
    let calls = calls.ceil().max(1.0) as usize;
    let output = tokio::process::Command::new(std::env::current_exe().expect("this benchmark"))
        .args(["--floor-client", database_url, api_base, &calls.to_string()])
        .output()
        .await
        .expect("run the floor client");
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    let [transaction_us, request_us, cpu_us] = numbers[..] else {
        panic!("the floor client printed {text:?}; stderr: {}", String::from_utf8_lossy(&output.stderr));
    };
    Floors {
        transaction: Duration::from_secs_f64(transaction_us / 1e6),
        request: Duration::from_secs_f64(request_us / 1e6),
        cpu_ms: cpu_us / 1000.0,
        calls,
    }
}

/// The bare client: prints the median transaction and request times and the CPU per
/// iteration, in microseconds.
pub fn client_main(database_url: &str, api_base: &str, calls: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    runtime.block_on(async {
        let mut database = Database::open(database_url).await;
        let client = reqwest::Client::new();
        let url = format!("{api_base}/api/v10/users/@me");
        let (mut transactions, mut requests) = (Vec::new(), Vec::new());
        let cpu_before = crate::bot::own_cpu_ms();
        for n in 0..ITERATIONS {
            let started = Instant::now();
            database.report(n).await;
            transactions.push(started.elapsed());
            for _ in 0..calls {
                let started = Instant::now();
                let response = client.get(&url).send().await.expect("a loopback request");
                response.bytes().await.expect("its body");
                requests.push(started.elapsed());
            }
        }
        let cpu_us = (crate::bot::own_cpu_ms() - cpu_before) * 1000.0 / ITERATIONS as f64;
        println!(
            "{} {} {cpu_us}",
            median(&mut transactions).as_micros(),
            median(&mut requests).as_micros()
        );
    });
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

enum Database {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

const TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_floor (
    guild_id BIGINT NOT NULL, reporter TEXT NOT NULL, reported BIGINT NOT NULL,
    details TEXT, created_at TEXT NOT NULL)";
const INSERT: &str = "INSERT INTO bench_floor VALUES ($1, $2, $3, $4, $5)";

impl Database {
    /// Opens the database as the bot does (on SQLite: WAL, synchronous = NORMAL).
    async fn open(url: &str) -> Database {
        let mut database = if url.starts_with("postgres") {
            Database::Postgres(sqlx::PgConnection::connect(url).await.expect("connect"))
        } else {
            let options = SqliteConnectOptions::from_str(url)
                .expect("a SQLite URL")
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal);
            Database::Sqlite(options.connect().await.expect("connect"))
        };
        database.run(TABLE).await;
        database
    }

    async fn run(&mut self, statement: &str) {
        let statement = AssertSqlSafe(statement.to_owned());
        match self {
            Database::Sqlite(connection) => connection.execute(statement).await.map(drop),
            Database::Postgres(connection) => connection.execute(statement).await.map(drop),
        }
        .expect("a floor statement");
    }

    /// One report-sized row in its own transaction.
    async fn report(&mut self, n: usize) {
        let reporter = format!("{n:064x}");
        let now = chrono::Utc::now().to_rfc3339();
        let details = "Il m'insulte depuis lundi";
        match self {
            Database::Sqlite(connection) => {
                let mut tx = connection.begin_with("BEGIN IMMEDIATE").await.expect("begin");
                sqlx::query(INSERT).bind(1_i64).bind(&reporter).bind(2_i64).bind(details).bind(&now)
                    .execute(&mut *tx).await.expect("insert");
                tx.commit().await.expect("commit");
            }
            Database::Postgres(connection) => {
                let mut tx = connection.begin().await.expect("begin");
                sqlx::query(INSERT).bind(1_i64).bind(&reporter).bind(2_i64).bind(details).bind(&now)
                    .execute(&mut *tx).await.expect("insert");
                tx.commit().await.expect("commit");
            }
        }
    }
}
