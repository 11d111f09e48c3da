//! The reported message kept as evidence: the one a context menu was used on, or one named
//! by a link in `/report`, read from Discord once checked to belong to this server.

use poise::serenity_prelude as serenity;

use crate::discord::ids::DbId;
use crate::discord::rest::ErrorCode;
use crate::domain::report::MessageLink;
use crate::store::{NewAttachment, NewEvidence};

/// The exact reported message, as evidence.
pub fn evidence_of(message: &serenity::Message) -> NewEvidence {
    NewEvidence {
        message_id: message.id.db(),
        channel_id: message.channel_id.db(),
        author_id: message.author.id.db(),
        content: Some(message.content.clone()).filter(|content| !content.is_empty()),
        attachment_urls: message.attachments.iter().map(|a| a.url.clone()).collect(),
        attachments: message
            .attachments
            .iter()
            .map(|a| NewAttachment {
                url: a.url.clone(),
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: u64::from(a.size),
            })
            .collect(),
        message_created_at: *message.timestamp,
        message_edited_at: message.edited_timestamp.map(|edited| *edited),
    }
}

/// What reading a linked message gave.
pub enum LinkedMessage {
    Read(NewEvidence),
    /// Read, but Discord withheld its content: bots without the privileged message content
    /// intent get messages by link without text or attachments.
    ContentWithheld(NewEvidence),
    Unreadable,
    /// The link names this server but a channel of another one (or a DM).
    OtherServer,
}

/// Reads a linked message as evidence. The link's server id is only text: the channel is
/// checked to belong to this server before anything is read from it.
pub async fn read_linked_message(
    http: &serenity::Http,
    guild_id: serenity::GuildId,
    link: MessageLink,
) -> LinkedMessage {
    let channel = crate::discord::ids::channel(link.channel_id);
    match http.get_channel(channel).await {
        Ok(serenity::Channel::Guild(found)) if found.guild_id == guild_id => {}
        Ok(_) => return LinkedMessage::OtherServer,
        Err(error) => {
            tracing::info!(code = ?ErrorCode::of(&error), "linked channel unreadable");
            return LinkedMessage::Unreadable;
        }
    }
    let message = crate::discord::ids::message(link.message_id);
    match http.get_message(channel, message).await {
        Ok(message) => {
            let withheld = message.content.is_empty()
                && message.attachments.is_empty()
                && message.embeds.is_empty();
            let evidence = evidence_of(&message);
            if withheld {
                LinkedMessage::ContentWithheld(evidence)
            } else {
                LinkedMessage::Read(evidence)
            }
        }
        Err(error) => {
            tracing::info!(code = ?ErrorCode::of(&error), "linked message unreadable");
            LinkedMessage::Unreadable
        }
    }
}
