//! Bans asked by a moderator: never on the server's own staff or above the bot, recorded
//! with the cleanup chosen, undone on Discord if it cannot be recorded.

use chrono::Utc;
use poise::serenity_prelude::Http;

use super::{Moderator, protective_stats, record_applied};
use crate::discord::checks::moderator_role;
use crate::discord::rest::{self, DiscordRefusal, ErrorCode};
use crate::discord::{BotData, BotError};
use crate::domain::protection::{
    self, ActionStatus, BanCleanup, Exemption, ProtectionKind, RequestedBy,
};
use crate::domain::queue::{AuditAction, StepDetail};
use crate::store::{CaseRecord, ModerationStep, NewProtectiveAction, ProtectiveActionRecord};

/// What became of a ban.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BanResult {
    Banned,
    AlreadyBanned,
    Exempt(Exemption),
    Refused(DiscordRefusal),
}

/// Bans the case's reported member for the moderator. The caller holds the case lock.
pub async fn ban(
    http: &Http,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    cleanup: BanCleanup,
) -> Result<BanResult, BotError> {
    let now = Utc::now();
    let actions = data.store.protective_actions_of_case(case.id).await?;
    if ProtectiveActionRecord::running_of(&actions, ProtectionKind::Ban, now).is_some() {
        return Ok(BanResult::AlreadyBanned);
    }
    let record =
        |status: ActionStatus, detail: &str| ban_step(moderator, case, cleanup, status, detail);
    if let Some(blocked) = blocked_before_ban(http, moderator, case).await {
        let (status, detail) = blocked.recorded_as();
        data.store.record_step(&record(status, detail)).await?;
        return Ok(blocked.result());
    }
    let reason = moderator.audit_log_reason(data, "audit-reason-moderator-ban", case);
    let member = (case.guild_id, case.reported_user_id);
    if let Err(error) = rest::ban(http, member.0, member.1, cleanup, &reason).await {
        let refusal = DiscordRefusal::of(&error);
        tracing::info!(case = %case.reference, code = ?ErrorCode::of(&error), "Discord refused the ban");
        data.store
            .record_step(&record(ActionStatus::Failed, refusal.code()))
            .await?;
        return Ok(BanResult::Refused(refusal));
    }
    let mut step = record(ActionStatus::Applied, cleanup.as_str());
    let settings = moderator.settings;
    step.stats
        .push(protective_stats(settings, case, ProtectionKind::Ban, now));
    if let Err(error) = record_applied(data, &step).await {
        // Nothing on the case says the member is banned: neither may Discord.
        tracing::error!(case = %case.reference, %error, "ban not recorded: undoing it on Discord");
        if let Err(undo) = rest::unban(http, member.0, member.1, &reason).await {
            tracing::error!(case = %case.reference, code = ?ErrorCode::of(&undo), "unrecorded ban not undone");
        }
        return Err(error);
    }
    Ok(BanResult::Banned)
}

/// Why a ban is not even asked of Discord.
#[derive(Clone, Copy)]
enum Blocked {
    Exempt(Exemption),
    Refused(DiscordRefusal),
}

impl Blocked {
    /// The status and detail the refused ban is recorded with.
    fn recorded_as(self) -> (ActionStatus, &'static str) {
        match self {
            Blocked::Exempt(exemption) => (ActionStatus::Refused, exemption.as_str()),
            Blocked::Refused(refusal) => (ActionStatus::Failed, refusal.code()),
        }
    }

    fn result(self) -> BanResult {
        match self {
            Blocked::Exempt(exemption) => BanResult::Exempt(exemption),
            Blocked::Refused(refusal) => BanResult::Refused(refusal),
        }
    }
}

/// A member who left can still be banned; one still here must be below the bot and no
/// moderator (the bot must not lend its rights against the server's own staff).
async fn blocked_before_ban(
    http: &Http,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
) -> Option<Blocked> {
    match rest::standing(http, case.guild_id, case.reported_user_id).await {
        Ok(standing) => protection::mute_exemption(
            &standing.target,
            moderator_role(moderator.settings),
            standing.bot_top_role_position,
        )
        .map(Blocked::Exempt),
        Err(error) => match DiscordRefusal::of(&error) {
            DiscordRefusal::UnknownMember => None,
            refusal => Some(Blocked::Refused(refusal)),
        },
    }
}

fn ban_step(
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    cleanup: BanCleanup,
    status: ActionStatus,
    detail: &str,
) -> ModerationStep {
    let now = Utc::now();
    let audit_detail = StepDetail::new(status, detail)
        .with("cleanup", cleanup.as_str())
        .to_string();
    ModerationStep {
        new_action: Some(NewProtectiveAction {
            case_id: case.id,
            kind: ProtectionKind::Ban,
            target_user_id: case.reported_user_id,
            protected_user_id: None,
            requested_by: RequestedBy::Moderator,
            actor_user_id: Some(moderator.user_id),
            status,
            detail: Some(detail.to_owned()),
            expires_at: None,
            now,
        }),
        audit: Some(moderator.audit(case, AuditAction::Ban, Some(audit_detail))),
        stats: vec![moderator.action_stats(case, AuditAction::Ban)],
        now: Some(now),
        ..ModerationStep::default()
    }
}
