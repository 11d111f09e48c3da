//! The store after a permission fault on its `SQLite` file: once the fault is fixed, every
//! write succeeds again, without a restart. And after `PostgreSQL` closed its connections.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use safe_button::store::{Store, StoreError};
use tempfile::TempDir;

use crate::support::db::{TestDb, on_postgres};

/// Readers besides the one writer connection.
const POOL_SIZE: u32 = 4;

/// Sets or clears (`"+i"`, `"-i"`) the immutable attribute, which makes even root's opens
/// for writing fail: the permission fault a test running as root can cause. `false` when
/// `chattr` cannot run here (not root, or a file system without attributes).
fn chattr(flag: &str, file: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(file)
        .status()
        .is_ok_and(|status| status.success())
}

fn is_read_only_refusal(outcome: &Result<(), StoreError>) -> bool {
    let Err(StoreError::Database(sqlx::Error::Database(error))) = outcome else {
        return false;
    };
    error
        .code()
        .and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| code & 0xff == 8)
}

#[tokio::test]
async fn writes_succeed_again_once_a_read_only_fault_on_the_database_file_is_fixed() {
    let folder = TempDir::new().expect("create a temporary folder");
    let file = folder.path().join("faults.db");
    let url = format!("sqlite://{}", file.display());
    let before = Store::connect(&url, POOL_SIZE).await.expect("connect");
    before.migrate().await.expect("migrate");
    before
        .upsert_guild_joined(1, Utc::now())
        .await
        .expect("a first write");
    before.close().await;

    if !chattr("+i", &file) {
        assert!(
            std::env::var_os("CI").is_none(),
            "chattr +i is needed (root, on ext4 or similar) to cause the fault"
        );
        eprintln!("chattr +i unavailable here: skipping the read-only fault");
        return;
    }
    // Every connection opened now is read-only, the store's one writer included.
    let store = Store::connect(&url, POOL_SIZE)
        .await
        .expect("connect during the fault");
    let mut refused_during_fault = 0;
    for guild in 10..14 {
        let outcome = store.upsert_guild_joined(guild, Utc::now()).await;
        refused_during_fault += usize::from(is_read_only_refusal(&outcome));
    }
    assert!(chattr("-i", &file), "fix the fault");
    assert!(
        refused_during_fault > 0,
        "the store opened read-only connections during the fault"
    );

    let mut refused_after_fix = Vec::new();
    for guild in 100..108 {
        if let Err(error) = store.upsert_guild_joined(guild, Utc::now()).await {
            refused_after_fix.push(error.to_string());
        }
    }
    assert!(
        refused_after_fix.is_empty(),
        "{} of 8 writes refused after the fault was fixed: {refused_after_fix:?}",
        refused_after_fix.len()
    );
    store.close().await;
}

/// An I/O fault on the write-ahead log (made immutable while the connections are open):
/// writes fail with `SQLITE_IOERR` meanwhile, and every write succeeds again once the fault
/// is fixed. `SQLite` connections recover from an I/O error by themselves; this test keeps
/// it so.
#[tokio::test]
async fn writes_succeed_again_once_an_io_fault_on_the_write_ahead_log_is_fixed() {
    let folder = TempDir::new().expect("create a temporary folder");
    let file = folder.path().join("io.db");
    let url = format!("sqlite://{}", file.display());
    let store = Store::connect(&url, POOL_SIZE).await.expect("connect");
    store.migrate().await.expect("migrate");
    for guild in 1..=4 {
        store
            .upsert_guild_joined(guild, Utc::now())
            .await
            .expect("a write");
    }
    let wal = folder.path().join("io.db-wal");
    if !chattr("+i", &wal) {
        assert!(
            std::env::var_os("CI").is_none(),
            "chattr +i is needed (root, on ext4 or similar) to cause the fault"
        );
        eprintln!("chattr unavailable: skipping");
        return;
    }
    let mut during = Vec::new();
    for guild in 10..14 {
        during.push(store.upsert_guild_joined(guild, Utc::now()).await);
    }
    assert!(chattr("-i", &wal), "the fault is fixed");
    let io_errors = during
        .iter()
        .filter(|outcome| sqlite_code(outcome).is_some_and(|code| code & 0xff == 10))
        .count();
    assert!(io_errors > 0, "the fault caused I/O errors: {during:?}");
    let mut refused = Vec::new();
    for guild in 20..28 {
        if let Err(error) = store.upsert_guild_joined(guild, Utc::now()).await {
            refused.push(error.to_string());
        }
    }
    assert!(
        refused.is_empty(),
        "{} of 8 writes refused after the fix: {refused:?}",
        refused.len()
    );
}

fn sqlite_code(outcome: &Result<(), StoreError>) -> Option<i32> {
    let Err(StoreError::Database(sqlx::Error::Database(error))) = outcome else {
        return None;
    };
    error.code()?.parse().ok()
}

/// Closes every other connection to the test's database, as a server restart would.
async fn terminate_connections(db: &TestDb) -> u64 {
    db.execute_raw(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .expect("terminate the store's connections")
}

/// Uses the store until a read succeeds; how many failed first.
async fn failures_before_a_read(store: &Store) -> usize {
    for failures in 0..10 {
        if store.pending_deliveries().await.is_ok() {
            return failures;
        }
    }
    panic!("no read succeeded after the server closed the connections");
}

/// `PostgreSQL` connections are held out of the pool between uses. One the server closed
/// fails the use it was lent for and is replaced, never lent again; one idle past the ping delay is pinged and
/// replaced before its use; the health figures count the held ones as idle; and the store
/// still closes.
#[tokio::test]
async fn held_postgres_connections_are_replaced_when_the_server_closed_them() {
    on_postgres(|db: TestDb| async move {
        let store = Store::connect(db.url(), 2).await.expect("connect");
        // Two connections, both held once given back.
        let (first, second) = (store.reads().await, store.reads().await);
        drop((first.expect("a connection"), second.expect("another")));
        let used = store.pool_use();
        assert_eq!(
            (used.open, used.idle),
            (2, 2),
            "{used:?}: held counts as idle"
        );

        assert!(terminate_connections(&db).await >= 2);
        // Both held connections are closed now. Each fails the `Reads` it is lent to, be
        // the failed read's value a `Result` or its error returned early, and is not lent
        // again; a flow that goes on after a failed read (settings fall back to the
        // defaults) gets an error for its next read too, never a panic.
        let mut reads = store.reads().await.expect("a held connection");
        assert!(reads.guild_settings(1).await.is_err());
        drop(reads);
        let mut reads = store.reads().await.expect("the other held connection");
        assert!(reads.case_by_id(1).await.is_err());
        assert!(reads.guild_settings(1).await.is_err());
        drop(reads);
        let failures = failures_before_a_read(&store).await;
        assert_eq!(failures, 0, "a closed connection was lent again");
        assert_eq!(failures_before_a_read(&store).await, 0);

        terminate_connections(&db).await;
        tokio::time::sleep(Duration::from_secs(11)).await;
        assert_eq!(
            failures_before_a_read(&store).await,
            0,
            "idle past the ping delay: pinged and replaced before use"
        );

        tokio::time::timeout(Duration::from_secs(10), store.close())
            .await
            .expect("the store closes with connections held");
    })
    .await;
}
