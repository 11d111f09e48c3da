//! A moderator's decisions on a case (SPEC §5): claim, resolve, dismiss, mute, ban and their
//! undoing, each under the case lock and answered in the moderator's language; and the
//! closing notice to reporters.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::Http;

use super::sanctions::{self, BanResult, Moderator, MuteRequest, Undo, UndoResult};
use crate::discord::custom_id::QueueVerb;
use crate::discord::render::{answers, mention};
use crate::discord::{BotData, BotError};
use crate::domain::protection::{BanCleanup, MuteDuration, RequestedBy};
use crate::domain::queue::{self as rules, AuditAction, Dismissal, Outcome, Transition};
use crate::domain::settings::SettingKey;
use crate::domain::statistics::EventKind;
use crate::i18n::tr;
use crate::store::{CaseRecord, CaseUpdate, ModerationStep, StepOutcome};

/// Carries out a moderator's action on a case, under the case lock, and returns their
/// answer. `choice` is the value picked in a prompt.
pub async fn act(
    http: &Arc<Http>,
    data: &BotData,
    moderator: &Moderator<'_>,
    verb: QueueVerb,
    case_id: i64,
    choice: Option<&str>,
) -> Result<String, BotError> {
    let texts = &data.texts;
    let locale = moderator.locale;
    let _guard = data.lock_case(case_id).await?;
    // Re-read under the lock: another moderator may just have acted.
    let Some(case) = data.store.case_by_id(case_id).await? else {
        return Ok(texts.text(locale, "queue-case-unknown"));
    };
    let unknown = || Ok(texts.text(locale, "queue-case-unknown"));
    match verb {
        QueueVerb::Claim => transition(http, data, moderator, &case, Transition::Claim).await,
        QueueVerb::ResolveAs => match choice.and_then(|code| code.parse::<Outcome>().ok()) {
            Some(outcome) => {
                transition(http, data, moderator, &case, Transition::Resolve(outcome)).await
            }
            None => unknown(),
        },
        QueueVerb::DismissAs => match choice.and_then(|code| code.parse::<Dismissal>().ok()) {
            Some(dismissal) => {
                transition(http, data, moderator, &case, Transition::Dismiss(dismissal)).await
            }
            None => unknown(),
        },
        QueueVerb::MuteFor => match choice.and_then(|code| code.parse().ok()) {
            Some(duration) => mute(http, data, moderator, &case, duration).await,
            None => unknown(),
        },
        QueueVerb::BanWith => match choice.and_then(|code| code.parse().ok()) {
            Some(cleanup) => ban(http, data, moderator, &case, cleanup).await,
            None => unknown(),
        },
        QueueVerb::Unmute => undo(http, data, moderator, &case, Undo::Unmute).await,
        QueueVerb::Unban => undo(http, data, moderator, &case, Undo::Unban).await,
        QueueVerb::AskMute
        | QueueVerb::AskBan
        | QueueVerb::AskDismiss
        | QueueVerb::AskResolve
        | QueueVerb::Ask => unknown(),
    }
}

async fn mute(
    http: &Http,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    duration: MuteDuration,
) -> Result<String, BotError> {
    let (texts, locale) = (&data.texts, moderator.locale);
    if !case.status.is_active() {
        return Ok(answers::case_closed(texts, locale, case));
    }
    let request = MuteRequest {
        requested_by: RequestedBy::Moderator,
        actor_user_id: Some(moderator.user_id),
        duration: duration.duration(),
        detail: duration.as_str().to_owned(),
        audit_log_reason: moderator.audit_log_reason(data, "audit-reason-moderator-mute", case),
        audit: Some(moderator.audit(case, AuditAction::Mute, None)),
        moderator_stats: Some(moderator.action_stats(case, AuditAction::Mute)),
    };
    let result = sanctions::mute(http, data, moderator.settings, case, request).await?;
    Ok(answers::moderator_mute(texts, locale, case, result))
}

async fn ban(
    http: &Http,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    cleanup: BanCleanup,
) -> Result<String, BotError> {
    let (texts, locale) = (&data.texts, moderator.locale);
    if !case.status.is_active() {
        return Ok(answers::case_closed(texts, locale, case));
    }
    Ok(
        match sanctions::ban(http, data, moderator, case, cleanup).await? {
            BanResult::Banned => answers::about_member(texts, locale, "queue-banned", case),
            BanResult::AlreadyBanned => {
                answers::about_member(texts, locale, "queue-already-banned", case)
            }
            BanResult::Exempt(exemption) => answers::exempt(texts, locale, case, exemption),
            BanResult::Refused(refusal) => texts.text(locale, refusal.fluent_id()),
        },
    )
}

async fn undo(
    http: &Http,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    what: Undo,
) -> Result<String, BotError> {
    let (texts, locale) = (&data.texts, moderator.locale);
    let done = match what {
        Undo::Unban => "queue-unbanned",
        Undo::Unmute => "queue-unmuted",
    };
    Ok(
        match sanctions::undo(http, data, moderator, case, what).await? {
            UndoResult::Done => answers::about_member(texts, locale, done, case),
            UndoResult::NothingToUndo => {
                answers::about_member(texts, locale, "queue-nothing-to-undo", case)
            }
            UndoResult::Refused(refusal) => texts.text(locale, refusal.fluent_id()),
        },
    )
}

/// Claims, resolves or dismisses the case, with its audit row and statistics in one step.
async fn transition(
    http: &Arc<Http>,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    transition: Transition,
) -> Result<String, BotError> {
    let (texts, locale) = (&data.texts, moderator.locale);
    let about_case = |id: &str| answers::about_case(texts, locale, id, case);
    let change = match rules::next(case.status, case.claimed_by, transition, moderator.user_id) {
        Ok(Some(change)) => change,
        Ok(None) => return Ok(about_case("queue-claimed")),
        Err(rules::TransitionError::ClaimedByAnother(owner)) => {
            return Ok(tr!(
                texts,
                locale,
                "queue-already-claimed",
                reference = case.reference.as_str(),
                moderator = mention(owner)
            ));
        }
        Err(rules::TransitionError::AlreadyClosed(_)) => {
            return Ok(answers::case_closed(texts, locale, case));
        }
    };
    let action = transition.audit_action();
    let mut stats = vec![moderator.action_stats(case, action)];
    if change.closes {
        stats.push(moderator.stats(case, EventKind::CaseClosed, None, change.outcome.as_deref()));
    }
    let step = ModerationStep {
        audit: Some(moderator.audit(case, action, change.outcome.clone())),
        case_update: Some(CaseUpdate {
            case_id: case.id,
            expected: case.status,
            change: change.clone(),
        }),
        stats,
        notify_reporters: change.closes
            && moderator.settings.flag(SettingKey::NotifyReporterOnClose),
        ..ModerationStep::default()
    };
    if data.store.record_step(&step).await? == StepOutcome::CaseMoved {
        return Ok(about_case("queue-moved"));
    }
    tracing::info!(case = %case.reference, action = action.as_str(), "case moved");
    if change.closes {
        after_close(http, data, moderator, case).await;
    }
    Ok(about_case(match transition {
        Transition::Claim => "queue-claimed",
        Transition::Resolve(_) => "queue-resolved",
        Transition::Dismiss(_) => "queue-dismissed",
    }))
}

/// A closed case ends its shields and lifts the mutes that waited for a moderator (one just
/// decided). Its reporters are told by the close notice the step wrote, if the server wants.
async fn after_close(
    http: &Arc<Http>,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
) {
    data.shields.end_case(case.id);
    let settings = moderator.settings;
    let lifted = sanctions::lift_case_mutes(http, data, settings, case, moderator.user_id).await;
    if let Err(error) = lifted {
        tracing::error!(case = %case.reference, %error, "mutes of the closed case not lifted");
    }
}
