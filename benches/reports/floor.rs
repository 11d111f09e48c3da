//! The floors: what a bare client, in a process of its own, pays for one report-sized
//! transaction on the run's database and for one loopback request to the fake Discord.

use std::str::FromStr;
use std::time::{Duration, Instant};

use safe_button::discord::rest_forwarder::RestForwarder;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Executor};

const ITERATIONS: usize = 300;
/// Statements timed for one statement's CPU: enough for the 10 ms clock ticks of `/proc`.
const STATEMENTS: usize = 30_000;

/// The floors of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Floors {
    /// Median of one bare transaction (begin, one insert, commit).
    pub transaction: Duration,
    /// Median of one bare loopback request.
    pub request: Duration,
    /// Median of the same request through the bot's 429 forwarder (the second hop every
    /// REST call takes when `api_base` is set), and its CPU beyond the bare request.
    pub forwarded: Duration,
    pub forwarding_cpu_ms: f64,
    /// CPU of one statement's round trip (`SELECT 1`) on the run's database.
    pub statement_cpu_ms: f64,
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
    let numbers: Vec<f64> = text
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let [
        transaction_us,
        request_us,
        cpu_us,
        forwarded_us,
        forwarding_cpu_us,
        statement_cpu_us,
    ] = numbers[..]
    else {
        panic!(
            "the floor client printed {text:?}; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    Floors {
        transaction: Duration::from_secs_f64(transaction_us / 1e6),
        request: Duration::from_secs_f64(request_us / 1e6),
        cpu_ms: cpu_us / 1000.0,
        calls,
        forwarded: Duration::from_secs_f64(forwarded_us / 1e6),
        forwarding_cpu_ms: forwarding_cpu_us / 1000.0,
        statement_cpu_ms: statement_cpu_us / 1000.0,
    }
}

/// The bare client: prints the median transaction and request times and the CPU per
/// iteration, the median forwarded request and its extra CPU, then the CPU of one
/// statement, in microseconds.
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
        let (forwarded, forwarding_cpu_us) = forwarding_cost(&client, api_base).await;
        let statement_cpu_us = database.statement_cpu_us().await;
        println!(
            "{} {} {cpu_us} {} {forwarding_cpu_us} {statement_cpu_us}",
            median(&mut transactions).as_micros(),
            median(&mut requests).as_micros(),
            forwarded.as_micros(),
        );
    });
}

/// The same request directly and through a [`RestForwarder`] in this process: the
/// forwarded median, and the CPU per request the hop adds (its server and client).
async fn forwarding_cost(client: &reqwest::Client, api_base: &str) -> (Duration, f64) {
    let upstream = api_base.parse().expect("the fake's URL");
    let metrics = safe_button::metrics::Metrics::default();
    let forwarder = RestForwarder::start(upstream, metrics)
        .await
        .expect("a forwarder");
    let cpu_per_request = |base: String| {
        let url = format!("{base}/api/v10/users/@me");
        async move {
            let (mut times, cpu_before) = (Vec::new(), crate::bot::own_cpu_ms());
            for _ in 0..ITERATIONS * 4 {
                let started = Instant::now();
                let response = client.get(&url).send().await.expect("a loopback request");
                response.bytes().await.expect("its body");
                times.push(started.elapsed());
            }
            let cpu_us = (crate::bot::own_cpu_ms() - cpu_before) * 1000.0 / (ITERATIONS * 4) as f64;
            (median(&mut times), cpu_us)
        }
    };
    let (_, direct_cpu_us) = cpu_per_request(api_base.to_owned()).await;
    let (forwarded, forwarded_cpu_us) = cpu_per_request(forwarder.base()).await;
    (forwarded, forwarded_cpu_us - direct_cpu_us)
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

    /// The CPU of one statement that does nothing, round trip included: on SQLite, sqlx
    /// runs each connection on a thread of its own, so every statement crosses threads.
    async fn statement_cpu_us(&mut self) -> f64 {
        let cpu_before = crate::bot::own_cpu_ms();
        for _ in 0..STATEMENTS {
            self.run("SELECT 1").await;
        }
        (crate::bot::own_cpu_ms() - cpu_before) * 1000.0 / STATEMENTS as f64
    }

    /// One report-sized row in its own transaction.
    async fn report(&mut self, n: usize) {
        let reporter = format!("{n:064x}");
        let now = chrono::Utc::now().to_rfc3339();
        let details = "Il m'insulte depuis lundi";
        // The same insert on either backend's transaction.
        macro_rules! insert {
            ($tx:expr) => {{
                let mut tx = $tx;
                sqlx::query(INSERT)
                    .bind(1_i64)
                    .bind(&reporter)
                    .bind(2_i64)
                    .bind(details)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await
                    .expect("insert");
                tx.commit().await.expect("commit");
            }};
        }
        match self {
            Database::Sqlite(connection) => {
                insert!(
                    connection
                        .begin_with("BEGIN IMMEDIATE")
                        .await
                        .expect("begin")
                );
            }
            Database::Postgres(connection) => insert!(connection.begin().await.expect("begin")),
        }
    }
}
