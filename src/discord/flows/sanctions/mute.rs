//! Mutes (Discord timeouts): applying one without ever shortening a running timeout, what a
//! case says about earlier mutes, and lifting the case's mutes when it closes.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::{audit_reason, latest_end, protective_stats, record_applied};
use crate::discord::checks::moderator_role;
use crate::discord::rest::{self, DiscordRefusal, ErrorCode};
use crate::discord::{BotData, BotError};
use crate::domain::case::CaseStatus;
use crate::domain::protection::{
    self, ActionStatus, CaseMutes, Exemption, ProtectionKind, RequestedBy,
};
use crate::domain::queue::{AuditAction, StepDetail};
use crate::domain::settings::Settings;
use crate::store::{CaseRecord, ModerationStep, NewAuditEntry, NewProtectiveAction, NewStatsEvent};

/// What became of a mute request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MuteResult {
    Applied {
        until: DateTime<Utc>,
    },
    /// A timeout (from this case or another) already runs at least as long.
    AlreadyRunning {
        until: Option<DateTime<Utc>>,
    },
    Exempt(Exemption),
    Refused(DiscordRefusal),
}

/// Who asks for a mute, and for how long.
pub struct MuteRequest {
    pub requested_by: RequestedBy,
    pub actor_user_id: Option<i64>,
    pub duration: std::time::Duration,
    /// The duration code shown on the case (`10m`, `24h`…).
    pub detail: String,
    /// The audit-log reason sent to Discord.
    pub audit_log_reason: String,
    /// The moderator audit row written with the outcome, if a moderator asked.
    pub audit: Option<NewAuditEntry>,
    /// The moderator's `moderator_action` statistics event, if a moderator asked.
    pub moderator_stats: Option<NewStatsEvent>,
}

/// The case a mute is for, and where it is recorded.
struct Muting<'a> {
    data: &'a BotData,
    settings: &'a Settings,
    case: &'a CaseRecord,
    request: &'a MuteRequest,
}

/// Mutes the case's reported member unless a timeout at least as long is running (from this
/// case, another case, or set by hand in Discord: a timeout belongs to the member and is
/// never shortened) or the member is exempt; records what happened. The caller holds the
/// case lock.
pub async fn mute(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    case: &CaseRecord,
    request: MuteRequest,
) -> Result<MuteResult, BotError> {
    let until = protection::timeout_until(Utc::now(), request.duration);
    if let Some(end) = running_at_least_until(data, case, until).await? {
        return Ok(MuteResult::AlreadyRunning { until: end });
    }
    let muting = Muting {
        data,
        settings,
        case,
        request: &request,
    };
    let standing = match rest::standing(http, case.guild_id, case.reported_user_id).await {
        Ok(standing) => standing,
        Err(error) => {
            return muting
                .refused(&error, "cannot read the member to mute")
                .await;
        }
    };
    if protection::would_shorten(standing.timed_out_until, until) {
        let until = standing.timed_out_until;
        return Ok(MuteResult::AlreadyRunning { until });
    }
    let bot_position = standing.bot_top_role_position;
    let role = moderator_role(settings);
    if let Some(exemption) = protection::mute_exemption(&standing.target, role, bot_position) {
        muting
            .record(ActionStatus::Refused, exemption.as_str(), None)
            .await?;
        return Ok(MuteResult::Exempt(exemption));
    }
    let reason = &request.audit_log_reason;
    let member = (case.guild_id, case.reported_user_id);
    match rest::set_timeout(http, member.0, member.1, Some(until), reason).await {
        Ok(()) => muting.applied(http, until, standing.timed_out_until).await,
        Err(error) => muting.refused(&error, "Discord refused the mute").await,
    }
}

/// The end of the member's running mutes if they already cover `until` (or this case
/// already has one running).
async fn running_at_least_until(
    data: &BotData,
    case: &CaseRecord,
    until: DateTime<Utc>,
) -> Result<Option<Option<DateTime<Utc>>>, BotError> {
    let member_mutes = data
        .store
        .running_mutes_of_member(case.guild_id, case.reported_user_id, Utc::now())
        .await?;
    let case_mute_running = member_mutes.iter().any(|mute| mute.case_id == case.id);
    Ok(latest_end(&member_mutes)
        .filter(|end| case_mute_running || end.is_none_or(|end| end >= until)))
}

impl Muting<'_> {
    /// Discord applied the timeout: record it, or undo it on Discord if that fails.
    async fn applied(
        &self,
        http: &Http,
        until: DateTime<Utc>,
        previous: Option<DateTime<Utc>>,
    ) -> Result<MuteResult, BotError> {
        let detail = self.request.detail.clone();
        let Err(error) = self
            .record(ActionStatus::Applied, &detail, Some(until))
            .await
        else {
            return Ok(MuteResult::Applied { until });
        };
        let case = self.case;
        // Nothing on the case says the member is muted: neither may Discord.
        tracing::error!(case = %case.reference, %error, "mute not recorded: undoing it on Discord");
        let reason = &self.request.audit_log_reason;
        let undone =
            rest::set_timeout(http, case.guild_id, case.reported_user_id, previous, reason).await;
        if let Err(undo) = undone {
            tracing::error!(case = %case.reference, code = ?ErrorCode::of(&undo), "unrecorded mute not undone");
        }
        Err(error)
    }

    async fn refused(
        &self,
        error: &serenity::Error,
        what: &'static str,
    ) -> Result<MuteResult, BotError> {
        let refusal = DiscordRefusal::of(error);
        tracing::info!(case = %self.case.reference, code = ?ErrorCode::of(error), "{what}");
        self.record(ActionStatus::Failed, refusal.code(), None)
            .await?;
        Ok(MuteResult::Refused(refusal))
    }

    async fn record(
        &self,
        status: ActionStatus,
        detail: &str,
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(), BotError> {
        let (case, request) = (self.case, self.request);
        let now = Utc::now();
        let applied = status == ActionStatus::Applied;
        let mut audit = request.audit.clone();
        if let Some(entry) = &mut audit {
            entry.detail = Some(StepDetail::new(status, detail).to_string());
        }
        let mut events: Vec<NewStatsEvent> = request.moderator_stats.iter().cloned().collect();
        if applied {
            events.push(protective_stats(
                self.settings,
                case,
                ProtectionKind::Mute,
                now,
            ));
        }
        let step = ModerationStep {
            new_action: Some(NewProtectiveAction {
                case_id: case.id,
                kind: ProtectionKind::Mute,
                target_user_id: case.reported_user_id,
                protected_user_id: None,
                requested_by: request.requested_by,
                actor_user_id: request.actor_user_id,
                status,
                detail: Some(detail.to_owned()),
                expires_at,
                now,
            }),
            audit,
            stats: events,
            now: Some(now),
            ..ModerationStep::default()
        };
        if applied {
            record_applied(self.data, &step).await?;
        } else {
            self.data.store.record_step(&step).await?;
        }
        Ok(())
    }
}

/// What the case says about earlier mutes (see [`CaseMutes`]).
pub async fn case_mutes(data: &BotData, case: &CaseRecord) -> Result<CaseMutes, BotError> {
    let actions = data.store.protective_actions_of_case(case.id).await?;
    let audit = data.store.audit_of_case(case.id).await?;
    let lifted_by_moderator = audit.iter().any(|entry| {
        entry.action == AuditAction::Unmute && !StepDetail::failed(entry.detail.as_deref())
    });
    Ok(CaseMutes {
        moderator_took_over: case.status == CaseStatus::Claimed
            || case.claimed_by.is_some()
            || lifted_by_moderator,
        automatic_tried: actions.iter().any(|action| {
            action.kind == ProtectionKind::Mute
                && action.requested_by == RequestedBy::Automatic
                && action.status != ActionStatus::Reverted
        }),
    })
}

/// When a case closes: lifts the mutes the victim or the automatic rule asked for on it
/// (Discord first, then the revert and its audit row). A timeout another running mute of
/// the member still needs (a moderator's, another case's) is kept, or cut back to it.
pub async fn lift_case_mutes(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    case: &CaseRecord,
    actor_user_id: i64,
) -> Result<(), BotError> {
    let now = Utc::now();
    let member_mutes = data
        .store
        .running_mutes_of_member(case.guild_id, case.reported_user_id, now)
        .await?;
    let (lifted, kept): (Vec<_>, Vec<_>) = member_mutes
        .into_iter()
        .partition(|mute| mute.case_id == case.id && mute.requested_by != RequestedBy::Moderator);
    if lifted.is_empty() {
        return Ok(());
    }
    let reason = audit_reason(data, settings, "audit-reason-case-closed", case, None);
    let lifted_end = latest_end(&lifted).flatten();
    let member = (case.guild_id, case.reported_user_id);
    let on_discord = match latest_end(&kept) {
        // Another mute runs at least as long: the timeout is its own now.
        Some(kept) if kept.is_none_or(|kept| lifted_end.is_some_and(|lifted| kept >= lifted)) => {
            Ok(())
        }
        Some(kept) => rest::set_timeout(http, member.0, member.1, kept, &reason).await,
        None => rest::set_timeout(http, member.0, member.1, None, &reason).await,
    };
    let unmute_audit = |detail: String| NewAuditEntry {
        guild_id: case.guild_id,
        case_id: Some(case.id),
        actor_user_id,
        action: AuditAction::Unmute,
        detail: Some(detail),
        now,
    };
    if let Err(error) = on_discord {
        let refusal = DiscordRefusal::of(&error);
        if refusal != DiscordRefusal::UnknownMember {
            tracing::warn!(case = %case.reference, code = ?ErrorCode::of(&error), "closing mute not lifted");
            let failed = StepDetail::new(ActionStatus::Failed, refusal.code());
            let entry = unmute_audit(failed.to_string());
            data.store.append_audit(&entry).await?;
            return Ok(());
        }
    }
    let step = ModerationStep {
        reverts: lifted.iter().map(|mute| mute.id).collect(),
        audit: Some(unmute_audit("case_closed".to_owned())),
        now: Some(now),
        ..ModerationStep::default()
    };
    record_applied(data, &step).await?;
    Ok(())
}
