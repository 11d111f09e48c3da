//! A moderator's question to a case's reporter (issue 15), carried out by the delivery
//! worker: the question by DM to the reporter (the server and the case, never the
//! moderator), the moderator's answer edited with how it went, and the asking moderator
//! told by DM once the reporter settled it (the case, never the reporter).

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::Http;

use crate::discord::ids::DbId;
use crate::discord::render::prompts::question_buttons;
use crate::discord::rest;
use crate::discord::{BotData, BotError, ids, reply};
use crate::domain::question::QuestionStatus;
use crate::i18n::tr;
use crate::store::{CaseRecord, Delivery, Finished, QuestionRecord, ReportRecord, Settlement};

/// Why a case's reporter cannot be asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotAskable {
    /// The case is closed.
    Closed,
    /// Every reporter's identity is erased.
    Erased,
    /// The reporter asked for no more questions.
    Stopped,
}

impl NotAskable {
    pub fn fluent_id(self) -> &'static str {
        match self {
            NotAskable::Closed => "question-refused-closed",
            NotAskable::Erased => "question-refused-erased",
            NotAskable::Stopped => "question-refused-stopped",
        }
    }
}

/// The report whose reporter a question about `case` goes to: the newest whose reporter is
/// still known.
pub async fn askable_report(
    data: &BotData,
    case: &CaseRecord,
) -> Result<Result<ReportRecord, NotAskable>, BotError> {
    if !case.status.is_active() {
        return Ok(Err(NotAskable::Closed));
    }
    let reports = data.store.reports_of_case(case.id).await?;
    let Some(report) = reports
        .into_iter()
        .rev()
        .find(|report| report.reporter_user_id.is_some())
    else {
        return Ok(Err(NotAskable::Erased));
    };
    if data.store.questions_stopped(report.id).await? {
        return Ok(Err(NotAskable::Stopped));
    }
    Ok(Ok(report))
}

/// The question and its report and case, while all are stored.
async fn load(
    data: &BotData,
    delivery: &Delivery,
) -> Result<Option<(QuestionRecord, ReportRecord, CaseRecord)>, BotError> {
    let Some(question_id) = delivery.question_id else {
        return Ok(None);
    };
    let Some(question) = data.store.question_by_id(question_id).await? else {
        return Ok(None);
    };
    let report = data.store.report_by_id(question.report_id).await?;
    let case = data.store.case_by_id(question.case_id).await?;
    Ok(report
        .zip(case)
        .map(|(report, case)| (question, report, case)))
}

/// The question by DM to the reporter, sent with the delivery's nonce enforced (a retry
/// after a crash does not ask twice). A refusal settles the question as unreachable and is
/// returned, to be recorded as the delivery's outcome.
pub async fn deliver_question(
    http: &Http,
    cache: &serenity::Cache,
    data: &BotData,
    delivery: &Delivery,
) -> Result<Finished, BotError> {
    let Some((question, report, case)) = load(data, delivery).await? else {
        return Ok(Finished::Done);
    };
    let (Some(text), QuestionStatus::Pending) = (question.question.as_deref(), question.status)
    else {
        return Ok(Finished::Done);
    };
    let bot_id = cache.current_user().id.db();
    let Some(reporter) = report.reporter_user_id else {
        let settled = Settlement::Unreachable;
        data.store
            .settle_question(question.id, &settled, bot_id, Utc::now())
            .await?;
        tell_moderator(http, data, delivery, "question-unreachable", &case).await;
        return Ok(Finished::Done);
    };
    let settings = data.settings_of(case.guild_id).await;
    let locale = settings.language();
    let server = data.guild_name(cache, ids::guild(case.guild_id), locale);
    let intro = tr!(
        data.texts,
        locale,
        "question-dm",
        server = server,
        reference = case.reference.as_str()
    );
    let message = serenity::CreateMessage::new()
        .content(format!("{intro}\n> {}", text.replace('\n', "\n> ")))
        .components(vec![question_buttons(&data.texts, locale, question.id)])
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(format!("sbd{}", delivery.id)))
        .enforce_nonce(true);
    match data.dm_channels.send(http, reporter, message).await {
        Ok(_) => {
            tell_moderator(http, data, delivery, "question-sent", &case).await;
            Ok(Finished::Done)
        }
        Err(error) if rest::is_refusal(&error) => {
            tracing::info!(case = %case.reference, "question DM refused");
            let settled = Settlement::Unreachable;
            data.store
                .settle_question(question.id, &settled, bot_id, Utc::now())
                .await?;
            tell_moderator(http, data, delivery, "question-unreachable", &case).await;
            Err(error.into())
        }
        Err(error) => Err(error.into()),
    }
}

/// Edits the asking moderator's answer, while their interaction can still answer. Best
/// effort: the queue post and the audit log show it too.
async fn tell_moderator(
    http: &Http,
    data: &BotData,
    delivery: &Delivery,
    id: &str,
    case: &CaseRecord,
) {
    let Some((token, expires_at)) = &delivery.interaction else {
        return;
    };
    if Utc::now() >= *expires_at {
        return;
    }
    let locale = data.locale(delivery.locale.as_deref(), None);
    let content = tr!(data.texts, &locale, id, reference = case.reference.as_str());
    reply::edit_answer(http, &token.0, content, None, None).await;
}

/// Tells the asking moderator by DM that the reporter answered or declined: the case's
/// reference only (the answer itself stays in the queue, where retention purges it).
pub async fn deliver_reply(
    http: &Http,
    data: &BotData,
    delivery: &Delivery,
) -> Result<Finished, BotError> {
    let Some((question, _, case)) = load(data, delivery).await? else {
        return Ok(Finished::Done);
    };
    let id = match question.status {
        QuestionStatus::Answered => "question-reply-answered",
        QuestionStatus::Declined => "question-reply-declined",
        QuestionStatus::Pending | QuestionStatus::Unreachable => return Ok(Finished::Done),
    };
    let settings = data.settings_of(case.guild_id).await;
    let content = tr!(
        data.texts,
        settings.language(),
        id,
        reference = case.reference.as_str()
    );
    let message = serenity::CreateMessage::new()
        .content(content)
        .nonce(serenity::Nonce::String(format!("sbd{}", delivery.id)))
        .enforce_nonce(true);
    match data
        .dm_channels
        .send(http, question.asked_by, message)
        .await
    {
        Ok(_) => Ok(Finished::Done),
        Err(error) if rest::is_refusal(&error) => {
            tracing::info!(case = %case.reference, "question notice to the moderator refused");
            Ok(Finished::Done)
        }
        Err(error) => Err(error.into()),
    }
}
