//! The domain's help card (SPEC §3) as a Discord embed, link buttons and a vCard.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use poise::serenity_prelude as serenity;

use super::clip;
use crate::domain::help_card::HelpCard;
use crate::domain::helpline::Helpline;
use crate::domain::opening_hours::{OpenStatus, OpeningHours};
use crate::i18n::{Texts, format_day, tr};

/// Discord's limit on an embed field value.
const FIELD_LIMIT: usize = 1024;

/// A help card ready to attach to a DM or an ephemeral reply.
#[derive(Clone)]
pub struct RenderedHelpCard {
    pub embed: serenity::CreateEmbed,
    pub buttons: serenity::CreateActionRow,
    pub contact_file: serenity::CreateAttachment,
}

pub fn render(card: &HelpCard, texts: &Texts, locale: &str) -> RenderedHelpCard {
    let number = card.primary.number.clone();
    let now = if let (OpenStatus::Closed { opens_at }, Some(next)) =
        (&card.primary_status, card.next_opening)
    {
        closed_until(texts, locale, *opens_at, next)
    } else {
        tr!(texts, locale, "help-card-open-now", number = number.clone())
    };
    let embed = serenity::CreateEmbed::new()
        .title(tr!(
            texts,
            locale,
            "help-card-title",
            number = number.clone()
        ))
        .description(description(card, texts, locale))
        .colour(serenity::Colour::new(0x2E7D32))
        .field(
            texts.text(locale, "help-card-hours-label"),
            hours(texts, locale, &card.primary),
            false,
        )
        .field(texts.text(locale, "help-card-now-label"), now, false)
        .field(
            texts.text(locale, "help-card-urgent-label"),
            clip(urgent_lines(card, texts, locale), FIELD_LIMIT),
            false,
        )
        .field(
            texts.text(locale, "help-card-block-label"),
            texts.text(locale, "help-card-block-howto"),
            false,
        )
        .footer(serenity::CreateEmbedFooter::new(tr!(
            texts,
            locale,
            "help-card-contact-file",
            number = number
        )));
    RenderedHelpCard {
        embed,
        buttons: link_buttons(card, texts, locale),
        contact_file: serenity::CreateAttachment::bytes(
            card.contact_file.content.as_bytes().to_vec(),
            card.contact_file.file_name.clone(),
        ),
    }
}

/// The lines the card leads with, then what the main line is for.
fn description(card: &HelpCard, texts: &Texts, locale: &str) -> String {
    let mut paragraphs: Vec<String> = card
        .lead_lines
        .iter()
        .map(|line| {
            tr!(
                texts,
                locale,
                "help-card-lead-line",
                number = line.number.clone(),
                description = texts.text(locale, &line.description_id)
            )
        })
        .collect();
    paragraphs.push(texts.text(locale, &card.primary.description_id));
    paragraphs.join("\n\n")
}

fn urgent_lines(card: &HelpCard, texts: &Texts, locale: &str) -> String {
    card.urgent_lines
        .iter()
        .map(|line| {
            tr!(
                texts,
                locale,
                "help-card-urgent-line",
                number = line.number.clone(),
                description = texts.text(locale, &line.description_id)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Discord shows at most five buttons in a row.
fn link_buttons(card: &HelpCard, texts: &Texts, locale: &str) -> serenity::CreateActionRow {
    serenity::CreateActionRow::Buttons(
        card.links
            .iter()
            .take(5)
            .map(|link| {
                serenity::CreateButton::new_link(&link.url)
                    .label(texts.text(locale, &link.label_id))
            })
            .collect(),
    )
}

fn hours(texts: &Texts, locale: &str, line: &Helpline) -> String {
    match &line.hours {
        OpeningHours::Always => texts.text(locale, "help-card-hours-always"),
        OpeningHours::Daily {
            timezone,
            opens,
            closes,
        } => tr!(
            texts,
            locale,
            "help-card-hours-daily",
            opens = opens.format("%H:%M").to_string(),
            closes = closes.format("%H:%M").to_string(),
            timezone = timezone.name()
        ),
    }
}

/// "Closed now. It opens again Sunday 22 November at 09:00 (Europe/Paris time), in 3 hours."
/// The `<t:…:R>` part is rendered by each reader's Discord client in their own clock.
fn closed_until(
    texts: &Texts,
    locale: &str,
    opens_at: DateTime<Utc>,
    next: DateTime<Tz>,
) -> String {
    tr!(
        texts,
        locale,
        "help-card-closed-now",
        day = format_day(locale, &next),
        time = next.format("%H:%M").to_string(),
        timezone = next.timezone().name(),
        unix = opens_at.timestamp().to_string()
    )
}
