//! The outbox (SPEC §8): deliveries written in the transaction of the change that causes
//! them, claimed by the delivery worker of any process under a lease, and finished with
//! their outcome. An expired lease is taken over, so a crashed process's work is finished
//! by the next worker to look.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Pool, Store, StoreError, Transaction, parse_column, stored};
use crate::domain::delivery::{DeliveryKind, HELP_CARD_HOLD};

/// A Discord interaction token: it can answer as the bot for 15 minutes, so it is never
/// printed, not even in debug output.
#[derive(Clone, PartialEq, Eq)]
pub struct InteractionToken(pub String);

impl std::fmt::Debug for InteractionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InteractionToken(…)")
    }
}

/// What delivering a report's help card needs beyond the report itself.
#[derive(Clone, Debug)]
pub struct HelpCardRequest {
    /// The language of the reporter's answer (and of the card, when they are the victim).
    pub locale: String,
    /// The reporter's interaction, to edit their answer with the card's outcome.
    pub interaction_token: InteractionToken,
    pub token_expires_at: DateTime<Utc>,
}

/// A delivery a worker claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub kind: DeliveryKind,
    pub case_id: i64,
    /// The revision claimed: a change arriving meanwhile bumps it, and the row stays
    /// pending for it.
    pub revision: i64,
    /// This claim included.
    pub attempts: u32,
    /// A help card's report, language, reporter's interaction and answer (codes).
    pub report_id: Option<i64>,
    pub locale: Option<String>,
    pub interaction: Option<(InteractionToken, DateTime<Utc>)>,
    pub answer: Option<String>,
    /// A preservation's snapshot.
    pub evidence_id: Option<i64>,
    /// The question a `question` or `question_reply` delivery is about.
    pub question_id: Option<i64>,
}

/// How a delivery ended once and for all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finished {
    /// The queue post went out; Discord's ids of the post.
    Posted { channel_id: i64, message_id: i64 },
    /// Carried out with nothing to record (an edit in place, or no queue configured).
    Done,
    /// Discord refused it for good: the JSON error code, kept as the outcome.
    Refused(isize),
}

/// Coalesces into the case's pending queue post, or adds one, due at `due_at` (the sooner
/// of both when one is pending).
const ENQUEUE_QUEUE_POST: &str = "
    INSERT INTO deliveries (kind, case_id, due_at, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (case_id) WHERE kind = 'queue_post' AND done_at IS NULL
    DO UPDATE SET revision = deliveries.revision + 1,
                  due_at = CASE WHEN excluded.due_at < deliveries.due_at
                                THEN excluded.due_at ELSE deliveries.due_at END";

/// Inside the change's transaction: the case's queue post must show it.
pub(super) async fn enqueue_queue_post(
    tx: &mut Transaction,
    case_id: i64,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(ENQUEUE_QUEUE_POST)
            .bind(DeliveryKind::QueuePost.as_str())
            .bind(case_id)
            .bind(stored(due_at))
            .bind(stored(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Inside the report's transaction: the victim's help card, held until the reporter's first
/// answer is out (see [`Store::release_help_card`]).
pub(super) async fn enqueue_help_card(
    tx: &mut Transaction,
    request: &HelpCardRequest,
    case_id: i64,
    report_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let due = now + TimeDelta::from_std(HELP_CARD_HOLD).unwrap_or(TimeDelta::zero());
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO deliveries (kind, case_id, report_id, locale, interaction_token,
                                     token_expires_at, due_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(DeliveryKind::HelpCard.as_str())
        .bind(case_id)
        .bind(report_id)
        .bind(request.locale.as_str())
        .bind(request.interaction_token.0.as_str())
        .bind(stored(request.token_expires_at))
        .bind(stored(due))
        .bind(stored(now))
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// Inside the closing step's transaction: the case's reporters are told it was handled.
pub(super) async fn enqueue_close_notice(
    tx: &mut Transaction,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query("INSERT INTO deliveries (kind, case_id, due_at, created_at) VALUES ($1, $2, $3, $3)")
            .bind(DeliveryKind::CloseNotice.as_str())
            .bind(case_id)
            .bind(stored(now))
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Inside the snapshot's transaction: its attachments are to be fetched.
pub(super) async fn enqueue_preservation(
    tx: &mut Transaction,
    case_id: i64,
    evidence_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO deliveries (kind, case_id, evidence_id, due_at, created_at)
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(DeliveryKind::PreserveEvidence.as_str())
        .bind(case_id)
        .bind(evidence_id)
        .bind(stored(now))
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The rows a claim may take: pending, due, and not held by a live lease.
const CLAIMABLE: &str = "SELECT id FROM deliveries
     WHERE done_at IS NULL AND due_at <= $2 AND (leased_until IS NULL OR leased_until <= $2)
     ORDER BY due_at LIMIT $3";

#[derive(sqlx::FromRow)]
struct ClaimedRow {
    id: i64,
    kind: String,
    case_id: i64,
    revision: i64,
    attempts: i32,
    report_id: Option<i64>,
    locale: Option<String>,
    interaction_token: Option<String>,
    token_expires_at: Option<DateTime<Utc>>,
    answer: Option<String>,
    evidence_id: Option<i64>,
    question_id: Option<i64>,
}

impl TryFrom<ClaimedRow> for Delivery {
    type Error = StoreError;

    fn try_from(row: ClaimedRow) -> Result<Self, Self::Error> {
        Ok(Delivery {
            id: row.id,
            kind: parse_column("deliveries", "kind", &row.kind)?,
            case_id: row.case_id,
            revision: row.revision,
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            report_id: row.report_id,
            locale: row.locale,
            interaction: row
                .interaction_token
                .map(InteractionToken)
                .zip(row.token_expires_at),
            answer: row.answer,
            evidence_id: row.evidence_id,
            question_id: row.question_id,
        })
    }
}

/// Ends the lease: the row is pending again from `due_at` ($2). A reporter's token that
/// will have expired by then is of no use any more and is dropped. `$3`: why, kept as the
/// last outcome when given.
const RELEASE: &str = "UPDATE deliveries SET leased_until = NULL, due_at = $2,
                                      outcome = COALESCE($3, outcome),
                                      interaction_token = CASE WHEN token_expires_at <= $2
                                                               THEN NULL
                                                               ELSE interaction_token END
                       WHERE id = $1";

/// Ends the delivery, unless a newer revision arrived since the claim.
const MARK_DONE: &str = "UPDATE deliveries SET done_at = $1, outcome = $2, leased_until = NULL,
                                               interaction_token = NULL
                         WHERE id = $3 AND revision = $4";

/// Runs [`RELEASE`] on `$executor` (a pool or a transaction's connection, either backend).
macro_rules! release {
    ($executor:expr, $id:expr, $due_at:expr, $why:expr) => {
        sqlx::query(RELEASE)
            .bind($id)
            .bind($due_at)
            .bind($why)
            .execute($executor)
            .await
            .map(drop)?
    };
}

/// Runs [`MARK_DONE`] on `$executor`; whether the row ended.
macro_rules! mark_done {
    ($executor:expr, $delivery:expr, $outcome:expr, $now:expr) => {
        sqlx::query(MARK_DONE)
            .bind($now)
            .bind($outcome)
            .bind($delivery.id)
            .bind($delivery.revision)
            .execute($executor)
            .await?
            .rows_affected()
            == 1
    };
}

impl Store {
    /// Claims up to `limit` due deliveries for `lease`, in one statement (atomic on SQLite).
    pub async fn claim_due_deliveries(
        &self,
        now: DateTime<Utc>,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let now = stored(now);
        let until = now + TimeDelta::from_std(lease).unwrap_or(TimeDelta::MAX);
        // PostgreSQL skips the rows another process is claiming at the same moment.
        let skip_claimed = match &self.pool {
            Pool::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Pool::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE deliveries SET leased_until = $1, attempts = attempts + 1
             WHERE id IN ({CLAIMABLE}{skip_claimed})
             RETURNING id, kind, case_id, revision, attempts, report_id, locale,
                       interaction_token, token_expires_at, answer, evidence_id, question_id"
        );
        let rows: Vec<ClaimedRow> = on_writer!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(until)
                .bind(now)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(Delivery::try_from).collect()
    }

    /// Records how the delivery ended, with the post's ids in the same transaction. If a
    /// newer revision arrived meanwhile, the row stays pending, due at once, and `false`
    /// says so. Without ids to record, each step is one statement of its own: the row is
    /// leased to this worker, so no one else writes it in between.
    pub async fn finish_delivery(
        &self,
        delivery: &Delivery,
        finished: Finished,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = stored(now);
        let outcome = match finished {
            Finished::Posted { .. } => "posted".to_owned(),
            Finished::Done => "done".to_owned(),
            Finished::Refused(code) => format!("refused:{code}"),
        };
        let Finished::Posted {
            channel_id,
            message_id,
        } = finished
        else {
            let finished_now = on_writer!(self, pool => {
                mark_done!(pool, delivery, outcome.as_str(), now)
            });
            if !finished_now {
                on_writer!(self, pool => release!(pool, delivery.id, now, None::<&str>));
            }
            return Ok(finished_now);
        };
        let mut tx = self.begin().await?;
        record_post(&mut tx, delivery.case_id, channel_id, message_id).await?;
        let finished_now = on_transaction!(&mut tx, conn => {
            mark_done!(&mut *conn, delivery, outcome.as_str(), now)
        });
        if !finished_now {
            on_transaction!(&mut tx, conn => release!(conn, delivery.id, now, None::<&str>));
        }
        tx.commit().await?;
        Ok(finished_now)
    }

    /// Gives the delivery back, to be tried again at `due_at`; `why` is kept as its last
    /// outcome (a code).
    pub async fn retry_delivery(
        &self,
        delivery: &Delivery,
        due_at: DateTime<Utc>,
        why: &str,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => release!(pool, delivery.id, stored(due_at), Some(why)));
        Ok(())
    }

    /// The reporter's first answer is out: the help card may go, and its outcome edit the
    /// answer, which `answer` (codes) describes.
    pub async fn release_help_card(
        &self,
        report_id: i64,
        answer: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "UPDATE deliveries SET due_at = $2, answer = $3
                 WHERE report_id = $1 AND kind = $4 AND done_at IS NULL AND leased_until IS NULL",
            )
            .bind(report_id)
            .bind(stored(now))
            .bind(answer)
            .bind(DeliveryKind::HelpCard.as_str())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// How many deliveries are not finished yet.
    pub async fn pending_deliveries(&self) -> Result<i64, StoreError> {
        on_backend!(self, pool => {
            Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM deliveries WHERE done_at IS NULL")
                .fetch_one(pool)
                .await?)
        })
    }
}

/// The queue post's ids, recorded by the step that posted it.
async fn record_post(
    tx: &mut Transaction,
    case_id: i64,
    channel_id: i64,
    message_id: i64,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query("UPDATE cases SET queue_channel_id = $2, queue_message_id = $3 WHERE id = $1")
            .bind(case_id)
            .bind(channel_id)
            .bind(message_id)
            .execute(conn)
            .await?;
    });
    Ok(())
}
