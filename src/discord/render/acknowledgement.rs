//! What a reporter is told once their report is filed, or why it was refused.

use serde::{Deserialize, Serialize};

use crate::domain::case::HelpCardDelivery;
use crate::domain::protection::Offer;
use crate::domain::report::{MAX_DETAILS_CHARS, Refusal};
use crate::i18n::{Texts, tr};

/// What the acknowledgement says besides the help card, as codes: it is written to the
/// help card's delivery, so the answer can be rendered again with the card's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportAnswer {
    pub case_id: i64,
    pub reference: String,
    /// The report joined an open case.
    pub merged: bool,
    /// What to tell the reporter about their linked message: a Fluent id.
    pub link_note: Option<String>,
    /// The server seals reporters from moderators.
    pub sealed: bool,
    /// Paragraphs about protective actions: Fluent ids.
    pub protection_notes: Vec<String>,
    /// The victim's protective buttons offered.
    pub offer: Offer,
    pub witness: bool,
    /// The messages the report carried as evidence: with one, the victim may ask for
    /// the evidence file.
    #[serde(default)]
    pub evidence_items: u32,
}

pub fn acknowledgement(
    texts: &Texts,
    locale: &str,
    answer: &ReportAnswer,
    delivery: HelpCardDelivery,
) -> String {
    let mut lines = vec![tr!(
        texts,
        locale,
        "report-received",
        reference = answer.reference.as_str()
    )];
    if answer.merged {
        lines.push(texts.text(locale, "report-merged"));
    }
    if let Some(note) = &answer.link_note {
        lines.push(texts.text(locale, note));
    }
    let sealed = if answer.sealed { "yes" } else { "no" };
    lines.push(tr!(texts, locale, "report-next-steps", sealed = sealed));
    lines.extend(
        answer
            .protection_notes
            .iter()
            .map(|note| texts.text(locale, note)),
    );
    let help = match (delivery, answer.witness) {
        (HelpCardDelivery::Pending, false) => "report-help-card-sending",
        (HelpCardDelivery::Pending, true) => "report-help-card-sending-victim",
        (HelpCardDelivery::DmSent, false) => "report-help-card-sent",
        (HelpCardDelivery::DmSent, true) => "report-help-card-sent-victim",
        (HelpCardDelivery::DmFailed, false) => "report-help-card-here",
        (HelpCardDelivery::DmFailed, true) => "report-help-card-here-victim",
    };
    lines.push(texts.text(locale, help));
    lines.push(texts.text(locale, "report-danger"));
    lines.join("\n\n")
}

/// Why a report cannot be filed.
pub fn refusal(texts: &Texts, locale: &str, refusal: Refusal) -> String {
    tr!(texts, locale, refusal.fluent_id(), max = MAX_DETAILS_CHARS)
}
