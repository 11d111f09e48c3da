//! Checking a report before anything is stored (SPEC §2).
//!
//! The adapter gathers the facts Discord gives (who is a bot, who is a member); this module
//! decides, so every entry point refuses the same reports with the same reasons.

use std::sync::LazyLock;

use regex::Regex;

use super::reason::Reason;

/// Longest free-text details a report keeps.
pub const MAX_DETAILS_CHARS: usize = 1000;

/// Who a report names, as Discord knows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub is_bot: bool,
    /// Still a member of the server the report is made in.
    pub is_member: bool,
}

/// A report as entered, before checks.
#[derive(Clone, Debug)]
pub struct ReportDraft {
    pub guild_id: i64,
    pub reporter_id: i64,
    pub bot_id: i64,
    pub reported: Person,
    /// The harassed member when the reporter is a witness.
    pub victim: Option<Person>,
    pub reason: Reason,
    pub details: Option<String>,
    pub message_link: Option<String>,
}

/// A report that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedReport {
    pub guild_id: i64,
    pub reporter_id: i64,
    pub reported_id: i64,
    pub victim_id: i64,
    pub is_witness: bool,
    pub reason: Reason,
    pub details: Option<String>,
    pub linked_message: Option<MessageLink>,
}

/// Why a report is refused; each has its own message for the reporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("a member cannot report themselves")]
    SelfReport,
    #[error("the bot itself cannot be reported")]
    ReportingTheBot,
    #[error("bot accounts cannot be reported")]
    ReportedIsBot,
    #[error("the reported person is not a member of this server")]
    ReportedNotMember,
    #[error("the victim and the reported member are the same person")]
    VictimIsReported,
    #[error("a bot cannot be the victim")]
    VictimIsBot,
    #[error("the victim is not a member of this server")]
    VictimNotMember,
    #[error("details are longer than {MAX_DETAILS_CHARS} characters")]
    DetailsTooLong,
    #[error("the message link is not a Discord message link")]
    LinkMalformed,
    #[error("the message link points to another server")]
    LinkOtherServer,
}

impl Refusal {
    /// The Fluent message id shown to the reporter.
    pub fn fluent_id(self) -> &'static str {
        match self {
            Refusal::SelfReport => "report-refused-self",
            Refusal::ReportingTheBot => "report-refused-the-bot",
            Refusal::ReportedIsBot => "report-refused-bot-account",
            Refusal::ReportedNotMember => "report-refused-not-member",
            Refusal::VictimIsReported => "report-refused-victim-is-reported",
            Refusal::VictimIsBot => "report-refused-victim-bot",
            Refusal::VictimNotMember => "report-refused-victim-not-member",
            Refusal::DetailsTooLong => "report-refused-details-too-long",
            Refusal::LinkMalformed => "report-refused-link-malformed",
            Refusal::LinkOtherServer => "report-refused-link-other-server",
        }
    }
}

/// A link to a message: `https://discord.com/channels/<guild>/<channel>/<message>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageLink {
    pub guild_id: i64,
    pub channel_id: i64,
    pub message_id: i64,
}

static MESSAGE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^<?https://(?:(?:www|ptb|canary)\.)?discord(?:app)?\.com/channels/(\d{1,20})/(\d{1,20})/(\d{1,20})/?>?$",
    )
    .expect("valid regex")
});

impl MessageLink {
    pub fn parse(text: &str) -> Result<MessageLink, Refusal> {
        let captures = MESSAGE_LINK
            .captures(text.trim())
            .ok_or(Refusal::LinkMalformed)?;
        let id = |index: usize| -> Result<i64, Refusal> {
            match captures[index].parse::<i64>() {
                Ok(id) if id > 0 => Ok(id),
                _ => Err(Refusal::LinkMalformed),
            }
        };
        Ok(MessageLink {
            guild_id: id(1)?,
            channel_id: id(2)?,
            message_id: id(3)?,
        })
    }
}

impl ReportDraft {
    /// Applies every rule of SPEC §2, in the order a reporter would want to hear about them.
    pub fn check(self) -> Result<CheckedReport, Refusal> {
        let reported = self.reported;
        if reported.id == self.reporter_id {
            return Err(Refusal::SelfReport);
        }
        if reported.id == self.bot_id {
            return Err(Refusal::ReportingTheBot);
        }
        if reported.is_bot {
            return Err(Refusal::ReportedIsBot);
        }
        if !reported.is_member {
            return Err(Refusal::ReportedNotMember);
        }
        let victim = match self.victim {
            Some(victim) if victim.id != self.reporter_id => {
                if victim.id == reported.id {
                    return Err(Refusal::VictimIsReported);
                }
                if victim.is_bot {
                    return Err(Refusal::VictimIsBot);
                }
                if !victim.is_member {
                    return Err(Refusal::VictimNotMember);
                }
                Some(victim.id)
            }
            _ => None,
        };
        let details = match self.details.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) if text.chars().count() > MAX_DETAILS_CHARS => {
                return Err(Refusal::DetailsTooLong);
            }
            Some(text) => Some(text.to_owned()),
        };
        let linked_message = match self.message_link.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let link = MessageLink::parse(text)?;
                if link.guild_id != self.guild_id {
                    return Err(Refusal::LinkOtherServer);
                }
                Some(link)
            }
        };
        Ok(CheckedReport {
            guild_id: self.guild_id,
            reporter_id: self.reporter_id,
            reported_id: reported.id,
            victim_id: victim.unwrap_or(self.reporter_id),
            is_witness: victim.is_some(),
            reason: self.reason,
            details,
            linked_message,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUILD: i64 = 100;
    const REPORTER: i64 = 1;
    const BOT: i64 = 9;

    fn member(id: i64) -> Person {
        Person {
            id,
            is_bot: false,
            is_member: true,
        }
    }

    fn draft(reported: Person) -> ReportDraft {
        ReportDraft {
            guild_id: GUILD,
            reporter_id: REPORTER,
            bot_id: BOT,
            reported,
            victim: None,
            reason: Reason::Harassment,
            details: None,
            message_link: None,
        }
    }

    #[test]
    fn a_plain_report_protects_the_reporter() {
        let checked = draft(member(2)).check().unwrap();
        assert_eq!(checked.victim_id, REPORTER);
        assert!(!checked.is_witness);
    }

    #[test]
    fn a_witness_report_protects_the_named_victim() {
        let mut witness = draft(member(2));
        witness.victim = Some(member(3));
        let checked = witness.check().unwrap();
        assert_eq!(checked.victim_id, 3);
        assert!(checked.is_witness);
    }

    #[test]
    fn naming_oneself_as_victim_is_a_plain_report() {
        let mut report = draft(member(2));
        report.victim = Some(member(REPORTER));
        assert!(!report.check().unwrap().is_witness);
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let bot_account = Person {
            is_bot: true,
            ..member(5)
        };
        let departed = Person {
            is_member: false,
            ..member(6)
        };
        assert_eq!(draft(member(REPORTER)).check(), Err(Refusal::SelfReport));
        assert_eq!(draft(member(BOT)).check(), Err(Refusal::ReportingTheBot));
        assert_eq!(draft(bot_account).check(), Err(Refusal::ReportedIsBot));
        assert_eq!(draft(departed).check(), Err(Refusal::ReportedNotMember));

        let mut victim_is_reported = draft(member(2));
        victim_is_reported.victim = Some(member(2));
        assert_eq!(victim_is_reported.check(), Err(Refusal::VictimIsReported));

        let mut victim_bot = draft(member(2));
        victim_bot.victim = Some(bot_account);
        assert_eq!(victim_bot.check(), Err(Refusal::VictimIsBot));

        let mut victim_gone = draft(member(2));
        victim_gone.victim = Some(departed);
        assert_eq!(victim_gone.check(), Err(Refusal::VictimNotMember));
    }

    #[test]
    fn details_are_limited_in_characters_not_bytes() {
        let mut at_limit = draft(member(2));
        at_limit.details = Some("é".repeat(MAX_DETAILS_CHARS));
        assert!(at_limit.check().is_ok());

        let mut over = draft(member(2));
        over.details = Some("é".repeat(MAX_DETAILS_CHARS + 1));
        assert_eq!(over.check(), Err(Refusal::DetailsTooLong));

        let mut blank = draft(member(2));
        blank.details = Some("   ".into());
        assert_eq!(blank.check().unwrap().details, None);
    }

    #[test]
    fn message_links_must_point_into_this_server() {
        let mut good = draft(member(2));
        good.message_link = Some(format!("https://discord.com/channels/{GUILD}/20/30"));
        assert_eq!(
            good.check().unwrap().linked_message,
            Some(MessageLink {
                guild_id: GUILD,
                channel_id: 20,
                message_id: 30
            })
        );

        let mut elsewhere = draft(member(2));
        elsewhere.message_link = Some("https://ptb.discord.com/channels/555/20/30".into());
        assert_eq!(elsewhere.check(), Err(Refusal::LinkOtherServer));

        for bad in [
            "not a link",
            "https://evil.example/channels/100/20/30",
            "https://discord.com/channels/100/20",
            "https://discord.com/channels/@me/20/30",
            "https://discord.com/channels/100/20/99999999999999999999",
            "https://discord.com/channels/100/0/30",
        ] {
            let mut report = draft(member(2));
            report.message_link = Some(bad.into());
            assert_eq!(report.check(), Err(Refusal::LinkMalformed), "{bad}");
        }
    }
}
