//! The one conversion point between Discord's typed ids, which the adapter uses, and the
//! store's integers (a snowflake fits in an `i64`; the store knows nothing of Discord).

use std::num::NonZeroU64;

use poise::serenity_prelude as serenity;

/// A Discord id as the store keeps it.
pub trait DbId {
    fn db(self) -> i64;
}

macro_rules! db_ids {
    ($($id:ident),+) => {
        $(impl DbId for serenity::$id {
            fn db(self) -> i64 {
                self.get().cast_signed()
            }
        })+
    };
}

db_ids!(GuildId, UserId, ChannelId, MessageId, RoleId);

/// A stored id as a typed Discord id. Zero is never a snowflake, and serenity panics on it:
/// a corrupt row reads as id 1 instead, which Discord refuses like any unknown id.
fn typed<Id: From<NonZeroU64>>(id: i64) -> Id {
    Id::from(NonZeroU64::new(id.cast_unsigned()).unwrap_or(NonZeroU64::MIN))
}

pub fn guild(id: i64) -> serenity::GuildId {
    typed(id)
}

pub fn user(id: i64) -> serenity::UserId {
    typed(id)
}

pub fn channel(id: i64) -> serenity::ChannelId {
    typed(id)
}

pub fn message(id: i64) -> serenity::MessageId {
    typed(id)
}

pub fn role(id: i64) -> serenity::RoleId {
    typed(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_zero_does_not_panic() {
        let id = serenity::UserId::new(1_406_942_836_590_510_082);
        assert_eq!(user(id.db()), id);
        assert_eq!(guild(u64::MAX.cast_signed()).get(), u64::MAX);
        assert_eq!(channel(0).get(), 1);
    }
}
