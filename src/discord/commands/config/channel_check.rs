//! Whether the bot can post cases in the channel an admin picks for the queue.

use poise::serenity_prelude::{self as serenity, Mentionable};

use crate::discord::BotData;
use crate::discord::commands::{BotError, Context};
use crate::domain::settings::missing_queue_permissions;
use crate::i18n::tr;

/// Whether the bot can post cases in a channel.
pub(super) enum QueueChannelCheck {
    Usable,
    Unknown,
    NotText,
    /// Fluent ids of the missing permissions.
    Missing(Vec<&'static str>),
}

/// Checks the channel against the cached server (`GUILD_CREATE` fills it): its type, and the
/// bot's effective permissions there (roles and channel overwrites).
pub(super) async fn check_queue_channel(
    ctx: Context<'_>,
    guild_id: serenity::GuildId,
    channel_id: serenity::ChannelId,
) -> Result<QueueChannelCheck, BotError> {
    let bot_id = ctx.framework().bot_id();
    let cached = ctx
        .serenity_context()
        .cache
        .guild(guild_id)
        .and_then(|guild| guild.members.get(&bot_id).cloned());
    // Discord always sends the bot's own member in GUILD_CREATE; fetch it if the cache lost it.
    let bot = match cached {
        Some(member) => member,
        None => ctx.http().get_member(guild_id, bot_id).await?,
    };
    let Some(guild) = ctx.serenity_context().cache.guild(guild_id) else {
        return Ok(QueueChannelCheck::Unknown);
    };
    let Some(channel) = guild.channels.get(&channel_id) else {
        return Ok(QueueChannelCheck::Unknown);
    };
    if channel.kind != serenity::ChannelType::Text {
        return Ok(QueueChannelCheck::NotText);
    }
    let granted = guild.user_permissions_in(channel, &bot);
    let missing = missing_queue_permissions(granted.bits());
    Ok(if missing.is_empty() {
        QueueChannelCheck::Usable
    } else {
        QueueChannelCheck::Missing(missing)
    })
}

/// Why the channel cannot be the queue, in the admin's language; `None` when it can.
pub(super) fn refusal_text(
    data: &BotData,
    locale: &str,
    channel: serenity::ChannelId,
    check: QueueChannelCheck,
) -> Option<String> {
    let texts = &data.texts;
    let channel = channel.mention().to_string();
    let id = match check {
        QueueChannelCheck::Usable => return None,
        QueueChannelCheck::Unknown => "config-queue-unknown-channel",
        QueueChannelCheck::NotText => "config-queue-not-text",
        QueueChannelCheck::Missing(missing) => {
            let names: Vec<String> = missing.iter().map(|id| tr!(texts, locale, id)).collect();
            return Some(tr!(
                texts,
                locale,
                "config-queue-missing-permissions",
                channel = channel,
                missing = names.join(", "),
            ));
        }
    };
    Some(tr!(texts, locale, id, channel = channel))
}
