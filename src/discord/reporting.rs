//! Filing a report, whatever the entry point (SPEC §2–3): check it, store it, send the help
//! card to the victim by DM (or into the ephemeral answer when the DM fails), acknowledge.
//!
//! Every entry point first defers its interaction ephemerally, so Discord's 3-second
//! deadline holds however slow the database or Discord is; then it calls [`file_report`] and
//! edits the deferred answer with what it returns.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use fluent_bundle::FluentArgs;
use poise::serenity_prelude as serenity;
use serenity::builder::Builder;
use serenity::{CreateInteractionResponseFollowup, EditInteractionResponse, Http};

use super::BotData;
use super::help_card::{self, RenderedHelpCard};
use crate::domain::case::{HelpCardDelivery, ReportSource};
use crate::domain::help_card::help_card;
use crate::domain::report::{CheckedReport, MAX_DETAILS_CHARS, Refusal};
use crate::domain::settings::{SettingKey, Settings};
use crate::i18n::tr;
use crate::store::{NewEvidence, NewReport, RecordedReport};

/// A checked report and what came with it.
pub struct Filing {
    pub report: CheckedReport,
    pub source: ReportSource,
    pub evidence: Option<NewEvidence>,
    /// The reporter's language, already negotiated.
    pub locale: String,
    /// What to tell the reporter about their linked message, if something went amiss: a
    /// Fluent id.
    pub link_note: Option<&'static str>,
}

/// What the reporter is told.
pub struct Acknowledgement {
    /// Whether the report is in the database (the text says so only then).
    pub recorded: bool,
    pub content: String,
    /// The help card, when it could not be delivered by DM (or the report was not stored).
    pub help_card: Option<RenderedHelpCard>,
    /// The victim's protective buttons, when the server's policy offers them.
    pub protection: Option<serenity::CreateActionRow>,
}

impl Acknowledgement {
    /// A plain answer: no report was stored.
    pub fn text(content: String) -> Acknowledgement {
        Acknowledgement {
            recorded: false,
            content,
            help_card: None,
            protection: None,
        }
    }
}

/// The settings of a server: its own values over the bot defaults. A database problem here
/// must not stop a report, so it falls back to the defaults.
pub async fn server_settings(data: &BotData, guild_id: i64) -> Settings {
    match data.store.guild_settings(guild_id).await {
        Ok(stored) => {
            let (settings, _, ignored) = data.config.server_defaults.with_overrides(
                stored
                    .iter()
                    .map(|setting| (setting.key.as_str(), setting.value.as_str())),
                &data.vocabulary,
            );
            if !ignored.is_empty() {
                tracing::warn!(
                    guild_id,
                    ?ignored,
                    "stored settings no longer valid; defaults used"
                );
            }
            settings
        }
        Err(error) => {
            tracing::error!(guild_id, %error, "cannot read server settings; defaults used");
            data.config.server_defaults.clone()
        }
    }
}

/// Stores the report, then delivers the help card. The acknowledgement says "recorded" only
/// once the transaction committed.
pub async fn file_report(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    guild_name: &str,
    filing: Filing,
) -> Acknowledgement {
    let now = Utc::now();
    let report = &filing.report;
    let new_report = NewReport {
        guild_id: report.guild_id,
        reported_user_id: report.reported_id,
        reporter_user_id: report.reporter_id,
        victim_user_id: report.victim_id,
        reason: report.reason,
        details: report.details.clone(),
        source: filing.source,
        evidence: filing.evidence.clone(),
        merge_window: TimeDelta::from_std(data.config.anti_abuse.merge_window)
            .unwrap_or(TimeDelta::MAX),
        now,
        stats_hour: now
            .with_timezone(&settings.timezone())
            .format("%Y-%m-%dT%H")
            .to_string(),
        reported_pseudonym: Some(
            data.pseudonyms
                .pseudonym(report.guild_id, report.reported_id),
        ),
    };
    let card = data
        .helplines
        .country(settings.helpline_country())
        .map(|country| help_card(country, report.reason, now, settings.timezone()));

    let recorded = match data.store.record_report(new_report).await {
        Ok(recorded) => recorded,
        Err(error) => {
            tracing::error!(guild_id = report.guild_id, %error, "report not recorded");
            // Help is never withheld: the card goes into the answer.
            return Acknowledgement {
                recorded: false,
                content: data.texts.text(&filing.locale, "report-store-failed"),
                help_card: card.map(|card| help_card::render(&card, &data.texts, &filing.locale)),
                protection: None,
            };
        }
    };
    tracing::info!(
        guild_id = report.guild_id,
        case = %recorded.reference,
        merged = recorded.merged,
        source = %filing.source,
        "report recorded"
    );

    let victim_settings_locale = settings.language().to_owned();
    let delivery = match &card {
        Some(card) => {
            // The victim's client language is unknown outside an interaction: the reporter's
            // when they are the victim, the server's for a witness report.
            let victim_locale = if report.is_witness {
                &victim_settings_locale
            } else {
                &filing.locale
            };
            let rendered = help_card::render(card, &data.texts, victim_locale);
            deliver_by_dm(http, data, report, guild_name, victim_locale, rendered).await
        }
        None => {
            tracing::error!(
                country = settings.helpline_country(),
                "no helpline data for the configured country"
            );
            HelpCardDelivery::DmFailed
        }
    };
    if let Err(error) = data
        .store
        .set_help_card_delivery(recorded.report_id, delivery)
        .await
    {
        tracing::error!(case = %recorded.reference, %error, "help card delivery not recorded");
    }

    // After the help card, so that the queue embed shows whether it reached the victim.
    let protection =
        super::protection::after_report(http, data, settings, report, &recorded, &filing.locale)
            .await;

    let dm_failed = delivery == HelpCardDelivery::DmFailed;
    Acknowledgement {
        recorded: true,
        content: acknowledgement_text(
            data,
            &filing,
            settings,
            &recorded,
            delivery,
            protection.lines,
        ),
        help_card: card
            .filter(|_| dm_failed)
            .map(|card| help_card::render(&card, &data.texts, &filing.locale)),
        protection: protection.buttons,
    }
}

async fn deliver_by_dm(
    http: &Http,
    data: &BotData,
    report: &CheckedReport,
    guild_name: &str,
    locale: &str,
    card: RenderedHelpCard,
) -> HelpCardDelivery {
    let victim = serenity::UserId::new(report.victim_id as u64);
    let intro_id = if report.is_witness {
        "help-card-witness-intro"
    } else {
        "help-card-intro"
    };
    let mut args = FluentArgs::new();
    args.set("server", guild_name.to_owned());
    let message = serenity::CreateMessage::new()
        .content(data.texts.format(locale, intro_id, Some(&args)))
        .embed(card.embed)
        .components(vec![card.buttons])
        .add_file(card.contact_file);
    let sent = async {
        let channel = victim.create_dm_channel(http).await?;
        channel.send_message(http, message).await
    };
    match sent.await {
        Ok(_) => HelpCardDelivery::DmSent,
        Err(error) => {
            let code = discord_error_code(&error);
            tracing::info!(?code, "help card DM not delivered; it goes into the answer");
            HelpCardDelivery::DmFailed
        }
    }
}

fn acknowledgement_text(
    data: &BotData,
    filing: &Filing,
    settings: &Settings,
    recorded: &RecordedReport,
    delivery: HelpCardDelivery,
    protection_lines: Vec<String>,
) -> String {
    let texts = &data.texts;
    let locale = filing.locale.as_str();
    let mut reference = FluentArgs::new();
    reference.set("reference", recorded.reference.as_str().to_owned());
    let mut sealed = FluentArgs::new();
    let is_sealed = settings.flag(SettingKey::ReporterSealed);
    sealed.set("sealed", if is_sealed { "yes" } else { "no" });

    let mut lines = vec![texts.format(locale, "report-received", Some(&reference))];
    if recorded.merged {
        lines.push(texts.text(locale, "report-merged"));
    }
    if let Some(note) = filing.link_note {
        lines.push(texts.text(locale, note));
    }
    lines.push(texts.format(locale, "report-next-steps", Some(&sealed)));
    lines.extend(protection_lines);
    let witness = filing.report.is_witness;
    let help = match (delivery, witness) {
        (HelpCardDelivery::DmSent, false) => "report-help-card-sent",
        (HelpCardDelivery::DmSent, true) => "report-help-card-sent-victim",
        (_, false) => "report-help-card-here",
        (_, true) => "report-help-card-here-victim",
    };
    lines.push(texts.text(locale, help));
    lines.push(texts.text(locale, "report-danger"));
    lines.join("\n\n")
}

/// The refusal message, with its arguments.
pub fn refusal_text(data: &BotData, locale: &str, refusal: Refusal) -> String {
    tr!(
        data.texts,
        locale,
        refusal.fluent_id(),
        max = MAX_DETAILS_CHARS
    )
}

/// Discord's JSON error code of a failed REST call, if it was one.
pub fn discord_error_code(error: &serenity::Error) -> Option<isize> {
    match error {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.error.code)
        }
        _ => None,
    }
}

/// Answers a filed report: its acknowledgement, help card and protective buttons.
pub async fn acknowledge(http: &Http, interaction_token: &str, answer: Acknowledgement) {
    edit_deferred_with(
        http,
        interaction_token,
        answer.content,
        answer.help_card,
        answer.protection,
    )
    .await;
}

/// Replaces the deferred "thinking" state of an interaction with the answer. Tries twice:
/// an acknowledged report must not end up without its answer because of one network hiccup.
pub async fn edit_deferred(
    http: &Http,
    interaction_token: &str,
    content: String,
    help_card: Option<RenderedHelpCard>,
) {
    edit_deferred_with(http, interaction_token, content, help_card, None).await;
}

async fn edit_deferred_with(
    http: &Http,
    interaction_token: &str,
    content: String,
    help_card: Option<RenderedHelpCard>,
    extra_row: Option<serenity::CreateActionRow>,
) {
    let mut rows: Vec<serenity::CreateActionRow> =
        help_card.iter().map(|card| card.buttons.clone()).collect();
    rows.extend(extra_row);
    for attempt in 1..=2 {
        let mut edit = EditInteractionResponse::new()
            .content(content.clone())
            .components(rows.clone());
        if let Some(card) = &help_card {
            edit = edit
                .embed(card.embed.clone())
                .new_attachment(card.contact_file.clone());
        }
        match edit.execute(http, interaction_token).await {
            Ok(_) => return,
            Err(error) => {
                // serenity's Display of an error never includes the URL (and its token).
                tracing::warn!(attempt, %error, "cannot edit the deferred answer");
                if is_refusal(&error) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
    // Last resort: a new ephemeral follow-up message, with the help card if there is one.
    let mut followup = CreateInteractionResponseFollowup::new()
        .content(content)
        .components(rows)
        .ephemeral(true);
    if let Some(card) = help_card {
        followup = followup.embed(card.embed).add_file(card.contact_file);
    }
    if let Err(error) = followup.execute(http, (None, interaction_token)).await {
        tracing::error!(%error, "the reporter could not be answered");
    }
}

/// Discord refused the request itself (a 4xx other than 429): sending it again would fail
/// the same way.
pub fn is_refusal(error: &serenity::Error) -> bool {
    matches!(
        error,
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))
            if response.status_code.is_client_error()
                && response.status_code != reqwest::StatusCode::TOO_MANY_REQUESTS
    )
}
