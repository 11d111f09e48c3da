//! Every evidence item of a case, for moderators (`/cases show`, `/cases evidence`): each
//! snapshot with its message link, author, time, text and files (kept, pending, or skipped
//! and why).

use std::fmt::Write as _;

use poise::serenity_prelude as serenity;

use super::{clip, mention, timestamp};
use crate::domain::evidence::FileOutcome;
use crate::i18n::{Texts, tr};
use crate::store::{CaseRecord, EvidenceFile, EvidenceRecord};

/// Discord's bound on an embed's description.
const DESCRIPTION_MAX: usize = 4096;
/// Embeds a message may carry.
pub const EMBEDS_PER_MESSAGE: usize = 10;
/// A snapshot's text, as the list quotes it.
const QUOTE_MAX: usize = 600;

/// What the files of snapshot `evidence_id` became, or `None` when it had none: how many
/// are kept and pending, then each skipped one with its reason.
pub fn files_line(
    texts: &Texts,
    locale: &str,
    evidence_id: i64,
    files: &[EvidenceFile],
) -> Option<String> {
    let files: Vec<&EvidenceFile> = files
        .iter()
        .filter(|file| file.evidence_id == evidence_id)
        .collect();
    if files.is_empty() {
        return None;
    }
    let count = |outcome: FileOutcome| files.iter().filter(|f| f.outcome == outcome).count();
    let mut line = tr!(
        texts,
        locale,
        "evidence-files-summary",
        kept = count(FileOutcome::Stored),
        pending = count(FileOutcome::Pending)
    );
    for file in &files {
        if let Some(why) = file.outcome.skip_text() {
            let name = clip(file.filename.replace(['`', '\n'], "_"), 80);
            let _ = write!(line, "\n- `{name}`: {}", texts.text(locale, why));
        }
    }
    Some(line)
}

/// One snapshot, in full (its text clipped to a quote).
pub fn item_text(
    texts: &Texts,
    locale: &str,
    case: &CaseRecord,
    (number, item): (usize, &EvidenceRecord),
    files: &[EvidenceFile],
) -> String {
    let link = format!(
        "https://discord.com/channels/{}/{}/{}",
        case.guild_id, item.channel_id, item.message_id
    );
    let mut text = tr!(
        texts,
        locale,
        "evidence-item",
        number = number,
        link = link,
        author = mention(item.author_id),
        when = timestamp(item.message_created_at)
    );
    if let Some(content) = &item.content {
        text.push_str("\n> ");
        text.push_str(&clip(content.replace('\n', "\n> "), QUOTE_MAX));
    }
    if let Some(files) = files_line(texts, locale, item.id, files) {
        text.push('\n');
        text.push_str(&files);
    }
    text
}

/// Every item of the case, in embeds filled up to Discord's bounds, oldest first.
pub fn evidence_embeds(
    texts: &Texts,
    locale: &str,
    case: &CaseRecord,
    evidence: &[EvidenceRecord],
    files: &[EvidenceFile],
) -> Vec<serenity::CreateEmbed> {
    let title = tr!(
        texts,
        locale,
        "evidence-list-title",
        reference = case.reference.as_str(),
        count = evidence.len()
    );
    if case.evidence_purged_at.is_some() || evidence.is_empty() {
        let id = if case.evidence_purged_at.is_some() {
            "queue-evidence-purged"
        } else {
            "queue-evidence-none"
        };
        return vec![
            serenity::CreateEmbed::new()
                .title(title)
                .description(texts.text(locale, id)),
        ];
    }
    let mut pages: Vec<String> = vec![String::new()];
    for (index, item) in evidence.iter().enumerate() {
        let text = clip(
            item_text(texts, locale, case, (index + 1, item), files),
            DESCRIPTION_MAX,
        );
        let page = pages.last_mut().map_or(0, |page| page.chars().count());
        if page > 0 && page + 2 + text.chars().count() > DESCRIPTION_MAX {
            pages.push(String::new());
        }
        if let Some(page) = pages.last_mut() {
            if !page.is_empty() {
                page.push_str("\n\n");
            }
            page.push_str(&text);
        }
    }
    pages
        .into_iter()
        .enumerate()
        .map(|(index, page)| {
            let embed = serenity::CreateEmbed::new().description(page);
            if index == 0 {
                embed.title(title.clone())
            } else {
                embed
            }
        })
        .collect()
}
