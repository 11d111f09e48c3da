//! Audit details in words: what the bot writes into the audit log as codes (why a step
//! failed or was refused, how long a mute lasts, how a case was closed), put in the words
//! of the queue post's language.

use crate::discord::rest::DiscordRefusal;
use crate::domain::protection::{ActionStatus, BanCleanup, Exemption};
use crate::domain::queue::{self as rules, StepDetail};
use crate::i18n::{Texts, tr};

/// An audit detail in the words of the post's language.
pub(super) enum DetailWords {
    Failed(String),
    Refused(String),
    Note(String),
}

/// The texts and the locale a detail is put in words with.
pub(super) type Lang<'a> = (&'a Texts, &'a str);

/// Reads every detail the bot writes into the audit log; `None` for one that adds nothing
/// worth showing (`done`, a shield deletion's place).
pub(super) fn audit_detail(lang: Lang<'_>, detail: &str) -> Option<DetailWords> {
    if let Some(outcome) = rules::outcome_fluent_id(detail) {
        return Some(DetailWords::Note(lang.0.text(lang.1, &outcome)));
    }
    if detail == "already_lifted" {
        return Some(DetailWords::Note(
            lang.0.text(lang.1, "queue-detail-already_lifted"),
        ));
    }
    let step = StepDetail::parse(detail)?;
    match step.status {
        ActionStatus::Failed => Some(DetailWords::Failed(why_words(lang, &step.code))),
        ActionStatus::Refused => Some(DetailWords::Refused(why_words(lang, &step.code))),
        ActionStatus::Applied => applied_words(lang, &step).map(DetailWords::Note),
        ActionStatus::Reverted => None,
    }
}

/// Why Discord or the bot's rules stopped a step: an exemption or a refusal code.
pub(super) fn why_words(lang: Lang<'_>, code: &str) -> String {
    let known = code.parse::<Exemption>().is_ok()
        || DiscordRefusal::ALL
            .iter()
            .any(|refusal| refusal.code() == code);
    let id = if known {
        format!("queue-detail-{code}")
    } else {
        "queue-detail-discord_failed".to_owned()
    };
    lang.0.text(lang.1, &id)
}

/// What an applied step did: a mute's duration, a ban's cleanup of recent messages.
fn applied_words(lang: Lang<'_>, step: &StepDetail) -> Option<String> {
    if let Some((_, cleanup)) = step.fields.iter().find(|(name, _)| name == "cleanup") {
        let cleanup = cleanup.parse::<BanCleanup>().ok()?;
        return Some(lang.0.text(
            lang.1,
            &format!("queue-detail-cleanup-{}", cleanup.as_str()),
        ));
    }
    let duration = humantime::parse_duration(&step.code).ok()?;
    Some(tr!(
        lang.0,
        lang.1,
        "queue-detail-for",
        duration = lang.0.duration(lang.1, duration)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::protection::MuteDuration;
    use crate::domain::queue::{Dismissal, Outcome};

    /// Every detail the bot writes in the audit log: steps that failed or were refused with
    /// each code, mutes applied for each duration (a moderator's or a configured one), bans
    /// with each cleanup, the closing outcomes, and undo results.
    fn written_details() -> Vec<String> {
        let mut details = Vec::new();
        let codes = Exemption::ALL
            .iter()
            .map(|exemption| exemption.as_str())
            .chain(DiscordRefusal::ALL.iter().map(|refusal| refusal.code()));
        for code in codes {
            for status in [ActionStatus::Failed, ActionStatus::Refused] {
                details.push(StepDetail::new(status, code).to_string());
                for cleanup in BanCleanup::ALL {
                    let step = StepDetail::new(status, code).with("cleanup", cleanup.as_str());
                    details.push(step.to_string());
                }
            }
        }
        for duration in MuteDuration::ALL {
            details.push(StepDetail::new(ActionStatus::Applied, duration.as_str()).to_string());
        }
        details.push(StepDetail::new(ActionStatus::Applied, "1h 30m").to_string());
        for cleanup in BanCleanup::ALL {
            let step =
                StepDetail::new(ActionStatus::Applied, "ban").with("cleanup", cleanup.as_str());
            details.push(step.to_string());
        }
        details.extend(
            Outcome::ALL
                .iter()
                .map(|o| format!("resolved:{}", o.as_str())),
        );
        details.extend(
            Dismissal::ALL
                .iter()
                .map(|d| format!("dismissed:{}", d.as_str())),
        );
        details.push("already_lifted".to_owned());
        details
    }

    #[test]
    fn every_audit_detail_code_renders_in_every_shipped_language() {
        let texts = Texts::embedded().unwrap();
        for locale in texts.shipped() {
            for detail in written_details() {
                let Some(
                    DetailWords::Failed(words)
                    | DetailWords::Refused(words)
                    | DetailWords::Note(words),
                ) = audit_detail((&texts, &locale), &detail)
                else {
                    panic!("{locale}: `{detail}` shows nothing");
                };
                assert!(!words.trim().is_empty(), "{locale}: `{detail}`");
                assert!(
                    !words.contains("queue-") && !words.contains('{'),
                    "{locale}: `{detail}` shows an id: {words}"
                );
            }
            // Nothing worth showing: an undo that just worked, a shield deletion's place.
            assert!(audit_detail((&texts, &locale), "done").is_none());
            assert!(audit_detail((&texts, &locale), "123/456").is_none());
        }
        let english = |detail: &str| match audit_detail((&texts, "en-US"), detail) {
            Some(DetailWords::Note(words)) => words,
            _ => panic!("{detail}: a note"),
        };
        assert_eq!(english("applied:10m"), "for 10 minutes");
        assert_eq!(english("resolved:action_taken"), "Resolved: action taken");
        assert_eq!(english("dismissed:unfounded"), "Dismissed: unfounded");
    }
}
