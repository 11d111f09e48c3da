//! Evidence snapshots and their preserved files: written with a report (or added to it),
//! fetched by the `preserve_evidence` delivery, read back by moderators and by the victim's
//! evidence file. The files' bytes are read one file at a time, never with a listing.

use chrono::{DateTime, TimeDelta, Utc};

use super::deliveries::{enqueue_preservation, enqueue_queue_post};
use super::{
    NewEvidence, Reads, Store, StoreError, Transaction, decode_error, parse_column, stored,
};
use crate::domain::case::CaseReference;
use crate::domain::delivery::PRESERVATION_GRACE;
use crate::domain::evidence::FileOutcome;

/// An attachment of a snapshot as Discord described it. Serializable with the snapshot.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewAttachment {
    pub url: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: u64,
}

/// One attachment of a snapshot, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceFile {
    pub id: i64,
    pub evidence_id: i64,
    pub case_id: i64,
    pub position: i64,
    pub filename: String,
    pub content_type: Option<String>,
    pub size: u64,
    pub outcome: FileOutcome,
    pub sha256: Option<String>,
}

/// A file the preservation still has to fetch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingFile {
    pub file: EvidenceFile,
    pub url: String,
}

/// How a fetched file ended.
pub enum Settled {
    Stored { sha256: String, bytes: Vec<u8> },
    Skipped(FileOutcome),
}

/// A reporter's open case against a member, where "Add to my report" appends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenReport {
    pub case_id: i64,
    pub reference: CaseReference,
    pub report_id: i64,
}

/// What adding a message to a report gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Appended; the case now holds this many snapshots.
    Appended { items: u64 },
    /// The message is already in the case.
    AlreadyThere,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: i64,
    evidence_id: i64,
    case_id: i64,
    position: i64,
    filename: String,
    content_type: Option<String>,
    size: i64,
    outcome: String,
    sha256: Option<String>,
    url: Option<String>,
}

impl FileRow {
    fn record(self) -> Result<(EvidenceFile, Option<String>), StoreError> {
        let file = EvidenceFile {
            id: self.id,
            evidence_id: self.evidence_id,
            case_id: self.case_id,
            position: self.position,
            filename: self.filename,
            content_type: self.content_type,
            size: u64::try_from(self.size).unwrap_or(0),
            outcome: parse_column("evidence_files", "outcome", &self.outcome)?,
            sha256: self.sha256,
        };
        Ok((file, self.url))
    }
}

/// Every column of a file but its bytes.
macro_rules! select_files {
    ($tail:literal) => {
        concat!(
            "SELECT id, evidence_id, case_id, position, filename, content_type, size, outcome,
                    sha256, url
             FROM evidence_files ",
            $tail
        )
    };
}

/// The snapshot of a message, attached to the case and the report, with one pending row per
/// attachment and, when there are any, the delivery that fetches them.
pub(super) async fn insert_evidence(
    tx: &mut Transaction,
    evidence: &NewEvidence,
    (case_id, report_id): (i64, i64),
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let evidence_id = on_transaction!(tx, conn => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO evidence (case_id, report_id, message_id, channel_id,
                                   author_id, content, attachment_urls,
                                   message_created_at, message_edited_at, captured_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
        )
        .bind(case_id)
        .bind(report_id)
        .bind(evidence.message_id)
        .bind(evidence.channel_id)
        .bind(evidence.author_id)
        .bind(evidence.content.as_deref())
        .bind(serde_json::Value::from(evidence.attachment_urls.clone()).to_string())
        .bind(stored(evidence.message_created_at))
        .bind(evidence.message_edited_at.map(stored))
        .bind(now)
        .fetch_one(conn)
        .await?
    });
    for (position, attachment) in evidence.attachments.iter().enumerate() {
        on_transaction!(tx, conn => {
            sqlx::query(
                "INSERT INTO evidence_files (evidence_id, case_id, position, filename,
                                             content_type, size, url, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(evidence_id)
            .bind(case_id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(attachment.filename.as_str())
            .bind(attachment.content_type.as_deref())
            .bind(i64::try_from(attachment.size).unwrap_or(i64::MAX))
            .bind(attachment.url.as_str())
            .bind(FileOutcome::Pending.as_str())
            .execute(conn)
            .await?;
        });
    }
    if !evidence.attachments.is_empty() {
        enqueue_preservation(tx, case_id, evidence_id, now).await?;
    }
    Ok(())
}

impl Store {
    /// The reporter's newest report in an active case against `reported` whose last report
    /// is not older than `since`.
    #[tracing::instrument(skip(self))]
    pub async fn open_report_of(
        &self,
        guild_id: i64,
        reporter_id: i64,
        reported_id: i64,
        since: DateTime<Utc>,
    ) -> Result<Option<OpenReport>, StoreError> {
        let row = on_backend!(self, pool => {
            sqlx::query_as::<_, (i64, String, i64)>(
                "SELECT c.id, c.reference, r.id FROM cases c JOIN reports r ON r.case_id = c.id
                 WHERE c.guild_id = $1 AND c.reported_user_id = $3
                   AND c.status IN ('open', 'claimed') AND c.last_report_at >= $4
                   AND r.reporter_user_id = $2
                 ORDER BY c.last_report_at DESC, r.id DESC
                 LIMIT 1",
            )
            .bind(guild_id)
            .bind(reporter_id)
            .bind(reported_id)
            .bind(stored(since))
            .fetch_optional(pool)
            .await?
        });
        row.map(|(case_id, reference, report_id)| {
            Ok(OpenReport {
                case_id,
                reference: parse_column("cases", "reference", &reference)?,
                report_id,
            })
        })
        .transpose()
    }

    /// Appends a snapshot to a report's case, with its files to fetch, and redraws the
    /// case's queue post (once its files are preserved, or after a grace period). A message
    /// already in the case is not added twice.
    #[tracing::instrument(skip(self, evidence))]
    pub async fn add_evidence(
        &self,
        open: &OpenReport,
        evidence: &NewEvidence,
        now: DateTime<Utc>,
    ) -> Result<Added, StoreError> {
        let now = stored(now);
        let mut tx = self.begin().await?;
        let (already, items) = on_transaction!(&mut tx, conn => {
            sqlx::query_as::<_, (i64, i64)>(
                "SELECT COUNT(*) FILTER (WHERE message_id = $2), COUNT(*) FROM evidence
                 WHERE case_id = $1",
            )
            .bind(open.case_id)
            .bind(evidence.message_id)
            .fetch_one(&mut *conn)
            .await?
        });
        if already > 0 {
            tx.rollback().await?;
            return Ok(Added::AlreadyThere);
        }
        insert_evidence(&mut tx, evidence, (open.case_id, open.report_id), now).await?;
        let due = if evidence.attachments.is_empty() {
            now
        } else {
            now + TimeDelta::from_std(PRESERVATION_GRACE).unwrap_or(TimeDelta::zero())
        };
        enqueue_queue_post(&mut tx, open.case_id, due, now).await?;
        tx.commit().await?;
        Ok(Added::Appended {
            items: u64::try_from(items + 1).unwrap_or(0),
        })
    }

    /// [`Reads::files_of_case`], on a connection of its own.
    pub async fn files_of_case(&self, case_id: i64) -> Result<Vec<EvidenceFile>, StoreError> {
        self.reads().await?.files_of_case(case_id).await
    }

    /// The bytes of one stored file, if it is still kept.
    #[tracing::instrument(skip(self))]
    pub async fn file_bytes(&self, file_id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(on_backend!(self, pool => {
            sqlx::query_scalar::<_, Option<Vec<u8>>>(
                "SELECT bytes FROM evidence_files WHERE id = $1 AND outcome = $2",
            )
            .bind(file_id)
            .bind(FileOutcome::Stored.as_str())
            .fetch_optional(pool)
            .await?
            .flatten()
        }))
    }

    /// The files of a snapshot still to fetch, in order, and the bytes its report already
    /// keeps (for the per-report bound).
    #[tracing::instrument(skip(self))]
    pub async fn pending_files(
        &self,
        evidence_id: i64,
    ) -> Result<(Vec<PendingFile>, u64), StoreError> {
        let (rows, kept) = on_backend!(self, pool => {
            let rows = sqlx::query_as::<_, FileRow>(select_files!(
                "WHERE evidence_id = $1 AND outcome = 'pending' ORDER BY position"
            ))
            .bind(evidence_id)
            .fetch_all(&mut *pool)
            .await
            .map_err(decode_error("evidence_files"))?;
            let kept = sqlx::query_scalar::<_, Option<i64>>(
                "SELECT CAST(SUM(f.size) AS BIGINT) FROM evidence_files f
                 JOIN evidence e ON e.id = f.evidence_id
                 WHERE f.outcome = 'stored'
                   AND e.report_id = (SELECT report_id FROM evidence WHERE id = $1)",
            )
            .bind(evidence_id)
            .fetch_one(pool)
            .await?;
            (rows, kept)
        });
        let pending = rows
            .into_iter()
            .map(|row| {
                let (file, url) = row.record()?;
                Ok(PendingFile {
                    file,
                    url: url.unwrap_or_default(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok((
            pending,
            kept.and_then(|k| u64::try_from(k).ok()).unwrap_or(0),
        ))
    }

    /// Writes a file's outcome once (a file no longer pending is left as it is), and
    /// forgets its signed link.
    #[tracing::instrument(skip(self, settled))]
    pub async fn settle_file(
        &self,
        file_id: i64,
        settled: Settled,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (outcome, sha256, bytes) = match settled {
            Settled::Stored { sha256, bytes } => (FileOutcome::Stored, Some(sha256), Some(bytes)),
            Settled::Skipped(outcome) => (outcome, None, None),
        };
        let size = bytes
            .as_ref()
            .map(|b| i64::try_from(b.len()).unwrap_or(i64::MAX));
        on_writer!(self, pool => {
            sqlx::query(
                "UPDATE evidence_files
                 SET outcome = $2, sha256 = $3, bytes = $4, size = COALESCE($5, size),
                     url = NULL, preserved_at = $6
                 WHERE id = $1 AND outcome = 'pending'",
            )
            .bind(file_id)
            .bind(outcome.as_str())
            .bind(sha256)
            .bind(bytes)
            .bind(size)
            .bind(stored(now))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The preservation of a snapshot is over: the case's queue post shows what was kept.
    pub async fn preservation_done(
        &self,
        case_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = stored(now);
        let mut tx = self.begin().await?;
        enqueue_queue_post(&mut tx, case_id, now, now).await?;
        tx.commit().await
    }
}

impl Reads {
    /// The files of a case's snapshots (no bytes), by snapshot then position.
    #[tracing::instrument(skip(self))]
    pub async fn files_of_case(&mut self, case_id: i64) -> Result<Vec<EvidenceFile>, StoreError> {
        let rows = on_reads!(self, conn => {
            sqlx::query_as::<_, FileRow>(select_files!(
                "WHERE case_id = $1 ORDER BY evidence_id, position"
            ))
            .bind(case_id)
            .fetch_all(conn)
            .await
            .map_err(decode_error("evidence_files"))?
        });
        rows.into_iter()
            .map(|row| row.record().map(|(file, _)| file))
            .collect()
    }
}
