//! A case as the moderators see it (SPEC §5): the queue post's embed and its buttons, also
//! shown by `/cases show`.

use std::collections::HashSet;
use std::hash::Hash;

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;

use super::audit_words::{DetailWords, audit_detail, why_words};
use super::embed_fit::{Field, fit};
use super::{clip, mention, timestamp};
use crate::discord::custom_id::{CustomId, QueueVerb};
use crate::discord::render::evidence_list::files_line;
use crate::domain::case::{CaseStatus, HelpCardDelivery};
use crate::domain::protection::{ActionStatus, ProtectionKind};
use crate::domain::question::QuestionStatus;
use crate::domain::queue::{self as rules, AuditAction};
use crate::domain::settings::{SettingKey, Settings};
use crate::i18n::{Texts, tr};
use crate::store::{
    AuditEntry, CaseRecord, EvidenceFile, EvidenceRecord, ProtectiveActionRecord, QuestionRecord,
    ReportRecord,
};

/// Audit entries shown on the embed (the newest).
const HISTORY_SHOWN: usize = 8;
/// Evidence snapshots shown on the embed (the newest; `/cases show` lists every one).
const EVIDENCE_SHOWN: usize = 3;

/// Everything the embed shows about a case.
pub struct CaseView {
    pub case: CaseRecord,
    pub reports: Vec<ReportRecord>,
    pub evidence: Vec<EvidenceRecord>,
    /// The snapshots' files, without their bytes.
    pub files: Vec<EvidenceFile>,
    pub actions: Vec<ProtectiveActionRecord>,
    pub audit: Vec<AuditEntry>,
    pub prior_cases: i64,
    /// The reported member's running mutes in this server, whatever their case: a timeout
    /// belongs to the member.
    pub member_mutes: Vec<ProtectiveActionRecord>,
    /// References of the other cases those mutes belong to.
    pub mute_cases: Vec<String>,
    /// The moderators' questions to the reporters, oldest first.
    pub questions: Vec<QuestionRecord>,
}

/// What the renderer needs around the view: the texts, the server and the moment.
pub struct Frame<'a> {
    pub texts: &'a Texts,
    pub settings: &'a Settings,
    pub locale: &'a str,
    pub now: DateTime<Utc>,
}

impl Frame<'_> {
    fn text(&self, id: &str) -> String {
        self.texts.text(self.locale, id)
    }
}

/// The case's embed and its buttons.
pub fn queue_post(
    frame: &Frame<'_>,
    view: &CaseView,
) -> (serenity::CreateEmbed, Vec<serenity::CreateActionRow>) {
    let case = &view.case;
    let title = tr!(
        frame.texts,
        frame.locale,
        "queue-title",
        reference = case.reference.as_str(),
        status = frame.text(&format!("case-status-{}", case.status.as_str()))
    );
    let mut fields = who_fields(frame, case);
    fields.push(reporters_field(frame, view));
    fields.extend(details_field(frame, view));
    fields.extend(questions_field(frame, view));
    fields.push(evidence_field(frame, view));
    fields.push(protection_field(frame, view));
    fields.extend(standing_fields(frame, view));
    fields.extend(history_field(frame, view));
    fit(&title, &mut fields);
    let embed = serenity::CreateEmbed::new()
        .title(title)
        .colour(colour(case.status))
        .timestamp(serenity::Timestamp::from(case.created_at))
        .fields(
            fields
                .into_iter()
                .map(|field| (field.name, field.value, field.inline)),
        );
    (embed, buttons(frame, view))
}

fn colour(status: CaseStatus) -> u32 {
    match status {
        CaseStatus::Open => 0xE67E22,
        CaseStatus::Claimed => 0x3498DB,
        CaseStatus::Resolved => 0x2ECC71,
        CaseStatus::Dismissed => 0x95A5A6,
    }
}

/// Reason, reported member and victim.
fn who_fields(frame: &Frame<'_>, case: &CaseRecord) -> Vec<Field> {
    let reported = format!(
        "{} (`{}`)",
        mention(case.reported_user_id),
        case.reported_user_id
    );
    vec![
        Field::new(
            frame.text("queue-field-reason"),
            frame.text(&case.reason.fluent_id()),
            true,
        ),
        Field::new(frame.text("queue-field-reported"), reported, true),
        Field::new(
            frame.text("queue-field-victim"),
            mention(case.victim_user_id),
            true,
        ),
    ]
}

/// How many distinct members reported, and who, unless the server seals reporters.
fn reporters_field(frame: &Frame<'_>, view: &CaseView) -> Field {
    let reporters = first_appearances(view.reports.iter().map(|r| r.reporter_user_id));
    let value = if frame.settings.flag(SettingKey::ReporterSealed) {
        frame.text("queue-reporter-sealed")
    } else {
        reporters
            .iter()
            .map(|reporter| reporter.map_or_else(|| frame.text("queue-reporter-erased"), mention))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let name = tr!(
        frame.texts,
        frame.locale,
        "queue-field-reporters",
        count = reporters.len()
    );
    Field::new(name, value, false)
}

/// Each item once, in the order it first appears: linear, as a raid's case can hold
/// thousands of reports.
fn first_appearances<T: Copy + Eq + Hash>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(*item))
        .collect()
}

/// The reporters' words, newest first: when the embed must shrink, the oldest words go.
fn details_field(frame: &Frame<'_>, view: &CaseView) -> Option<Field> {
    let details: Vec<String> = view
        .reports
        .iter()
        .rev()
        .filter_map(|report| report.details.as_deref())
        .map(|details| format!("> {}", details.replace('\n', "\n> ")))
        .collect();
    (!details.is_empty())
        .then(|| Field::shrinkable(frame.text("queue-field-details"), details.join("\n"), 0))
}

/// The questions to the reporters and their answers, newest first (the oldest go first when
/// the embed must shrink). The asking moderator is named; the reporter never is.
fn questions_field(frame: &Frame<'_>, view: &CaseView) -> Option<Field> {
    let quoted = |text: Option<&str>| {
        text.map_or_else(
            || frame.text("queue-question-purged"),
            |text| format!("> {}", text.replace('\n', "\n> ")),
        )
    };
    let lines: Vec<String> = view
        .questions
        .iter()
        .rev()
        .map(|question| {
            let asked = tr!(
                frame.texts,
                frame.locale,
                "queue-question-asked",
                who = mention(question.asked_by)
            );
            let settled = match question.status {
                QuestionStatus::Answered => format!(
                    "{}\n{}",
                    frame.text("queue-question-answer"),
                    quoted(
                        question
                            .answer
                            .as_deref()
                            .map(|text| clip(text.to_owned(), 600))
                            .as_deref()
                    )
                ),
                other => format!("*{}*", frame.text(&format!("queue-question-{other}"))),
            };
            let text = question
                .question
                .as_deref()
                .map(|text| clip(text.to_owned(), 300));
            format!("{asked}\n{}\n{settled}", quoted(text.as_deref()))
        })
        .collect();
    (!lines.is_empty())
        .then(|| Field::shrinkable(frame.text("queue-field-questions"), lines.join("\n"), 0))
}

fn evidence_field(frame: &Frame<'_>, view: &CaseView) -> Field {
    let case = &view.case;
    let value = if case.evidence_purged_at.is_some() {
        frame.text("queue-evidence-purged")
    } else if view.evidence.is_empty() {
        frame.text("queue-evidence-none")
    } else {
        view.evidence
            .iter()
            .rev()
            .take(EVIDENCE_SHOWN)
            .map(|item| evidence_line(frame, case.guild_id, item, &view.files))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let name = tr!(
        frame.texts,
        frame.locale,
        "queue-field-evidence-count",
        count = view.evidence.len()
    );
    Field::shrinkable(name, value, 1)
}

fn evidence_line(
    frame: &Frame<'_>,
    guild_id: i64,
    item: &EvidenceRecord,
    files: &[EvidenceFile],
) -> String {
    let url = format!(
        "https://discord.com/channels/{guild_id}/{}/{}",
        item.channel_id, item.message_id
    );
    let mut line = tr!(
        frame.texts,
        frame.locale,
        "queue-evidence-item",
        link = url,
        author = mention(item.author_id),
        attachments = item.attachment_urls.len()
    );
    if let Some(content) = &item.content {
        let quoted = clip(content.replace('\n', " "), 300);
        line.push_str("\n> ");
        line.push_str(&quoted);
    }
    if let Some(files) = files_line(frame.texts, frame.locale, item.id, files) {
        line.push('\n');
        line.push_str(&files);
    }
    line
}

/// The protective actions of the case, the member's mutes from other cases, and the
/// shield's deletions.
fn protection_field(frame: &Frame<'_>, view: &CaseView) -> Field {
    let mut lines: Vec<String> = view
        .actions
        .iter()
        .map(|action| action_line(frame, action))
        .collect();
    for reference in &view.mute_cases {
        lines.push(tr!(
            frame.texts,
            frame.locale,
            "queue-muted-by-other-case",
            reference = reference.as_str()
        ));
    }
    let deletions = view
        .audit
        .iter()
        .filter(|entry| entry.action == AuditAction::ShieldDeletion)
        .count();
    if deletions > 0 {
        let text = tr!(
            frame.texts,
            frame.locale,
            "queue-shield-deletions",
            count = deletions
        );
        lines.push(text);
    }
    if lines.is_empty() {
        lines.push(frame.text("queue-protection-none"));
    }
    Field::shrinkable(frame.text("queue-field-protection"), lines.join("\n"), 3)
}

fn action_line(frame: &Frame<'_>, action: &ProtectiveActionRecord) -> String {
    let status = match action.status {
        ActionStatus::Applied if !action.is_running(frame.now) => "expired",
        other => other.as_str(),
    };
    let extra = match (action.status, action.expires_at, action.detail.as_deref()) {
        (ActionStatus::Applied, Some(end), _) => {
            tr!(
                frame.texts,
                frame.locale,
                "queue-until",
                until = timestamp(end)
            )
        }
        (ActionStatus::Refused | ActionStatus::Failed, _, Some(code)) => {
            why_words((frame.texts, frame.locale), code)
        }
        _ => String::new(),
    };
    tr!(
        frame.texts,
        frame.locale,
        "queue-action-line",
        kind = frame.text(&format!("queue-kind-{}", action.kind.as_str())),
        requester = frame.text(&format!("queue-requester-{}", action.requested_by.as_str())),
        status = frame.text(&format!("queue-status-{status}")),
        extra = extra
    )
}

/// Help card delivery, prior cases, who claimed it and how it ended.
fn standing_fields(frame: &Frame<'_>, view: &CaseView) -> Vec<Field> {
    let case = &view.case;
    // The card of the case's victim: their own report, or a witness report naming them.
    let delivery = view
        .reports
        .iter()
        .rev()
        .find(|report| !report.is_witness || report.victim_user_id == case.victim_user_id)
        .map_or(HelpCardDelivery::Pending, |report| report.help_card);
    let mut fields = vec![
        Field::new(
            frame.text("queue-field-help-card"),
            frame.text(&format!("queue-help-card-{}", delivery.as_str())),
            true,
        ),
        Field::new(
            frame.text("queue-field-prior"),
            view.prior_cases.to_string(),
            true,
        ),
    ];
    if let Some(moderator) = case.claimed_by {
        let name = frame.text("queue-field-claimed");
        fields.push(Field::new(name, mention(moderator), true));
    }
    if let Some(outcome) = case.outcome.as_deref().and_then(rules::outcome_fluent_id) {
        let name = frame.text("queue-field-outcome");
        fields.push(Field::new(name, frame.text(&outcome), true));
    }
    fields
}

fn history_field(frame: &Frame<'_>, view: &CaseView) -> Option<Field> {
    let entries: Vec<&AuditEntry> = view
        .audit
        .iter()
        // The victim asking for their evidence file is theirs, not a moderator's step.
        .filter(|entry| {
            !matches!(
                entry.action,
                AuditAction::ShieldDeletion | AuditAction::EvidenceFile
            )
        })
        .collect();
    let history: Vec<String> = entries[entries.len().saturating_sub(HISTORY_SHOWN)..]
        .iter()
        .map(|entry| history_line(frame, entry))
        .collect();
    (!history.is_empty())
        .then(|| Field::shrinkable(frame.text("queue-field-history"), history.join("\n"), 2))
}

/// One line of the history: what a moderator (or the bot) did, and what its audit detail
/// adds: why it failed or was refused, how long a mute lasts, how a case was closed.
fn history_line(frame: &Frame<'_>, entry: &AuditEntry) -> String {
    let (id, detail) = match entry
        .detail
        .as_deref()
        .map(|detail| audit_detail((frame.texts, frame.locale), detail))
    {
        Some(Some(DetailWords::Failed(why))) => ("queue-history-failed", Some(why)),
        Some(Some(DetailWords::Refused(why))) => ("queue-history-refused", Some(why)),
        Some(Some(DetailWords::Note(note))) => ("queue-history-detail", Some(note)),
        _ => ("queue-history-line", None),
    };
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("when", timestamp(entry.created_at));
    args.set("who", mention(entry.actor_user_id));
    args.set("what", frame.text(&format!("queue-audit-{}", entry.action)));
    if let Some(detail) = detail {
        args.set(
            if id == "queue-history-detail" {
                "detail"
            } else {
                "why"
            },
            detail,
        );
    }
    frame.texts.format(frame.locale, id, Some(&args))
}

fn buttons(frame: &Frame<'_>, view: &CaseView) -> Vec<serenity::CreateActionRow> {
    use serenity::ButtonStyle::{Danger, Primary, Secondary, Success};
    let case = &view.case;
    let button = |(verb, label, style): (QueueVerb, &str, serenity::ButtonStyle)| {
        let id = CustomId::Queue {
            verb,
            case_id: case.id,
        };
        serenity::CreateButton::new(id.format())
            .label(frame.text(label))
            .style(style)
    };
    let mut rows = Vec::new();
    if case.status.is_active() {
        let claim =
            case.claimed_by
                .is_none()
                .then_some((QueueVerb::Claim, "queue-button-claim", Primary));
        let main = claim.into_iter().chain([
            (QueueVerb::AskMute, "queue-button-mute", Secondary),
            (QueueVerb::AskBan, "queue-button-ban", Danger),
            (QueueVerb::AskDismiss, "queue-button-dismiss", Secondary),
            (QueueVerb::AskResolve, "queue-button-resolve", Success),
        ]);
        rows.push(serenity::CreateActionRow::Buttons(
            main.map(button).collect(),
        ));
        let ask = (QueueVerb::Ask, "queue-button-ask", Secondary);
        rows.push(serenity::CreateActionRow::Buttons(vec![button(ask)]));
    }
    let unmute = (!view.member_mutes.is_empty()).then_some((
        QueueVerb::Unmute,
        "queue-button-unmute",
        Secondary,
    ));
    let unban = ProtectiveActionRecord::running_of(&view.actions, ProtectionKind::Ban, frame.now)
        .is_some()
        .then_some((QueueVerb::Unban, "queue-button-unban", Secondary));
    let undo: Vec<_> = unmute.into_iter().chain(unban).map(button).collect();
    if !undo.is_empty() {
        rows.push(serenity::CreateActionRow::Buttons(undo));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reporter_is_named_once_in_the_order_of_their_first_report() {
        let reporters = [Some(7), Some(3), Some(7), None, Some(9), None, Some(3)];
        assert_eq!(
            first_appearances(reporters),
            vec![Some(7), Some(3), None, Some(9)]
        );
    }

    #[test]
    fn every_audit_action_and_question_state_has_words_in_every_shipped_language() {
        let texts = Texts::embedded().unwrap();
        // Setting changes are the server's, never in a case's history.
        let ids = AuditAction::ALL
            .iter()
            .filter(|action| !matches!(action, AuditAction::SettingSet | AuditAction::SettingReset))
            .map(|action| format!("queue-audit-{action}"))
            .chain(
                QuestionStatus::ALL
                    .iter()
                    .filter(|status| **status != QuestionStatus::Answered)
                    .map(|status| format!("queue-question-{status}")),
            );
        for id in ids {
            for locale in texts.shipped() {
                let words = texts.text(&locale, &id);
                assert!(
                    !words.trim().is_empty() && words != id,
                    "{locale}: `{id}` has no words"
                );
            }
        }
    }
}
