//! `/cases`: the moderators' queue (SPEC §5). Every subcommand checks, server-side, that
//! the member is a moderator (never only the command's default permissions), and answers
//! ephemerally in the moderator's language.

use chrono::Utc;
use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::report::ReasonChoice;
use super::{BotError, Context, answer, member_locale};
use crate::discord::checks::is_moderator;
use crate::discord::flows::publish::case_embed;
use crate::discord::ids::DbId;
use crate::discord::render::case_list;
use crate::discord::render::evidence_file::safe_name;
use crate::discord::render::evidence_list::evidence_embeds;
use crate::domain::case::{CaseReference, CaseStatus};
use crate::domain::evidence::{FileOutcome, pages as upload_pages};
use crate::domain::queue::{AuditAction, page as page_of};
use crate::domain::settings::Settings;
use crate::i18n::tr;
use crate::store::{CaseRecord, EvidenceFile, NewAuditEntry};

/// Cases per page of `/cases open`, and at most in `/cases history`.
const PER_PAGE: u32 = 10;
const HISTORY_SHOWN: i64 = 20;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum StatusChoice {
    #[name = "case-status-open"]
    Open,
    #[name = "case-status-claimed"]
    Claimed,
    #[name = "case-status-resolved"]
    Resolved,
    #[name = "case-status-dismissed"]
    Dismissed,
}

impl From<StatusChoice> for CaseStatus {
    fn from(choice: StatusChoice) -> CaseStatus {
        match choice {
            StatusChoice::Open => CaseStatus::Open,
            StatusChoice::Claimed => CaseStatus::Claimed,
            StatusChoice::Resolved => CaseStatus::Resolved,
            StatusChoice::Dismissed => CaseStatus::Dismissed,
        }
    }
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands("open", "show", "history", "reveal", "evidence"),
    subcommand_required,
    default_member_permissions = "MODERATE_MEMBERS"
)]
#[allow(clippy::unused_async)] // poise needs an async fn, even for a parent command.
pub async fn cases(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// The moderator behind the command, their server's settings and their language; refuses
/// everyone else.
struct Asker {
    guild_id: i64,
    user_id: i64,
    settings: Settings,
    locale: String,
}

async fn moderator(ctx: Context<'_>) -> Result<Asker, BotError> {
    let (poise::Context::Application(app), Some(guild_id)) = (ctx, ctx.guild_id()) else {
        return Err(BotError::Refused("error-guild-only"));
    };
    let settings = ctx.data().settings(guild_id).await;
    let member = app.interaction.member.as_deref();
    if !is_moderator(ctx.serenity_context(), member, guild_id, &settings) {
        tracing::info!(command = %ctx.command().qualified_name, "refused to a non-moderator");
        return Err(BotError::Refused("cases-refused-not-moderator"));
    }
    Ok(Asker {
        guild_id: guild_id.db(),
        user_id: ctx.author().id.db(),
        settings,
        locale: member_locale(ctx).await,
    })
}

async fn reply(ctx: Context<'_>, reply: CreateReply) -> Result<(), BotError> {
    ctx.send(reply.ephemeral(true)).await?;
    Ok(())
}

/// The case a typed reference names in this server, or a refusal saying why not.
async fn find_case(
    ctx: Context<'_>,
    asker: &Asker,
    reference: &str,
) -> Result<Result<CaseRecord, String>, BotError> {
    let texts = &ctx.data().texts;
    let locale = asker.locale.as_str();
    let typed = reference.trim();
    let Ok(parsed) = CaseReference::parse(reference) else {
        return Ok(Err(tr!(
            texts,
            locale,
            "cases-invalid-reference",
            reference = typed
        )));
    };
    let found = ctx
        .data()
        .store
        .case_by_reference(asker.guild_id, &parsed)
        .await?;
    Ok(found.ok_or_else(|| tr!(texts, locale, "cases-unknown", reference = typed)))
}

/// The lines of the cases with these ids, in order.
async fn case_lines(
    ctx: Context<'_>,
    locale: &str,
    ids: Vec<i64>,
) -> Result<Vec<String>, BotError> {
    let data = ctx.data();
    let mut lines = Vec::new();
    for id in ids {
        if let Some(case) = data.store.case_by_id(id).await? {
            lines.push(case_list::case_line(&data.texts, locale, &case));
        }
    }
    Ok(lines)
}

#[poise::command(slash_command, guild_only)]
async fn open(
    ctx: Context<'_>,
    reason: Option<ReasonChoice>,
    status: Option<StatusChoice>,
    #[min = 1] page: Option<u32>,
) -> Result<(), BotError> {
    let asker = moderator(ctx).await?;
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let locale = asker.locale.as_str();
    let reason = reason.map(Into::into);
    let status = status.map(CaseStatus::from);
    let (_, total) = data
        .store
        .list_cases(asker.guild_id, status, reason, 0, 0)
        .await?;
    let page = page_of(page.unwrap_or(1), total, PER_PAGE);
    let (ids, _) = data
        .store
        .list_cases(asker.guild_id, status, reason, page.limit, page.offset)
        .await?;
    let page = case_list::OpenPage {
        lines: case_lines(ctx, locale, ids).await?,
        number: page.number,
        count: page.count,
        total,
    };
    let embed = case_list::open_cases(&data.texts, locale, &page);
    reply(ctx, CreateReply::default().embed(embed)).await
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>, #[max_length = 16] reference: String) -> Result<(), BotError> {
    let asker = moderator(ctx).await?;
    ctx.defer_ephemeral().await?;
    let case = match find_case(ctx, &asker, &reference).await? {
        Ok(case) => case,
        Err(refusal) => return reply(ctx, CreateReply::default().content(refusal)).await,
    };
    let data = ctx.data();
    let evidence = data.store.evidence_of_case(case.id).await?;
    let files = data.store.files_of_case(case.id).await?;
    let list = evidence_embeds(&data.texts, &asker.locale, &case, &evidence, &files);
    let (embed, rows) = case_embed(data, &asker.settings, &asker.locale, case).await?;
    reply(ctx, CreateReply::default().embed(embed).components(rows)).await?;
    // Every item, after the case: an embed each message keeps within Discord's 6000
    // characters a message.
    for embed in list {
        reply(ctx, CreateReply::default().embed(embed)).await?;
    }
    Ok(())
}

// The case's evidence with its preserved files attached, to the asking moderator only;
// audited like a reveal. (Not a doc comment: poise would take it as the description.)
#[poise::command(slash_command, guild_only)]
async fn evidence(ctx: Context<'_>, #[max_length = 16] reference: String) -> Result<(), BotError> {
    let asker = moderator(ctx).await?;
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let case = match find_case(ctx, &asker, &reference).await? {
        Ok(case) => case,
        Err(refusal) => return reply(ctx, CreateReply::default().content(refusal)).await,
    };
    // Logged before anything is shown, as a reveal is.
    data.store
        .append_audit(&NewAuditEntry {
            guild_id: asker.guild_id,
            case_id: Some(case.id),
            actor_user_id: asker.user_id,
            action: AuditAction::EvidenceView,
            detail: None,
            now: Utc::now(),
        })
        .await?;
    tracing::info!(case = %case.reference, "evidence shown to a moderator");
    let evidence = data.store.evidence_of_case(case.id).await?;
    let files = data.store.files_of_case(case.id).await?;
    let embeds = evidence_embeds(&data.texts, &asker.locale, &case, &evidence, &files);
    let stored: Vec<&EvidenceFile> = files
        .iter()
        .filter(|file| file.outcome == FileOutcome::Stored && case.evidence_purged_at.is_none())
        .collect();
    let sizes: Vec<u64> = stored.iter().map(|file| file.size).collect();
    let (pages, left_out) = upload_pages(&sizes);
    for index in 0..embeds.len().max(pages.len()) {
        let mut message = CreateReply::default();
        if let Some(embed) = embeds.get(index) {
            message = message.embed(embed.clone());
        }
        if index == 0 && !left_out.is_empty() {
            let text = tr!(
                data.texts,
                &asker.locale,
                "evidence-too-large-to-attach",
                count = left_out.len()
            );
            message = message.content(text);
        }
        for &file in pages.get(index).into_iter().flatten() {
            let file = stored[file];
            if let Some(bytes) = data.store.file_bytes(file.id).await? {
                let name = format!("{}-{}", file.id, safe_name(&file.filename));
                message = message.attachment(serenity::CreateAttachment::bytes(bytes, name));
            }
        }
        // The first page replaces the deferred answer; the others follow it.
        if index == 0 {
            answer(ctx, message.ephemeral(true)).await?;
        } else {
            reply(ctx, message).await?;
        }
    }
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn history(ctx: Context<'_>, member: serenity::User) -> Result<(), BotError> {
    let asker = moderator(ctx).await?;
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let locale = asker.locale.as_str();
    let ids = data
        .store
        .cases_against(asker.guild_id, member.id.db(), HISTORY_SHOWN)
        .await?;
    let lines = case_lines(ctx, locale, ids).await?;
    let embed = case_list::history(&data.texts, locale, member.id, &lines);
    reply(ctx, CreateReply::default().embed(embed)).await
}

// Reveals a sealed reporter to the asking moderator only, with the reason they state,
// which the audit log keeps. (Not a doc comment: poise would take it as the description.)
#[poise::command(slash_command, guild_only)]
async fn reveal(
    ctx: Context<'_>,
    #[max_length = 16] reference: String,
    #[max_length = 500] reason: String,
) -> Result<(), BotError> {
    let asker = moderator(ctx).await?;
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let case = match find_case(ctx, &asker, &reference).await? {
        Ok(case) => case,
        Err(refusal) => return reply(ctx, CreateReply::default().content(refusal)).await,
    };
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(BotError::Refused("cases-reveal-reason-required"));
    }
    // Logged before anything is shown: no reveal without its trace.
    data.store
        .append_audit(&NewAuditEntry {
            guild_id: asker.guild_id,
            case_id: Some(case.id),
            actor_user_id: asker.user_id,
            action: AuditAction::Reveal,
            detail: Some(reason.to_owned()),
            now: Utc::now(),
        })
        .await?;
    tracing::info!(case = %case.reference, "reporter revealed to a moderator");
    let reports = data.store.reports_of_case(case.id).await?;
    let reporters: Vec<Option<i64>> = reports
        .iter()
        .map(|report| report.reporter_user_id)
        .collect();
    let text = case_list::revealed(&data.texts, &asker.locale, &case, &reporters);
    reply(
        ctx,
        CreateReply::default()
            .content(text)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
    .await
}
