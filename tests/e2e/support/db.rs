//! Fresh, migrated databases for tests: a `SQLite` file in a temporary folder, or, when
//! `TEST_POSTGRES_URL` is set, a `PostgreSQL` database created for one test and dropped after it.
//!
//! `both_backends!` runs a test written once on each backend:
//!
//! ```ignore
//! async fn settings_round_trip(db: TestDb) { db.store.guild_settings(1).await.unwrap(); }
//! both_backends!(settings_round_trip);
//! ```
//! gives `settings_round_trip::sqlite` and `settings_round_trip::postgres`.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

use safe_button::store::{SettingChange, Store};
use sqlx::{AssertSqlSafe, Connection, PgConnection, SqliteConnection};
use tempfile::TempDir;

/// Discord ids for store-level tests, which need no fake Discord: one server and its people.
pub mod store_ids {
    pub const GUILD: i64 = 1_187_000_000_000_000_001;
    pub const OTHER_GUILD: i64 = 1_187_000_000_000_000_002;
    pub const REPORTED: i64 = 1_290_000_000_000_000_010;
    pub const ALICE: i64 = 1_290_000_000_000_000_011;
    pub const BOB: i64 = 1_290_000_000_000_000_012;
    pub const CAROL: i64 = 1_290_000_000_000_000_013;
    pub const MODERATOR: i64 = 1_290_000_000_000_000_099;
}

/// Enough for the concurrency tests, few enough for many tests at once on one server.
const TEST_POOL_SIZE: u32 = 5;

/// Names the `PostgreSQL` server tests create their databases on.
const POSTGRES_URL_VARIABLE: &str = "TEST_POSTGRES_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// One test's database: the store under test, and raw SQL access to the same database for
/// what the store deliberately cannot do (tamper with rows, read pragmas).
#[derive(Clone, Debug)]
pub struct TestDb {
    pub store: Store,
    pub backend: Backend,
    url: String,
}

/// How far a test's database is migrated: to this build's schema, or only up to a
/// migration, as an older release left it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    Latest,
    UpTo(i64),
}

impl TestDb {
    async fn open(url: String, backend: Backend, schema: Schema) -> TestDb {
        let store = Store::connect(&url, TEST_POOL_SIZE)
            .await
            .expect("connect to the test database");
        match schema {
            Schema::Latest => store.migrate().await.expect("migrate the test database"),
            Schema::UpTo(version) => migrate_up_to(&url, backend, version).await,
        }
        TestDb {
            store,
            backend,
            url,
        }
    }

    /// The database's URL, e.g. to start the bot on it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs one statement on a separate connection; returns the rows it affected.
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        match self.backend {
            Backend::Sqlite => {
                let mut connection = SqliteConnection::connect(&self.url).await?;
                Ok(sqlx::query(sql)
                    .execute(&mut connection)
                    .await?
                    .rows_affected())
            }
            Backend::Postgres => {
                let mut connection = PgConnection::connect(&self.url).await?;
                Ok(sqlx::query(sql)
                    .execute(&mut connection)
                    .await?
                    .rows_affected())
            }
        }
    }

    /// Runs a query returning one integer (a count, an id) on a separate connection.
    pub async fn integer_raw(&self, sql: &str) -> i64 {
        let sql = AssertSqlSafe(sql.to_owned());
        let value = match self.backend {
            Backend::Sqlite => {
                let mut connection = SqliteConnection::connect(&self.url).await.expect("connect");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&mut connection)
                    .await
            }
            Backend::Postgres => {
                let mut connection = PgConnection::connect(&self.url).await.expect("connect");
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&mut connection)
                    .await
            }
        };
        value.expect("raw integer query")
    }
}

/// A change giving `key` this server's own `value`, for [`Store::change_guild_settings`].
pub fn setting(key: &str, value: &str) -> SettingChange {
    SettingChange {
        key: key.to_owned(),
        value: Some(value.to_owned()),
    }
}

/// A change returning `key` to the `bot.toml` default.
pub fn back_to_default(key: &str) -> SettingChange {
    SettingChange {
        key: key.to_owned(),
        value: None,
    }
}

/// A server-level audit row (no case), read from `audit_log` by SQL: the store has no
/// query for them, as the bot never reads them back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRow {
    pub actor_user_id: i64,
    pub detail: Option<String>,
}

impl TestDb {
    /// The audit rows of `guild_id` with this `action`, oldest first.
    pub async fn audit_of_guild(&self, guild_id: i64, action: &str) -> Vec<AuditRow> {
        let sql = "SELECT actor_user_id, detail FROM audit_log
                   WHERE guild_id = $1 AND action = $2 ORDER BY id";
        let rows = match self.backend {
            Backend::Sqlite => {
                let mut connection = SqliteConnection::connect(&self.url).await.expect("connect");
                sqlx::query_as::<_, (i64, Option<String>)>(sql)
                    .bind(guild_id)
                    .bind(action)
                    .fetch_all(&mut connection)
                    .await
            }
            Backend::Postgres => {
                let mut connection = PgConnection::connect(&self.url).await.expect("connect");
                sqlx::query_as::<_, (i64, Option<String>)>(sql)
                    .bind(guild_id)
                    .bind(action)
                    .fetch_all(&mut connection)
                    .await
            }
        };
        rows.expect("read audit_log")
            .into_iter()
            .map(|(actor_user_id, detail)| AuditRow {
                actor_user_id,
                detail,
            })
            .collect()
    }
}

impl TestDb {
    /// Raw access to the database at `url`, which `store` already uses.
    pub fn attach(url: &str, store: Store) -> TestDb {
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        TestDb {
            store,
            backend,
            url: url.to_owned(),
        }
    }

    /// Runs a query returning one text column (NULLs as `None`) on a separate connection.
    pub async fn strings_raw(&self, sql: &str) -> Vec<Option<String>> {
        let sql = AssertSqlSafe(sql.to_owned());
        let rows = match self.backend {
            Backend::Sqlite => {
                let mut connection = SqliteConnection::connect(&self.url).await.expect("connect");
                sqlx::query_scalar::<_, Option<String>>(sql)
                    .fetch_all(&mut connection)
                    .await
            }
            Backend::Postgres => {
                let mut connection = PgConnection::connect(&self.url).await.expect("connect");
                sqlx::query_scalar::<_, Option<String>>(sql)
                    .fetch_all(&mut connection)
                    .await
            }
        };
        rows.expect("raw text query")
    }
}

impl TestDb {
    /// Every `table.column` of the database where some row holds `needle` (as bytes,
    /// whatever the column's type): a scan of every table, for erasure tests.
    pub async fn columns_holding(&self, needle: &[u8]) -> Vec<String> {
        let hex = hex::encode(needle);
        let columns = match self.backend {
            Backend::Sqlite => {
                self.strings_raw(
                    "SELECT m.name || '.' || p.name || '.' || p.type
                     FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'",
                )
                .await
            }
            Backend::Postgres => {
                self.strings_raw(
                    "SELECT table_name || '.' || column_name || '.' || data_type
                     FROM information_schema.columns WHERE table_schema = 'public'",
                )
                .await
            }
        };
        let mut holding = Vec::new();
        for column in columns.into_iter().flatten() {
            let mut parts = column.splitn(3, '.');
            let (Some(table), Some(name), Some(kind)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let sql = match (self.backend, kind) {
                (Backend::Sqlite, _) => format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{name}\" AS BLOB), X'{hex}') > 0"
                ),
                (Backend::Postgres, "bytea") => format!(
                    "SELECT COUNT(*) FROM \"{table}\" WHERE position(decode('{hex}', 'hex') in \"{name}\") > 0"
                ),
                (Backend::Postgres, _) => format!(
                    "SELECT COUNT(*) FROM \"{table}\"
                     WHERE position(decode('{hex}', 'hex') in convert_to(\"{name}\"::text, 'UTF8')) > 0"
                ),
            };
            if self.integer_raw(&sql).await > 0 {
                holding.push(format!("{table}.{name}"));
            }
        }
        holding
    }
}

/// Applies this build's migrations up to `version` only.
async fn migrate_up_to(url: &str, backend: Backend, version: i64) {
    match backend {
        Backend::Sqlite => {
            let mut connection = SqliteConnection::connect(url).await.expect("connect");
            sqlx::migrate!("./migrations/sqlite")
                .run_to(version, &mut connection)
                .await
        }
        Backend::Postgres => {
            let mut connection = PgConnection::connect(url).await.expect("connect");
            sqlx::migrate!("./migrations/postgres")
                .run_to(version, &mut connection)
                .await
        }
    }
    .expect("migrate the test database part way");
}

/// Runs `test` against a fresh `SQLite` database file.
pub async fn on_sqlite<Test, Run>(test: Test)
where
    Test: FnOnce(TestDb) -> Run,
    Run: Future<Output = ()> + Send + 'static,
{
    on_databases(Backend::Sqlite, [Schema::Latest], |[db]| test(db)).await;
}

/// Runs `test` against a fresh `PostgreSQL` database, or skips it with a notice when
/// `TEST_POSTGRES_URL` is unset. The database is dropped afterwards, even when the test fails.
pub async fn on_postgres<Test, Run>(test: Test)
where
    Test: FnOnce(TestDb) -> Run,
    Run: Future<Output = ()> + Send + 'static,
{
    on_databases(Backend::Postgres, [Schema::Latest], |[db]| test(db)).await;
}

/// Runs `test` against fresh databases of `backend`, one per schema, all removed afterwards
/// even when the test fails (`PostgreSQL` skipped like [`on_postgres`]).
pub async fn on_databases<const N: usize, Test, Run>(
    backend: Backend,
    schemas: [Schema; N],
    test: Test,
) where
    Test: FnOnce([TestDb; N]) -> Run,
    Run: Future<Output = ()> + Send + 'static,
{
    if backend == Backend::Postgres && std::env::var(POSTGRES_URL_VARIABLE).is_err() {
        eprintln!("{POSTGRES_URL_VARIABLE} unset: skipping PostgreSQL");
        return;
    }
    let mut made = Vec::with_capacity(N);
    for schema in schemas {
        made.push(Made::new(backend, schema).await);
    }
    let dbs: [TestDb; N] = std::array::from_fn(|index| made[index].db.clone());
    let outcome = tokio::spawn(test(dbs)).await;
    for made in made {
        made.remove().await;
    }
    rethrow(outcome);
}

/// A database made for one test: a `SQLite` file in its folder, or a `PostgreSQL` database
/// on the test server.
struct Made {
    db: TestDb,
    folder: Option<TempDir>,
    postgres: Option<(PgConnection, String)>,
}

impl Made {
    async fn new(backend: Backend, schema: Schema) -> Made {
        if backend == Backend::Sqlite {
            let folder = TempDir::new().expect("create a temporary folder");
            let url = format!("sqlite://{}", folder.path().join("test.db").display());
            let db = TestDb::open(url, Backend::Sqlite, schema).await;
            return Made {
                db,
                folder: Some(folder),
                postgres: None,
            };
        }
        let server_url = std::env::var(POSTGRES_URL_VARIABLE).expect("TEST_POSTGRES_URL");
        let name = unique_database_name();
        let mut server = PgConnection::connect(&server_url)
            .await
            .unwrap_or_else(|error| panic!("connect to {POSTGRES_URL_VARIABLE}: {error}"));
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut server)
            .await
            .expect("create the test database");
        let mut url = url::Url::parse(&server_url).expect("TEST_POSTGRES_URL is a URL");
        url.set_path(&format!("/{name}"));
        let db = TestDb::open(url.to_string(), Backend::Postgres, schema).await;
        Made {
            db,
            folder: None,
            postgres: Some((server, name)),
        }
    }

    async fn remove(self) {
        self.db.store.close().await;
        drop(self.folder);
        // Best effort: a leftover database only costs disk space on the test server.
        if let Some((mut server, name)) = self.postgres
            && let Err(error) = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
            )))
            .execute(&mut server)
            .await
        {
            eprintln!("could not drop test database {name}: {error}");
        }
    }
}

/// Lets a failed test fail the caller, after the database was cleaned up.
fn rethrow(outcome: Result<(), tokio::task::JoinError>) {
    if let Err(error) = outcome {
        match error.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(error) => panic!("test task did not finish: {error}"),
        }
    }
}

fn unique_database_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    format!(
        "safe_button_test_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs each named test, an `async fn(TestDb)`, as `<name>::sqlite` and `<name>::postgres`.
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    $crate::support::db::on_sqlite(super::$name).await;
                }

                #[tokio::test]
                async fn postgres() {
                    $crate::support::db::on_postgres(super::$name).await;
                }
            }
        )+
    };
}
pub(crate) use both_backends;

impl TestDb {
    /// Runs `lock` (e.g. `LOCK TABLE …`) in a transaction of its own `PostgreSQL` session,
    /// signals `locked`, holds it for `duration`, then rolls back: a database that is slow
    /// to answer, for deadline tests.
    pub async fn hold_lock_raw(
        &self,
        lock: &str,
        locked: tokio::sync::oneshot::Sender<()>,
        duration: std::time::Duration,
    ) {
        assert_eq!(self.backend, Backend::Postgres, "PostgreSQL table locks");
        let mut connection = PgConnection::connect(&self.url).await.expect("connect");
        sqlx::query("BEGIN").execute(&mut connection).await.unwrap();
        sqlx::query(AssertSqlSafe(lock.to_owned()))
            .execute(&mut connection)
            .await
            .expect("take the lock");
        let _ = locked.send(());
        tokio::time::sleep(duration).await;
        sqlx::query("ROLLBACK")
            .execute(&mut connection)
            .await
            .unwrap();
    }
}

/// Another connection holding the write lock of the bot's `SQLite` database: the bot's writes
/// wait (up to its busy timeout) until the lock is released.
pub struct WriteLock {
    release: tokio::sync::oneshot::Sender<()>,
    holder: tokio::task::JoinHandle<()>,
}

impl WriteLock {
    /// Returns once the lock is held.
    pub async fn take(database_url: &str) -> WriteLock {
        let mut connection = SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .unwrap();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let holder = tokio::spawn(async move {
            let _ = released.await;
            sqlx::query("ROLLBACK")
                .execute(&mut connection)
                .await
                .unwrap();
        });
        WriteLock { release, holder }
    }

    pub async fn release(self) {
        let _ = self.release.send(());
        self.holder.await.unwrap();
    }
}
