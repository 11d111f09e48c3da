//! A moderator's Unmute and Unban: lifted on Discord, then the running actions recorded as
//! reverted. A timeout belongs to the member, so unmuting lifts every running mute of the
//! member in the server, whichever case it came from.

use chrono::Utc;
use poise::serenity_prelude::Http;

use super::{Moderator, record_applied};
use crate::discord::rest::{self, DiscordRefusal, ErrorCode};
use crate::discord::{BotData, BotError};
use crate::domain::protection::{ActionStatus, ProtectionKind};
use crate::domain::queue::{AuditAction, StepDetail};
use crate::store::{CaseRecord, ModerationStep, ProtectiveActionRecord, StepOutcome};

/// What a moderator undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Undo {
    Unmute,
    Unban,
}

impl Undo {
    fn audit_action(self) -> AuditAction {
        match self {
            Undo::Unmute => AuditAction::Unmute,
            Undo::Unban => AuditAction::Unban,
        }
    }
}

/// What became of an undo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UndoResult {
    Done,
    /// Nothing was running (or another moderator undid it meanwhile).
    NothingToUndo,
    Refused(DiscordRefusal),
}

/// Lifts the mutes or the ban, then records it. The caller holds the case lock.
pub async fn undo(
    http: &Http,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    what: Undo,
) -> Result<UndoResult, BotError> {
    let now = Utc::now();
    let lifted = running_to_lift(data, case, what).await?;
    if lifted.is_empty() {
        return Ok(UndoResult::NothingToUndo);
    }
    let action = what.audit_action();
    let reason_id = match what {
        Undo::Unban => "audit-reason-unban",
        Undo::Unmute => "audit-reason-unmute",
    };
    let reason = moderator.audit_log_reason(data, reason_id, case);
    let member = (case.guild_id, case.reported_user_id);
    let on_discord = match what {
        Undo::Unban => rest::unban(http, member.0, member.1, &reason).await,
        Undo::Unmute => rest::set_timeout(http, member.0, member.1, None, &reason).await,
    };
    // A ban already lifted, or a member gone, leaves nothing running: record the undo.
    let detail = match on_discord.map_err(|error| (DiscordRefusal::of(&error), error)) {
        Ok(()) => "done",
        Err((DiscordRefusal::UnknownBan | DiscordRefusal::UnknownMember, _)) => "already_lifted",
        Err((refusal, error)) => {
            tracing::info!(case = %case.reference, code = ?ErrorCode::of(&error), "Discord refused the undo");
            let detail = StepDetail::new(ActionStatus::Failed, refusal.code()).to_string();
            let step = ModerationStep {
                audit: Some(moderator.audit(case, action, Some(detail))),
                ..ModerationStep::default()
            };
            data.store.record_step(&step).await?;
            return Ok(UndoResult::Refused(refusal));
        }
    };
    let step = ModerationStep {
        reverts: lifted,
        audit: Some(moderator.audit(case, action, Some(detail.to_owned()))),
        stats: vec![moderator.action_stats(case, action)],
        now: Some(now),
        ..ModerationStep::default()
    };
    Ok(match record_applied(data, &step).await? {
        StepOutcome::Written { .. } => UndoResult::Done,
        // Another moderator undid it meanwhile: Discord and the case agree already.
        StepOutcome::AlreadyReverted | StepOutcome::CaseMoved => UndoResult::NothingToUndo,
    })
}

/// The ids of the running actions the undo lifts.
async fn running_to_lift(
    data: &BotData,
    case: &CaseRecord,
    what: Undo,
) -> Result<Vec<i64>, BotError> {
    let now = Utc::now();
    Ok(match what {
        Undo::Unmute => data
            .store
            .running_mutes_of_member(case.guild_id, case.reported_user_id, now)
            .await?
            .iter()
            .map(|mute| mute.id)
            .collect(),
        Undo::Unban => {
            let actions = data.store.protective_actions_of_case(case.id).await?;
            ProtectiveActionRecord::running_of(&actions, ProtectionKind::Ban, now)
                .map(|ban| ban.id)
                .into_iter()
                .collect()
        }
    })
}
