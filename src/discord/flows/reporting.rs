//! Filing a report, whatever the entry point (SPEC §2–3): store it with what it must cause
//! (the victim's help card and the queue post, written as deliveries in the same
//! transaction), apply what it triggers, and answer the reporter at once. The help card's
//! delivery then edits that answer with how it went (see [`super::help_card`]).

use chrono::{DateTime, TimeDelta, Utc};
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::auto_protection;
use crate::discord::render::acknowledgement::{ReportAnswer, acknowledgement};
use crate::discord::render::help_card::{self, RenderedHelpCard};
use crate::discord::render::prompts::victim_buttons;
use crate::discord::reply;
use crate::discord::{BotData, observe};
use crate::domain::case::{HelpCardDelivery, ReportSource};
use crate::domain::help_card::help_card;
use crate::domain::report::CheckedReport;
use crate::domain::settings::{SettingKey, Settings};
use crate::store::{HelpCardRequest, InteractionToken, NewEvidence, NewReport, RecordedReport};

/// An interaction token answers for 15 minutes; the card's outcome edits the answer until a
/// little before.
const ANSWER_EDITABLE: TimeDelta = TimeDelta::minutes(14);

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
    /// The reporter's interaction, answered now and edited with the card's outcome.
    pub interaction_token: String,
    /// When the reporter joined the server, from the interaction's member (no request
    /// needed for the membership-age check).
    pub reporter_joined_at: Option<DateTime<Utc>>,
}

/// When a member joined, from an interaction's member object.
pub fn joined_at(member: Option<&serenity::Member>) -> Option<DateTime<Utc>> {
    member
        .and_then(|member| member.joined_at)
        .map(|joined| *joined)
}

/// What the reporter is told.
pub struct Acknowledgement {
    /// Whether the report is in the database (the text says so only then).
    pub recorded: bool,
    pub content: String,
    /// The help card, when the report could not be stored (help is never withheld).
    pub help_card: Option<RenderedHelpCard>,
    /// The victim's protective buttons, when the server's policy offers them.
    pub protection: Option<serenity::CreateActionRow>,
    /// The stored report and what its answer says, for its help card's delivery.
    pub filed: Option<(i64, ReportAnswer)>,
}

impl Acknowledgement {
    /// A plain answer: no report was stored.
    pub fn text(content: String) -> Acknowledgement {
        Acknowledgement {
            recorded: false,
            content,
            help_card: None,
            protection: None,
            filed: None,
        }
    }
}

/// Stores the report with its deliveries, then applies what it triggers. The answer says
/// "recorded" only once the transaction committed.
pub async fn file_report(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    filing: Filing,
) -> Acknowledgement {
    let now = Utc::now();
    let report = &filing.report;
    let stored = data
        .store
        .record_report(new_report(data, settings, &filing, now))
        .await;
    let recorded = match stored {
        Ok(recorded) => recorded,
        Err(error) => {
            tracing::error!(guild_id = report.guild_id, %error, "report not recorded");
            observe::report_not_recorded(&data.metrics, filing.source);
            return not_recorded(data, settings, &filing, now);
        }
    };
    let (case, merged, source) = (&recorded.reference, recorded.merged, filing.source);
    tracing::info!(guild_id = report.guild_id, %case, merged, %source, "report recorded");
    observe::report_recorded(&data.metrics, source, merged);
    // The queue post owes nothing to the reporter's answer: it goes now.
    data.deliveries.notify_one();
    let reporter = (report, filing.reporter_joined_at);
    let protection = auto_protection::after_report(http, data, settings, reporter, &recorded).await;
    let answer = ReportAnswer {
        case_id: recorded.case_id,
        reference: recorded.reference.as_str().to_owned(),
        merged: recorded.merged,
        link_note: filing.link_note.map(str::to_owned),
        sealed: settings.flag(SettingKey::ReporterSealed),
        protection_notes: protection
            .notes
            .iter()
            .map(|&note| note.to_owned())
            .collect(),
        offer: protection.offer,
        witness: report.is_witness,
        evidence_items: u32::from(filing.evidence.is_some()),
    };
    filed_answer(data, &filing.locale, &recorded, answer)
}

/// The answer once the report is stored: the card is on its way.
fn filed_answer(
    data: &BotData,
    locale: &str,
    recorded: &RecordedReport,
    answer: ReportAnswer,
) -> Acknowledgement {
    let content = acknowledgement(&data.texts, locale, &answer, HelpCardDelivery::Pending);
    Acknowledgement {
        recorded: true,
        content,
        help_card: None,
        protection: offered_buttons(data, locale, &answer),
        filed: Some((recorded.report_id, answer)),
    }
}

/// The victim's buttons the answer offers.
pub fn offered_buttons(
    data: &BotData,
    locale: &str,
    answer: &ReportAnswer,
) -> Option<serenity::CreateActionRow> {
    // The witness's answer offers no evidence file: it belongs to the victim.
    victim_buttons(
        &data.texts,
        locale,
        (answer.case_id, answer.offer),
        answer.evidence_items > 0 && !answer.witness,
    )
}

/// The report is not stored: the reporter is told so, and still gets the help card.
fn not_recorded(
    data: &BotData,
    settings: &Settings,
    filing: &Filing,
    now: DateTime<Utc>,
) -> Acknowledgement {
    let card = data
        .helplines
        .country(settings.helpline_country())
        .map(|country| help_card(country, filing.report.reason, now, settings.timezone()));
    let text = data.texts.text(&filing.locale, "report-store-failed");
    let mut answer = Acknowledgement::text(text);
    answer.help_card = card.map(|card| help_card::render(&card, &data.texts, &filing.locale));
    answer
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
        help_card: Some(HelpCardRequest {
            locale: filing.locale.clone(),
            interaction_token: InteractionToken(filing.interaction_token.clone()),
            token_expires_at: now + ANSWER_EDITABLE,
        }),
        reporter_pseudonym: data
            .pseudonyms
            .reporter_pseudonym(report.guild_id, report.reporter_id),
    }
}

/// Answers the reporter, then lets the help card go: its outcome edits this answer, so it
/// must come after it. The release runs as a task of its own, so the interaction's handler
/// (and all it holds) ends with the answer. Wakes the delivery worker for the card.
pub async fn answer_reporter(http: &Http, data: &BotData, token: &str, answer: Acknowledgement) {
    let filed = answer.filed.clone();
    let (content, card, buttons) = (answer.content, answer.help_card, answer.protection);
    reply::edit_answer(http, token, content, card, buttons).await;
    let Some((report_id, answer)) = filed else {
        return;
    };
    let data = data.clone();
    data.tasks.clone().spawn(async move {
        let codes = serde_json::to_string(&answer).unwrap_or_default();
        if let Err(error) = data
            .store
            .release_help_card(report_id, &codes, Utc::now())
            .await
        {
            // The card still goes, once its hold expires.
            tracing::error!(%error, "help card not released");
        }
        data.deliveries.notify_one();
    });
}
