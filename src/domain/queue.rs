//! The moderator queue's rules (SPEC §5): how a case moves open → claimed → resolved or
//! dismissed, and the codes of what moderators do, as the audit log records them.

use std::str::FromStr;

use super::case::CaseStatus;
use super::code::coded;
use super::protection::ActionStatus;

coded!(
    /// How a moderator closed a case as handled.
    Outcome, "outcome" {
        ActionTaken => "action_taken",
        Warned => "warned",
        NoViolation => "no_violation",
        Other => "other",
    }
);

coded!(
    /// Why a moderator dismissed a case.
    Dismissal, "dismissal" {
        Unfounded => "unfounded",
        AbusiveReport => "abusive_report",
    }
);

coded!(
    /// Every action the audit log records (SPEC §5).
    AuditAction, "audit action" {
        Claim => "claim",
        Resolve => "resolve",
        Dismiss => "dismiss",
        Mute => "mute",
        Unmute => "unmute",
        Ban => "ban",
        Unban => "unban",
        Reveal => "reveal",
        EvidenceView => "evidence_view",
        EvidenceFile => "evidence_file",
        ShieldDeletion => "shield_deletion",
        SettingSet => "config_set",
        SettingReset => "config_reset",
        QuestionAsked => "question_asked",
        QuestionAnswered => "question_answered",
        QuestionDeclined => "question_declined",
        QuestionsStopped => "questions_stopped",
        QuestionUnreachable => "question_unreachable",
    }
);

/// How a step Discord was asked to carry out ended, as its audit entry's detail records it:
/// `<status>:<code>`, then any further fields (`:cleanup=1h`). Written and read only
/// through this type; details of other shapes (an outcome, `done`) are not steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepDetail {
    pub status: ActionStatus,
    /// What was applied (a duration, a cleanup) or why not (a `queue-detail-*` code).
    pub code: String,
    pub fields: Vec<(String, String)>,
}

impl StepDetail {
    pub fn new(status: ActionStatus, code: &str) -> StepDetail {
        StepDetail {
            status,
            code: code.to_owned(),
            fields: Vec::new(),
        }
    }

    #[must_use]
    pub fn with(mut self, name: &str, value: &str) -> StepDetail {
        self.fields.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn parse(detail: &str) -> Option<StepDetail> {
        let mut parts = detail.split(':');
        let status = parts.next()?.parse().ok()?;
        let code = parts.next()?.to_owned();
        let fields = parts
            .map(|field| {
                field
                    .split_once('=')
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
            })
            .collect::<Option<_>>()?;
        Some(StepDetail {
            status,
            code,
            fields,
        })
    }

    /// Whether a stored detail records a step that failed on Discord.
    pub fn failed(detail: Option<&str>) -> bool {
        detail
            .and_then(StepDetail::parse)
            .is_some_and(|step| step.status == ActionStatus::Failed)
    }
}

impl std::fmt::Display for StepDetail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.status, self.code)?;
        self.fields
            .iter()
            .try_for_each(|(name, value)| write!(f, ":{name}={value}"))
    }
}

/// A change of a case's status asked by a moderator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Claim,
    Resolve(Outcome),
    Dismiss(Dismissal),
}

impl Transition {
    pub fn audit_action(self) -> AuditAction {
        match self {
            Transition::Claim => AuditAction::Claim,
            Transition::Resolve(_) => AuditAction::Resolve,
            Transition::Dismiss(_) => AuditAction::Dismiss,
        }
    }
}

/// What a transition writes on the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseChange {
    pub status: CaseStatus,
    pub claimed_by: Option<i64>,
    /// The stored outcome code (`resolved:<outcome>` or `dismissed:<reason>`).
    pub outcome: Option<String>,
    /// The case closes: protections tied to it end and the reporters may be told.
    pub closes: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("the case is already {0}")]
    AlreadyClosed(CaseStatus),
    #[error("the case is claimed by {0}")]
    ClaimedByAnother(i64),
}

/// The change `transition` by `moderator` makes to a case in `status`, `Ok(None)` when it
/// is already done (claiming one's own case again), or why it cannot happen.
pub fn next(
    status: CaseStatus,
    claimed_by: Option<i64>,
    transition: Transition,
    moderator: i64,
) -> Result<Option<CaseChange>, TransitionError> {
    if !status.is_active() {
        return Err(TransitionError::AlreadyClosed(status));
    }
    Ok(Some(match transition {
        Transition::Claim => match claimed_by {
            Some(owner) if owner == moderator => return Ok(None),
            Some(owner) => return Err(TransitionError::ClaimedByAnother(owner)),
            None => CaseChange {
                status: CaseStatus::Claimed,
                claimed_by: Some(moderator),
                outcome: None,
                closes: false,
            },
        },
        // Closing keeps who claimed the case, or records who closed an unclaimed one.
        Transition::Resolve(outcome) => CaseChange {
            status: CaseStatus::Resolved,
            claimed_by: claimed_by.or(Some(moderator)),
            outcome: Some(format!("resolved:{}", outcome.as_str())),
            closes: true,
        },
        Transition::Dismiss(dismissal) => CaseChange {
            status: CaseStatus::Dismissed,
            claimed_by: claimed_by.or(Some(moderator)),
            outcome: Some(format!("dismissed:{}", dismissal.as_str())),
            closes: true,
        },
    }))
}

/// Reads a stored outcome back: the Fluent id of its label.
pub fn outcome_fluent_id(stored: &str) -> Option<String> {
    let (kind, code) = stored.split_once(':')?;
    match kind {
        "resolved" => Outcome::from_str(code)
            .ok()
            .map(|outcome| format!("queue-outcome-{}", outcome.as_str())),
        "dismissed" => Dismissal::from_str(code)
            .ok()
            .map(|dismissal| format!("queue-dismissal-{}", dismissal.as_str())),
        _ => None,
    }
}

/// One page of a list: which rows to read, and how many pages there are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// 1-based, clamped to the pages that exist.
    pub number: u32,
    pub count: u32,
    pub offset: i64,
    pub limit: i64,
}

/// The page `requested` of `total` rows, `per_page` at a time (an empty list has one page).
pub fn page(requested: u32, total: i64, per_page: u32) -> Page {
    let per_page = per_page.max(1);
    let per_page_rows = i64::from(per_page);
    let count = u32::try_from((total.max(0) + per_page_rows - 1) / per_page_rows)
        .unwrap_or(u32::MAX)
        .max(1);
    let number = requested.clamp(1, count);
    Page {
        number,
        count,
        offset: i64::from(number - 1) * i64::from(per_page),
        limit: i64::from(per_page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODERATOR: i64 = 7;
    const OTHER: i64 = 8;

    #[test]
    fn step_details_round_trip_and_other_details_are_not_steps() {
        let ban = StepDetail::new(ActionStatus::Applied, "1h").with("cleanup", "1h");
        assert_eq!(ban.to_string(), "applied:1h:cleanup=1h");
        assert_eq!(StepDetail::parse("applied:1h:cleanup=1h"), Some(ban));
        let failed = StepDetail::new(ActionStatus::Failed, "discord_failed");
        assert_eq!(failed.to_string(), "failed:discord_failed");
        assert!(StepDetail::failed(Some("failed:discord_failed")));
        assert!(!StepDetail::failed(Some("refused:exempt_moderator")));
        for other in [
            "done",
            "already_lifted",
            "resolved:action_taken",
            "",
            "failed",
        ] {
            assert!(!StepDetail::failed(Some(other)), "{other}");
        }
        assert_eq!(StepDetail::parse("resolved:action_taken"), None);
        assert_eq!(StepDetail::parse("applied:1h:cleanup"), None);
    }

    #[test]
    fn claiming_an_open_case_records_the_moderator() {
        let change = next(CaseStatus::Open, None, Transition::Claim, MODERATOR)
            .unwrap()
            .unwrap();
        assert_eq!(change.status, CaseStatus::Claimed);
        assert_eq!(change.claimed_by, Some(MODERATOR));
        assert!(!change.closes);
    }

    #[test]
    fn claiming_twice_is_a_no_op_and_another_claim_is_refused() {
        assert_eq!(
            next(
                CaseStatus::Claimed,
                Some(MODERATOR),
                Transition::Claim,
                MODERATOR
            ),
            Ok(None)
        );
        assert_eq!(
            next(
                CaseStatus::Claimed,
                Some(OTHER),
                Transition::Claim,
                MODERATOR
            ),
            Err(TransitionError::ClaimedByAnother(OTHER))
        );
    }

    #[test]
    fn resolving_and_dismissing_close_the_case_with_their_outcome() {
        let resolved = next(
            CaseStatus::Claimed,
            Some(OTHER),
            Transition::Resolve(Outcome::Warned),
            MODERATOR,
        )
        .unwrap()
        .unwrap();
        assert_eq!(resolved.status, CaseStatus::Resolved);
        assert_eq!(resolved.claimed_by, Some(OTHER));
        assert_eq!(resolved.outcome.as_deref(), Some("resolved:warned"));
        assert!(resolved.closes);

        let dismissed = next(
            CaseStatus::Open,
            None,
            Transition::Dismiss(Dismissal::AbusiveReport),
            MODERATOR,
        )
        .unwrap()
        .unwrap();
        assert_eq!(dismissed.status, CaseStatus::Dismissed);
        assert_eq!(dismissed.claimed_by, Some(MODERATOR));
        assert_eq!(
            outcome_fluent_id(dismissed.outcome.as_deref().unwrap()).as_deref(),
            Some("queue-dismissal-abusive_report")
        );
    }

    #[test]
    fn closed_cases_do_not_move() {
        for status in [CaseStatus::Resolved, CaseStatus::Dismissed] {
            for transition in [
                Transition::Claim,
                Transition::Resolve(Outcome::Other),
                Transition::Dismiss(Dismissal::Unfounded),
            ] {
                assert_eq!(
                    next(status, Some(OTHER), transition, MODERATOR),
                    Err(TransitionError::AlreadyClosed(status))
                );
            }
        }
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_refused() {
        for action in AuditAction::ALL {
            assert_eq!(action.as_str().parse::<AuditAction>(), Ok(*action));
        }
        assert!("resolved".parse::<Outcome>().is_err());
        assert_eq!(outcome_fluent_id("resolved:nonsense"), None);
        assert_eq!(outcome_fluent_id("garbage"), None);
    }

    #[test]
    fn pages_are_clamped_to_what_exists() {
        assert_eq!(
            page(1, 0, 10),
            Page {
                number: 1,
                count: 1,
                offset: 0,
                limit: 10
            }
        );
        let third = page(3, 25, 10);
        assert_eq!((third.number, third.count, third.offset), (3, 3, 20));
        let beyond = page(9, 25, 10);
        assert_eq!((beyond.number, beyond.offset), (3, 20));
        assert_eq!(page(0, 25, 10).number, 1);
    }
}
