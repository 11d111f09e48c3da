//! Which parts of a case's view hold anything, in one statement. A case drawn for the queue
//! is most often a fresh one: no evidence, no action, no audit row, no question. Asking once
//! spares a query per empty part on every redraw.

use chrono::{DateTime, Utc};

use super::{CaseRecord, Reads, StoreError, stored};

/// How many cases came before this one against the same member, and which of the case's
/// parts are worth reading.
#[allow(clippy::struct_excessive_bools)] // independent facts, one per part, not states
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseOutline {
    /// Cases this server opened against the member before this one.
    pub prior_cases: i64,
    pub has_evidence: bool,
    pub has_actions: bool,
    pub has_audit: bool,
    pub has_questions: bool,
    /// Whether the member has a mute running at `now` in this server, whatever its case.
    pub member_muted: bool,
}

/// The same conditions as the reads they stand for (`prior_cases`, `evidence_of_case`,
/// `protective_actions_of_case`, `audit_of_case`, `questions_of_case`,
/// `running_mutes_of_member`), each on an index of its own.
const OUTLINE: &str = "SELECT
    (SELECT COUNT(*) FROM cases
     WHERE guild_id = $1 AND reported_user_id = $2 AND id < $3) AS prior_cases,
    EXISTS (SELECT 1 FROM evidence WHERE case_id = $3) AS has_evidence,
    EXISTS (SELECT 1 FROM protective_actions WHERE case_id = $3) AS has_actions,
    EXISTS (SELECT 1 FROM audit_log WHERE case_id = $3) AS has_audit,
    EXISTS (SELECT 1 FROM case_questions WHERE case_id = $3) AS has_questions,
    EXISTS (SELECT 1 FROM protective_actions p JOIN cases c ON c.id = p.case_id
            WHERE c.guild_id = $1 AND p.target_user_id = $2 AND p.kind = 'mute'
              AND p.status = 'applied' AND (p.expires_at IS NULL OR p.expires_at > $4))
        AS member_muted";

impl Reads {
    /// The case's outline at `now` (see [`CaseOutline`]).
    pub async fn case_outline(
        &mut self,
        case: &CaseRecord,
        now: DateTime<Utc>,
    ) -> Result<CaseOutline, StoreError> {
        on_reads!(self, conn => {
            Ok(sqlx::query_as::<_, CaseOutline>(OUTLINE)
                .bind(case.guild_id)
                .bind(case.reported_user_id)
                .bind(case.id)
                .bind(stored(now))
                .fetch_one(conn)
                .await?)
        })
    }
}
