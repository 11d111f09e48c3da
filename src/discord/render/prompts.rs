//! The controls the bot offers: the victim's protective buttons, a moderator's ephemeral
//! choices, the context-menu report's reason select and details modal, and the modals and
//! buttons of a question to the reporter.

use poise::serenity_prelude as serenity;

use crate::discord::custom_id::{
    ANSWER_INPUT, CustomId, DETAILS_INPUT, PendingToken, QUESTION_INPUT, QuestionStep, QueueVerb,
    VictimAction,
};
use crate::domain::protection::{BanCleanup, MuteDuration, Offer};
use crate::domain::question::MAX_QUESTION_CHARS;
use crate::domain::queue::{Dismissal, Outcome};
use crate::domain::reason::Reason;
use crate::domain::report::MAX_DETAILS_CHARS;
use crate::i18n::{Texts, tr};
use crate::store::CaseRecord;

/// "Mute them until a moderator reviews" and "Block them from contacting me", as offered,
/// and "Get my evidence file" when the reporter is the victim.
pub fn victim_buttons(
    texts: &Texts,
    locale: &str,
    (case_id, offer): (i64, Offer),
    evidence_file: bool,
) -> Option<serenity::CreateActionRow> {
    let button = |action: VictimAction, style: serenity::ButtonStyle, label: &str| {
        serenity::CreateButton::new(CustomId::Victim { action, case_id }.format())
            .style(style)
            .label(texts.text(locale, label))
    };
    let mut buttons = Vec::new();
    if offer.mute {
        let style = serenity::ButtonStyle::Danger;
        buttons.push(button(VictimAction::Mute, style, "protection-offer-mute"));
    }
    if offer.shield {
        let style = serenity::ButtonStyle::Secondary;
        buttons.push(button(
            VictimAction::Shield,
            style,
            "protection-offer-shield",
        ));
    }
    if evidence_file {
        let style = serenity::ButtonStyle::Secondary;
        buttons.push(button(
            VictimAction::EvidenceFile,
            style,
            "evidence-file-button",
        ));
    }
    (!buttons.is_empty()).then_some(serenity::CreateActionRow::Buttons(buttons))
}

/// The ephemeral choice a queue button opens (duration, cleanup, reason, outcome), if it
/// opens one.
pub fn moderator_prompt(
    texts: &Texts,
    locale: &str,
    verb: QueueVerb,
    case: &CaseRecord,
) -> Option<serenity::CreateInteractionResponseMessage> {
    let (select, question, options) = prompt_choices(verb)?;
    let options = options
        .into_iter()
        .map(|(label, value)| {
            serenity::CreateSelectMenuOption::new(texts.text(locale, &label), value)
        })
        .collect();
    let id = CustomId::Queue {
        verb: select,
        case_id: case.id,
    };
    let menu = serenity::CreateSelectMenu::new(
        id.format(),
        serenity::CreateSelectMenuKind::String { options },
    );
    let content = tr!(texts, locale, question, reference = case.reference.as_str());
    Some(
        serenity::CreateInteractionResponseMessage::new()
            .content(content)
            .components(vec![serenity::CreateActionRow::SelectMenu(menu)])
            .ephemeral(true),
    )
}

/// A prompt: the select's verb, its question, and its options (Fluent id, value).
type Choices = (QueueVerb, &'static str, Vec<(String, &'static str)>);

fn prompt_choices(verb: QueueVerb) -> Option<Choices> {
    fn options<T: Copy>(
        all: &[T],
        prefix: &str,
        code: impl Fn(T) -> &'static str,
    ) -> Vec<(String, &'static str)> {
        all.iter()
            .map(|&value| (format!("{prefix}{}", code(value)), code(value)))
            .collect()
    }
    Some(match verb {
        QueueVerb::AskMute => (
            QueueVerb::MuteFor,
            "queue-pick-mute-duration",
            options(MuteDuration::ALL, "queue-duration-", MuteDuration::as_str),
        ),
        QueueVerb::AskBan => (
            QueueVerb::BanWith,
            "queue-pick-ban-cleanup",
            options(BanCleanup::ALL, "queue-cleanup-", BanCleanup::as_str),
        ),
        QueueVerb::AskDismiss => (
            QueueVerb::DismissAs,
            "queue-pick-dismissal",
            options(Dismissal::ALL, "queue-dismissal-", Dismissal::as_str),
        ),
        QueueVerb::AskResolve => (
            QueueVerb::ResolveAs,
            "queue-pick-outcome",
            options(Outcome::ALL, "queue-outcome-", Outcome::as_str),
        ),
        _ => return None,
    })
}

/// The first step of a context-menu report: which reason?
pub fn reason_select(
    texts: &Texts,
    locale: &str,
    token: PendingToken,
) -> serenity::EditInteractionResponse {
    let options = Reason::ALL
        .iter()
        .map(|reason| {
            serenity::CreateSelectMenuOption::new(
                texts.text(locale, &reason.fluent_id()),
                reason.as_str(),
            )
        })
        .collect();
    // The locale travels in the ids so that the next steps, which must answer at once (a
    // modal cannot be deferred), need no database read.
    let id = CustomId::ReportReason {
        token,
        locale: locale.to_owned(),
    };
    let select = serenity::CreateSelectMenu::new(
        id.format(),
        serenity::CreateSelectMenuKind::String { options },
    )
    .placeholder(texts.text(locale, "report-reason-placeholder"));
    serenity::EditInteractionResponse::new()
        .content(texts.text(locale, "report-pick-reason"))
        .components(vec![serenity::CreateActionRow::SelectMenu(select)])
}

/// The second step: the details, in a modal.
pub fn details_modal(
    texts: &Texts,
    locale: &str,
    reason: Reason,
    token: PendingToken,
) -> serenity::CreateModal {
    let details = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        texts.text(locale, "report-modal-details-label"),
        DETAILS_INPUT,
    )
    .placeholder(texts.text(locale, "report-modal-details-placeholder"))
    .max_length(u16::try_from(MAX_DETAILS_CHARS).unwrap_or(u16::MAX))
    .required(false);
    let id = CustomId::ReportDetails {
        reason,
        token,
        locale: locale.to_owned(),
    };
    serenity::CreateModal::new(id.format(), texts.text(locale, "report-modal-title"))
        .components(vec![serenity::CreateActionRow::InputText(details)])
}

/// A moderator's question to the case's reporter, in a modal.
pub fn question_modal(texts: &Texts, locale: &str, case: &CaseRecord) -> serenity::CreateModal {
    let question = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        texts.text(locale, "question-modal-label"),
        QUESTION_INPUT,
    )
    .placeholder(texts.text(locale, "question-modal-placeholder"))
    .max_length(u16::try_from(MAX_QUESTION_CHARS).unwrap_or(u16::MAX))
    .required(true);
    let id = CustomId::Question {
        step: QuestionStep::Send,
        id: case.id,
    };
    serenity::CreateModal::new(id.format(), texts.text(locale, "question-modal-title"))
        .components(vec![serenity::CreateActionRow::InputText(question)])
}

/// The reporter's answer to question `question_id`, in a modal.
pub fn answer_modal(texts: &Texts, locale: &str, question_id: i64) -> serenity::CreateModal {
    let answer = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        texts.text(locale, "answer-modal-label"),
        ANSWER_INPUT,
    )
    .max_length(u16::try_from(MAX_QUESTION_CHARS).unwrap_or(u16::MAX))
    .required(true);
    let id = CustomId::Question {
        step: QuestionStep::Reply,
        id: question_id,
    };
    serenity::CreateModal::new(id.format(), texts.text(locale, "answer-modal-title"))
        .components(vec![serenity::CreateActionRow::InputText(answer)])
}

/// The reporter's buttons under a question: answer, decline, no more questions.
pub fn question_buttons(
    texts: &Texts,
    locale: &str,
    question_id: i64,
) -> serenity::CreateActionRow {
    let button = |step: QuestionStep, style: serenity::ButtonStyle, label: &str| {
        serenity::CreateButton::new(
            CustomId::Question {
                step,
                id: question_id,
            }
            .format(),
        )
        .style(style)
        .label(texts.text(locale, label))
    };
    serenity::CreateActionRow::Buttons(vec![
        button(
            QuestionStep::Answer,
            serenity::ButtonStyle::Primary,
            "question-button-answer",
        ),
        button(
            QuestionStep::Decline,
            serenity::ButtonStyle::Secondary,
            "question-button-decline",
        ),
        button(
            QuestionStep::Stop,
            serenity::ButtonStyle::Danger,
            "question-button-stop",
        ),
    ])
}
