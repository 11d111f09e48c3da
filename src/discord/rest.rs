//! Discord's REST API as the bot uses it: the JSON error codes it tells apart, what a
//! refusal means for the member, and the calls serenity does not wrap as the bot needs them
//! (a member's standing, timeouts, bans with seconds of cleanup, unbans, DMs).

use chrono::{DateTime, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use poise::serenity_prelude as serenity;
use serenity::Http;
use serenity::http::{LightMethod, Request, Route};

use super::ids;
use crate::domain::access::Actor;
use crate::domain::protection::{self, BanCleanup, Target};

/// The JSON error codes of Discord's answers that the bot tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    UnknownChannel,
    UnknownMember,
    UnknownMessage,
    UnknownBan,
    MissingPermissions,
    /// 40003, "opening direct messages too fast": a rate limit, not a refusal.
    OpeningDmsTooFast,
    /// Any other code, kept for the logs.
    Other(isize),
}

impl ErrorCode {
    fn from_code(code: isize) -> ErrorCode {
        match code {
            10003 => ErrorCode::UnknownChannel,
            10007 => ErrorCode::UnknownMember,
            10008 => ErrorCode::UnknownMessage,
            10026 => ErrorCode::UnknownBan,
            50013 => ErrorCode::MissingPermissions,
            40003 => ErrorCode::OpeningDmsTooFast,
            other => ErrorCode::Other(other),
        }
    }

    /// The code of a failed REST call, if Discord answered with one.
    pub fn of(error: &serenity::Error) -> Option<ErrorCode> {
        match error {
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
                Some(ErrorCode::from_code(response.error.code))
            }
            _ => None,
        }
    }
}

/// Discord refused the request itself (a 4xx other than a rate limit: 429, or 40003 on
/// opening DMs): sending it again would fail the same way.
pub fn is_refusal(error: &serenity::Error) -> bool {
    matches!(
        error,
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))
            if response.status_code.is_client_error()
                && response.status_code != reqwest::StatusCode::TOO_MANY_REQUESTS
    ) && ErrorCode::of(error) != Some(ErrorCode::OpeningDmsTooFast)
}

/// Why Discord refused an action, as the member is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscordRefusal {
    /// 50013, or a 403: the bot lacks the permission or the member is above it.
    MissingPermissions,
    /// 10007: the member left the server.
    UnknownMember,
    /// 10026: there is no such ban (already lifted).
    UnknownBan,
    /// Anything else (an outage).
    Failed,
}

impl DiscordRefusal {
    pub const ALL: [DiscordRefusal; 4] = [
        DiscordRefusal::MissingPermissions,
        DiscordRefusal::UnknownMember,
        DiscordRefusal::UnknownBan,
        DiscordRefusal::Failed,
    ];

    pub fn of(error: &serenity::Error) -> DiscordRefusal {
        let status_forbidden = matches!(
            error,
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))
                if response.status_code.as_u16() == 403
        );
        match ErrorCode::of(error) {
            Some(ErrorCode::MissingPermissions) => DiscordRefusal::MissingPermissions,
            Some(ErrorCode::UnknownMember) => DiscordRefusal::UnknownMember,
            Some(ErrorCode::UnknownBan) => DiscordRefusal::UnknownBan,
            _ if status_forbidden => DiscordRefusal::MissingPermissions,
            _ => DiscordRefusal::Failed,
        }
    }

    /// Stored in `protective_actions.detail`.
    pub fn code(self) -> &'static str {
        match self {
            DiscordRefusal::MissingPermissions => "discord_missing_permissions",
            DiscordRefusal::UnknownMember => "discord_unknown_member",
            DiscordRefusal::UnknownBan => "discord_unknown_ban",
            DiscordRefusal::Failed => "discord_failed",
        }
    }

    pub fn fluent_id(self) -> &'static str {
        match self {
            DiscordRefusal::MissingPermissions => "protection-discord-missing-permissions",
            DiscordRefusal::UnknownMember => "protection-discord-unknown-member",
            DiscordRefusal::UnknownBan => "protection-discord-unknown-ban",
            DiscordRefusal::Failed => "protection-discord-failed",
        }
    }
}

/// A member and the bot, as Discord describes them now.
pub struct Standing {
    pub target: Target,
    pub bot_top_role_position: i64,
    /// The end of the member's running timeout, whoever set it.
    pub timed_out_until: Option<DateTime<Utc>>,
}

/// Reads the member's roles and the bot's from Discord (fresh: the cache does not follow
/// role changes without the privileged members intent).
pub async fn standing(
    http: &Http,
    guild_id: i64,
    user_id: i64,
) -> Result<Standing, serenity::Error> {
    let guild_id = ids::guild(guild_id);
    let guild = http.get_guild(guild_id).await?;
    let member = http.get_member(guild_id, ids::user(user_id)).await?;
    let bot = http.get_current_user().await?;
    let bot_member = http.get_member(guild_id, bot.id).await?;
    let top_position = |roles: &[serenity::RoleId]| {
        roles
            .iter()
            .filter_map(|role| guild.roles.get(role))
            .map(|role| i64::from(role.position))
            .max()
            .unwrap_or(0)
    };
    let everyone = guild
        .roles
        .get(&serenity::RoleId::new(guild_id.get()))
        .map_or(0, |role| role.permissions.bits());
    let permissions = member
        .roles
        .iter()
        .filter_map(|role| guild.roles.get(role))
        .fold(everyone, |bits, role| bits | role.permissions.bits());
    Ok(Standing {
        target: Target {
            is_bot: member.user.bot,
            access: Actor {
                permissions,
                role_ids: member
                    .roles
                    .iter()
                    .map(|role| ids::DbId::db(*role))
                    .collect(),
                is_owner: guild.owner_id == member.user.id,
            },
            top_role_position: top_position(&member.roles),
        },
        bot_top_role_position: top_position(&bot_member.roles),
        timed_out_until: member
            .communication_disabled_until
            .map(|until| *until)
            .filter(|until| *until > Utc::now()),
    })
}

/// Times a member out until `until`, or lifts the timeout with `None`.
pub async fn set_timeout(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    until: Option<DateTime<Utc>>,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    let edit = match until {
        Some(until) => serenity::EditMember::new().disable_communication_until(until.to_rfc3339()),
        None => serenity::EditMember::new().enable_communication(),
    };
    http.edit_member(
        ids::guild(guild_id),
        ids::user(user_id),
        &edit,
        Some(&reason),
    )
    .await
    .map(drop)
}

/// Bans a member, deleting their messages of the last hour or day if asked. (serenity's
/// `ban_user` counts in whole days; Discord takes `delete_message_seconds` in the body.)
pub async fn ban(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    cleanup: BanCleanup,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    // Discord reads the audit-log header percent-encoded.
    let encoded = utf8_percent_encode(&reason, NON_ALPHANUMERIC).to_string();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Ok(value) = reqwest::header::HeaderValue::from_str(&encoded) {
        headers.insert("X-Audit-Log-Reason", value);
    }
    let route = Route::GuildBan {
        guild_id: ids::guild(guild_id),
        user_id: ids::user(user_id),
    };
    let body = serde_json::json!({ "delete_message_seconds": cleanup.seconds() });
    let request = Request::new(route, LightMethod::Put)
        .headers(Some(headers))
        .body(Some(body.to_string().into_bytes()));
    let response = http.request(request).await?;
    if response.status().is_success() {
        return Ok(());
    }
    Err(serenity::Error::Http(
        serenity::HttpError::UnsuccessfulRequest(
            serenity::ErrorResponse::from_response(response, reqwest::Method::PUT).await,
        ),
    ))
}

pub async fn unban(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    http.remove_ban(ids::guild(guild_id), ids::user(user_id), Some(&reason))
        .await
}
