//! Protective actions on Discord (SPEC §4): the victim's buttons, the automatic mute, the
//! contact shield, and the Discord calls they share with the moderator queue.
//!
//! Ordering: Discord is called first and the store records what Discord answered (applied,
//! refused or failed), so a case never shows a mute that did not happen.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use fluent_bundle::FluentArgs;
use poise::serenity_prelude as serenity;
use serenity::Http;
use serenity::http::{LightMethod, Request, Route};

use super::queue;
use super::reporting::discord_error_code;
use super::{BotData, BotError};
use crate::domain::access::Actor;
use crate::domain::case::CaseStatus;
use crate::domain::protection::{
    self, ActionStatus, AntiAbuse, BanCleanup, CaseMutes, Exemption, Offer, ProtectionKind,
    Reporter, RequestedBy, Target, Withheld,
};
use crate::domain::queue::AuditAction;
use crate::domain::report::CheckedReport;
use crate::domain::settings::{SettingKey, SettingValue, Settings};
use crate::store::{
    ActiveShield, CaseRecord, ModerationStep, NewAuditEntry, NewProtectiveAction, NewStatsEvent,
    ProtectiveActionRecord, RecordedReport, StepOutcome,
};

/// Custom ids of the victim's buttons on the acknowledgement: `<prefix><case id>`.
const VICTIM_MUTE: &str = "sb:p:mute:";
const VICTIM_SHIELD: &str = "sb:p:shield:";

/// Discord error codes this module tells apart.
const MISSING_PERMISSIONS: isize = 50013;
const UNKNOWN_MEMBER: isize = 10007;
const UNKNOWN_BAN: isize = 10026;

/// The contact shields running now, by (server, shielded member): the MESSAGE_CREATE hot
/// path reads this instead of the database. Loaded at start, kept in sync as shields start
/// and cases close; expiry is checked on read.
#[derive(Debug, Default)]
pub struct ShieldIndex {
    shields: RwLock<HashMap<(i64, i64), Vec<ActiveShield>>>,
    /// When each case's embed was last refreshed for a deletion (see [`Self::refresh_due`]).
    refreshed: Mutex<HashMap<i64, Instant>>,
}

/// At most one embed refresh per case in this time for shield deletions: a member who
/// spams the victim must not make the bot hammer Discord under the case lock.
const SHIELD_REFRESH_EVERY: Duration = Duration::from_secs(10);

impl ShieldIndex {
    /// Replaces the index with what the database says is running.
    pub fn load(&self, shields: Vec<ActiveShield>) {
        let mut index = HashMap::<(i64, i64), Vec<ActiveShield>>::new();
        for shield in shields {
            index
                .entry((shield.guild_id, shield.target_user_id))
                .or_default()
                .push(shield);
        }
        *self.write() = index;
    }

    pub fn insert(&self, shield: ActiveShield) {
        self.write()
            .entry((shield.guild_id, shield.target_user_id))
            .or_default()
            .push(shield);
    }

    /// Whether a shield deletion on this case should refresh its embed now (the count
    /// shows at the next refresh otherwise); records the refresh when it is due.
    pub fn refresh_due(&self, case_id: i64, now: Instant) -> bool {
        let mut refreshed = self
            .refreshed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        refreshed.retain(|_, at| now.duration_since(*at) < SHIELD_REFRESH_EVERY);
        if refreshed.contains_key(&case_id) {
            return false;
        }
        refreshed.insert(case_id, now);
        true
    }

    /// Ends every shield of a closed case.
    pub fn end_case(&self, case_id: i64) {
        let mut index = self.write();
        for shields in index.values_mut() {
            shields.retain(|shield| shield.case_id != case_id);
        }
        index.retain(|_, shields| !shields.is_empty());
    }

    /// Whether the member has a running shield in this server (cheap, for every message).
    pub fn covers(&self, guild_id: i64, author_id: i64) -> bool {
        self.read().contains_key(&(guild_id, author_id))
    }

    /// The shield a message by `author_id` breaks (it mentions or replies to the protected
    /// member), if any. Expired shields are dropped on the way.
    pub fn broken_by(
        &self,
        guild_id: i64,
        author_id: i64,
        mentioned: &[i64],
        replied_to_author: Option<i64>,
        now: DateTime<Utc>,
    ) -> Option<ActiveShield> {
        let key = (guild_id, author_id);
        let mut index = self.write();
        let shields = index.get_mut(&key)?;
        shields.retain(|shield| shield.expires_at.is_none_or(|end| end > now));
        let broken = shields
            .iter()
            .find(|shield| {
                protection::breaks_shield(shield.protected_user_id, mentioned, replied_to_author)
            })
            .cloned();
        if shields.is_empty() {
            index.remove(&key);
        }
        broken
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<(i64, i64), Vec<ActiveShield>>> {
        self.shields
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<(i64, i64), Vec<ActiveShield>>> {
        self.shields
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One lock per case, so that two presses of the same button (or two moderators) act one
/// after the other and the second sees what the first did. A server's interactions reach a
/// single process (its shard), so an in-process lock is enough.
#[derive(Debug, Default)]
pub struct CaseLocks {
    locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

impl CaseLocks {
    pub async fn lock(&self, case_id: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut locks = self
                .locks
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // Forget the locks nobody holds or waits for.
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
            Arc::clone(locks.entry(case_id).or_default())
        };
        lock.lock_owned().await
    }
}

/// Why Discord refused an action, as the member is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscordRefusal {
    /// 50013, or a 403: the bot lacks the permission or the member is above it.
    MissingPermissions,
    /// 10007: the member left the server.
    UnknownMember,
    /// 10026: there is no such ban (already lifted).
    UnknownBan,
    /// Anything else (an outage).
    Failed,
}

impl DiscordRefusal {
    pub fn of(error: &serenity::Error) -> DiscordRefusal {
        let status_forbidden = matches!(
            error,
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(response))
                if response.status_code.as_u16() == 403
        );
        match discord_error_code(error) {
            Some(MISSING_PERMISSIONS) => DiscordRefusal::MissingPermissions,
            Some(UNKNOWN_MEMBER) => DiscordRefusal::UnknownMember,
            Some(UNKNOWN_BAN) => DiscordRefusal::UnknownBan,
            _ if status_forbidden => DiscordRefusal::MissingPermissions,
            _ => DiscordRefusal::Failed,
        }
    }

    /// Stored in `protective_actions.detail`.
    pub fn code(self) -> &'static str {
        match self {
            DiscordRefusal::MissingPermissions => "discord_missing_permissions",
            DiscordRefusal::UnknownMember => "discord_unknown_member",
            DiscordRefusal::UnknownBan => "discord_unknown_ban",
            DiscordRefusal::Failed => "discord_failed",
        }
    }

    pub fn fluent_id(self) -> &'static str {
        match self {
            DiscordRefusal::MissingPermissions => "protection-discord-missing-permissions",
            DiscordRefusal::UnknownMember => "protection-discord-unknown-member",
            DiscordRefusal::UnknownBan => "protection-discord-unknown-ban",
            DiscordRefusal::Failed => "protection-discord-failed",
        }
    }
}

/// A member and the bot, as Discord describes them now.
pub struct Standing {
    pub target: Target,
    pub bot_top_role_position: i64,
    /// The end of the member's running timeout, whoever set it.
    pub timed_out_until: Option<DateTime<Utc>>,
}

/// Reads the member's roles and the bot's from Discord (fresh: the cache does not follow
/// role changes without the privileged members intent).
pub async fn standing(
    http: &Http,
    guild_id: i64,
    user_id: i64,
) -> Result<Standing, serenity::Error> {
    let guild_id = serenity::GuildId::new(guild_id as u64);
    let guild = http.get_guild(guild_id).await?;
    let member = http
        .get_member(guild_id, serenity::UserId::new(user_id as u64))
        .await?;
    let bot = http.get_current_user().await?;
    let bot_member = http.get_member(guild_id, bot.id).await?;
    let top_position = |roles: &[serenity::RoleId]| {
        roles
            .iter()
            .filter_map(|role| guild.roles.get(role))
            .map(|role| i64::from(role.position))
            .max()
            .unwrap_or(0)
    };
    let everyone = guild
        .roles
        .get(&serenity::RoleId::new(guild_id.get()))
        .map_or(0, |role| role.permissions.bits());
    let permissions = member
        .roles
        .iter()
        .filter_map(|role| guild.roles.get(role))
        .fold(everyone, |bits, role| bits | role.permissions.bits());
    Ok(Standing {
        target: Target {
            is_bot: member.user.bot,
            access: Actor {
                permissions,
                role_ids: member.roles.iter().map(|role| role.get() as i64).collect(),
                is_owner: guild.owner_id == member.user.id,
            },
            top_role_position: top_position(&member.roles),
        },
        bot_top_role_position: top_position(&bot_member.roles),
        timed_out_until: member
            .communication_disabled_until
            .map(|until| *until)
            .filter(|until| *until > Utc::now()),
    })
}

/// The server's moderator role, if one is configured.
pub fn moderator_role(settings: &Settings) -> Option<i64> {
    match settings.get(SettingKey::ModeratorRole) {
        Some(SettingValue::Role(role)) => Some(*role as i64),
        _ => None,
    }
}

/// Times a member out until `until`, or lifts the timeout with `None`.
pub async fn set_timeout(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    until: Option<DateTime<Utc>>,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    let edit = match until {
        Some(until) => serenity::EditMember::new().disable_communication_until(until.to_rfc3339()),
        None => serenity::EditMember::new().enable_communication(),
    };
    http.edit_member(
        serenity::GuildId::new(guild_id as u64),
        serenity::UserId::new(user_id as u64),
        &edit,
        Some(&reason),
    )
    .await
    .map(drop)
}

/// Bans a member, deleting their messages of the last hour or day if asked. (serenity's
/// `ban_user` counts in whole days; Discord takes `delete_message_seconds` in the body.)
pub async fn ban(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    cleanup: BanCleanup,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    let mut headers = reqwest::header::HeaderMap::new();
    if let Ok(value) = reqwest::header::HeaderValue::from_str(&percent_encode(&reason)) {
        headers.insert("X-Audit-Log-Reason", value);
    }
    let request = Request::new(
        Route::GuildBan {
            guild_id: serenity::GuildId::new(guild_id as u64),
            user_id: serenity::UserId::new(user_id as u64),
        },
        LightMethod::Put,
    )
    .headers(Some(headers))
    .body(Some(
        serde_json::json!({ "delete_message_seconds": cleanup.seconds() })
            .to_string()
            .into_bytes(),
    ));
    let response = http.request(request).await?;
    if response.status().is_success() {
        return Ok(());
    }
    Err(serenity::Error::Http(
        serenity::HttpError::UnsuccessfulRequest(
            serenity::ErrorResponse::from_response(response, reqwest::Method::PUT).await,
        ),
    ))
}

pub async fn unban(
    http: &Http,
    guild_id: i64,
    user_id: i64,
    reason: &str,
) -> Result<(), serenity::Error> {
    let reason = protection::audit_log_reason(reason);
    http.remove_ban(
        serenity::GuildId::new(guild_id as u64),
        serenity::UserId::new(user_id as u64),
        Some(&reason),
    )
    .await
}

/// Percent-encodes every byte but ASCII letters and digits, as Discord expects the
/// audit-log header.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The statistics hour of `now` in the server's timezone.
pub fn stats_hour(settings: &Settings, now: DateTime<Utc>) -> String {
    now.with_timezone(&settings.timezone())
        .format("%Y-%m-%dT%H")
        .to_string()
}

/// An audit-log reason, in the server's language, naming the case.
pub fn audit_reason(
    data: &BotData,
    settings: &Settings,
    id: &str,
    case: &CaseRecord,
    extra: &[(&'static str, String)],
) -> String {
    let mut args = FluentArgs::new();
    args.set("reference", case.reference.as_str().to_owned());
    for (name, value) in extra {
        args.set(*name, value.clone());
    }
    data.texts.format(settings.language(), id, Some(&args))
}

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

/// The running action of `kind` that `actions` hold at `now`, the newest first.
pub fn running(
    actions: &[ProtectiveActionRecord],
    kind: ProtectionKind,
    now: DateTime<Utc>,
) -> Option<&ProtectiveActionRecord> {
    actions
        .iter()
        .rev()
        .find(|action| action.kind == kind && action.is_running(now))
}

/// The latest end among running mutes (`None` end: until lifted, the latest of all).
fn latest_end(mutes: &[ProtectiveActionRecord]) -> Option<Option<DateTime<Utc>>> {
    mutes
        .iter()
        .map(|mute| mute.expires_at)
        .reduce(|a, b| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        })
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
    let now = Utc::now();
    let until = protection::timeout_until(now, request.duration);
    let member_mutes = data
        .store
        .running_mutes_of_member(case.guild_id, case.reported_user_id, now)
        .await?;
    let case_mute_running = member_mutes.iter().any(|mute| mute.case_id == case.id);
    if let Some(end) = latest_end(&member_mutes)
        && (case_mute_running || end.is_none_or(|end| end >= until))
    {
        return Ok(MuteResult::AlreadyRunning { until: end });
    }
    let standing = match standing(http, case.guild_id, case.reported_user_id).await {
        Ok(standing) => standing,
        Err(error) => {
            let refusal = DiscordRefusal::of(&error);
            tracing::info!(case = %case.reference, code = ?discord_error_code(&error), "cannot read the member to mute");
            record_mute(
                data,
                settings,
                case,
                &request,
                ActionStatus::Failed,
                refusal.code(),
                None,
            )
            .await?;
            return Ok(MuteResult::Refused(refusal));
        }
    };
    if protection::would_shorten(standing.timed_out_until, until) {
        return Ok(MuteResult::AlreadyRunning {
            until: standing.timed_out_until,
        });
    }
    if let Some(exemption) = protection::mute_exemption(
        &standing.target,
        moderator_role(settings),
        standing.bot_top_role_position,
    ) {
        record_mute(
            data,
            settings,
            case,
            &request,
            ActionStatus::Refused,
            exemption.as_str(),
            None,
        )
        .await?;
        return Ok(MuteResult::Exempt(exemption));
    }
    let applied = set_timeout(
        http,
        case.guild_id,
        case.reported_user_id,
        Some(until),
        &request.audit_log_reason,
    )
    .await;
    match applied {
        Ok(()) => {
            let detail = request.detail.clone();
            let recorded = record_mute(
                data,
                settings,
                case,
                &request,
                ActionStatus::Applied,
                &detail,
                Some(until),
            )
            .await;
            if let Err(error) = recorded {
                // Nothing on the case says the member is muted: neither may Discord.
                tracing::error!(case = %case.reference, %error, "mute not recorded: undoing it on Discord");
                if let Err(undo) = set_timeout(
                    http,
                    case.guild_id,
                    case.reported_user_id,
                    standing.timed_out_until,
                    &request.audit_log_reason,
                )
                .await
                {
                    tracing::error!(case = %case.reference, code = ?discord_error_code(&undo), "unrecorded mute not undone");
                }
                return Err(error);
            }
            Ok(MuteResult::Applied { until })
        }
        Err(error) => {
            let refusal = DiscordRefusal::of(&error);
            tracing::info!(case = %case.reference, code = ?discord_error_code(&error), "Discord refused the mute");
            record_mute(
                data,
                settings,
                case,
                &request,
                ActionStatus::Failed,
                refusal.code(),
                None,
            )
            .await?;
            Ok(MuteResult::Refused(refusal))
        }
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

async fn record_mute(
    data: &BotData,
    settings: &Settings,
    case: &CaseRecord,
    request: &MuteRequest,
    status: ActionStatus,
    detail: &str,
    expires_at: Option<DateTime<Utc>>,
) -> Result<(), BotError> {
    let now = Utc::now();
    let applied = status == ActionStatus::Applied;
    let mut audit = request.audit.clone();
    if let Some(entry) = &mut audit {
        entry.detail = Some(format!("{}:{detail}", status.as_str()));
    }
    let mut stats: Vec<NewStatsEvent> = request.moderator_stats.iter().cloned().collect();
    if applied {
        stats.push(protective_stats(settings, case, ProtectionKind::Mute, now));
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
        stats,
        now: Some(now),
        ..ModerationStep::default()
    };
    if applied {
        record_applied(data, &step).await?;
    } else {
        data.store.record_step(&step).await?;
    }
    Ok(())
}

/// What the case says about earlier mutes (see [`CaseMutes`]).
pub async fn case_mutes(data: &BotData, case: &CaseRecord) -> Result<CaseMutes, BotError> {
    let actions = data.store.protective_actions_of_case(case.id).await?;
    let audit = data.store.audit_of_case(case.id).await?;
    let lifted_by_moderator = audit.iter().any(|entry| {
        entry.action == AuditAction::Unmute.as_str()
            && !entry
                .detail
                .as_deref()
                .is_some_and(|detail| detail.starts_with("failed"))
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
    let reason = audit_reason(data, settings, "audit-reason-case-closed", case, &[]);
    let lifted_end = latest_end(&lifted).flatten();
    let kept_end = latest_end(&kept);
    let on_discord = match kept_end {
        // Another mute runs at least as long: the timeout is its own now.
        Some(kept) if kept.is_none_or(|kept| lifted_end.is_some_and(|lifted| kept >= lifted)) => {
            Ok(())
        }
        Some(kept) => set_timeout(http, case.guild_id, case.reported_user_id, kept, &reason).await,
        None => set_timeout(http, case.guild_id, case.reported_user_id, None, &reason).await,
    };
    let detail = match on_discord {
        Ok(()) => "case_closed".to_owned(),
        Err(error) => match DiscordRefusal::of(&error) {
            DiscordRefusal::UnknownMember => "case_closed".to_owned(),
            refusal @ (DiscordRefusal::MissingPermissions
            | DiscordRefusal::UnknownBan
            | DiscordRefusal::Failed) => {
                tracing::warn!(case = %case.reference, code = ?discord_error_code(&error), "closing mute not lifted");
                data.store
                    .append_audit(&NewAuditEntry {
                        guild_id: case.guild_id,
                        case_id: Some(case.id),
                        actor_user_id,
                        action: AuditAction::Unmute.as_str().to_owned(),
                        detail: Some(format!("failed:{}", refusal.code())),
                        now,
                    })
                    .await?;
                return Ok(());
            }
        },
    };
    let step = ModerationStep {
        reverts: lifted.iter().map(|mute| mute.id).collect(),
        audit: Some(NewAuditEntry {
            guild_id: case.guild_id,
            case_id: Some(case.id),
            actor_user_id,
            action: AuditAction::Unmute.as_str().to_owned(),
            detail: Some(detail),
            now,
        }),
        now: Some(now),
        ..ModerationStep::default()
    };
    record_applied(data, &step).await?;
    Ok(())
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
        occurred_hour: stats_hour(settings, now),
        kind: "protective_action",
        reason: case.reason,
        action: Some(kind.as_str().to_owned()),
        outcome: None,
        duration_seconds: None,
    }
}

/// What the reporter's acknowledgement gains from the protective actions.
pub struct AfterReport {
    /// Extra paragraphs (already rendered in the reporter's language).
    pub lines: Vec<String>,
    /// The victim's buttons, when offered.
    pub buttons: Option<serenity::CreateActionRow>,
}

/// After a report is stored: applies the anti-abuse limits, the automatic mute when due,
/// and posts or updates the queue embed. Never fails the report: problems are logged.
pub async fn after_report(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    report: &CheckedReport,
    recorded: &RecordedReport,
    locale: &str,
) -> AfterReport {
    let now = Utc::now();
    let check = anti_abuse_check(http, data, report, recorded, now).await;
    let withheld = check.withheld;
    if let Some(withheld) = withheld {
        tracing::info!(case = %recorded.reference, %withheld, settled = check.settled, "automatic protective actions withheld");
    }
    // Only a verdict reached on real data is kept: an outage withholds for now, not forever.
    if let (Some(withheld), true) = (withheld, check.settled)
        && let Err(error) = data
            .store
            .set_protection_withheld(recorded.report_id, withheld)
            .await
    {
        tracing::error!(%error, "withheld protection not recorded");
    }
    let mut lines = Vec::new();
    if withheld.is_none() {
        match automatic_mute(http, data, settings, report, recorded, now).await {
            Ok(Some(MuteResult::Applied { .. })) => {
                lines.push(data.texts.text(locale, "protection-auto-muted"));
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "automatic mute failed"),
        }
    }
    if let Err(error) = queue::publish(http, data, recorded.case_id).await {
        tracing::error!(case = %recorded.reference, %error, "queue embed not posted");
    }

    let offer = protection::victim_offer(
        report.is_witness,
        settings.flag(SettingKey::SelfMuteAllowed),
        withheld,
    );
    if withheld.is_some() {
        lines.push(data.texts.text(locale, "protection-withheld"));
    }
    AfterReport {
        buttons: offer_buttons(data, locale, recorded.case_id, offer),
        lines,
    }
}

/// The anti-abuse verdict on a report.
struct AbuseCheck {
    withheld: Option<Withheld>,
    /// Reached on real data (not on a store or Discord error): it may be kept on the report.
    settled: bool,
}

async fn anti_abuse_check(
    http: &Http,
    data: &BotData,
    report: &CheckedReport,
    recorded: &RecordedReport,
    now: DateTime<Utc>,
) -> AbuseCheck {
    let limits = AntiAbuse {
        reports_per_hour: data.config.anti_abuse.reports_per_hour,
        min_membership_age: data.config.anti_abuse.min_membership_age,
    };
    let reports_last_hour = match data
        .store
        .reports_by_reporter_since(
            report.guild_id,
            report.reporter_id,
            now - TimeDelta::hours(1),
        )
        .await
    {
        Ok(count) => count,
        Err(error) => {
            tracing::error!(case = %recorded.reference, %error, "cannot count the reporter's reports");
            return AbuseCheck {
                withheld: Some(Withheld::RateLimited),
                settled: false,
            };
        }
    };
    let mut settled = true;
    let joined_at = match http
        .get_member(
            serenity::GuildId::new(report.guild_id as u64),
            serenity::UserId::new(report.reporter_id as u64),
        )
        .await
    {
        Ok(member) => member.joined_at.map(|joined| *joined),
        Err(error) => {
            tracing::info!(code = ?discord_error_code(&error), "cannot read the reporter's join date");
            settled = false;
            None
        }
    };
    let withheld = limits.withheld(
        &Reporter {
            reports_last_hour,
            joined_at,
        },
        now,
    );
    AbuseCheck {
        // The rate limit stands on its own; only the age verdict needed Discord.
        settled: settled || withheld == Some(Withheld::RateLimited),
        withheld,
    }
}

async fn automatic_mute(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    report: &CheckedReport,
    recorded: &RecordedReport,
    now: DateTime<Utc>,
) -> Result<Option<MuteResult>, BotError> {
    let threshold = settings.integer(SettingKey::AutoMuteThreshold).unwrap_or(0);
    let window = settings
        .duration(SettingKey::AutoMuteWindow)
        .and_then(|window| TimeDelta::from_std(window).ok())
        .unwrap_or(TimeDelta::zero());
    let reporters = data
        .store
        .eligible_reporters_since(report.guild_id, report.reported_id, now - window)
        .await?;
    if threshold <= 0 || reporters < threshold {
        return Ok(None);
    }
    let _guard = data.case_locks.lock(recorded.case_id).await;
    let Some(case) = data.store.case_by_id(recorded.case_id).await? else {
        return Ok(None);
    };
    // Under the lock: whether a moderator took over, or the rule already ran on this case.
    if !protection::auto_mute_due(reporters, threshold, case_mutes(data, &case).await?) {
        return Ok(None);
    }
    let duration = settings
        .duration(SettingKey::SelfMuteDuration)
        .unwrap_or(crate::domain::settings::MAX_TIMEOUT);
    let reason = audit_reason(
        data,
        settings,
        "audit-reason-auto-mute",
        &case,
        &[("count", reporters.to_string())],
    );
    let result = mute(
        http,
        data,
        settings,
        &case,
        MuteRequest {
            requested_by: RequestedBy::Automatic,
            actor_user_id: None,
            duration,
            detail: crate::domain::settings::format_duration(duration),
            audit_log_reason: reason,
            audit: None,
            moderator_stats: None,
        },
    )
    .await?;
    tracing::info!(case = %case.reference, ?result, "automatic mute");
    Ok(Some(result))
}

fn offer_buttons(
    data: &BotData,
    locale: &str,
    case_id: i64,
    offer: Offer,
) -> Option<serenity::CreateActionRow> {
    let mut buttons = Vec::new();
    if offer.mute {
        buttons.push(
            serenity::CreateButton::new(format!("{VICTIM_MUTE}{case_id}"))
                .style(serenity::ButtonStyle::Danger)
                .label(data.texts.text(locale, "protection-offer-mute")),
        );
    }
    if offer.shield {
        buttons.push(
            serenity::CreateButton::new(format!("{VICTIM_SHIELD}{case_id}"))
                .style(serenity::ButtonStyle::Secondary)
                .label(data.texts.text(locale, "protection-offer-shield")),
        );
    }
    (!buttons.is_empty()).then_some(serenity::CreateActionRow::Buttons(buttons))
}

/// The victim's buttons: "Mute them until a moderator reviews" and "Block them from
/// contacting me". Returns `Ok(false)` for other custom ids.
pub async fn on_victim_button(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
) -> Result<bool, BotError> {
    let custom_id = interaction.data.custom_id.as_str();
    let (kind, rest) = if let Some(rest) = custom_id.strip_prefix(VICTIM_MUTE) {
        (ProtectionKind::Mute, rest)
    } else if let Some(rest) = custom_id.strip_prefix(VICTIM_SHIELD) {
        (ProtectionKind::Shield, rest)
    } else {
        return Ok(false);
    };
    interaction
        .create_response(
            ctx,
            serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        )
        .await?;
    let settings = match interaction.guild_id {
        Some(guild_id) => super::reporting::server_settings(data, guild_id.get() as i64).await,
        None => data.config.server_defaults.clone(),
    };
    let locale = data
        .texts
        .negotiate(&[Some(interaction.locale.as_str()), Some(settings.language())])
        .to_owned();
    let answer = match victim_action(ctx, data, interaction, &settings, &locale, kind, rest).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "victim protective action failed");
            data.texts.text(&locale, "error-internal")
        }
    };
    interaction
        .edit_response(
            ctx,
            serenity::EditInteractionResponse::new().content(answer),
        )
        .await?;
    Ok(true)
}

async fn victim_action(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
    settings: &Settings,
    locale: &str,
    kind: ProtectionKind,
    case_id: &str,
) -> Result<String, BotError> {
    let texts = &data.texts;
    let presser = interaction.user.id.get() as i64;
    let (Some(guild_id), Ok(case_id)) = (interaction.guild_id, case_id.parse::<i64>()) else {
        return Ok(texts.text(locale, "protection-not-yours"));
    };
    let guard = data.case_locks.lock(case_id).await;
    let Some(case) = data
        .store
        .case_by_id(case_id)
        .await?
        .filter(|case| case.guild_id == guild_id.get() as i64)
    else {
        return Ok(texts.text(locale, "protection-not-yours"));
    };
    // Only a victim who reported for themselves on this case may use the buttons.
    let reports = data.store.reports_of_case(case.id).await?;
    let Some(own_report) = reports.iter().rev().find(|report| {
        report.reporter_user_id == Some(presser) && report.victim_user_id == presser
    }) else {
        return Ok(texts.text(locale, "protection-not-yours"));
    };
    if !case.status.is_active() {
        return Ok(texts.text(locale, "protection-case-closed"));
    }
    let http = &ctx.http;
    let answer = match kind {
        ProtectionKind::Mute => {
            // The limits gate the mute; the shield only ever protects the presser.
            if data
                .store
                .protection_withheld(own_report.id)
                .await?
                .is_some()
            {
                return Ok(texts.text(locale, "protection-withheld"));
            }
            victim_mute(http, data, settings, locale, &case, presser).await?
        }
        ProtectionKind::Shield => victim_shield(data, settings, locale, &case, presser).await?,
        ProtectionKind::Ban => return Ok(texts.text(locale, "protection-not-yours")),
    };
    // `publish` takes the case lock itself.
    drop(guard);
    if let Err(error) = queue::publish(http, data, case.id).await {
        tracing::error!(case = %case.reference, %error, "queue embed not updated");
    }
    Ok(answer)
}

async fn victim_mute(
    http: &Http,
    data: &BotData,
    settings: &Settings,
    locale: &str,
    case: &CaseRecord,
    presser: i64,
) -> Result<String, BotError> {
    let texts = &data.texts;
    if !settings.flag(SettingKey::SelfMuteAllowed) {
        return Ok(texts.text(locale, "protection-not-allowed"));
    }
    if !case_mutes(data, case).await?.victim_may_mute() {
        return Ok(texts.text(locale, "protection-moderator-reviewing"));
    }
    let duration = settings
        .duration(SettingKey::SelfMuteDuration)
        .unwrap_or(crate::domain::settings::MAX_TIMEOUT);
    let request = MuteRequest {
        requested_by: RequestedBy::Victim,
        actor_user_id: Some(presser),
        duration,
        detail: crate::domain::settings::format_duration(duration),
        audit_log_reason: audit_reason(data, settings, "audit-reason-victim-mute", case, &[]),
        audit: None,
        moderator_stats: None,
    };
    let result = mute(http, data, settings, case, request).await?;
    Ok(mute_answer(data, locale, result))
}

/// The member's answer to a mute request, whoever asked.
pub fn mute_answer(data: &BotData, locale: &str, result: MuteResult) -> String {
    let texts = &data.texts;
    match result {
        MuteResult::Applied { until } => {
            let mut args = FluentArgs::new();
            args.set("until", format!("<t:{}:f>", until.timestamp()));
            texts.format(locale, "protection-muted", Some(&args))
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

async fn victim_shield(
    data: &BotData,
    settings: &Settings,
    locale: &str,
    case: &CaseRecord,
    victim: i64,
) -> Result<String, BotError> {
    let now = Utc::now();
    let actions = data.store.protective_actions_of_case(case.id).await?;
    let running = actions.iter().find(|action| {
        action.kind == ProtectionKind::Shield
            && action.protected_user_id == Some(victim)
            && action.is_running(now)
    });
    let mut args = FluentArgs::new();
    if let Some(running) = running {
        if let Some(end) = running.expires_at {
            args.set("until", format!("<t:{}:f>", end.timestamp()));
        }
        return Ok(data
            .texts
            .format(locale, "protection-shield-already", Some(&args)));
    }
    let length = settings
        .duration(SettingKey::ShieldDuration)
        .and_then(|length| TimeDelta::from_std(length).ok())
        .unwrap_or(TimeDelta::days(7));
    let expires_at = now + length;
    let step = ModerationStep {
        new_action: Some(NewProtectiveAction {
            case_id: case.id,
            kind: ProtectionKind::Shield,
            target_user_id: case.reported_user_id,
            protected_user_id: Some(victim),
            requested_by: RequestedBy::Victim,
            actor_user_id: Some(victim),
            status: ActionStatus::Applied,
            detail: None,
            expires_at: Some(expires_at),
            now,
        }),
        stats: vec![protective_stats(
            settings,
            case,
            ProtectionKind::Shield,
            now,
        )],
        now: Some(now),
        ..ModerationStep::default()
    };
    data.store.record_step(&step).await?;
    data.shields.insert(ActiveShield {
        guild_id: case.guild_id,
        case_id: case.id,
        target_user_id: case.reported_user_id,
        protected_user_id: victim,
        expires_at: Some(expires_at),
    });
    args.set("until", format!("<t:{}:f>", expires_at.timestamp()));
    Ok(data
        .texts
        .format(locale, "protection-shield-on", Some(&args)))
}

/// MESSAGE_CREATE: deletes a shielded member's message that mentions or replies to the
/// member the shield protects, and notes it on the case. One map lookup for every other
/// message.
pub async fn on_message(
    ctx: &serenity::Context,
    data: &BotData,
    message: &serenity::Message,
) -> Result<(), BotError> {
    let Some(guild_id) = message.guild_id else {
        return Ok(());
    };
    let watched = WatchedMessage {
        guild_id: guild_id.get() as i64,
        channel_id: message.channel_id,
        message_id: message.id,
        author: message.author.id.get() as i64,
        mentioned: message
            .mentions
            .iter()
            .map(|user| user.id.get() as i64)
            .collect(),
        replied_to: message
            .referenced_message
            .as_ref()
            .map(|referenced| referenced.author.id.get() as i64),
    };
    enforce_shield(ctx, data, watched).await
}

/// An edit can add a mention of the victim to a message posted innocently: edits are held
/// to the shield too (a reply target cannot change, so only mentions matter).
pub async fn on_message_update(
    ctx: &serenity::Context,
    data: &BotData,
    update: &serenity::MessageUpdateEvent,
) -> Result<(), BotError> {
    let (Some(guild_id), Some(author), Some(mentions)) =
        (update.guild_id, &update.author, &update.mentions)
    else {
        return Ok(());
    };
    let watched = WatchedMessage {
        guild_id: guild_id.get() as i64,
        channel_id: update.channel_id,
        message_id: update.id,
        author: author.id.get() as i64,
        mentioned: mentions.iter().map(|user| user.id.get() as i64).collect(),
        replied_to: None,
    };
    enforce_shield(ctx, data, watched).await
}

/// What the shield looks at in a message.
struct WatchedMessage {
    guild_id: i64,
    channel_id: serenity::ChannelId,
    message_id: serenity::MessageId,
    author: i64,
    mentioned: Vec<i64>,
    replied_to: Option<i64>,
}

async fn enforce_shield(
    ctx: &serenity::Context,
    data: &BotData,
    message: WatchedMessage,
) -> Result<(), BotError> {
    let (guild_id, author) = (message.guild_id, message.author);
    if !data.shields.covers(guild_id, author) {
        return Ok(());
    }
    let (mentioned, replied_to) = (&message.mentioned, message.replied_to);
    let Some(shield) = data
        .shields
        .broken_by(guild_id, author, mentioned, replied_to, Utc::now())
    else {
        return Ok(());
    };
    let Some(case) = data.store.case_by_id(shield.case_id).await? else {
        return Ok(());
    };
    if case.status != CaseStatus::Open && case.status != CaseStatus::Claimed {
        data.shields.end_case(case.id);
        return Ok(());
    }
    let settings = super::reporting::server_settings(data, guild_id).await;
    let reason = audit_reason(data, &settings, "audit-reason-shield", &case, &[]);
    let reason = protection::audit_log_reason(&reason);
    if let Err(error) = ctx
        .http
        .delete_message(message.channel_id, message.message_id, Some(&reason))
        .await
    {
        tracing::warn!(case = %case.reference, code = ?discord_error_code(&error), "shield could not delete a message");
        return Ok(());
    }
    let bot_id = ctx.cache.current_user().id.get() as i64;
    data.store
        .append_audit(&NewAuditEntry {
            guild_id,
            case_id: Some(case.id),
            actor_user_id: bot_id,
            action: crate::domain::queue::AuditAction::ShieldDeletion
                .as_str()
                .to_owned(),
            // Where it was, never what it said.
            detail: Some(format!(
                "{}/{}",
                message.channel_id.get(),
                message.message_id.get()
            )),
            now: Utc::now(),
        })
        .await?;
    if data.shields.refresh_due(case.id, Instant::now())
        && let Err(error) = queue::publish(&ctx.http, data, case.id).await
    {
        tracing::error!(case = %case.reference, %error, "queue embed not updated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shield_deletions_refresh_a_case_embed_at_most_once_per_period() {
        let index = ShieldIndex::default();
        let start = Instant::now();
        assert!(index.refresh_due(1, start));
        assert!(!index.refresh_due(1, start + Duration::from_secs(1)));
        assert!(
            index.refresh_due(2, start + Duration::from_secs(1)),
            "per case"
        );
        assert!(index.refresh_due(1, start + SHIELD_REFRESH_EVERY));
    }
}
