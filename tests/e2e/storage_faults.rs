//! The store after a permission fault on its `SQLite` file: once the fault is fixed, every
//! write succeeds again, without a restart.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use chrono::Utc;
use safe_button::store::{Store, StoreError};
use sqlx::{Connection, SqliteConnection};
use tempfile::TempDir;

/// Room for connections opened before the fault and for some opened during it.
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
    let store = Store::connect(&url, POOL_SIZE).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
        .upsert_guild_joined(1, Utc::now())
        .await
        .expect("a first write");

    // Another writer holds the lock, so the writes below each keep their pooled connection
    // while they wait, and the pool opens new ones, during the fault.
    let mut other_writer = SqliteConnection::connect(&url).await.expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other_writer)
        .await
        .expect("take the write lock");
    if !chattr("+i", &file) {
        assert!(
            std::env::var_os("CI").is_none(),
            "chattr +i is needed (root, on ext4 or similar) to cause the fault"
        );
        eprintln!("chattr +i unavailable here: skipping the read-only fault");
        return;
    }
    let during_fault: Vec<_> = (0..POOL_SIZE)
        .map(|guild| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .upsert_guild_joined(10 + i64::from(guild), Utc::now())
                    .await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    sqlx::query("ROLLBACK")
        .execute(&mut other_writer)
        .await
        .expect("release the write lock");
    let mut refused_during_fault = 0;
    for write in during_fault {
        let outcome = write.await.expect("the write task ends");
        refused_during_fault += usize::from(is_read_only_refusal(&outcome));
    }
    assert!(chattr("-i", &file), "fix the fault");
    assert!(
        refused_during_fault > 0,
        "the pool opened read-only connections during the fault"
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
