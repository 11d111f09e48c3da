//! A moderator's questions to a case's reporter and the reporter's answers (issue 15): each
//! step written with its audit entry, the queue post's redraw and the DM it causes, in one
//! transaction.

use chrono::{DateTime, Utc};

use super::deliveries::{InteractionToken, enqueue_queue_post};
use super::moderation::insert_audit;
use super::{NewAuditEntry, Reads, Store, StoreError, Transaction, decode_error, stored};
use crate::domain::delivery::DeliveryKind;
use crate::domain::question::QuestionStatus;
use crate::domain::queue::AuditAction;

/// A moderator's question, as the store files it.
#[derive(Clone, Debug)]
pub struct NewQuestion {
    pub guild_id: i64,
    pub case_id: i64,
    pub report_id: i64,
    pub asked_by: i64,
    pub text: String,
    /// The moderator's language and interaction, to edit their answer with how the DM went.
    pub locale: String,
    pub interaction: (InteractionToken, DateTime<Utc>),
    pub now: DateTime<Utc>,
}

/// A question with what its steps need to know about its report (never who reported).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct QuestionRecord {
    pub id: i64,
    pub case_id: i64,
    pub report_id: i64,
    pub guild_id: i64,
    pub asked_by: i64,
    pub question: Option<String>,
    pub answer: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: QuestionStatus,
    pub asked_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// How the reporter (or Discord) settled a pending question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settlement {
    Answered(String),
    Declined,
    /// Declined, and no more questions about this report.
    Stopped,
    /// The DM was refused, or the reporter's identity is gone.
    Unreachable,
}

impl Settlement {
    fn status(&self) -> QuestionStatus {
        match self {
            Settlement::Answered(_) => QuestionStatus::Answered,
            Settlement::Declined | Settlement::Stopped => QuestionStatus::Declined,
            Settlement::Unreachable => QuestionStatus::Unreachable,
        }
    }

    fn audit_action(&self) -> AuditAction {
        match self {
            Settlement::Answered(_) => AuditAction::QuestionAnswered,
            Settlement::Declined => AuditAction::QuestionDeclined,
            Settlement::Stopped => AuditAction::QuestionsStopped,
            Settlement::Unreachable => AuditAction::QuestionUnreachable,
        }
    }
}

const SELECT_QUESTIONS: &str = "SELECT id, case_id, report_id, guild_id, asked_by, question,
                                       answer, status, asked_at, settled_at
                                FROM case_questions";

/// Inside a step's transaction: a delivery about `question_id`.
async fn enqueue_question_delivery(
    tx: &mut Transaction,
    kind: DeliveryKind,
    (case_id, question_id): (i64, i64),
    interaction: Option<(&str, &InteractionToken, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (locale, token, expires) = interaction.map_or((None, None, None), |(l, t, e)| {
        (Some(l), Some(t.0.as_str()), Some(stored(e)))
    });
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO deliveries (kind, case_id, question_id, locale, interaction_token,
                                     token_expires_at, due_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(kind.as_str())
        .bind(case_id)
        .bind(question_id)
        .bind(locale)
        .bind(token)
        .bind(expires)
        .bind(stored(now))
        .execute(conn)
        .await?;
    });
    Ok(())
}

impl Store {
    /// Files the question with its audit entry, the queue post's redraw and the DM to the
    /// reporter; its id.
    #[tracing::instrument(skip_all, fields(case_id = question.case_id))]
    pub async fn ask_question(&self, question: &NewQuestion) -> Result<i64, StoreError> {
        let now = stored(question.now);
        let mut tx = self.begin().await?;
        let id = on_transaction!(&mut tx, conn => {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO case_questions (case_id, report_id, guild_id, asked_by, question,
                                             status, asked_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(question.case_id)
            .bind(question.report_id)
            .bind(question.guild_id)
            .bind(question.asked_by)
            .bind(question.text.as_str())
            .bind(QuestionStatus::Pending.as_str())
            .bind(now)
            .fetch_one(conn)
            .await?
        });
        let audit = NewAuditEntry {
            guild_id: question.guild_id,
            case_id: Some(question.case_id),
            actor_user_id: question.asked_by,
            action: AuditAction::QuestionAsked,
            detail: None,
            now,
        };
        insert_audit(&mut tx, &audit).await?;
        enqueue_queue_post(&mut tx, question.case_id, now, now).await?;
        let (token, expires) = &question.interaction;
        let interaction = Some((question.locale.as_str(), token, *expires));
        let about = (question.case_id, id);
        enqueue_question_delivery(&mut tx, DeliveryKind::Question, about, interaction, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Settles a pending question, with its audit entry (by `actor`: the bot for the
    /// reporter's steps, so that the reporter stays sealed), the queue post's redraw, and
    /// (when the reporter settled it) the asking moderator's notice. `false` when the
    /// question was not pending any more.
    #[tracing::instrument(skip_all, fields(question_id))]
    pub async fn settle_question(
        &self,
        question_id: i64,
        settlement: &Settlement,
        actor: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = stored(now);
        let answer = match settlement {
            Settlement::Answered(text) => Some(text.as_str()),
            _ => None,
        };
        let mut tx = self.begin().await?;
        let settled = on_transaction!(&mut tx, conn => {
            sqlx::query_as::<_, (i64, i64, i64)>(
                "UPDATE case_questions SET status = $2, answer = $3, settled_at = $4
                 WHERE id = $1 AND status = $5
                 RETURNING case_id, report_id, guild_id",
            )
            .bind(question_id)
            .bind(settlement.status().as_str())
            .bind(answer)
            .bind(now)
            .bind(QuestionStatus::Pending.as_str())
            .fetch_optional(conn)
            .await?
        });
        let Some((case_id, report_id, guild_id)) = settled else {
            return Ok(false);
        };
        if *settlement == Settlement::Stopped {
            on_transaction!(&mut tx, conn => {
                sqlx::query("UPDATE reports SET questions_stopped_at = $2 WHERE id = $1")
                    .bind(report_id)
                    .bind(now)
                    .execute(conn)
                    .await?;
            });
        }
        let audit = NewAuditEntry {
            guild_id,
            case_id: Some(case_id),
            actor_user_id: actor,
            action: settlement.audit_action(),
            detail: None,
            now,
        };
        insert_audit(&mut tx, &audit).await?;
        enqueue_queue_post(&mut tx, case_id, now, now).await?;
        if *settlement != Settlement::Unreachable {
            let about = (case_id, question_id);
            enqueue_question_delivery(&mut tx, DeliveryKind::QuestionReply, about, None, now)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    pub async fn question_by_id(&self, id: i64) -> Result<Option<QuestionRecord>, StoreError> {
        let sql = format!("{SELECT_QUESTIONS} WHERE id = $1");
        on_backend!(self, pool => {
            sqlx::query_as::<_, QuestionRecord>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
                .map_err(decode_error("case_questions"))
        })
    }

    /// [`Reads::questions_of_case`], on a connection of its own.
    pub async fn questions_of_case(&self, case_id: i64) -> Result<Vec<QuestionRecord>, StoreError> {
        self.reads().await?.questions_of_case(case_id).await
    }

    /// Whether the report's reporter asked for no more questions.
    pub async fn questions_stopped(&self, report_id: i64) -> Result<bool, StoreError> {
        let stopped = on_backend!(self, pool => {
            sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
                "SELECT questions_stopped_at FROM reports WHERE id = $1",
            )
            .bind(report_id)
            .fetch_optional(pool)
            .await?
        });
        Ok(stopped.flatten().is_some())
    }
}

impl Reads {
    /// The case's questions, oldest first.
    pub async fn questions_of_case(
        &mut self,
        case_id: i64,
    ) -> Result<Vec<QuestionRecord>, StoreError> {
        let sql = format!("{SELECT_QUESTIONS} WHERE case_id = $1 ORDER BY id");
        on_reads!(self, conn => {
            sqlx::query_as::<_, QuestionRecord>(sqlx::AssertSqlSafe(sql))
                .bind(case_id)
                .fetch_all(conn)
                .await
                .map_err(decode_error("case_questions"))
        })
    }
}
