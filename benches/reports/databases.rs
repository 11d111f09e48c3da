//! The databases the runs use: a template per backend (migrated, prefilled when asked) and a
//! fresh copy of it for each run, so that every level starts from the same history.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{TimeDelta, Utc};
use safe_button::app::Embedded;
use safe_button::config::Config;
use safe_button::domain::case::ReportSource;
use safe_button::domain::pseudonym::Pseudonymizer;
use safe_button::domain::reason::Reason;
use safe_button::store::{NewReport, Store};
use sqlx::{AssertSqlSafe, Connection, Executor};
use tempfile::TempDir;

use crate::fake_discord::ids;

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// A server URL; databases are created on it.
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

/// A migrated database every run copies.
pub struct Template {
    pub backend: Backend,
    /// Holds the SQLite template for the template's lifetime.
    _folder: TempDir,
    /// SQLite: the file; PostgreSQL: the database name.
    name: String,
}

/// A run's own database, removed when the run is over.
pub struct RunDb {
    pub url: String,
    pub folder: TempDir,
    postgres: Option<(String, String)>,
}

impl Template {
    /// Creates, migrates and prefills the template with `past_cases` cases.
    pub async fn prepare(backend: &Backend, past_cases: usize) -> Template {
        let folder = TempDir::new().expect("a temporary folder");
        let name = match backend {
            Backend::Sqlite => folder.path().join("template.db").display().to_string(),
            Backend::Postgres(server) => {
                let name = format!("sb_bench_template_{}", std::process::id());
                admin(server, &format!("DROP DATABASE IF EXISTS {name}")).await;
                admin(server, &format!("CREATE DATABASE {name}")).await;
                name
            }
        };
        let template = Template {
            backend: backend.clone(),
            _folder: folder,
            name,
        };
        let store = Store::connect(&template.url_of(&template.name), 4)
            .await
            .expect("open the template database");
        store.migrate().await.expect("migrate");
        if past_cases > 0 {
            prefill(&store, past_cases).await;
            // The history's deliveries went out long ago, and what retention removes is
            // gone already (else every run's bot would purge a year of evidence as it
            // starts, during the measurement).
            let done = "UPDATE deliveries SET done_at = created_at, outcome = 'posted'";
            execute(&template.url_of(&template.name), done).await;
            purge_as_the_bot_does(&store).await;
        }
        store.close().await;
        template
    }

    fn url_of(&self, name: &str) -> String {
        match &self.backend {
            Backend::Sqlite => format!("sqlite://{name}"),
            Backend::Postgres(server) => with_database(server, name),
        }
    }

    /// A fresh copy of the template.
    pub async fn fresh(&self) -> RunDb {
        let folder = TempDir::new().expect("a temporary folder");
        match &self.backend {
            Backend::Sqlite => {
                let file: PathBuf = folder.path().join("bot.db");
                std::fs::copy(&self.name, &file).expect("copy the template");
                RunDb {
                    url: format!("sqlite://{}", file.display()),
                    folder,
                    postgres: None,
                }
            }
            Backend::Postgres(server) => {
                let name = format!("sb_bench_run_{}_{}", std::process::id(), rand_suffix());
                let copy = format!("CREATE DATABASE {name} TEMPLATE {}", self.name);
                admin(server, &copy).await;
                RunDb {
                    url: with_database(server, &name),
                    folder,
                    postgres: Some((server.clone(), name)),
                }
            }
        }
    }

    pub async fn remove(self) {
        if let Backend::Postgres(server) = &self.backend {
            admin(
                server,
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            )
            .await;
        }
    }
}

impl RunDb {
    /// Rows of `table`.
    pub async fn count(&self, table: &str) -> i64 {
        let query = AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        if self.postgres.is_some() {
            let mut connection = sqlx::PgConnection::connect(&self.url)
                .await
                .expect("connect");
            sqlx::query_scalar(query).fetch_one(&mut connection).await
        } else {
            let mut connection = sqlx::SqliteConnection::connect(&self.url)
                .await
                .expect("connect");
            sqlx::query_scalar(query).fetch_one(&mut connection).await
        }
        .expect("count rows")
    }

    pub async fn remove(self) {
        if let Some((server, name)) = &self.postgres {
            admin(
                server,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await;
        }
    }
}

fn rand_suffix() -> u32 {
    rand::random::<u32>()
}

fn with_database(server: &str, database: &str) -> String {
    let mut url = url::Url::parse(server).expect("a PostgreSQL URL");
    url.set_path(database);
    url.to_string()
}

/// The hourly retention purge, with the repository's bot.toml defaults.
async fn purge_as_the_bot_does(store: &Store) {
    let embedded = Embedded::load().expect("embedded data");
    let vocabulary = embedded.vocabulary();
    let config = Config::load(Path::new("bot.toml"), &vocabulary).expect("bot.toml");
    store
        .purge_expired(&config.server_defaults, &vocabulary, Utc::now(), false)
        .await
        .expect("purge the history")
        .expect("no other process purges");
}

/// Runs one statement on the database at `url`, whichever the backend.
async fn execute(url: &str, statement: &str) {
    if url.starts_with("postgres") {
        admin(url, statement).await;
    } else {
        let mut connection = sqlx::SqliteConnection::connect(url).await.expect("connect");
        connection
            .execute(AssertSqlSafe(statement.to_owned()))
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
}

async fn admin(server: &str, statement: &str) {
    let mut connection = sqlx::PgConnection::connect(server)
        .await
        .expect("connect to PostgreSQL");
    connection
        .execute(AssertSqlSafe(statement.to_owned()))
        .await
        .unwrap_or_else(|error| panic!("{statement}: {error}"));
}

/// `cases` past cases over the last year, each with one report (and its statistics), from
/// members other than the runs' own, written through the bot's own report transaction.
async fn prefill(store: &Store, cases: usize) {
    let started = Instant::now();
    let pseudonyms = Pseudonymizer::new(&[7; 32]).expect("a key");
    let guild_id = ids::GUILD.cast_signed();
    let reasons = [
        Reason::Harassment,
        Reason::Threats,
        Reason::InsultsOrHate,
        Reason::Other,
    ];
    let mut filings = tokio::task::JoinSet::new();
    for n in 0..cases {
        let (store, pseudonyms) = (store.clone(), pseudonyms.clone());
        let (reporter, reported) = (9_000_000 + 2 * n as i64, 9_000_001 + 2 * n as i64);
        let now = Utc::now() - TimeDelta::minutes(5 + (n as i64 * 5) % 525_600);
        let report = NewReport {
            guild_id,
            reported_user_id: reported,
            reporter_user_id: reporter,
            victim_user_id: reporter,
            reason: reasons[n % reasons.len()],
            details: Some("prefilled".to_owned()),
            source: ReportSource::Slash,
            evidence: None,
            merge_window: TimeDelta::hours(24),
            now,
            stats_hour: now.format("%Y-%m-%dT%H").to_string(),
            reported_pseudonym: Some(pseudonyms.pseudonym(guild_id, reported)),
            help_card: None,
            reporter_pseudonym: pseudonyms.reporter_pseudonym(guild_id, reporter),
        };
        filings.spawn(async move { store.record_report(report).await.expect("prefill") });
        if filings.len() >= 8 {
            filings.join_next().await;
        }
    }
    filings.join_all().await;
    println!(
        "(prefilled {cases} past cases in {:.0} s)",
        started.elapsed().as_secs_f64()
    );
}
