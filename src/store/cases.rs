//! Reports, the cases they open or join, and the evidence they carry (SPEC §2, §5).

use chrono::{DateTime, TimeDelta, Utc};

use super::deliveries::{HelpCardRequest, enqueue_help_card, enqueue_queue_post};
use super::evidence::{NewAttachment, insert_evidence};
use super::statistics;
use super::{
    Reads, Store, StoreError, Transaction, decode_error, parse_column, retry_busy, stored,
};
use crate::domain::case::{CaseReference, CaseStatus, HelpCardDelivery, ReportSource};
use crate::domain::protection::RATE_LIMIT_WINDOW;
use crate::domain::reason::Reason;

/// Fresh references tried before giving up; with a billion possible references, needing
/// more than one is already rare.
const REFERENCE_ATTEMPTS: u32 = 16;

/// A report as the member submitted it, with what the store needs to file it.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub guild_id: i64,
    pub reported_user_id: i64,
    pub reporter_user_id: i64,
    /// The member being harassed: the reporter, or someone else when the reporter is a
    /// witness.
    pub victim_user_id: i64,
    pub reason: Reason,
    pub details: Option<String>,
    pub source: ReportSource,
    pub evidence: Option<NewEvidence>,
    /// An active case against the same member joins this report if its last report is at
    /// most this old.
    pub merge_window: TimeDelta,
    pub now: DateTime<Utc>,
    /// The server-local hour of the report, `YYYY-MM-DDTHH`, for the statistics.
    pub stats_hour: String,
    /// The keyed pseudonym (HMAC hex) of the reported member, for the statistics.
    pub reported_pseudonym: Option<String>,
    /// The help card to deliver to the victim, written with the report.
    pub help_card: Option<HelpCardRequest>,
    /// The reporter's keyed pseudonym for the rate limit, which outlives their erasure
    /// (`Pseudonymizer::reporter_pseudonym`).
    pub reporter_pseudonym: String,
}

/// A snapshot of the reported message. Serializable: a context-menu report keeps it in
/// `pending_reports` until its modal is submitted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewEvidence {
    pub message_id: i64,
    pub channel_id: i64,
    pub author_id: i64,
    pub content: Option<String>,
    pub attachment_urls: Vec<String>,
    /// What Discord said of each attachment, in order, for its preservation (absent from
    /// a snapshot kept by an older version).
    #[serde(default)]
    pub attachments: Vec<NewAttachment>,
    pub message_created_at: DateTime<Utc>,
    pub message_edited_at: Option<DateTime<Utc>>,
}

/// What became of a report: the case it opened or joined, and what the queue shows about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedReport {
    pub case_id: i64,
    pub reference: CaseReference,
    pub report_id: i64,
    /// Whether the report joined an existing case rather than opening one.
    pub merged: bool,
    /// The reporter's reports in this server over the rate-limit window, this one included.
    pub reporter_reports_in_window: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub reference: CaseReference,
    pub guild_id: i64,
    pub reported_user_id: i64,
    pub victim_user_id: i64,
    pub reason: Reason,
    pub status: CaseStatus,
    pub claimed_by: Option<i64>,
    pub outcome: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_report_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub queue_channel_id: Option<i64>,
    pub queue_message_id: Option<i64>,
    pub evidence_purged_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: i64,
    pub case_id: i64,
    pub guild_id: i64,
    /// `None` once the reporter's identity has been erased.
    pub reporter_user_id: Option<i64>,
    pub victim_user_id: i64,
    pub is_witness: bool,
    pub reason: Reason,
    pub details: Option<String>,
    pub source: ReportSource,
    pub help_card: HelpCardDelivery,
    pub created_at: DateTime<Utc>,
    pub reporter_erased_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub id: i64,
    pub case_id: i64,
    pub report_id: i64,
    pub message_id: i64,
    pub channel_id: i64,
    pub author_id: i64,
    pub content: Option<String>,
    pub attachment_urls: Vec<String>,
    pub message_created_at: DateTime<Utc>,
    pub message_edited_at: Option<DateTime<Utc>>,
    pub captured_at: DateTime<Utc>,
}

/// `SELECT <every case column> FROM cases <tail>`.
macro_rules! select_cases {
    ($tail:literal) => {
        concat!(
            "SELECT id, reference, guild_id, reported_user_id, victim_user_id, reason, status,
                    claimed_by, outcome, created_at, last_report_at, closed_at,
                    queue_channel_id, queue_message_id, evidence_purged_at
             FROM cases ",
            $tail
        )
    };
}

/// `SELECT <every report column> FROM reports <tail>`.
macro_rules! select_reports {
    ($tail:literal) => {
        concat!(
            "SELECT id, case_id, guild_id, reporter_user_id, victim_user_id, is_witness,
                    reason, details, source, help_card, created_at, reporter_erased_at
             FROM reports ",
            $tail
        )
    };
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    reference: String,
    guild_id: i64,
    reported_user_id: i64,
    victim_user_id: i64,
    reason: String,
    status: String,
    claimed_by: Option<i64>,
    outcome: Option<String>,
    created_at: DateTime<Utc>,
    last_report_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    queue_channel_id: Option<i64>,
    queue_message_id: Option<i64>,
    evidence_purged_at: Option<DateTime<Utc>>,
}

impl TryFrom<CaseRow> for CaseRecord {
    type Error = StoreError;

    fn try_from(row: CaseRow) -> Result<Self, Self::Error> {
        Ok(CaseRecord {
            id: row.id,
            reference: parse_column("cases", "reference", &row.reference)?,
            guild_id: row.guild_id,
            reported_user_id: row.reported_user_id,
            victim_user_id: row.victim_user_id,
            reason: parse_column("cases", "reason", &row.reason)?,
            status: parse_column("cases", "status", &row.status)?,
            claimed_by: row.claimed_by,
            outcome: row.outcome,
            created_at: row.created_at,
            last_report_at: row.last_report_at,
            closed_at: row.closed_at,
            queue_channel_id: row.queue_channel_id,
            queue_message_id: row.queue_message_id,
            evidence_purged_at: row.evidence_purged_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    case_id: i64,
    guild_id: i64,
    reporter_user_id: Option<i64>,
    victim_user_id: i64,
    is_witness: bool,
    reason: String,
    details: Option<String>,
    source: String,
    help_card: String,
    created_at: DateTime<Utc>,
    reporter_erased_at: Option<DateTime<Utc>>,
}

impl TryFrom<ReportRow> for ReportRecord {
    type Error = StoreError;

    fn try_from(row: ReportRow) -> Result<Self, Self::Error> {
        Ok(ReportRecord {
            id: row.id,
            case_id: row.case_id,
            guild_id: row.guild_id,
            reporter_user_id: row.reporter_user_id,
            victim_user_id: row.victim_user_id,
            is_witness: row.is_witness,
            reason: parse_column("reports", "reason", &row.reason)?,
            details: row.details,
            source: parse_column("reports", "source", &row.source)?,
            help_card: parse_column("reports", "help_card", &row.help_card)?,
            created_at: row.created_at,
            reporter_erased_at: row.reporter_erased_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EvidenceRow {
    id: i64,
    case_id: i64,
    report_id: i64,
    message_id: i64,
    channel_id: i64,
    author_id: i64,
    content: Option<String>,
    attachment_urls: String,
    message_created_at: DateTime<Utc>,
    message_edited_at: Option<DateTime<Utc>>,
    captured_at: DateTime<Utc>,
}

impl TryFrom<EvidenceRow> for EvidenceRecord {
    type Error = StoreError;

    fn try_from(row: EvidenceRow) -> Result<Self, Self::Error> {
        let attachment_urls =
            serde_json::from_str(&row.attachment_urls).map_err(|error| StoreError::CorruptRow {
                table: "evidence",
                column: "attachment_urls".to_owned(),
                detail: error.to_string(),
            })?;
        Ok(EvidenceRecord {
            id: row.id,
            case_id: row.case_id,
            report_id: row.report_id,
            message_id: row.message_id,
            channel_id: row.channel_id,
            author_id: row.author_id,
            content: row.content,
            attachment_urls,
            message_created_at: row.message_created_at,
            message_edited_at: row.message_edited_at,
            captured_at: row.captured_at,
        })
    }
}

/// Writes the server's row, which serialises reports within a server on both backends (row
/// lock on PostgreSQL, write lock on SQLite), so simultaneous reports against one member
/// cannot open two cases.
async fn lock_guild(
    tx: &mut Transaction,
    guild_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2)
             ON CONFLICT (guild_id) DO UPDATE SET guild_id = excluded.guild_id",
        )
        .bind(guild_id)
        .bind(now)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The active case against the reported member whose last report is not older than
/// `merge_since`: its id and stored reference.
async fn active_case(
    tx: &mut Transaction,
    report: &NewReport,
    merge_since: DateTime<Utc>,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(on_transaction!(tx, conn => {
        sqlx::query_as::<_, (i64, String)>(
            "SELECT id, reference FROM cases
             WHERE guild_id = $1 AND reported_user_id = $2
               AND status IN ('open', 'claimed') AND last_report_at >= $3
             ORDER BY last_report_at DESC, id DESC
             LIMIT 1",
        )
        .bind(report.guild_id)
        .bind(report.reported_user_id)
        .bind(merge_since)
        .fetch_optional(conn)
        .await?
    }))
}

/// Moves a joined case's last report forward to `now` (never backward).
async fn touch_case(
    tx: &mut Transaction,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query("UPDATE cases SET last_report_at = $2 WHERE id = $1 AND last_report_at < $2")
            .bind(case_id)
            .bind(now)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Opens a case under a fresh reference, drawing again while the reference is taken.
async fn open_case(
    tx: &mut Transaction,
    report: &NewReport,
    now: DateTime<Utc>,
) -> Result<(i64, CaseReference), StoreError> {
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = CaseReference::generate(&mut rand::rng());
        if let Some(case_id) = insert_case(tx, report, &reference, now).await? {
            return Ok((case_id, reference));
        }
    }
    Err(StoreError::ReferencesExhausted {
        attempts: REFERENCE_ATTEMPTS,
    })
}

/// Inserts an open case under `reference`; `None` when the reference is taken.
async fn insert_case(
    tx: &mut Transaction,
    report: &NewReport,
    reference: &CaseReference,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    // DO NOTHING instead of a unique violation: on PostgreSQL an error would abort the
    // whole transaction.
    Ok(on_transaction!(tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO cases (reference, guild_id, reported_user_id,
                                victim_user_id, reason, status,
                                created_at, last_report_at)
             VALUES ($1, $2, $3, $4, $5, 'open', $6, $6)
             ON CONFLICT (reference) DO NOTHING
             RETURNING id",
        )
        .bind(reference.as_str())
        .bind(report.guild_id)
        .bind(report.reported_user_id)
        .bind(report.victim_user_id)
        .bind(report.reason.as_str())
        .bind(now)
        .fetch_optional(conn)
        .await?
    }))
}

/// The report row itself, its help card still pending; returns its id.
async fn insert_report(
    tx: &mut Transaction,
    report: &NewReport,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let is_witness = report.reporter_user_id != report.victim_user_id;
    // The day the help card outcome is counted in, kept until the outcome is known.
    let stats_day = statistics::day_of(&report.stats_hour)?;
    Ok(on_transaction!(tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO reports (case_id, guild_id, reporter_user_id, victim_user_id,
                                  is_witness, reason, details, source, help_card,
                                  created_at, stats_day)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             RETURNING id",
        )
        .bind(case_id)
        .bind(report.guild_id)
        .bind(report.reporter_user_id)
        .bind(report.victim_user_id)
        .bind(is_witness)
        .bind(report.reason.as_str())
        .bind(report.details.as_deref())
        .bind(report.source.as_str())
        .bind(HelpCardDelivery::Pending.as_str())
        .bind(now)
        .bind(stats_day)
        .fetch_one(conn)
        .await?
    }))
}

/// Counts the report in the reporter's rate limit (by pseudonym, so erasure keeps it) and
/// returns the reporter's count over the window. The marks that left the window go with
/// the hourly purge.
async fn mark_rate_limit(
    tx: &mut Transaction,
    report: &NewReport,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    Ok(on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO reporter_rate_limit (guild_id, reporter_pseudonym, created_at)
             VALUES ($1, $2, $3)",
        )
        .bind(report.guild_id)
        .bind(report.reporter_pseudonym.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM reporter_rate_limit
             WHERE guild_id = $1 AND reporter_pseudonym = $2 AND created_at >= $3",
        )
        .bind(report.guild_id)
        .bind(report.reporter_pseudonym.as_str())
        .bind(now - RATE_LIMIT_WINDOW)
        .fetch_one(&mut *conn)
        .await?
    }))
}

impl Store {
    /// Files a report in one transaction: joins the active case against the same member
    /// whose last report falls within the merge window, or opens a case with a fresh
    /// reference; stores the report, its evidence, its statistics and its rate-limit
    /// mark.
    pub async fn record_report(&self, report: NewReport) -> Result<RecordedReport, StoreError> {
        let report = &report;
        retry_busy(|| self.try_record_report(report)).await
    }

    /// One attempt at [`Store::record_report`].
    async fn try_record_report(&self, report: &NewReport) -> Result<RecordedReport, StoreError> {
        let now = stored(report.now);
        let merge_since = now
            .checked_sub_signed(report.merge_window)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let mut tx = self.begin().await?;
        lock_guild(&mut tx, report.guild_id, now).await?;
        let (case_id, reference, merged) =
            if let Some((case_id, reference)) = active_case(&mut tx, report, merge_since).await? {
                touch_case(&mut tx, case_id, now).await?;
                (
                    case_id,
                    parse_column("cases", "reference", &reference)?,
                    true,
                )
            } else {
                let (case_id, reference) = open_case(&mut tx, report, now).await?;
                (case_id, reference, false)
            };
        statistics::count_report(
            &mut tx,
            report.guild_id,
            &report.stats_hour,
            report.reason,
            report.reported_pseudonym.as_deref(),
            merged,
        )
        .await?;
        let report_id = insert_report(&mut tx, report, case_id, now).await?;
        let reporter_reports_in_window = mark_rate_limit(&mut tx, report, now).await?;
        if let Some(evidence) = &report.evidence {
            insert_evidence(&mut tx, evidence, (case_id, report_id), now).await?;
        }
        enqueue_queue_post(&mut tx, case_id, now, now).await?;
        if let Some(request) = &report.help_card {
            enqueue_help_card(&mut tx, request, case_id, report_id, now).await?;
        }
        tx.commit().await?;
        Ok(RecordedReport {
            case_id,
            reference,
            report_id,
            merged,
            reporter_reports_in_window,
        })
    }

    /// Records whether the help card reached the victim, on the report and in the counter
    /// of the report's local day (delivered = the DM was sent). Once the outcome is counted
    /// the report forgets that day, so it is never counted twice.
    pub async fn set_help_card_delivery(
        &self,
        report_id: i64,
        delivery: HelpCardDelivery,
    ) -> Result<(), StoreError> {
        let delivered = match delivery {
            HelpCardDelivery::Pending => None,
            HelpCardDelivery::DmSent => Some(true),
            HelpCardDelivery::DmFailed => Some(false),
        };
        retry_busy(|| self.try_set_help_card_delivery(report_id, delivery, delivered)).await
    }

    /// One attempt at [`Store::set_help_card_delivery`].
    async fn try_set_help_card_delivery(
        &self,
        report_id: i64,
        delivery: HelpCardDelivery,
        delivered: Option<bool>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        // Writes only, the day's counter first (it needs the report's day before the report
        // drops it): a read first could not be upgraded to a write under contention.
        if let Some(delivered) = delivered {
            statistics::count_help_card(&mut tx, report_id, delivered).await?;
        }
        let case_id = on_transaction!(&mut tx, conn => {
            sqlx::query_scalar::<_, i64>(
                "UPDATE reports
                 SET help_card = $2,
                     stats_day = CASE WHEN $3 THEN NULL ELSE stats_day END
                 WHERE id = $1
                 RETURNING case_id",
            )
            .bind(report_id)
            .bind(delivery.as_str())
            .bind(delivered.is_some())
            .fetch_optional(&mut *conn)
            .await?
        })
        .ok_or(StoreError::NotFound { entity: "report" })?;
        // The queue post shows whether the card reached the victim.
        let now = stored(Utc::now());
        enqueue_queue_post(&mut tx, case_id, now, now).await?;
        tx.commit().await
    }

    /// The case with this reference, if it belongs to this server.
    pub async fn case_by_reference(
        &self,
        guild_id: i64,
        reference: &CaseReference,
    ) -> Result<Option<CaseRecord>, StoreError> {
        let row = on_backend!(self, pool => {
            sqlx::query_as::<_, CaseRow>(select_cases!("WHERE guild_id = $1 AND reference = $2"))
                .bind(guild_id)
                .bind(reference.as_str())
                .fetch_optional(pool)
                .await
                .map_err(decode_error("cases"))?
        });
        row.map(CaseRecord::try_from).transpose()
    }

    /// [`Reads::case_by_id`], on a connection of its own.
    pub async fn case_by_id(&self, case_id: i64) -> Result<Option<CaseRecord>, StoreError> {
        self.reads().await?.case_by_id(case_id).await
    }

    /// [`Reads::reports_of_case`], on a connection of its own.
    pub async fn reports_of_case(&self, case_id: i64) -> Result<Vec<ReportRecord>, StoreError> {
        self.reads().await?.reports_of_case(case_id).await
    }

    /// [`Reads::report_by_id`], on a connection of its own.
    pub async fn report_by_id(&self, report_id: i64) -> Result<Option<ReportRecord>, StoreError> {
        self.reads().await?.report_by_id(report_id).await
    }

    /// [`Reads::evidence_of_case`], on a connection of its own.
    pub async fn evidence_of_case(&self, case_id: i64) -> Result<Vec<EvidenceRecord>, StoreError> {
        self.reads().await?.evidence_of_case(case_id).await
    }
}

impl Reads {
    pub async fn case_by_id(&mut self, case_id: i64) -> Result<Option<CaseRecord>, StoreError> {
        let row = on_reads!(self, conn => {
            sqlx::query_as::<_, CaseRow>(select_cases!("WHERE id = $1"))
                .bind(case_id)
                .fetch_optional(conn)
                .await
                .map_err(decode_error("cases"))?
        });
        row.map(CaseRecord::try_from).transpose()
    }

    /// The case's reports, oldest first.
    pub async fn reports_of_case(&mut self, case_id: i64) -> Result<Vec<ReportRecord>, StoreError> {
        let rows = on_reads!(self, conn => {
            sqlx::query_as::<_, ReportRow>(select_reports!("WHERE case_id = $1 ORDER BY id"))
            .bind(case_id)
            .fetch_all(conn)
            .await
            .map_err(decode_error("reports"))?
        });
        rows.into_iter().map(ReportRecord::try_from).collect()
    }

    /// One report, if it is still stored.
    pub async fn report_by_id(
        &mut self,
        report_id: i64,
    ) -> Result<Option<ReportRecord>, StoreError> {
        let row = on_reads!(self, conn => {
            sqlx::query_as::<_, ReportRow>(select_reports!("WHERE id = $1"))
                .bind(report_id)
                .fetch_optional(conn)
                .await
                .map_err(decode_error("reports"))?
        });
        row.map(ReportRecord::try_from).transpose()
    }

    /// The case's evidence, oldest first.
    pub async fn evidence_of_case(
        &mut self,
        case_id: i64,
    ) -> Result<Vec<EvidenceRecord>, StoreError> {
        let rows = on_reads!(self, conn => {
            sqlx::query_as::<_, EvidenceRow>(
                "SELECT id, case_id, report_id, message_id, channel_id, author_id, content,
                        attachment_urls, message_created_at, message_edited_at, captured_at
                 FROM evidence WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(conn)
            .await
            .map_err(decode_error("evidence"))?
        });
        rows.into_iter().map(EvidenceRecord::try_from).collect()
    }
}
