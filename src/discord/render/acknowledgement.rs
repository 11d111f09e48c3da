//! What a reporter is told once their report is filed, or why it was refused.

use crate::domain::case::HelpCardDelivery;
use crate::domain::report::{MAX_DETAILS_CHARS, Refusal};
use crate::i18n::{Texts, tr};

/// What the acknowledgement says, already decided.
pub struct ReportAnswer<'a> {
    pub reference: &'a str,
    /// The report joined an open case.
    pub merged: bool,
    /// What to tell the reporter about their linked message: a Fluent id.
    pub link_note: Option<&'static str>,
    /// The server seals reporters from moderators.
    pub sealed: bool,
    /// Paragraphs about protective actions, already in the reporter's language.
    pub protection_lines: Vec<String>,
    pub delivery: HelpCardDelivery,
    pub witness: bool,
}

pub fn acknowledgement(texts: &Texts, locale: &str, answer: ReportAnswer<'_>) -> String {
    let mut lines = vec![tr!(
        texts,
        locale,
        "report-received",
        reference = answer.reference
    )];
    if answer.merged {
        lines.push(texts.text(locale, "report-merged"));
    }
    if let Some(note) = answer.link_note {
        lines.push(texts.text(locale, note));
    }
    let sealed = if answer.sealed { "yes" } else { "no" };
    lines.push(tr!(texts, locale, "report-next-steps", sealed = sealed));
    lines.extend(answer.protection_lines);
    let help = match (answer.delivery, answer.witness) {
        (HelpCardDelivery::DmSent, false) => "report-help-card-sent",
        (HelpCardDelivery::DmSent, true) => "report-help-card-sent-victim",
        (_, false) => "report-help-card-here",
        (_, true) => "report-help-card-here-victim",
    };
    lines.push(texts.text(locale, help));
    lines.push(texts.text(locale, "report-danger"));
    lines.join("\n\n")
}

/// Why a report cannot be filed.
pub fn refusal(texts: &Texts, locale: &str, refusal: Refusal) -> String {
    tr!(texts, locale, refusal.fluent_id(), max = MAX_DETAILS_CHARS)
}
