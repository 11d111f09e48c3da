//! Who may do what, decided server-side from the member behind an interaction (what Discord
//! says about them now) and the server's settings: never from the command's default
//! permissions or a channel's visibility alone.

use poise::serenity_prelude as serenity;

use super::ids::DbId;
use crate::domain::access::Actor;
use crate::domain::settings::{SettingKey, SettingValue, Settings};

/// The member behind an interaction; `None` outside a server.
pub fn actor(
    member: Option<&serenity::Member>,
    guild_owner: Option<serenity::UserId>,
) -> Option<Actor> {
    let member = member?;
    Some(Actor {
        // Discord fills `permissions` on interaction members; absent means none.
        permissions: member
            .permissions
            .map_or(0, |permissions| permissions.bits()),
        role_ids: member.roles.iter().map(|role| role.db()).collect(),
        is_owner: guild_owner == Some(member.user.id),
    })
}

/// The owner of a server, from the cache (`GUILD_CREATE` fills it).
pub fn guild_owner(
    ctx: &serenity::Context,
    guild_id: serenity::GuildId,
) -> Option<serenity::UserId> {
    ctx.cache.guild(guild_id).map(|guild| guild.owner_id)
}

/// The server's moderator role, if one is configured.
pub fn moderator_role(settings: &Settings) -> Option<i64> {
    match settings.get(SettingKey::ModeratorRole) {
        Some(SettingValue::Role(role)) => Some(role.cast_signed()),
        _ => None,
    }
}

/// Whether the member is a moderator of the server: moderation rights, or its moderator role.
pub fn is_moderator(
    ctx: &serenity::Context,
    member: Option<&serenity::Member>,
    guild_id: serenity::GuildId,
    settings: &Settings,
) -> bool {
    actor(member, guild_owner(ctx, guild_id))
        .is_some_and(|actor| actor.is_moderator(moderator_role(settings)))
}

/// Whether the member administers the server.
pub fn is_admin(
    ctx: &serenity::Context,
    member: Option<&serenity::Member>,
    guild_id: serenity::GuildId,
) -> bool {
    actor(member, guild_owner(ctx, guild_id)).is_some_and(|actor| actor.is_admin())
}
