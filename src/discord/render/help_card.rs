//! The domain's help card (SPEC §3) as a Discord embed, link buttons and a vCard.
//!
//! What it says about lines and what to do comes from the helpline data, with its sources;
//! the Fluent files give only the sentence frames around it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use poise::serenity_prelude as serenity;

use super::clip;
use crate::domain::help_card::HelpCard;
use crate::domain::helpline::Helpline;
use crate::domain::opening_hours::{OpenStatus, OpeningHours};
use crate::domain::reason::Reason;
use crate::i18n::{Texts, format_clock, format_day, tr};

/// Discord's limit on an embed field value.
const FIELD_LIMIT: usize = 1024;
/// Discord's limit on an embed description.
const DESCRIPTION_LIMIT: usize = 4096;
/// Discord's limit on an embed title.
const TITLE_LIMIT: usize = 256;

/// A help card ready to attach to a DM or an ephemeral reply.
#[derive(Clone)]
pub struct RenderedHelpCard {
    pub embed: serenity::CreateEmbed,
    /// The lines' websites; none when no line has one (Discord refuses an empty row).
    pub buttons: Option<serenity::CreateActionRow>,
    pub contact_file: serenity::CreateAttachment,
}

pub fn render(card: &HelpCard, texts: &Texts, locale: &str) -> RenderedHelpCard {
    let primary = card.primary.text(locale);
    let title = primary
        .title
        .clone()
        .unwrap_or_else(|| card.primary.name.clone());
    let embed = serenity::CreateEmbed::new()
        .title(clip(title, TITLE_LIMIT))
        .description(clip(description(card, texts, locale), DESCRIPTION_LIMIT))
        .colour(serenity::Colour::new(0x2E7D32))
        .field(
            texts.text(locale, "help-card-hours-label"),
            hours(texts, locale, &card.primary),
            false,
        )
        .field(
            texts.text(locale, "help-card-now-label"),
            clip(right_now(card, texts, locale), FIELD_LIMIT),
            false,
        )
        .field(
            texts.text(locale, "help-card-urgent-label"),
            clip(urgent_lines(card, texts, locale), FIELD_LIMIT),
            false,
        )
        .field(
            texts.text(locale, "help-card-protect-label"),
            texts.text(locale, "help-card-protect-howto"),
            false,
        )
        .footer(serenity::CreateEmbedFooter::new(tr!(
            texts,
            locale,
            "help-card-contact-file",
            number = card.primary.display.clone()
        )));
    RenderedHelpCard {
        embed,
        buttons: link_buttons(card, locale),
        contact_file: serenity::CreateAttachment::bytes(
            card.contact_file.content.as_bytes().to_vec(),
            card.contact_file.file_name.clone(),
        ),
    }
}

/// The message the card comes with: what was reported, in words that fit the reason, and
/// for a witness report that someone reported it for the victim.
pub fn intro(texts: &Texts, locale: &str, reason: Reason, server: &str, witness: bool) -> String {
    if witness {
        tr!(
            texts,
            locale,
            "help-card-witness-intro",
            server = server.to_owned(),
            reason = texts.text(locale, &reason.fluent_id())
        )
    } else {
        let id = format!("help-card-intro-{}", reason.as_str());
        tr!(texts, locale, &id, server = server.to_owned())
    }
}

/// The lines the card leads with, the advice for this reason, then what the main line is for.
fn description(card: &HelpCard, texts: &Texts, locale: &str) -> String {
    let lead_id = if card.reason == Reason::SelfHarm {
        "help-card-lead-self-harm"
    } else {
        "help-card-lead-danger"
    };
    let mut paragraphs: Vec<String> = card
        .lead_lines
        .iter()
        .map(|line| {
            tr!(
                texts,
                locale,
                lead_id,
                number = line.display.clone(),
                description = line.text(locale).description.clone()
            )
        })
        .collect();
    paragraphs.extend(
        card.advice
            .iter()
            .map(|advice| advice.text(locale).to_owned()),
    );
    paragraphs.push(card.primary.text(locale).description.clone());
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
                number = line.display.clone(),
                description = line.text(locale).description.clone()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Discord shows at most five buttons in a row.
fn link_buttons(card: &HelpCard, locale: &str) -> Option<serenity::CreateActionRow> {
    let buttons: Vec<serenity::CreateButton> = card
        .links
        .iter()
        .filter_map(|line| Some((line.url.as_deref()?, line.text(locale))))
        .take(5)
        .map(|(url, text)| {
            let label = text.link_label.clone().unwrap_or_else(|| url.to_owned());
            serenity::CreateButton::new_link(url).label(clip(label, 80))
        })
        .collect();
    (!buttons.is_empty()).then_some(serenity::CreateActionRow::Buttons(buttons))
}

fn hours(texts: &Texts, locale: &str, line: &Helpline) -> String {
    match &line.hours {
        OpeningHours::Always => texts.text(locale, "help-card-hours-always"),
        OpeningHours::Varies => texts.text(locale, "help-card-hours-varies"),
        OpeningHours::Daily {
            timezone,
            opens,
            closes,
        } => tr!(
            texts,
            locale,
            "help-card-hours-daily",
            opens = format_clock(locale, *opens),
            closes = format_clock(locale, *closes),
            timezone = texts.zone_label(locale, *timezone)
        ),
    }
}

/// Whether the main line answers now; when it does not, which lines do.
fn right_now(card: &HelpCard, texts: &Texts, locale: &str) -> String {
    let open_lines = card
        .open_now
        .iter()
        .map(|line| format!("**{}**", line.display))
        .collect::<Vec<_>>()
        .join(", ");
    match (&card.primary_status, card.next_opening) {
        (OpenStatus::Closed { opens_at }, Some(next)) => {
            let open = (open_lines, card.open_now.len());
            closed_until(texts, locale, (*opens_at, next), open)
        }
        (OpenStatus::Unknown, _) => tr!(
            texts,
            locale,
            "help-card-now-varies",
            lines = open_lines,
            count = card.open_now.len()
        ),
        _ => tr!(
            texts,
            locale,
            "help-card-open-now",
            number = card.primary.display.clone()
        ),
    }
}

/// "Closed now. It opens again Sunday, November 22 at 9:00 AM (Paris time), in 3 hours.
/// Answering right now: 3114, 119, 17, 112." The `<t:…:R>` part is rendered by each
/// reader's Discord client in their own clock.
fn closed_until(
    texts: &Texts,
    locale: &str,
    (opens_at, next): (DateTime<Utc>, DateTime<Tz>),
    (open_lines, count): (String, usize),
) -> String {
    tr!(
        texts,
        locale,
        "help-card-closed-now",
        day = format_day(locale, &next),
        time = format_clock(locale, next.time()),
        timezone = texts.zone_label(locale, next.timezone()),
        unix = opens_at.timestamp().to_string(),
        lines = open_lines,
        count = count
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    use super::*;
    use crate::domain::help_card::help_card;
    use crate::domain::helpline::HelplineDirectory;

    /// The "Right now" field of France's card at `hour`:`minute` Paris time on 15 Jan 2025.
    fn right_now_at(locale: &str, hour: u32, minute: u32) -> String {
        let texts = Texts::embedded().unwrap();
        let directory = HelplineDirectory::embedded().unwrap();
        let now = Paris
            .with_ymd_and_hms(2025, 1, 15, hour, minute, 0)
            .unwrap()
            .with_timezone(&Utc);
        let card = help_card(
            directory.country("fr").unwrap(),
            Reason::Harassment,
            now,
            Paris,
        );
        let embed = serde_json::to_value(render(&card, &texts, locale).embed).unwrap();
        embed["fields"][1]["value"].as_str().unwrap().to_owned()
    }

    #[test]
    fn a_closed_card_gives_the_reopening_on_the_readers_clock_and_what_answers_now() {
        let english = right_now_at("en-US", 23, 30);
        assert!(
            english.starts_with(
                "Closed now. It opens again Thursday, January 16 at 9:00 AM (Paris time), <t:"
            ),
            "{english}"
        );
        assert!(
            english.ends_with("Answering right now: **3114**, **119**, **17**, **112**."),
            "{english}"
        );
        let french = right_now_at("fr", 23, 30);
        assert!(
            french.starts_with(
                "Fermé pour l'instant. Réouverture jeudi 16 janvier à 9 h (heure de Paris), <t:"
            ),
            "{french}"
        );
        assert!(!french.contains("3018.fr"), "nothing unsourced: {french}");
        assert_eq!(right_now_at("en-US", 12, 0), "Open now: call **3018**.");
    }
}
