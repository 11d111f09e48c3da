//! Pure rendering: views to embeds, components, files and texts, in a given language. No
//! I/O: the flows load what is shown and send what these functions build.

pub mod acknowledgement;
pub mod answers;
mod audit_words;
pub mod case_list;
pub mod chart;
pub mod embed_fit;
pub mod evidence_file;
pub mod evidence_list;
pub mod help_card;
pub mod prompts;
pub mod queue_post;
pub mod stats;

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serenity::{FormattedTimestamp, FormattedTimestampStyle, Mentionable};

use super::ids;

/// Cuts at a character boundary, with an ellipsis, so Discord never refuses a long text.
pub fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

/// `<@…>` for a stored user id.
pub fn mention(user_id: i64) -> String {
    ids::user(user_id).mention().to_string()
}

/// `<t:…:f>`: each reader's Discord client shows the moment in their own clock.
pub fn timestamp(at: DateTime<Utc>) -> String {
    discord_time(at, FormattedTimestampStyle::ShortDateTime)
}

/// `<t:…:R>`: "in 3 hours", "2 days ago", in each reader's client.
pub fn relative_time(at: DateTime<Utc>) -> String {
    discord_time(at, FormattedTimestampStyle::RelativeTime)
}

fn discord_time(at: DateTime<Utc>, style: FormattedTimestampStyle) -> String {
    FormattedTimestamp::new(serenity::Timestamp::from(at), Some(style)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_markup_is_what_clients_expect() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(timestamp(at), "<t:1700000000:f>");
        assert_eq!(relative_time(at), "<t:1700000000:R>");
        assert_eq!(mention(42), "<@42>");
    }

    #[test]
    fn clipping_keeps_characters_whole() {
        assert_eq!(clip("ééééé".to_owned(), 3), "éé…");
        assert_eq!(clip("abc".to_owned(), 3), "abc");
    }
}
