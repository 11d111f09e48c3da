//! Sanctions and protective actions on Discord (SPEC §4–5): mutes, bans and their undoing,
//! and how each is recorded.
//!
//! Ordering: Discord is called first and the store records what Discord answered (applied,
//! refused or failed), so a case never shows a sanction that did not happen. A sanction
//! Discord applied but the store could not record is undone on Discord.

mod ban;
mod mute;
mod undo;

use chrono::{DateTime, Utc};

pub use ban::{BanResult, ban};
pub use mute::{MuteRequest, MuteResult, case_mutes, lift_case_mutes, mute};
pub use undo::{Undo, UndoResult, undo};

use crate::discord::{BotData, BotError};
use crate::domain::protection::ProtectionKind;
use crate::domain::queue::AuditAction;
use crate::domain::settings::Settings;
use crate::domain::statistics::EventKind;
use crate::i18n::tr;
use crate::store::{
    CaseRecord, ModerationStep, NewAuditEntry, NewStatsEvent, ProtectiveActionRecord, StepOutcome,
};

/// The moderator acting, with their server's settings and their language.
pub struct Moderator<'a> {
    pub user_id: i64,
    pub settings: &'a Settings,
    pub locale: &'a str,
}

impl Moderator<'_> {
    /// The audit row of the moderator's action on the case.
    pub fn audit(
        &self,
        case: &CaseRecord,
        action: AuditAction,
        detail: Option<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            guild_id: case.guild_id,
            case_id: Some(case.id),
            actor_user_id: self.user_id,
            action,
            detail,
            now: Utc::now(),
        }
    }

    /// The `moderator_action` statistics event of `action`.
    pub fn action_stats(&self, case: &CaseRecord, action: AuditAction) -> NewStatsEvent {
        self.stats(
            case,
            EventKind::ModeratorAction,
            Some(action.as_str()),
            None,
        )
    }

    /// A statistics event timed from the case's opening.
    pub fn stats(
        &self,
        case: &CaseRecord,
        kind: EventKind,
        action: Option<&str>,
        outcome: Option<&str>,
    ) -> NewStatsEvent {
        let now = Utc::now();
        NewStatsEvent {
            guild_id: case.guild_id,
            occurred_hour: self.settings.local_hour(now),
            kind,
            reason: case.reason,
            action: action.map(str::to_owned),
            outcome: outcome.map(str::to_owned),
            duration_seconds: Some((now - case.created_at).num_seconds().max(0)),
        }
    }

    /// The audit-log reason Discord shows for the moderator's action.
    pub fn audit_log_reason(&self, data: &BotData, id: &str, case: &CaseRecord) -> String {
        audit_reason(data, self.settings, id, case, Some(self.user_id))
    }
}

/// An audit-log reason, in the server's language, naming the case (and the moderator).
pub fn audit_reason(
    data: &BotData,
    settings: &Settings,
    id: &str,
    case: &CaseRecord,
    moderator: Option<i64>,
) -> String {
    let reference = case.reference.as_str();
    if let Some(moderator) = moderator {
        tr!(
            data.texts,
            settings.language(),
            id,
            reference = reference,
            moderator = moderator.to_string()
        )
    } else {
        tr!(data.texts, settings.language(), id, reference = reference)
    }
}

/// The statistics event of an applied protective action.
pub fn protective_stats(
    settings: &Settings,
    case: &CaseRecord,
    kind: ProtectionKind,
    now: DateTime<Utc>,
) -> NewStatsEvent {
    NewStatsEvent {
        guild_id: case.guild_id,
        occurred_hour: settings.local_hour(now),
        kind: EventKind::ProtectiveAction,
        reason: case.reason,
        action: Some(kind.as_str().to_owned()),
        outcome: None,
        duration_seconds: None,
    }
}

/// Records a step that Discord already carried out, trying twice: a lost write would leave
/// Discord acting with nothing on the case to show or undo it.
pub async fn record_applied(
    data: &BotData,
    step: &ModerationStep,
) -> Result<StepOutcome, BotError> {
    match data.store.record_step(step).await {
        Ok(outcome) => Ok(outcome),
        Err(error) => {
            tracing::warn!(%error, "step not recorded, retrying once");
            Ok(data.store.record_step(step).await?)
        }
    }
}

/// The latest end among running mutes (`None` end: until lifted, the latest of all).
#[allow(clippy::option_option)] // `Some(None)`, a mute without end, is not `None`, no mute.
fn latest_end(mutes: &[ProtectiveActionRecord]) -> Option<Option<DateTime<Utc>>> {
    mutes
        .iter()
        .map(|mute| mute.expires_at)
        .reduce(|a, b| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        })
}
