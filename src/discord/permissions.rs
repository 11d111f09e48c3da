//! The acting member, read from an interaction, for the domain's access rules.

use poise::serenity_prelude as serenity;

use crate::domain::access::Actor;

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
        role_ids: member.roles.iter().map(|role| role.get() as i64).collect(),
        is_owner: guild_owner == Some(member.user.id),
    })
}

/// The owner of a server, from the cache (GUILD_CREATE fills it).
pub fn guild_owner(
    ctx: &serenity::Context,
    guild_id: serenity::GuildId,
) -> Option<serenity::UserId> {
    ctx.cache.guild(guild_id).map(|guild| guild.owner_id)
}
