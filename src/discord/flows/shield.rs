//! The contact shield on the gateway (SPEC §4): a shielded member's message that mentions or
//! replies to the member the shield protects is deleted, and noted on the case. Every other
//! message costs one map lookup.

use chrono::Utc;
use poise::serenity_prelude as serenity;

use super::CaseChanged;
use super::sanctions::audit_reason;
use crate::discord::ids::DbId;
use crate::discord::rest::ErrorCode;
use crate::discord::{BotData, BotError};
use crate::domain::case::CaseStatus;
use crate::domain::protection;
use crate::domain::queue::AuditAction;
use crate::store::NewAuditEntry;

/// What the shield looks at in a message.
pub struct WatchedMessage {
    guild_id: i64,
    channel_id: serenity::ChannelId,
    message_id: serenity::MessageId,
    author: i64,
    mentioned: Vec<i64>,
    replied_to: Option<i64>,
}

impl WatchedMessage {
    /// `MESSAGE_CREATE`; `None` outside a server.
    pub fn created(message: &serenity::Message) -> Option<WatchedMessage> {
        Some(WatchedMessage {
            guild_id: message.guild_id?.db(),
            channel_id: message.channel_id,
            message_id: message.id,
            author: message.author.id.db(),
            mentioned: message.mentions.iter().map(|user| user.id.db()).collect(),
            replied_to: message
                .referenced_message
                .as_ref()
                .map(|referenced| referenced.author.id.db()),
        })
    }

    /// `MESSAGE_UPDATE`: an edit can add a mention of the victim to a message posted
    /// innocently (a reply target cannot change, so only mentions matter).
    pub fn edited(update: &serenity::MessageUpdateEvent) -> Option<WatchedMessage> {
        let (Some(guild_id), Some(author), Some(mentions)) =
            (update.guild_id, &update.author, &update.mentions)
        else {
            return None;
        };
        Some(WatchedMessage {
            guild_id: guild_id.db(),
            channel_id: update.channel_id,
            message_id: update.id,
            author: author.id.db(),
            mentioned: mentions.iter().map(|user| user.id.db()).collect(),
            replied_to: None,
        })
    }
}

/// Deletes the message if it breaks a running shield, and notes it on the case (which
/// writes the delivery that redraws the case's post).
pub async fn enforce(
    ctx: &serenity::Context,
    data: &BotData,
    message: WatchedMessage,
) -> Result<Option<CaseChanged>, BotError> {
    let (guild_id, author) = (message.guild_id, message.author);
    if !data.shields.covers(guild_id, author) {
        return Ok(None);
    }
    let (mentioned, replied_to) = (&message.mentioned, message.replied_to);
    let Some(shield) = data
        .shields
        .broken_by(guild_id, author, mentioned, replied_to, Utc::now())
    else {
        return Ok(None);
    };
    let Some(case) = data.store.case_by_id(shield.case_id).await? else {
        return Ok(None);
    };
    if case.status != CaseStatus::Open && case.status != CaseStatus::Claimed {
        data.shields.end_case(case.id);
        return Ok(None);
    }
    let settings = data.settings_of(guild_id).await;
    let reason = audit_reason(data, &settings, "audit-reason-shield", &case, None);
    let reason = protection::audit_log_reason(&reason);
    let deleted = ctx
        .http
        .delete_message(message.channel_id, message.message_id, Some(&reason))
        .await;
    if let Err(error) = deleted {
        tracing::warn!(case = %case.reference, code = ?ErrorCode::of(&error), "shield could not delete a message");
        return Ok(None);
    }
    let bot_id = ctx.cache.current_user().id.db();
    data.store
        .append_audit(&NewAuditEntry {
            guild_id,
            case_id: Some(case.id),
            actor_user_id: bot_id,
            action: AuditAction::ShieldDeletion,
            // Where it was, never what it said.
            detail: Some(format!(
                "{}/{}",
                message.channel_id.get(),
                message.message_id.get()
            )),
            now: Utc::now(),
        })
        .await?;
    // The post shows the count once its delivery, a few seconds later, redraws it.
    Ok(Some(CaseChanged(case.id)))
}
