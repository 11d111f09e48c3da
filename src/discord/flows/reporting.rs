//! Filing a report, whatever the entry point (SPEC §2–3): store it, send the help card to
//! the victim by DM (or into the ephemeral answer when the DM fails), apply what the report
//! triggers, and say what to answer.

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::CaseChanged;
use super::auto_protection;
use crate::discord::BotData;
use crate::discord::render::acknowledgement::{ReportAnswer, acknowledgement};
use crate::discord::render::help_card::{self, RenderedHelpCard};
use crate::discord::render::prompts::victim_buttons;
use crate::discord::rest::{self, ErrorCode};
use crate::domain::case::{HelpCardDelivery, ReportSource};
use crate::domain::help_card::{HelpCard, help_card};
use crate::domain::report::CheckedReport;
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
    /// The case the report went into, whose queue post must now show it.
    pub changed: Option<CaseChanged>,
}

impl Acknowledgement {
    /// A plain answer: no report was stored.
    pub fn text(content: String) -> Acknowledgement {
        Acknowledgement {
            recorded: false,
            content,
            help_card: None,
            protection: None,
            changed: None,
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
    let card = data
        .helplines
        .country(settings.helpline_country())
        .map(|country| help_card(country, report.reason, now, settings.timezone()));
    let render_card = |card: HelpCard| help_card::render(&card, &data.texts, &filing.locale);
    let recorded = match data
        .store
        .record_report(new_report(data, settings, &filing, now))
        .await
    {
        Ok(recorded) => recorded,
        Err(error) => {
            tracing::error!(guild_id = report.guild_id, %error, "report not recorded");
            // Help is never withheld: the card goes into the answer.
            let text = data.texts.text(&filing.locale, "report-store-failed");
            let mut answer = Acknowledgement::text(text);
            answer.help_card = card.map(render_card);
            return answer;
        }
    };
    let (case, merged, source) = (&recorded.reference, recorded.merged, filing.source);
    tracing::info!(guild_id = report.guild_id, %case, merged, %source, "report recorded");
    let context = Recorded {
        settings,
        guild_name,
        filing: &filing,
        stored: &recorded,
    };
    context.deliver_and_answer(http, data, card).await
}

/// A report just stored, and what its answer depends on.
struct Recorded<'a> {
    settings: &'a Settings,
    guild_name: &'a str,
    filing: &'a Filing,
    stored: &'a RecordedReport,
}

impl Recorded<'_> {
    /// Sends the help card, applies what the report triggers, and builds the answer.
    async fn deliver_and_answer(
        &self,
        http: &Http,
        data: &BotData,
        card: Option<HelpCard>,
    ) -> Acknowledgement {
        let (settings, filing, recorded) = (self.settings, self.filing, self.stored);
        let report = &filing.report;
        let render_card = |card: HelpCard| help_card::render(&card, &data.texts, &filing.locale);
        let guild_name = self.guild_name;
        let delivery =
            deliver_help_card(http, data, settings, guild_name, filing, card.as_ref()).await;
        if let Err(error) = data
            .store
            .set_help_card_delivery(recorded.report_id, delivery)
            .await
        {
            tracing::error!(case = %recorded.reference, %error, "help card delivery not recorded");
        }
        // After the help card, so that the queue post shows whether it reached the victim.
        let protection =
            auto_protection::after_report(http, data, settings, report, recorded, &filing.locale)
                .await;
        let answer = ReportAnswer {
            reference: recorded.reference.as_str(),
            merged: recorded.merged,
            link_note: filing.link_note,
            sealed: settings.flag(SettingKey::ReporterSealed),
            protection_lines: protection.lines,
            delivery,
            witness: report.is_witness,
        };
        let content = acknowledgement(&data.texts, &filing.locale, answer);
        let dm_failed = delivery == HelpCardDelivery::DmFailed;
        Acknowledgement {
            recorded: true,
            content,
            help_card: card.filter(|_| dm_failed).map(render_card),
            protection: victim_buttons(
                &data.texts,
                &filing.locale,
                recorded.case_id,
                protection.offer,
            ),
            changed: Some(CaseChanged(recorded.case_id)),
        }
    }
}

fn new_report(
    data: &BotData,
    settings: &Settings,
    filing: &Filing,
    now: DateTime<Utc>,
) -> NewReport {
    let report = &filing.report;
    NewReport {
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
        stats_hour: settings.local_hour(now),
        reported_pseudonym: Some(
            data.pseudonyms
                .pseudonym(report.guild_id, report.reported_id),
        ),
        reporter_pseudonym: data
            .pseudonyms
            .reporter_pseudonym(report.guild_id, report.reporter_id),
    }
}

/// Sends the help card to the victim by DM, in their language as far as it is known: the
/// reporter's when they are the victim, the server's for a witness report (the victim's
/// client language is unknown outside an interaction).
async fn deliver_help_card(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    guild_name: &str,
    filing: &Filing,
    card: Option<&HelpCard>,
) -> HelpCardDelivery {
    let Some(card) = card else {
        tracing::error!(
            country = settings.helpline_country(),
            "no helpline data for the configured country"
        );
        return HelpCardDelivery::DmFailed;
    };
    let report = &filing.report;
    let locale = if report.is_witness {
        settings.language()
    } else {
        filing.locale.as_str()
    };
    let card = help_card::render(card, &data.texts, locale);
    let intro_id = if report.is_witness {
        "help-card-witness-intro"
    } else {
        "help-card-intro"
    };
    let message = serenity::CreateMessage::new()
        .content(tr!(data.texts, locale, intro_id, server = guild_name))
        .embed(card.embed)
        .components(vec![card.buttons])
        .add_file(card.contact_file);
    match rest::send_dm(http, report.victim_id, message).await {
        Ok(_) => HelpCardDelivery::DmSent,
        Err(error) => {
            let code = ErrorCode::of(&error);
            tracing::info!(?code, "help card DM not delivered; it goes into the answer");
            HelpCardDelivery::DmFailed
        }
    }
}
