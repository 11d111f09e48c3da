//! `/cases` lists and the reveal answer, for moderators.

use poise::serenity_prelude as serenity;

use super::{clip, mention, relative_time};
use crate::i18n::{Texts, tr};
use crate::store::CaseRecord;

/// Discord refuses a message over 2000 characters.
const MESSAGE_MAX: usize = 2000;

/// A case line of a list: reference, reason, status, reported member, when it opened.
pub fn case_line(texts: &Texts, locale: &str, case: &CaseRecord) -> String {
    tr!(
        texts,
        locale,
        "cases-line",
        reference = case.reference.as_str(),
        reason = texts.text(locale, &case.reason.fluent_id()),
        status = texts.text(locale, &format!("case-status-{}", case.status.as_str())),
        reported = mention(case.reported_user_id),
        opened = relative_time(case.created_at)
    )
}

/// A page of `/cases open`.
pub struct OpenPage {
    pub lines: Vec<String>,
    pub number: u32,
    pub count: u32,
    pub total: i64,
}

pub fn open_cases(texts: &Texts, locale: &str, page: &OpenPage) -> serenity::CreateEmbed {
    let (number, count, total) = (page.number, page.count, page.total);
    let title = tr!(
        texts,
        locale,
        "cases-open-title",
        page = number,
        pages = count,
        total = total
    );
    let footer = tr!(
        texts,
        locale,
        "cases-open-footer",
        page = number,
        pages = count,
        total = total
    );
    let description = if page.lines.is_empty() {
        texts.text(locale, "cases-open-empty")
    } else {
        page.lines.join("\n")
    };
    serenity::CreateEmbed::new()
        .title(title)
        .description(description)
        .footer(serenity::CreateEmbedFooter::new(footer))
}

/// `/cases history` of a member.
pub fn history(
    texts: &Texts,
    locale: &str,
    member: serenity::UserId,
    lines: &[String],
) -> serenity::CreateEmbed {
    let member = member.get().cast_signed();
    let description = if lines.is_empty() {
        tr!(
            texts,
            locale,
            "cases-history-empty",
            member = mention(member)
        )
    } else {
        lines.join("\n")
    };
    serenity::CreateEmbed::new()
        .title(tr!(
            texts,
            locale,
            "cases-history-title",
            member = mention(member)
        ))
        .description(description)
}

/// The sealed reporters, revealed to the asking moderator; a case with many reporters is
/// cut short to fit one message.
pub fn revealed(
    texts: &Texts,
    locale: &str,
    case: &CaseRecord,
    reporters: &[Option<i64>],
) -> String {
    let mut shown: Vec<String> = Vec::new();
    for reporter in reporters {
        let line = match reporter {
            Some(reporter) => format!("{} (`{reporter}`)", mention(*reporter)),
            None => texts.text(locale, "cases-reveal-erased"),
        };
        if !shown.contains(&line) {
            shown.push(line);
        }
    }
    let text = tr!(
        texts,
        locale,
        "cases-reveal-result",
        reference = case.reference.as_str(),
        reporters = shown.join(", ")
    );
    clip(text, MESSAGE_MAX)
}
