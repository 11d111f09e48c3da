//! Protective actions, case transitions, the anti-abuse counts and the queue's lists
//! (SPEC §4–5). A moderator step (its protective action, the case change, the audit row
//! and the statistics counters) is written in one transaction: nothing is half-recorded.

use chrono::{DateTime, Utc};

use super::deliveries::{enqueue_close_notice, enqueue_queue_post};
use super::statistics::{self, NewStatsEvent};
use super::{
    NewAuditEntry, Reads, Store, StoreError, Transaction, decode_error, parse_column, retry_busy,
    stored,
};
use crate::domain::case::CaseStatus;
use crate::domain::protection::{ActionStatus, ProtectionKind, RequestedBy, Withheld};
use crate::domain::queue::{AuditAction, CaseChange};
use crate::domain::reason::Reason;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewProtectiveAction {
    pub case_id: i64,
    pub kind: ProtectionKind,
    pub target_user_id: i64,
    /// The member a contact shield protects.
    pub protected_user_id: Option<i64>,
    pub requested_by: RequestedBy,
    /// The victim or moderator who asked; `None` for the bot's automatic mute.
    pub actor_user_id: Option<i64>,
    pub status: ActionStatus,
    /// A duration code, an exemption or a Discord error code: no free text.
    pub detail: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectiveActionRecord {
    pub id: i64,
    pub case_id: i64,
    pub kind: ProtectionKind,
    pub target_user_id: i64,
    pub protected_user_id: Option<i64>,
    pub requested_by: RequestedBy,
    pub actor_user_id: Option<i64>,
    pub status: ActionStatus,
    pub detail: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub reverted_at: Option<DateTime<Utc>>,
}

impl ProtectiveActionRecord {
    /// Applied, not undone, and not expired at `now`.
    pub fn is_running(&self, now: DateTime<Utc>) -> bool {
        self.status == ActionStatus::Applied && self.expires_at.is_none_or(|end| end > now)
    }

    /// The running action of `kind` among `actions` at `now`, the newest first.
    pub fn running_of(
        actions: &[ProtectiveActionRecord],
        kind: ProtectionKind,
        now: DateTime<Utc>,
    ) -> Option<&ProtectiveActionRecord> {
        actions
            .iter()
            .rev()
            .find(|action| action.kind == kind && action.is_running(now))
    }
}

/// A case transition, applied only if the case is still in `expected` status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseUpdate {
    pub case_id: i64,
    pub expected: CaseStatus,
    pub change: CaseChange,
}

/// Everything one protective or moderator step writes, committed together.
#[derive(Clone, Debug, Default)]
pub struct ModerationStep {
    pub new_action: Option<NewProtectiveAction>,
    /// The protective actions this step undoes (all of them, or none if one was already).
    pub reverts: Vec<i64>,
    pub case_update: Option<CaseUpdate>,
    pub audit: Option<NewAuditEntry>,
    pub stats: Vec<NewStatsEvent>,
    pub now: Option<DateTime<Utc>>,
    /// The step closes the case and its reporters are to be told (a close notice delivery).
    pub notify_reporters: bool,
}

impl ModerationStep {
    /// The case the step is about, whose queue post must show it.
    fn case_id(&self) -> Option<i64> {
        let update = self.case_update.as_ref().map(|update| update.case_id);
        let action = self.new_action.as_ref().map(|action| action.case_id);
        let audit = self.audit.as_ref().and_then(|entry| entry.case_id);
        update.or(action).or(audit)
    }
}

/// What [`Store::record_step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// Written; the id of the new protective action, if the step had one.
    Written { action_id: Option<i64> },
    /// The case changed status meanwhile (another moderator was faster): nothing written.
    CaseMoved,
    /// A protective action to undo was already undone: nothing written.
    AlreadyReverted,
}

/// A contact shield still running, as the message hot path needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveShield {
    pub guild_id: i64,
    pub case_id: i64,
    pub target_user_id: i64,
    pub protected_user_id: i64,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A `SELECT` of [`ActionRow`]s from `protective_actions p`, then `$tail`.
macro_rules! select_actions {
    ($tail:literal) => {
        concat!(
            "SELECT p.id, p.case_id, p.kind, p.target_user_id, p.protected_user_id,
                    p.requested_by, p.actor_user_id, p.status, p.detail, p.expires_at,
                    p.created_at, p.reverted_at
             FROM protective_actions p ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    case_id: i64,
    kind: String,
    target_user_id: i64,
    protected_user_id: Option<i64>,
    requested_by: String,
    actor_user_id: Option<i64>,
    status: String,
    detail: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    reverted_at: Option<DateTime<Utc>>,
}

impl TryFrom<ActionRow> for ProtectiveActionRecord {
    type Error = StoreError;

    fn try_from(row: ActionRow) -> Result<Self, Self::Error> {
        const TABLE: &str = "protective_actions";
        Ok(ProtectiveActionRecord {
            id: row.id,
            case_id: row.case_id,
            kind: parse_column(TABLE, "kind", &row.kind)?,
            target_user_id: row.target_user_id,
            protected_user_id: row.protected_user_id,
            requested_by: parse_column(TABLE, "requested_by", &row.requested_by)?,
            actor_user_id: row.actor_user_id,
            status: parse_column(TABLE, "status", &row.status)?,
            detail: row.detail,
            expires_at: row.expires_at,
            created_at: row.created_at,
            reverted_at: row.reverted_at,
        })
    }
}

/// Applies the case transition if the case is still in the expected status; `false` when
/// it moved meanwhile.
async fn move_case(
    tx: &mut Transaction,
    update: &CaseUpdate,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let change = &update.change;
    let moved = on_transaction!(tx, conn => {
        sqlx::query(
            "UPDATE cases SET status = $3, claimed_by = $4, outcome = $5,
                              closed_at = $6
             WHERE id = $1 AND status = $2",
        )
        .bind(update.case_id)
        .bind(update.expected.as_str())
        .bind(change.status.as_str())
        .bind(change.claimed_by)
        .bind(change.outcome.as_deref())
        .bind(change.closes.then_some(now))
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(moved != 0)
}

/// Marks an applied protective action reverted; `false` when it was not applied any more.
async fn revert_action(
    tx: &mut Transaction,
    action_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let reverted = on_transaction!(tx, conn => {
        sqlx::query(
            "UPDATE protective_actions SET status = 'reverted', reverted_at = $2
             WHERE id = $1 AND status = 'applied'",
        )
        .bind(action_id)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected()
    });
    Ok(reverted != 0)
}

/// Inserts the step's protective action; returns its id.
async fn insert_action(
    tx: &mut Transaction,
    action: &NewProtectiveAction,
) -> Result<i64, StoreError> {
    Ok(on_transaction!(tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO protective_actions (case_id, kind, target_user_id,
                 protected_user_id, requested_by, actor_user_id, status, detail,
                 expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )
        .bind(action.case_id)
        .bind(action.kind.as_str())
        .bind(action.target_user_id)
        .bind(action.protected_user_id)
        .bind(action.requested_by.as_str())
        .bind(action.actor_user_id)
        .bind(action.status.as_str())
        .bind(action.detail.as_deref())
        .bind(action.expires_at.map(stored))
        .bind(stored(action.now))
        .fetch_one(conn)
        .await?
    }))
}

/// Whether `entry` is its case's first moderator step. Statistics keep no case link, so
/// "time to first moderator action" is settled here: only a case's first moderator step
/// keeps its duration. Reveals, shield deletions and evidence reads are not steps.
async fn is_first_moderator_step(
    tx: &mut Transaction,
    entry: &NewAuditEntry,
) -> Result<bool, StoreError> {
    let not_steps = [
        AuditAction::Reveal.as_str(),
        AuditAction::ShieldDeletion.as_str(),
        AuditAction::EvidenceView.as_str(),
        AuditAction::EvidenceFile.as_str(),
    ];
    let Some(case_id) = entry.case_id else {
        return Ok(false);
    };
    if not_steps.contains(&entry.action.as_str()) {
        return Ok(false);
    }
    let earlier: i64 = on_transaction!(tx, conn => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log
             WHERE case_id = $1 AND action NOT IN ($2, $3, $4, $5)",
        )
        .bind(case_id)
        .bind(not_steps[0])
        .bind(not_steps[1])
        .bind(not_steps[2])
        .bind(not_steps[3])
        .fetch_one(conn)
        .await?
    });
    Ok(earlier == 0)
}

/// The step's audit row.
pub(super) async fn insert_audit(
    tx: &mut Transaction,
    entry: &NewAuditEntry,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO audit_log (guild_id, case_id, actor_user_id, action, detail,
                                    created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry.guild_id)
        .bind(entry.case_id)
        .bind(entry.actor_user_id)
        .bind(entry.action.as_str())
        .bind(entry.detail.as_deref())
        .bind(stored(entry.now))
        .execute(conn)
        .await?;
    });
    Ok(())
}

impl Store {
    /// Writes a protective or moderator step in one transaction (see [`ModerationStep`]).
    pub async fn record_step(&self, step: &ModerationStep) -> Result<StepOutcome, StoreError> {
        let outcome = retry_busy(|| self.try_record_step(step)).await?;
        self.count_recorded_action(step, outcome);
        Ok(outcome)
    }

    /// One attempt at [`Store::record_step`].
    async fn try_record_step(&self, step: &ModerationStep) -> Result<StepOutcome, StoreError> {
        let now = stored(step.now.unwrap_or_else(Utc::now));
        let mut tx = self.begin().await?;
        if let Some(update) = &step.case_update
            && !move_case(&mut tx, update, now).await?
        {
            return Ok(StepOutcome::CaseMoved);
        }
        for &action_id in &step.reverts {
            if !revert_action(&mut tx, action_id, now).await? {
                return Ok(StepOutcome::AlreadyReverted);
            }
        }
        let mut action_id = None;
        if let Some(action) = &step.new_action {
            action_id = Some(insert_action(&mut tx, action).await?);
        }
        let first_moderator_step = match &step.audit {
            Some(entry) => is_first_moderator_step(&mut tx, entry).await?,
            None => false,
        };
        if let Some(entry) = &step.audit {
            insert_audit(&mut tx, entry).await?;
        }
        for event in &step.stats {
            statistics::count_step(&mut tx, event, first_moderator_step).await?;
        }
        if let Some(case_id) = step.case_id() {
            enqueue_queue_post(&mut tx, case_id, now, now).await?;
            if step.notify_reporters {
                enqueue_close_notice(&mut tx, case_id, now).await?;
            }
        }
        tx.commit().await?;
        Ok(StepOutcome::Written { action_id })
    }

    /// [`Reads::protective_actions_of_case`], on a connection of its own.
    pub async fn protective_actions_of_case(
        &self,
        case_id: i64,
    ) -> Result<Vec<ProtectiveActionRecord>, StoreError> {
        self.reads()
            .await?
            .protective_actions_of_case(case_id)
            .await
    }

    /// [`Reads::running_mutes_of_member`], on a connection of its own.
    pub async fn running_mutes_of_member(
        &self,
        guild_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProtectiveActionRecord>, StoreError> {
        self.reads()
            .await?
            .running_mutes_of_member(guild_id, user_id, now)
            .await
    }

    /// Every contact shield running at `now` on an open or claimed case, to load the
    /// in-memory index at start.
    pub async fn active_shields(
        &self,
        now: DateTime<Utc>,
    ) -> Result<Vec<ActiveShield>, StoreError> {
        let rows = on_backend!(self, pool => {
            sqlx::query_as::<_, (i64, i64, i64, Option<i64>, Option<DateTime<Utc>>)>(
                "SELECT c.guild_id, p.case_id, p.target_user_id, p.protected_user_id,
                        p.expires_at
                 FROM protective_actions p JOIN cases c ON c.id = p.case_id
                 WHERE p.kind = 'shield' AND p.status = 'applied'
                   AND c.status IN ('open', 'claimed')
                   AND (p.expires_at IS NULL OR p.expires_at > $1)",
            )
            .bind(stored(now))
            .fetch_all(pool)
            .await
            .map_err(decode_error("protective_actions"))?
        });
        Ok(rows
            .into_iter()
            .filter_map(
                |(guild_id, case_id, target_user_id, protected, expires_at)| {
                    Some(ActiveShield {
                        guild_id,
                        case_id,
                        target_user_id,
                        protected_user_id: protected?,
                        expires_at,
                    })
                },
            )
            .collect())
    }

    /// Reports made in this server since `since` by the reporter with this rate-limit
    /// pseudonym (the rate limit's count; their erasure does not reset it). Only marks
    /// within `RATE_LIMIT_WINDOW` are kept.
    pub async fn reports_by_reporter_since(
        &self,
        guild_id: i64,
        reporter_pseudonym: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        on_backend!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM reporter_rate_limit
                 WHERE guild_id = $1 AND reporter_pseudonym = $2 AND created_at >= $3",
            )
            .bind(guild_id)
            .bind(reporter_pseudonym)
            .bind(stored(since))
            .fetch_one(pool)
            .await?)
        })
    }

    /// Distinct members whose reports against `reported` since `since` were not withheld by
    /// the anti-abuse limits, dismissed cases left out: the automatic mute's count.
    pub async fn eligible_reporters_since(
        &self,
        guild_id: i64,
        reported_user_id: i64,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        on_backend!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(DISTINCT r.reporter_user_id)
                 FROM reports r JOIN cases c ON c.id = r.case_id
                 WHERE c.guild_id = $1 AND c.reported_user_id = $2 AND r.created_at >= $3
                   AND r.protection_withheld IS NULL AND c.status <> 'dismissed'",
            )
            .bind(guild_id)
            .bind(reported_user_id)
            .bind(stored(since))
            .fetch_one(pool)
            .await?)
        })
    }

    /// Marks a report whose automatic protective actions the limits withheld.
    pub async fn set_protection_withheld(
        &self,
        report_id: i64,
        withheld: Withheld,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query("UPDATE reports SET protection_withheld = $2 WHERE id = $1")
                .bind(report_id)
                .bind(withheld.as_str())
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Why the report's automatic protective actions were withheld, if they were.
    pub async fn protection_withheld(
        &self,
        report_id: i64,
    ) -> Result<Option<Withheld>, StoreError> {
        let code = on_backend!(self, pool => {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT protection_withheld FROM reports WHERE id = $1",
            )
            .bind(report_id)
            .fetch_optional(pool)
            .await?
        });
        code.flatten()
            .map(|code| parse_column("reports", "protection_withheld", &code))
            .transpose()
    }

    /// Ids of a server's cases, newest first: `status` (or every active case when `None`),
    /// optionally of one reason; with the total count for paging.
    pub async fn list_cases(
        &self,
        guild_id: i64,
        status: Option<CaseStatus>,
        reason: Option<Reason>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<i64>, i64), StoreError> {
        let status = status.map(CaseStatus::as_str);
        let reason = reason.map(Reason::as_str);
        on_backend!(self, pool => {
            let total = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM cases
                 WHERE guild_id = $1
                   AND (status = $2 OR ($2 IS NULL AND status IN ('open', 'claimed')))
                   AND ($3 IS NULL OR reason = $3)",
            )
            .bind(guild_id)
            .bind(status)
            .bind(reason)
            .fetch_one(&mut *pool)
            .await?;
            let ids = sqlx::query_scalar::<_, i64>(
                "SELECT id FROM cases
                 WHERE guild_id = $1
                   AND (status = $2 OR ($2 IS NULL AND status IN ('open', 'claimed')))
                   AND ($3 IS NULL OR reason = $3)
                 ORDER BY created_at DESC, id DESC
                 LIMIT $4 OFFSET $5",
            )
            .bind(guild_id)
            .bind(status)
            .bind(reason)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            Ok((ids, total))
        })
    }

    /// Ids of the cases against a member in this server, newest first.
    pub async fn cases_against(
        &self,
        guild_id: i64,
        reported_user_id: i64,
        limit: i64,
    ) -> Result<Vec<i64>, StoreError> {
        on_backend!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT id FROM cases WHERE guild_id = $1 AND reported_user_id = $2
                 ORDER BY created_at DESC, id DESC LIMIT $3",
            )
            .bind(guild_id)
            .bind(reported_user_id)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }
}

impl Reads {
    /// The case's protective actions, oldest first.
    pub async fn protective_actions_of_case(
        &mut self,
        case_id: i64,
    ) -> Result<Vec<ProtectiveActionRecord>, StoreError> {
        let rows = on_reads!(self, conn => {
            sqlx::query_as(select_actions!("WHERE p.case_id = $1 ORDER BY p.id"))
                .bind(case_id)
                .fetch_all(conn)
                .await
                .map_err(decode_error("protective_actions"))?
        });
        action_records(rows)
    }

    /// The mutes of a member running at `now` in this server, whatever their case, oldest
    /// first: a Discord timeout belongs to the member, not to one case.
    pub async fn running_mutes_of_member(
        &mut self,
        guild_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<ProtectiveActionRecord>, StoreError> {
        let rows = on_reads!(self, conn => {
            sqlx::query_as(select_actions!(
                "JOIN cases c ON c.id = p.case_id
                 WHERE c.guild_id = $1 AND p.target_user_id = $2 AND p.kind = 'mute'
                   AND p.status = 'applied' AND (p.expires_at IS NULL OR p.expires_at > $3)
                 ORDER BY p.id"
            ))
            .bind(guild_id)
            .bind(user_id)
            .bind(stored(now))
            .fetch_all(conn)
            .await
            .map_err(decode_error("protective_actions"))?
        });
        action_records(rows)
    }
}

fn action_records(rows: Vec<ActionRow>) -> Result<Vec<ProtectiveActionRecord>, StoreError> {
    rows.into_iter()
        .map(ProtectiveActionRecord::try_from)
        .collect()
}
