//! Retention (SPEC §7) and the right to erasure: what is removed, when, and by whom.
//!
//! Closed cases lose their evidence and free text a number of days after they close; open
//! cases are never purged. Statistics roll-ups go after a number of months, by day (a weekly
//! roll-up as soon as one of its days is past). Both periods are
//! per-server settings over the `bot.toml` defaults.

use chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};

use super::deliveries::enqueue_queue_post;
use super::statistics;
use super::{Count, Store, StoreError, Transaction, retry_busy, stored};
use crate::domain::protection::RATE_LIMIT_WINDOW;
use crate::domain::settings::{SettingKey, Settings, Vocabulary};

/// What a purge removed, or would remove in a dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Closed cases whose evidence and free text were purged (their queue posts must be
    /// redrawn, or the text would live on in Discord).
    pub case_ids: Vec<i64>,
    pub evidence_rows: u64,
    pub report_details: u64,
    /// Questions to reporters whose question or answer text was purged.
    pub question_texts: u64,
    pub statistics_rows: u64,
    /// Reports still keeping their local day for a help card outcome that never came: the
    /// day is forgotten.
    pub statistics_links: u64,
    /// Context-menu reports abandoned before their modal was submitted, with their message
    /// snapshot.
    pub pending_reports: u64,
}

impl PurgeReport {
    fn add(&mut self, other: PurgeReport) {
        self.case_ids.extend(other.case_ids);
        self.evidence_rows += other.evidence_rows;
        self.report_details += other.report_details;
        self.question_texts += other.question_texts;
        self.statistics_rows += other.statistics_rows;
        self.statistics_links += other.statistics_links;
        self.pending_reports += other.pending_reports;
    }
}

/// What a member's erasure removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErasureReport {
    /// Reports no longer linked to the member, their details removed.
    pub reports: u64,
    /// Unfinished context-menu reports deleted.
    pub pending_reports: u64,
    /// The cases of those reports, oldest first: their queue posts must be redrawn.
    pub case_ids: Vec<i64>,
    /// Cases on this server where the member is the person harassed: they stay named there,
    /// so that moderators can protect them.
    pub cases_as_victim: u64,
}

/// How long a context-menu report may wait for its modal (the flow's lifetime).
const PENDING_REPORT_LIFETIME: TimeDelta = TimeDelta::minutes(30);

/// A report forgets its statistics day once the help card outcome is counted; one still
/// there after this long will never get it.
const STATISTICS_LINK_LIFETIME: TimeDelta = TimeDelta::hours(1);

/// Closed at or before this instant: past the retention period.
fn cases_closed_before(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now.checked_sub_signed(TimeDelta::days(days))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn statistics_before(now: DateTime<Utc>, months: i64) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(
        u32::try_from(months.max(0)).unwrap_or(u32::MAX),
    ))
    .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Closed, past retention, not purged yet. Open and claimed cases never match. `$1` is the
/// server, `$2` the closing cutoff.
/// The advisory lock key of the retention purge ("SBPURGE").
const RETENTION_LOCK: i64 = 0x0053_4250_5552_4745;

const EXPIRED_CASES: &str = "SELECT id FROM cases
             WHERE guild_id = $1 AND status IN ('resolved', 'dismissed')
               AND closed_at IS NOT NULL AND closed_at <= $2 AND evidence_purged_at IS NULL";

/// One server's purge: its cutoffs, already in stored form.
struct GuildPurge {
    guild_id: i64,
    closed_before: DateTime<Utc>,
    /// The first (UTC) day whose statistics are kept.
    statistics_from: NaiveDate,
}

impl GuildPurge {
    /// Lists the expired cases and counts what the purge removes from them and from the
    /// statistics.
    async fn count(&self, tx: &mut Transaction) -> Result<PurgeReport, StoreError> {
        let count =
            |what: &str| format!("SELECT COUNT(*) FROM {what} WHERE case_id IN ({EXPIRED_CASES})");
        let evidence_count = count("evidence");
        let details_count = format!("{} AND details IS NOT NULL", count("reports"));
        let questions_count = format!(
            "{} AND (question IS NOT NULL OR answer IS NOT NULL)",
            count("case_questions")
        );
        let expired_ids = format!("{EXPIRED_CASES} ORDER BY id");
        let (guild_id, closed_before) = (self.guild_id, self.closed_before);
        let statistics_rows = statistics::count_expired(tx, guild_id, self.statistics_from).await?;
        Ok(on_transaction!(tx, conn => PurgeReport {
            case_ids: sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(expired_ids))
                .bind(guild_id)
                .bind(closed_before)
                .fetch_all(&mut *conn)
                .await?,
            evidence_rows: sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(evidence_count))
                .bind(guild_id)
                .bind(closed_before)
                .fetch_one(&mut *conn)
                .await?.count(),
            report_details: sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(details_count))
                .bind(guild_id)
                .bind(closed_before)
                .fetch_one(&mut *conn)
                .await?.count(),
            question_texts: sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(questions_count))
                .bind(guild_id)
                .bind(closed_before)
                .fetch_one(&mut *conn)
                .await?.count(),
            ..PurgeReport::default()
        }))
        .map(|report| PurgeReport {
            statistics_rows,
            ..report
        })
    }

    /// Deletes the expired cases' evidence and free text, marks the cases purged at `now`,
    /// and deletes the expired statistics.
    async fn apply(&self, tx: &mut Transaction, now: DateTime<Utc>) -> Result<(), StoreError> {
        // The preserved files first: they belong to the snapshots.
        let purge_files = format!("DELETE FROM evidence_files WHERE case_id IN ({EXPIRED_CASES})");
        let purge_evidence = format!("DELETE FROM evidence WHERE case_id IN ({EXPIRED_CASES})");
        let purge_details = format!(
            "UPDATE reports SET details = NULL
             WHERE details IS NOT NULL AND case_id IN ({EXPIRED_CASES})"
        );
        let purge_questions = format!(
            "UPDATE case_questions SET question = NULL, answer = NULL
             WHERE (question IS NOT NULL OR answer IS NOT NULL)
               AND case_id IN ({EXPIRED_CASES})"
        );
        let mark_cases =
            format!("UPDATE cases SET evidence_purged_at = $3 WHERE id IN ({EXPIRED_CASES})");
        let (guild_id, closed_before) = (self.guild_id, self.closed_before);
        on_transaction!(tx, conn => {
            for sql in [&purge_files, &purge_evidence, &purge_details, &purge_questions] {
                sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(guild_id)
                    .bind(closed_before)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query(sqlx::AssertSqlSafe(mark_cases))
                .bind(guild_id)
                .bind(closed_before)
                .bind(now)
                .execute(&mut *conn)
                .await?;
        });
        statistics::delete_expired(tx, guild_id, self.statistics_from).await
    }
}

/// The files the member's reports preserved go with their words; the snapshots' text stays
/// for the moderators, as the case does.
async fn delete_reporters_files(
    tx: &mut Transaction,
    guild_id: i64,
    user_id: i64,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(
            "DELETE FROM evidence_files WHERE evidence_id IN (
                 SELECT e.id FROM evidence e JOIN reports r ON r.id = e.report_id
                 WHERE r.guild_id = $1 AND r.reporter_user_id = $2)",
        )
        .bind(guild_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    });
    Ok(())
}

impl Store {
    /// Purges, in every server, what its retention settings (over `defaults`) say has
    /// expired at `now`; with `dry_run`, only counts it. One process purges at a time:
    /// `None` when another one is purging.
    pub async fn purge_expired(
        &self,
        defaults: &Settings,
        vocabulary: &Vocabulary,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Option<PurgeReport>, StoreError> {
        let purge = self.purge_every_server(defaults, vocabulary, now, dry_run);
        self.exclusively(RETENTION_LOCK, purge).await
    }

    async fn purge_every_server(
        &self,
        defaults: &Settings,
        vocabulary: &Vocabulary,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        let guilds = on_backend!(self, pool => {
            sqlx::query_scalar::<_, i64>(
                "SELECT guild_id FROM cases
                 UNION SELECT guild_id FROM stats_days
                 UNION SELECT guild_id FROM stats_repeated_members
                 ORDER BY 1",
            )
            .fetch_all(pool)
            .await?
        });
        let mut total = PurgeReport::default();
        for guild_id in guilds {
            let stored_settings = self.guild_settings(guild_id).await?;
            let (settings, _, _) = defaults.with_overrides(
                stored_settings
                    .iter()
                    .map(|setting| (setting.key.as_str(), setting.value.as_str())),
                vocabulary,
            );
            let days = settings
                .integer(SettingKey::EvidenceRetentionDays)
                .unwrap_or(90);
            let months = settings
                .integer(SettingKey::StatisticsRetentionMonths)
                .unwrap_or(25);
            let purged = self
                .purge_guild(
                    guild_id,
                    cases_closed_before(now, days),
                    statistics_before(now, months),
                    now,
                    dry_run,
                )
                .await?;
            if purged != PurgeReport::default() {
                tracing::info!(guild_id, dry_run, ?purged, "retention purge");
            }
            total.add(purged);
        }
        total.add(self.purge_leftovers(now, dry_run).await?);
        Ok(total)
    }

    /// What outlives its purpose whatever the server's settings: statistics links whose
    /// help card outcome never came, and abandoned context-menu reports.
    async fn purge_leftovers(
        &self,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        let links_before = stored(now - STATISTICS_LINK_LIFETIME);
        let pending_before = now - PENDING_REPORT_LIFETIME;
        let report = if dry_run {
            on_backend!(self, pool => PurgeReport {
                statistics_links: sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM reports
                     WHERE stats_day IS NOT NULL AND created_at < $1",
                )
                .bind(links_before)
                .fetch_one(&mut *pool)
                .await?
                .count(),
                pending_reports: sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM pending_reports WHERE created_at < $1",
                )
                .bind(stored(pending_before))
                .fetch_one(pool)
                .await?
                .count(),
                ..PurgeReport::default()
            })
        } else {
            on_writer!(self, pool => PurgeReport {
                statistics_links: sqlx::query(
                    "UPDATE reports SET stats_day = NULL
                     WHERE stats_day IS NOT NULL AND created_at < $1",
                )
                .bind(links_before)
                .execute(pool)
                .await?
                .rows_affected(),
                ..PurgeReport::default()
            })
        };
        if dry_run {
            return Ok(report);
        }
        self.delete_expired_rate_limit_marks(now).await?;
        Ok(PurgeReport {
            pending_reports: self.delete_expired_pending_reports(pending_before).await?,
            ..report
        })
    }

    /// Rate-limit marks out of the limit's window (each report also deletes them; this
    /// catches a server where nobody reported since). Not counted: they hold no ID and no
    /// text.
    async fn delete_expired_rate_limit_marks(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query("DELETE FROM reporter_rate_limit WHERE created_at < $1")
                .bind(stored(now - RATE_LIMIT_WINDOW))
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// One server's purge, in one transaction.
    async fn purge_guild(
        &self,
        guild_id: i64,
        closed_before: DateTime<Utc>,
        statistics_before: DateTime<Utc>,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        let purge = GuildPurge {
            guild_id,
            closed_before: stored(closed_before),
            statistics_from: statistics_before.date_naive(),
        };
        let purge = &purge;
        retry_busy(|| self.try_purge_guild(purge, now, dry_run)).await
    }

    /// One attempt at [`Store::purge_guild`].
    async fn try_purge_guild(
        &self,
        purge: &GuildPurge,
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        let mut tx = self.begin().await?;
        let report = purge.count(&mut tx).await?;
        if dry_run {
            tx.rollback().await?;
            return Ok(report);
        }
        purge.apply(&mut tx, stored(now)).await?;
        // The purged text must not live on in the queue posts: they are redrawn.
        for &case_id in &report.case_ids {
            enqueue_queue_post(&mut tx, case_id, stored(now), stored(now)).await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Erases what `user_id` authored on `guild_id` (SPEC §7, right to erasure): their
    /// reports lose their details and their link to the member, the case shows "reporter
    /// erased"; their unfinished reports are deleted. Cases, other people's reports and
    /// statistics are left as they are, and so are the rate-limit marks (a pseudonym, no ID:
    /// erasing would reset the limit).
    pub async fn erase_reporter(
        &self,
        guild_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ErasureReport, StoreError> {
        retry_busy(|| self.try_erase_reporter(guild_id, user_id, now)).await
    }

    /// One attempt at [`Store::erase_reporter`].
    async fn try_erase_reporter(
        &self,
        guild_id: i64,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> Result<ErasureReport, StoreError> {
        let now = stored(now);
        let mut tx = self.begin().await?;
        delete_reporters_files(&mut tx, guild_id, user_id).await?;
        erase_questions(&mut tx, guild_id, user_id).await?;
        let mut case_ids = on_transaction!(&mut tx, conn => {
            sqlx::query_scalar::<_, i64>(
                "UPDATE reports SET reporter_user_id = NULL, details = NULL, reporter_erased_at = $3
                 WHERE guild_id = $1 AND reporter_user_id = $2
                 RETURNING case_id",
            )
            .bind(guild_id)
            .bind(user_id)
            .bind(now)
            .fetch_all(conn)
            .await?
        });
        let reports = case_ids.len().try_into().unwrap_or(u64::MAX);
        case_ids.sort_unstable();
        case_ids.dedup();
        // The queue posts showed the reporter: they are redrawn as "reporter erased".
        for &case_id in &case_ids {
            enqueue_queue_post(&mut tx, case_id, now, now).await?;
        }
        let (pending_reports, cases_as_victim) = on_transaction!(&mut tx, conn => {
            let pending = sqlx::query(
                "DELETE FROM pending_reports WHERE guild_id = $1 AND reporter_user_id = $2",
            )
            .bind(guild_id)
            .bind(user_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            let as_victim = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM cases WHERE guild_id = $1 AND victim_user_id = $2",
            )
            .bind(guild_id)
            .bind(user_id)
            .fetch_one(&mut *conn)
            .await?
            .count();
            (pending, as_victim)
        });
        tx.commit().await?;
        Ok(ErasureReport {
            reports,
            pending_reports,
            case_ids,
            cases_as_victim,
        })
    }
}

/// The questions put to the member and their answers go with their reports' details.
async fn erase_questions(
    tx: &mut Transaction,
    guild_id: i64,
    user_id: i64,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(
            "UPDATE case_questions SET question = NULL, answer = NULL
             WHERE report_id IN (SELECT id FROM reports
                                 WHERE guild_id = $1 AND reporter_user_id = $2)",
        )
        .bind(guild_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    });
    Ok(())
}
