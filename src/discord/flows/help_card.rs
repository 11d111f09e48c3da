//! The help card's delivery (SPEC §3), carried out by the delivery worker: the card by DM
//! to the victim, rendered now from the database; how it went, recorded on the report;
//! then the reporter's answer edited with it ("sent to you by DM", or the card itself when
//! the DM is refused, for the reporter to keep or to pass on).

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::Http;

use crate::discord::render::acknowledgement::{ReportAnswer, acknowledgement};
use crate::discord::render::help_card::{self, RenderedHelpCard};
use crate::discord::render::prompts::victim_buttons;
use crate::discord::rest::{self, ErrorCode};
use crate::discord::{BotData, BotError, ids, reply};
use crate::domain::case::HelpCardDelivery;
use crate::domain::help_card::{HelpCard, help_card};
use crate::domain::protection::Offer;
use crate::domain::settings::Settings;
use crate::store::{Delivery, Finished, ReportRecord};

/// Sends the card, records how it went, edits the reporter's answer. A failure worth
/// another try (network, 5xx, 429, 40003) is returned for the worker to retry; a refusal
/// is the card's outcome.
pub async fn deliver(
    http: &Http,
    cache: &serenity::Cache,
    data: &BotData,
    delivery: &Delivery,
) -> Result<Finished, BotError> {
    let Some((report, settings)) = report_of(data, delivery).await? else {
        return Ok(Finished::Done);
    };
    let reporter_locale = data.locale(delivery.locale.as_deref(), Some(&settings));
    // The victim's client language is unknown outside an interaction: the reporter's when
    // they are the victim, the server's for a witness report.
    let victim_locale = if report.is_witness {
        settings.language().to_owned()
    } else {
        reporter_locale.clone()
    };
    let card = data
        .helplines
        .country(settings.helpline_country())
        .map(|country| help_card(country, report.reason, Utc::now(), settings.timezone()));
    let outcome = match &card {
        // Recorded by an earlier attempt that could not finish: the DM is not sent again.
        _ if report.help_card != HelpCardDelivery::Pending => report.help_card,
        None => {
            let country = settings.helpline_country();
            tracing::error!(country, "no helpline data for the configured country");
            HelpCardDelivery::DmFailed
        }
        Some(card) => {
            let locales = (victim_locale.as_str(), reporter_locale.as_str());
            dm_card(http, (cache, data), delivery, &report, card, locales).await?
        }
    };
    data.store
        .set_help_card_delivery(report.id, outcome)
        .await?;
    let card = card.map(|card| help_card::render(&card, &data.texts, &reporter_locale));
    edit_answer(http, data, delivery, &reporter_locale, outcome, card).await;
    Ok(Finished::Done)
}

/// The card by DM to the victim in `victim`'s language. A failure worth another try is
/// returned; the first one also gives the reporter the card now, in `reporter`'s language:
/// help is not delayed by an outage.
async fn dm_card(
    http: &Http,
    (cache, data): (&serenity::Cache, &BotData),
    delivery: &Delivery,
    report: &ReportRecord,
    card: &HelpCard,
    (victim, reporter): (&str, &str),
) -> Result<HelpCardDelivery, BotError> {
    let rendered = help_card::render(card, &data.texts, victim);
    let guild_name = data.guild_name(cache, ids::guild(report.guild_id), victim);
    let content = help_card::intro(
        &data.texts,
        victim,
        report.reason,
        &guild_name,
        report.is_witness,
    );
    let evidence_file = evidence_file_row(data, delivery, victim);
    let sent = send(
        (http, data),
        delivery,
        report,
        content,
        (rendered, evidence_file),
    )
    .await;
    if sent.is_err() && delivery.attempts == 1 {
        let card = Some(help_card::render(card, &data.texts, reporter));
        let outcome = HelpCardDelivery::DmFailed;
        edit_answer(http, data, delivery, reporter, outcome, card).await;
    }
    sent
}

/// The delivery's report, if still stored, and its server's settings.
async fn report_of(
    data: &BotData,
    delivery: &Delivery,
) -> Result<Option<(ReportRecord, Settings)>, BotError> {
    let Some(report_id) = delivery.report_id else {
        return Ok(None);
    };
    let mut reads = data.store.reads().await?;
    let Some(report) = reads.report_by_id(report_id).await? else {
        return Ok(None);
    };
    let settings = data.settings_read(&mut reads, report.guild_id).await;
    Ok(Some((report, settings)))
}

/// The DM: created with the delivery's nonce enforced, so a retry after a crash does not
/// send the card twice. A refusal is the outcome; anything worth retrying is returned.
async fn send(
    (http, data): (&Http, &BotData),
    delivery: &Delivery,
    report: &ReportRecord,
    content: String,
    (card, evidence_file): (RenderedHelpCard, Option<serenity::CreateActionRow>),
) -> Result<HelpCardDelivery, BotError> {
    let message = serenity::CreateMessage::new()
        .content(content)
        .embed(card.embed)
        .components(card.buttons.into_iter().chain(evidence_file).collect())
        .add_file(card.contact_file)
        .nonce(serenity::Nonce::String(format!("sbd{}", delivery.id)))
        .enforce_nonce(true);
    match data
        .dm_channels
        .send(http, report.victim_user_id, message)
        .await
    {
        Ok(_) => Ok(HelpCardDelivery::DmSent),
        Err(error) if rest::is_refusal(&error) => {
            let code = ErrorCode::of(&error);
            tracing::info!(?code, "help card DM refused; it goes into the answer");
            Ok(HelpCardDelivery::DmFailed)
        }
        Err(error) => Err(error.into()),
    }
}

/// Edits the reporter's answer with the card's outcome, while their interaction can still
/// answer. Best effort: the outcome is recorded already.
async fn edit_answer(
    http: &Http,
    data: &BotData,
    delivery: &Delivery,
    locale: &str,
    outcome: HelpCardDelivery,
    card: Option<RenderedHelpCard>,
) {
    let Some((token, expires_at)) = &delivery.interaction else {
        return;
    };
    let (Some(answer), true) = (answer_of(delivery), Utc::now() < *expires_at) else {
        return;
    };
    let content = acknowledgement(&data.texts, locale, &answer, outcome);
    let card = card.filter(|_| outcome == HelpCardDelivery::DmFailed);
    let buttons = super::reporting::offered_buttons(data, locale, &answer);
    reply::edit_answer(http, &token.0, content, card, buttons).await;
}

/// What the reporter's answer said, as codes, once it was sent.
fn answer_of(delivery: &Delivery) -> Option<ReportAnswer> {
    let codes = delivery.answer.as_deref()?;
    serde_json::from_str(codes).ok()
}

/// "Get my evidence file" under the card, when the report kept messages: the named victim
/// of a witness report has no answer of their own to press it on.
fn evidence_file_row(
    data: &BotData,
    delivery: &Delivery,
    locale: &str,
) -> Option<serenity::CreateActionRow> {
    let answer = answer_of(delivery).filter(|answer| answer.evidence_items > 0)?;
    victim_buttons(
        &data.texts,
        locale,
        (answer.case_id, Offer::default()),
        true,
    )
}
