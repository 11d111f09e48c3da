//! Every component and modal id the bot issues, formatted and parsed in one place.
//!
//! Ids are `sb:` then a family and its fields, `:`-separated. What arrives back is text a
//! member can forge: [`CustomId::parse`] accepts only what [`CustomId::format`] writes, and
//! says which family a malformed or stale id claims, so that it gets that family's answer.

use rand::distr::{Alphanumeric, SampleString};

use crate::domain::code::coded;
use crate::domain::reason::Reason;

const REPORT_REASON: &str = "sb:report-reason:";
const REPORT_DETAILS: &str = "sb:report-details:";
const VICTIM: &str = "sb:p:";
const QUEUE: &str = "sb:q:";
const QUESTION: &str = "sb:ask:";

/// The name of the text input in the details modal.
pub const DETAILS_INPUT: &str = "details";
/// The names of the text inputs in the question's and the answer's modals.
pub const QUESTION_INPUT: &str = "question";
pub const ANSWER_INPUT: &str = "answer";

coded!(
    /// A victim's button on their report's answer.
    VictimAction, "victim action" {
        Mute => "mute",
        Shield => "shield",
        EvidenceFile => "evidence",
    }
);

coded!(
    /// What a moderator clicked or chose on a queue post or one of its prompts.
    QueueVerb, "queue verb" {
        Claim => "claim",
        AskMute => "mute",
        AskBan => "ban",
        AskDismiss => "dismiss",
        AskResolve => "resolve",
        Unmute => "unmute",
        Unban => "unban",
        MuteFor => "mute-for",
        BanWith => "ban-with",
        DismissAs => "dismiss-as",
        ResolveAs => "resolve-as",
        Ask => "ask",
    }
);

coded!(
    /// A step of a question to the reporter. `Send`: the moderator's modal (its id is the
    /// case's). `Answer`, `Decline`, `Stop`: the reporter's buttons in the DM, and `Reply`
    /// the reporter's modal (their id is the question's).
    QuestionStep, "question step" {
        Send => "send",
        Answer => "answer",
        Decline => "decline",
        Stop => "stop",
        Reply => "reply",
    }
);

impl QuestionStep {
    /// Submitted from a modal rather than clicked.
    pub fn is_modal(self) -> bool {
        matches!(self, QuestionStep::Send | QuestionStep::Reply)
    }
}

impl QueueVerb {
    /// A choice in a prompt (a select) rather than a button of the post.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            QueueVerb::MuteFor | QueueVerb::BanWith | QueueVerb::DismissAs | QueueVerb::ResolveAs
        )
    }
}

/// The key of a context-menu report waiting for its reason and details: 20 ASCII letters
/// and digits, drawn at random.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingToken(String);

impl PendingToken {
    const LENGTH: usize = 20;

    pub fn generate() -> PendingToken {
        PendingToken(Alphanumeric.sample_string(&mut rand::rng(), Self::LENGTH))
    }

    pub fn parse(text: &str) -> Option<PendingToken> {
        let valid = text.len() == Self::LENGTH && text.bytes().all(|b| b.is_ascii_alphanumeric());
        valid.then(|| PendingToken(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An id the bot issued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CustomId {
    /// The reason select of a context-menu report; `locale` is the reporter's.
    ReportReason {
        token: PendingToken,
        locale: String,
    },
    /// The details modal of a context-menu report.
    ReportDetails {
        reason: Reason,
        token: PendingToken,
        locale: String,
    },
    Victim {
        action: VictimAction,
        case_id: i64,
    },
    Queue {
        verb: QueueVerb,
        case_id: i64,
    },
    /// A question to the reporter; `id` is the case's or the question's (see
    /// [`QuestionStep`]).
    Question {
        step: QuestionStep,
        id: i64,
    },
}

/// An id that does not parse, by the family its prefix claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// A report step; the locale it carried, if any, for the answer.
    Report {
        locale: String,
    },
    Victim,
    Queue,
    Question,
    /// Not an id of this bot.
    Unknown,
}

impl CustomId {
    pub fn format(&self) -> String {
        match self {
            CustomId::ReportReason { token, locale } => {
                format!("{REPORT_REASON}{}:{locale}", token.as_str())
            }
            CustomId::ReportDetails {
                reason,
                token,
                locale,
            } => format!("{REPORT_DETAILS}{reason}:{}:{locale}", token.as_str()),
            CustomId::Victim { action, case_id } => format!("{VICTIM}{action}:{case_id}"),
            CustomId::Queue { verb, case_id } => format!("{QUEUE}{verb}:{case_id}"),
            CustomId::Question { step, id } => format!("{QUESTION}{step}:{id}"),
        }
    }

    pub fn parse(id: &str) -> Result<CustomId, Stale> {
        if let Some(rest) = id.strip_prefix(REPORT_REASON) {
            let (token, locale) = rest.split_once(':').unwrap_or((rest, ""));
            let token = PendingToken::parse(token).ok_or_else(|| stale_report(locale))?;
            let locale = locale.to_owned();
            return Ok(CustomId::ReportReason { token, locale });
        }
        if let Some(rest) = id.strip_prefix(REPORT_DETAILS) {
            let (reason, rest) = rest.split_once(':').unwrap_or(("", rest));
            // Every version wrote the locale field: without it, the id is not one of ours.
            let Some((token, locale)) = rest.split_once(':') else {
                return Err(stale_report(""));
            };
            let (Ok(reason), Some(token)) = (reason.parse(), PendingToken::parse(token)) else {
                return Err(stale_report(locale));
            };
            let locale = locale.to_owned();
            return Ok(CustomId::ReportDetails {
                reason,
                token,
                locale,
            });
        }
        if let Some(rest) = id.strip_prefix(VICTIM) {
            let (action, case_id) = verb_and_case(rest).ok_or(Stale::Victim)?;
            return Ok(CustomId::Victim { action, case_id });
        }
        if let Some(rest) = id.strip_prefix(QUEUE) {
            let (verb, case_id) = verb_and_case(rest).ok_or(Stale::Queue)?;
            return Ok(CustomId::Queue { verb, case_id });
        }
        if let Some(rest) = id.strip_prefix(QUESTION) {
            let (step, id) = verb_and_case(rest).ok_or(Stale::Question)?;
            return Ok(CustomId::Question { step, id });
        }
        Err(Stale::Unknown)
    }
}

fn stale_report(locale: &str) -> Stale {
    Stale::Report {
        locale: locale.to_owned(),
    }
}

/// `<code>:<case id>`, the case id in plain decimal digits, without leading zeros (as
/// `format` writes it).
fn verb_and_case<V: std::str::FromStr>(rest: &str) -> Option<(V, i64)> {
    let (code, case_id) = rest.split_once(':')?;
    let digits = !case_id.is_empty()
        && case_id.bytes().all(|b| b.is_ascii_digit())
        && (case_id == "0" || !case_id.starts_with('0'));
    Some((code.parse().ok()?, digits.then(|| case_id.parse().ok())??))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_kind() -> Vec<CustomId> {
        let token = PendingToken::generate();
        let mut ids = vec![CustomId::ReportReason {
            token: token.clone(),
            locale: "en-US".to_owned(),
        }];
        ids.extend(Reason::ALL.iter().map(|&reason| CustomId::ReportDetails {
            reason,
            token: token.clone(),
            locale: "fr".to_owned(),
        }));
        ids.extend(VictimAction::ALL.iter().map(|&action| CustomId::Victim {
            action,
            case_id: 42,
        }));
        ids.extend(QueueVerb::ALL.iter().map(|&verb| CustomId::Queue {
            verb,
            case_id: i64::MAX,
        }));
        ids.extend(
            QuestionStep::ALL
                .iter()
                .map(|&step| CustomId::Question { step, id: i64::MAX }),
        );
        ids
    }

    #[test]
    fn every_id_round_trips_and_fits_discords_limit() {
        for id in every_kind() {
            let text = id.format();
            assert!(text.len() <= 100, "{text}");
            assert_eq!(CustomId::parse(&text), Ok(id), "{text}");
        }
    }

    #[test]
    fn the_ids_issued_by_earlier_versions_still_parse() {
        assert_eq!(
            CustomId::parse("sb:q:mute-for:7"),
            Ok(CustomId::Queue {
                verb: QueueVerb::MuteFor,
                case_id: 7
            })
        );
        assert_eq!(
            CustomId::parse("sb:p:shield:3"),
            Ok(CustomId::Victim {
                action: VictimAction::Shield,
                case_id: 3
            })
        );
        let parsed = CustomId::parse("sb:report-details:threats:abcdefghij0123456789:fr");
        assert!(matches!(
            parsed,
            Ok(CustomId::ReportDetails {
                reason: Reason::Threats,
                ..
            })
        ));
    }

    #[test]
    fn hostile_ids_are_refused_with_the_family_they_claim() {
        let long = "x".repeat(120);
        let cases = [
            ("sb:q:claim:", Stale::Queue),
            ("sb:q:claim:-1", Stale::Queue),
            ("sb:q:claim:+1", Stale::Queue),
            ("sb:q:claim:99999999999999999999", Stale::Queue),
            ("sb:q:claim:007", Stale::Queue),
            ("sb:q:obliterate:1", Stale::Queue),
            ("sb:q:", Stale::Queue),
            ("sb:ask:answer:", Stale::Question),
            ("sb:ask:answer:01", Stale::Question),
            ("sb:ask:obey:1", Stale::Question),
            ("sb:ask:reply:1:2", Stale::Question),
            ("sb:p:ban:1", Stale::Victim),
            ("sb:p:mute:1e3", Stale::Victim),
            ("sb:report-reason:short:fr", stale_report("fr")),
            (
                "sb:report-reason:abcdefghij012345678é:fr",
                stale_report("fr"),
            ),
            (
                "sb:report-details:nope:abcdefghij0123456789:fr",
                stale_report("fr"),
            ),
            ("sb:report-details:threats", stale_report("")),
            (
                "sb:report-details:threats:abcdefghij0123456789",
                stale_report(""),
            ),
            ("", Stale::Unknown),
            ("sb:", Stale::Unknown),
            (long.as_str(), Stale::Unknown),
            ("SB:Q:CLAIM:1", Stale::Unknown),
        ];
        for (text, expected) in cases {
            assert_eq!(CustomId::parse(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn tokens_are_twenty_ascii_alphanumerics() {
        let token = PendingToken::generate();
        assert_eq!(PendingToken::parse(token.as_str()), Some(token));
        assert_eq!(PendingToken::parse("abc"), None);
        assert_eq!(PendingToken::parse("abcdefghij012345678-"), None);
    }
}
