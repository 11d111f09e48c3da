//! The store after a permission fault on its `SQLite` file: once the fault is fixed, every
//! write succeeds again, without a restart.

use std::path::Path;
use std::process::Command;

use chrono::Utc;
use safe_button::store::{Store, StoreError};
use tempfile::TempDir;

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
