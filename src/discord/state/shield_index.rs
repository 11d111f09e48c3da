//! The contact shields running now, kept in memory for the `MESSAGE_CREATE` hot path.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::{DateTime, Utc};

use crate::domain::protection;
use crate::store::ActiveShield;

/// The contact shields running now, by (server, shielded member): the `MESSAGE_CREATE` hot
/// path reads this instead of the database. Loaded at start, kept in sync as shields start
/// and cases close; expiry is checked on read.
#[derive(Debug, Default)]
pub struct ShieldIndex {
    shields: RwLock<HashMap<(i64, i64), Vec<ActiveShield>>>,
}

impl ShieldIndex {
    /// Replaces the index with what the database says is running.
    pub fn load(&self, shields: Vec<ActiveShield>) {
        let mut index = HashMap::<(i64, i64), Vec<ActiveShield>>::new();
        for shield in shields {
            index
                .entry((shield.guild_id, shield.target_user_id))
                .or_default()
                .push(shield);
        }
        *self.write() = index;
    }

    pub fn insert(&self, shield: ActiveShield) {
        self.write()
            .entry((shield.guild_id, shield.target_user_id))
            .or_default()
            .push(shield);
    }

    /// Ends every shield of a closed case.
    pub fn end_case(&self, case_id: i64) {
        let mut index = self.write();
        for shields in index.values_mut() {
            shields.retain(|shield| shield.case_id != case_id);
        }
        index.retain(|_, shields| !shields.is_empty());
    }

    /// Whether the member has a running shield in this server (cheap, for every message).
    pub fn covers(&self, guild_id: i64, author_id: i64) -> bool {
        self.read().contains_key(&(guild_id, author_id))
    }

    /// The shield a message by `author_id` breaks (it mentions or replies to the protected
    /// member), if any. Expired shields are dropped on the way.
    pub fn broken_by(
        &self,
        guild_id: i64,
        author_id: i64,
        mentioned: &[i64],
        replied_to_author: Option<i64>,
        now: DateTime<Utc>,
    ) -> Option<ActiveShield> {
        let key = (guild_id, author_id);
        let mut index = self.write();
        let shields = index.get_mut(&key)?;
        shields.retain(|shield| shield.expires_at.is_none_or(|end| end > now));
        let broken = shields
            .iter()
            .find(|shield| {
                protection::breaks_shield(shield.protected_user_id, mentioned, replied_to_author)
            })
            .cloned();
        if shields.is_empty() {
            index.remove(&key);
        }
        broken
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<(i64, i64), Vec<ActiveShield>>> {
        self.shields
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<(i64, i64), Vec<ActiveShield>>> {
        self.shields
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
