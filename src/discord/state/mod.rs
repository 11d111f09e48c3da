//! What every command, flow and event handler can reach: [`BotData`], the server settings
//! and the member's language read through it, and the in-process state it holds.

mod case_locks;
mod shield_index;

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use tokio::sync::Notify;
use tokio_util::task::TaskTracker;

pub use case_locks::CaseLocks;
pub use shield_index::ShieldIndex;

use super::dm_channels::DmChannels;
use super::ids::DbId;
use crate::config::Config;
use crate::domain::helpline::HelplineDirectory;
use crate::domain::pseudonym::Pseudonymizer;
use crate::domain::settings::{Settings, Vocabulary};
use crate::i18n::Texts;
use crate::store::{Reads, Store, StoreError, StoredSetting};

/// Held while a step is applied to a case (see [`BotData::lock_case`]).
pub struct CaseGuard {
    _local: tokio::sync::OwnedMutexGuard<()>,
    _shared: crate::store::CaseLock,
}

/// Cheap to clone: background jobs get their own handle on the same state.
#[derive(Clone)]
pub struct BotData {
    pub config: Arc<Config>,
    pub texts: Arc<Texts>,
    pub helplines: Arc<HelplineDirectory>,
    pub vocabulary: Vocabulary,
    pub store: Store,
    /// Keyed pseudonyms of reported members, for statistics.
    pub pseudonyms: Pseudonymizer,
    /// The contact shields running now, for the `MESSAGE_CREATE` hot path.
    pub shields: Arc<ShieldIndex>,
    /// Serialises the actions on one case (double clicks, two moderators).
    pub case_locks: Arc<CaseLocks>,
    /// The events being handled and the background tasks they start: shutdown waits for
    /// them before closing the database.
    pub tasks: TaskTracker,
    /// Wakes this process's delivery worker when a change wrote a delivery.
    pub deliveries: Arc<Notify>,
    /// Recipients' DM channels, so that each is opened once.
    pub dm_channels: Arc<DmChannels>,
    /// What the operator scrapes (records nothing when `[metrics]` has no listener).
    pub metrics: crate::metrics::Metrics,
}

impl BotData {
    /// Serialises the steps applied to a case: in this process (double clicks, two
    /// moderators), and across processes sharing a PostgreSQL database.
    pub async fn lock_case(&self, case_id: i64) -> Result<CaseGuard, crate::store::StoreError> {
        let local = self.case_locks.lock(case_id).await;
        let shared = self.store.lock_case(case_id).await?;
        Ok(CaseGuard {
            _local: local,
            _shared: shared,
        })
    }

    /// The settings of a server: its own values over the bot defaults. A database problem
    /// here must not stop a report, so it falls back to the defaults.
    pub async fn settings(&self, guild_id: serenity::GuildId) -> Settings {
        self.settings_of(guild_id.db()).await
    }

    /// [`Self::settings`] for a server id read from the store.
    pub async fn settings_of(&self, guild_id: i64) -> Settings {
        self.settings_from(guild_id, self.store.guild_settings(guild_id).await)
    }

    /// [`Self::settings_of`] on a connection held for several reads.
    pub async fn settings_read(&self, reads: &mut Reads, guild_id: i64) -> Settings {
        self.settings_from(guild_id, reads.guild_settings(guild_id).await)
    }

    fn settings_from(
        &self,
        guild_id: i64,
        stored: Result<Vec<StoredSetting>, StoreError>,
    ) -> Settings {
        let stored = match stored {
            Ok(stored) => stored,
            Err(error) => {
                tracing::error!(guild_id, %error, "cannot read server settings; defaults used");
                return self.config.server_defaults.clone();
            }
        };
        let (settings, _, ignored) = self.config.server_defaults.with_overrides(
            stored
                .iter()
                .map(|setting| (setting.key.as_str(), setting.value.as_str())),
            &self.vocabulary,
        );
        if !ignored.is_empty() {
            tracing::warn!(
                guild_id,
                ?ignored,
                "stored settings no longer valid; defaults used"
            );
        }
        settings
    }

    /// The settings of the server an interaction came from; the defaults outside a server.
    pub async fn settings_or_default(&self, guild_id: Option<serenity::GuildId>) -> Settings {
        match guild_id {
            Some(guild_id) => self.settings(guild_id).await,
            None => self.config.server_defaults.clone(),
        }
    }

    /// The member's language: their Discord client's if shipped, else their server's (when
    /// known), else the bot default.
    pub fn locale(&self, client_locale: Option<&str>, server: Option<&Settings>) -> String {
        self.texts
            .negotiate(&[
                client_locale,
                server.map(Settings::language),
                Some(self.config.server_defaults.language()),
            ])
            .to_owned()
    }

    /// The server's name for a DM, from the cache; "this server" otherwise.
    pub fn guild_name(
        &self,
        cache: &serenity::Cache,
        guild_id: serenity::GuildId,
        locale: &str,
    ) -> String {
        cache.guild(guild_id).map_or_else(
            || self.texts.text(locale, "this-server"),
            |guild| guild.name.clone(),
        )
    }
}
