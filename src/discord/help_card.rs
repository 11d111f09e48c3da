//! Renders the domain's help card (SPEC §3) as a Discord embed, link buttons and a vCard.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use fluent_bundle::FluentArgs;
use poise::serenity_prelude as serenity;

use crate::domain::help_card::HelpCard;
use crate::domain::helpline::Helpline;
use crate::domain::opening_hours::{OpenStatus, OpeningHours};
use crate::i18n::{Texts, format_day};

/// Discord's limit on an embed field value.
const FIELD_LIMIT: usize = 1024;

/// A help card ready to attach to a DM or an ephemeral reply.
pub struct RenderedHelpCard {
    pub embed: serenity::CreateEmbed,
    pub buttons: serenity::CreateActionRow,
    pub contact_file: serenity::CreateAttachment,
}

pub fn render(card: &HelpCard, texts: &Texts, locale: &str) -> RenderedHelpCard {
    let text = |id: &str, args: &FluentArgs| texts.format(locale, id, Some(args));
    let number_args = args([("number", card.primary.number.clone())]);

    let now = match (&card.primary_status, card.next_opening) {
        (OpenStatus::Closed { opens_at }, Some(next)) => {
            closed_until(texts, locale, *opens_at, next)
        }
        _ => text("help-card-open-now", &number_args),
    };
    let urgent: Vec<String> = card
        .urgent_lines
        .iter()
        .map(|line| {
            text(
                "help-card-urgent-line",
                &args([
                    ("number", line.number.clone()),
                    ("description", texts.text(locale, &line.description_id)),
                ]),
            )
        })
        .collect();

    let mut description: Vec<String> = card
        .lead_lines
        .iter()
        .map(|line| {
            text(
                "help-card-lead-line",
                &args([
                    ("number", line.number.clone()),
                    ("description", texts.text(locale, &line.description_id)),
                ]),
            )
        })
        .collect();
    description.push(texts.text(locale, &card.primary.description_id));
    let embed = serenity::CreateEmbed::new()
        .title(text("help-card-title", &number_args))
        .description(description.join("\n\n"))
        .colour(serenity::Colour::new(0x2E7D32))
        .field(
            texts.text(locale, "help-card-hours-label"),
            hours(texts, locale, &card.primary),
            false,
        )
        .field(texts.text(locale, "help-card-now-label"), now, false)
        .field(
            texts.text(locale, "help-card-urgent-label"),
            truncate(urgent.join("\n"), FIELD_LIMIT),
            false,
        )
        .field(
            texts.text(locale, "help-card-block-label"),
            texts.text(locale, "help-card-block-howto"),
            false,
        )
        .footer(serenity::CreateEmbedFooter::new(text(
            "help-card-contact-file",
            &number_args,
        )));
    let buttons = serenity::CreateActionRow::Buttons(
        card.links
            .iter()
            .take(5)
            .map(|link| {
                serenity::CreateButton::new_link(&link.url)
                    .label(texts.text(locale, &link.label_id))
            })
            .collect(),
    );
    let contact_file = serenity::CreateAttachment::bytes(
        card.contact_file.content.as_bytes().to_vec(),
        card.contact_file.file_name.clone(),
    );
    RenderedHelpCard {
        embed,
        buttons,
        contact_file,
    }
}

fn hours(texts: &Texts, locale: &str, line: &Helpline) -> String {
    match &line.hours {
        OpeningHours::Always => texts.text(locale, "help-card-hours-always"),
        OpeningHours::Daily {
            timezone,
            opens,
            closes,
        } => texts.format(
            locale,
            "help-card-hours-daily",
            Some(&args([
                ("opens", opens.format("%H:%M").to_string()),
                ("closes", closes.format("%H:%M").to_string()),
                ("timezone", timezone.name().to_owned()),
            ])),
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
    texts.format(
        locale,
        "help-card-closed-now",
        Some(&args([
            ("day", format_day(locale, &next)),
            ("time", next.format("%H:%M").to_string()),
            ("timezone", next.timezone().name().to_owned()),
            ("unix", opens_at.timestamp().to_string()),
        ])),
    )
}

fn args<const N: usize>(pairs: [(&'static str, String); N]) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    for (name, value) in pairs {
        args.set(name, value);
    }
    args
}

/// Cuts at a character boundary, with an ellipsis, so Discord never refuses a long text.
pub fn truncate(text: String, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text;
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}
