//! Per-case serialisation of the steps applied to a case.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One lock per case, so that two presses of the same button (or two moderators) act one
/// after the other and the second sees what the first did. A server's interactions reach a
/// single process (its shard), so an in-process lock is enough.
#[derive(Debug, Default)]
pub struct CaseLocks {
    locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl CaseLocks {
    pub async fn lock(&self, case_id: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self
                .locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // Forget the locks nobody holds or waits for.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            Arc::clone(locks.entry(case_id).or_default())
        };
        lock.lock_owned().await
    }
}
