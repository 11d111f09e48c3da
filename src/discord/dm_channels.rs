//! Direct messages, with each recipient's DM channel remembered: Discord keeps one DM
//! channel per user, so opening it again for every card or notice is a wasted request.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;
use poise::serenity_prelude as serenity;
use serenity::{ChannelId, Http};

use super::ids;
use super::rest::ErrorCode;

/// Recipients remembered: the victims and reporters of a busy day, in well under a megabyte.
const REMEMBERED: NonZeroUsize = NonZeroUsize::new(10_000).expect("not zero");

/// The DM channel of each recent recipient, least recently used forgotten first.
pub struct DmChannels {
    channels: Mutex<LruCache<i64, ChannelId>>,
}

impl Default for DmChannels {
    fn default() -> Self {
        DmChannels {
            channels: Mutex::new(LruCache::new(REMEMBERED)),
        }
    }
}

impl DmChannels {
    /// Sends a direct message to `user_id`, opening their DM channel only if it is not
    /// known yet (or no longer exists).
    pub async fn send(
        &self,
        http: &Http,
        user_id: i64,
        message: serenity::CreateMessage,
    ) -> Result<serenity::Message, serenity::Error> {
        if let Some(channel) = self.remembered(user_id) {
            match channel.send_message(http, message.clone()).await {
                Err(error) if ErrorCode::of(&error) == Some(ErrorCode::UnknownChannel) => {
                    self.forget(user_id);
                }
                sent => return sent,
            }
        }
        let channel = ids::user(user_id).create_dm_channel(http).await?.id;
        self.remember(user_id, channel);
        channel.send_message(http, message).await
    }

    fn remembered(&self, user_id: i64) -> Option<ChannelId> {
        self.lock().get(&user_id).copied()
    }

    fn remember(&self, user_id: i64, channel: ChannelId) {
        self.lock().put(user_id, channel);
    }

    fn forget(&self, user_id: i64) {
        self.lock().pop(&user_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<i64, ChannelId>> {
        // A panic while holding the lock cannot leave the cache inconsistent.
        self.channels
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
