//! A question to the reporter, as interactions: the queue post's "Ask the reporter" button
//! and the moderator's modal (moderators only, checked server-side on both), and the
//! reporter's buttons and answer modal in the DM (the question's reporter only). Every id
//! arriving here may be forged: each step loads the question and checks who is asking.

use chrono::{TimeDelta, Utc};
use poise::serenity_prelude as serenity;

use super::inputs::modal_value;
use crate::discord::checks::is_moderator;
use crate::discord::custom_id::{ANSWER_INPUT, QUESTION_INPUT, QuestionStep};
use crate::discord::flows::questions::askable_report;
use crate::discord::ids::DbId;
use crate::discord::render::prompts::{answer_modal, question_modal};
use crate::discord::{BotData, BotError};
use crate::domain::question::{MAX_QUESTION_CHARS, QuestionStatus, question_text};
use crate::i18n::tr;
use crate::store::{CaseRecord, InteractionToken, NewQuestion, QuestionRecord, Settlement};

/// How long the moderator's answer can be edited with how the DM went (Discord allows 15
/// minutes).
const ANSWER_EDITABLE: TimeDelta = TimeDelta::minutes(14);

const STALE_BUTTON: &str = "error-stale-button";
const STALE_FORM: &str = "error-stale-form";

/// The queue post's button, already checked to be a moderator's on this case: the modal,
/// unless the reporter cannot be asked.
pub async fn open_question(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    locale: &str,
    case: &CaseRecord,
) -> Result<(), BotError> {
    let response = match askable_report(data, case).await? {
        Ok(_) => {
            serenity::CreateInteractionResponse::Modal(question_modal(&data.texts, locale, case))
        }
        Err(why) => message(tr!(
            data.texts,
            locale,
            why.fluent_id(),
            reference = case.reference.as_str()
        )),
    };
    interaction.create_response(ctx, response).await?;
    Ok(())
}

/// The moderator's modal, submitted: checked again, answered at once, then filed with the
/// DM to the reporter (the worker edits the answer with how the DM went).
pub async fn on_question(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
    case_id: i64,
) -> Result<(), BotError> {
    let (question, reference) = match checked_question(ctx, data, interaction, case_id).await? {
        Ok(checked) => checked,
        Err(refusal) => return answer(ctx, interaction, refusal).await,
    };
    let sending = tr!(
        data.texts,
        &question.locale,
        "question-sending",
        reference = reference.as_str()
    );
    answer(ctx, interaction, sending).await?;
    if let Err(error) = data.store.ask_question(&question).await {
        tracing::error!(case = %reference, %error, "question not filed");
        let text = data.texts.text(&question.locale, "error-internal");
        crate::discord::reply::edit_deferred(&ctx.http, &interaction.token, text, None).await;
    }
    data.deliveries.notify_one();
    Ok(())
}

/// The question a moderator's modal files, with the case's reference; or why not, in the
/// moderator's words.
async fn checked_question(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
    case_id: i64,
) -> Result<Result<(NewQuestion, String), String>, BotError> {
    let Some(guild_id) = interaction.guild_id else {
        let locale = data.locale(Some(&interaction.locale), None);
        return Ok(Err(data.texts.text(&locale, "error-guild-only")));
    };
    let settings = data.settings(guild_id).await;
    let locale = data.locale(Some(&interaction.locale), Some(&settings));
    if !is_moderator(ctx, interaction.member.as_ref(), guild_id, &settings) {
        tracing::info!("question refused to a non-moderator");
        return Ok(Err(data.texts.text(&locale, "queue-refused-not-moderator")));
    }
    let case = data.store.case_by_id(case_id).await?;
    let Some(case) = case.filter(|case| case.guild_id == guild_id.db()) else {
        return Ok(Err(data.texts.text(&locale, "queue-case-unknown")));
    };
    let reference = case.reference.as_str().to_owned();
    let Some(text) = question_text(modal_value(interaction, QUESTION_INPUT).as_deref()) else {
        let max = MAX_QUESTION_CHARS;
        return Ok(Err(tr!(
            data.texts,
            &locale,
            "question-refused-text",
            max = max
        )));
    };
    let report = match askable_report(data, &case).await? {
        Ok(report) => report,
        Err(why) => {
            let refusal = tr!(data.texts, &locale, why.fluent_id(), reference = reference);
            return Ok(Err(refusal));
        }
    };
    let now = Utc::now();
    let token = InteractionToken(interaction.token.clone());
    Ok(Ok((
        NewQuestion {
            guild_id: case.guild_id,
            case_id: case.id,
            report_id: report.id,
            asked_by: interaction.user.id.db(),
            text,
            locale,
            interaction: (token, now + ANSWER_EDITABLE),
            now,
        },
        reference,
    )))
}

/// The question an id names, if the interacting member is its reporter; otherwise the
/// text the member is answered with (`stale` for a question that does not exist).
async fn own_question(
    data: &BotData,
    (user, locale): (serenity::UserId, &str),
    question_id: i64,
    stale: &str,
) -> Result<Result<(QuestionRecord, String), String>, BotError> {
    let text = |id: &str| data.texts.text(locale, id);
    let Some(question) = data.store.question_by_id(question_id).await? else {
        return Ok(Err(text(stale)));
    };
    let report = data.store.report_by_id(question.report_id).await?;
    if report.and_then(|report| report.reporter_user_id) != Some(user.db()) {
        tracing::info!("a question's step refused to a member who is not its reporter");
        return Ok(Err(text("question-not-yours")));
    }
    let case = data.store.case_by_id(question.case_id).await?;
    let Some(case) = case.filter(|_| question.status == QuestionStatus::Pending) else {
        return Ok(Err(text("question-settled")));
    };
    Ok(Ok((question, case.reference.as_str().to_owned())))
}

/// The reporter's buttons in the DM: the answer's modal, or the question declined (and,
/// with `Stop`, no more questions). `step` is `None` for a stale or forged id.
pub async fn on_button(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    step: Option<(QuestionStep, i64)>,
) -> Result<(), BotError> {
    let locale = data.locale(Some(&interaction.locale), None);
    let Some((step, question_id)) = step else {
        let text = data.texts.text(&locale, STALE_BUTTON);
        return respond(ctx, interaction, message(text)).await;
    };
    let (question, reference) = match own_question(
        data,
        (interaction.user.id, &locale),
        question_id,
        STALE_BUTTON,
    )
    .await?
    {
        Ok(found) => found,
        Err(text) => return respond(ctx, interaction, message(text)).await,
    };
    let (settlement, done) = match step {
        QuestionStep::Decline => (Settlement::Declined, "question-declined"),
        QuestionStep::Stop => (Settlement::Stopped, "question-stopped"),
        _ => {
            let modal = answer_modal(&data.texts, &locale, question.id);
            let modal = serenity::CreateInteractionResponse::Modal(modal);
            return respond(ctx, interaction, modal).await;
        }
    };
    let text = settle(
        ctx,
        data,
        question.id,
        &settlement,
        (&locale, done, &reference),
    )
    .await?;
    respond(ctx, interaction, message(text)).await
}

/// The reporter's answer, submitted.
pub async fn on_answer(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
    question_id: i64,
) -> Result<(), BotError> {
    let locale = data.locale(Some(&interaction.locale), None);
    let (question, reference) = match own_question(
        data,
        (interaction.user.id, &locale),
        question_id,
        STALE_FORM,
    )
    .await?
    {
        Ok(found) => found,
        Err(text) => return answer(ctx, interaction, text).await,
    };
    let Some(text) = question_text(modal_value(interaction, ANSWER_INPUT).as_deref()) else {
        let refusal = tr!(
            data.texts,
            &locale,
            "answer-refused-text",
            max = MAX_QUESTION_CHARS
        );
        return answer(ctx, interaction, refusal).await;
    };
    let settlement = Settlement::Answered(text);
    let done = (locale.as_str(), "question-answered", reference.as_str());
    let text = settle(ctx, data, question.id, &settlement, done).await?;
    answer(ctx, interaction, text).await
}

/// Records the reporter's step under the bot's name (the reporter stays sealed); what the
/// reporter is told.
async fn settle(
    ctx: &serenity::Context,
    data: &BotData,
    question_id: i64,
    settlement: &Settlement,
    (locale, done, reference): (&str, &str, &str),
) -> Result<String, BotError> {
    let bot_id = ctx.cache.current_user().id.db();
    let settled = data
        .store
        .settle_question(question_id, settlement, bot_id, Utc::now())
        .await?;
    if !settled {
        return Ok(data.texts.text(locale, "question-settled"));
    }
    data.deliveries.notify_one();
    Ok(tr!(data.texts, locale, done, reference = reference))
}

fn message(content: String) -> serenity::CreateInteractionResponse {
    serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(content)
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .ephemeral(true),
    )
}

async fn respond(
    ctx: &serenity::Context,
    interaction: &serenity::ComponentInteraction,
    response: serenity::CreateInteractionResponse,
) -> Result<(), BotError> {
    interaction.create_response(ctx, response).await?;
    Ok(())
}

async fn answer(
    ctx: &serenity::Context,
    interaction: &serenity::ModalInteraction,
    content: String,
) -> Result<(), BotError> {
    interaction.create_response(ctx, message(content)).await?;
    Ok(())
}
