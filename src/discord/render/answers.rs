//! The short ephemeral answers to a member or moderator who acted on a case.

use super::{mention, timestamp};
use crate::discord::flows::sanctions::MuteResult;
use crate::domain::protection::Exemption;
use crate::i18n::{Texts, tr};
use crate::store::CaseRecord;

/// The victim's answer to their mute request.
pub fn victim_mute(texts: &Texts, locale: &str, result: MuteResult) -> String {
    match result {
        MuteResult::Applied { until } => {
            tr!(texts, locale, "protection-muted", until = timestamp(until))
        }
        MuteResult::AlreadyRunning { .. } => texts.text(locale, "protection-already-muted"),
        MuteResult::Exempt(_) => texts.text(locale, "protection-moderators-alerted"),
        MuteResult::Refused(refusal) => {
            let mut text = texts.text(locale, refusal.fluent_id());
            text.push_str("\n\n");
            text.push_str(&texts.text(locale, "protection-moderators-will-review"));
            text
        }
    }
}

/// A moderator's answer to their mute.
pub fn moderator_mute(
    texts: &Texts,
    locale: &str,
    case: &CaseRecord,
    result: MuteResult,
) -> String {
    match result {
        MuteResult::Applied { until } => tr!(
            texts,
            locale,
            "queue-muted",
            reference = case.reference.as_str(),
            member = mention(case.reported_user_id),
            until = timestamp(until)
        ),
        MuteResult::AlreadyRunning { .. } => texts.text(locale, "protection-already-muted"),
        MuteResult::Exempt(exemption) => exempt(texts, locale, case, exemption),
        MuteResult::Refused(refusal) => texts.text(locale, refusal.fluent_id()),
    }
}

/// "This case is already closed", for any action on a closed case.
pub fn case_closed(texts: &Texts, locale: &str, case: &CaseRecord) -> String {
    tr!(
        texts,
        locale,
        "queue-case-closed",
        reference = case.reference.as_str(),
        status = texts.text(locale, &format!("case-status-{}", case.status.as_str()))
    )
}

/// Why the bot will not act on a member, for a moderator.
pub fn exempt(texts: &Texts, locale: &str, case: &CaseRecord, exemption: Exemption) -> String {
    tr!(
        texts,
        locale,
        "queue-exempt",
        reference = case.reference.as_str(),
        member = mention(case.reported_user_id),
        why = texts.text(locale, &format!("queue-detail-{}", exemption.as_str()))
    )
}

/// A text about the case's reported member: `id` takes `reference` and `member`.
pub fn about_member(texts: &Texts, locale: &str, id: &str, case: &CaseRecord) -> String {
    tr!(
        texts,
        locale,
        id,
        reference = case.reference.as_str(),
        member = mention(case.reported_user_id)
    )
}

/// A text about the case: `id` takes `reference`.
pub fn about_case(texts: &Texts, locale: &str, id: &str, case: &CaseRecord) -> String {
    tr!(texts, locale, id, reference = case.reference.as_str())
}
