//! The victim's evidence file, built from the database when asked (nothing purged is ever
//! in it) and sent by DM; each request is audited.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use sha2::{Digest, Sha256};

use crate::discord::render::evidence_file::{
    Bundle, BundledFile, BundledMessage, Moment, Named, archive, safe_name,
};
use crate::discord::rest::is_refusal;
use crate::discord::{BotData, BotError, ids};
use crate::domain::evidence::{BYTES_PER_MESSAGE, FileOutcome};
use crate::domain::queue::AuditAction;
use crate::domain::settings::Settings;
use crate::i18n::tr;
use crate::store::{CaseRecord, EvidenceFile, EvidenceRecord, NewAuditEntry};

/// Room kept in the DM's upload bound for the page and the data.
const PAGE_ROOM: u64 = 512 * 1024;

/// Who asks, for which case, in which language.
pub struct Request<'a> {
    pub requester: i64,
    pub case: &'a CaseRecord,
    pub settings: &'a Settings,
    pub locale: &'a str,
}

/// Sends the file to the victim who asks; what to answer them.
pub async fn send(
    http: &serenity::Http,
    data: &BotData,
    request: &Request<'_>,
) -> Result<String, BotError> {
    let case = request.case;
    let reports = data.store.reports_of_case(case.id).await?;
    let is_victim = case.victim_user_id == request.requester
        || reports
            .iter()
            .any(|r| r.victim_user_id == request.requester);
    if !is_victim {
        tracing::info!(case = %case.reference, "evidence file refused to a non-victim");
        return Ok(data.texts.text(request.locale, "evidence-file-not-victim"));
    }
    let evidence = data.store.evidence_of_case(case.id).await?;
    if case.evidence_purged_at.is_some() || evidence.is_empty() {
        audit(data, request, "purged").await?;
        let id = if case.evidence_purged_at.is_some() {
            "evidence-file-purged"
        } else {
            "evidence-file-empty"
        };
        return Ok(data.texts.text(request.locale, id));
    }
    let files = data.store.files_of_case(case.id).await?;
    let bundle = bundle(http, data, request, evidence, files).await?;
    let bytes = archive(&bundle, &data.texts, request.locale).map_err(|error| {
        tracing::error!(%error, "evidence file not built");
        BotError::Refused("error-internal")
    })?;
    let reference = case.reference.as_str();
    let name = format!("evidence-{reference}.zip");
    let dm = serenity::CreateMessage::new()
        .content(tr!(
            data.texts,
            request.locale,
            "evidence-file-dm",
            reference = reference
        ))
        .add_file(serenity::CreateAttachment::bytes(bytes, name));
    match data.dm_channels.send(http, request.requester, dm).await {
        Ok(_) => {
            audit(data, request, "sent").await?;
            tracing::info!(case = %case.reference, "evidence file sent");
            Ok(data.texts.text(request.locale, "evidence-file-sent"))
        }
        Err(error) if is_refusal(&error) => {
            audit(data, request, "dm_refused").await?;
            Ok(data.texts.text(request.locale, "evidence-file-dm-closed"))
        }
        Err(error) => Err(error.into()),
    }
}

async fn audit(data: &BotData, request: &Request<'_>, detail: &str) -> Result<(), BotError> {
    data.store
        .append_audit(&NewAuditEntry {
            guild_id: request.case.guild_id,
            case_id: Some(request.case.id),
            actor_user_id: request.requester,
            action: AuditAction::EvidenceFile,
            detail: Some(detail.to_owned()),
            now: Utc::now(),
        })
        .await?;
    Ok(())
}

/// Reads every item and file of the case, with the names Discord knows now.
async fn bundle(
    http: &serenity::Http,
    data: &BotData,
    request: &Request<'_>,
    evidence: Vec<EvidenceRecord>,
    files: Vec<EvidenceFile>,
) -> Result<Bundle, BotError> {
    let case = request.case;
    let timezone = request.settings.timezone();
    let server_name = http
        .get_guild(ids::guild(case.guild_id))
        .await
        .ok()
        .map(|guild| guild.name);
    let mut room = BYTES_PER_MESSAGE - PAGE_ROOM;
    let mut messages = Vec::new();
    for item in evidence {
        let mut bundled = Vec::new();
        for file in files.iter().filter(|file| file.evidence_id == item.id) {
            bundled.push(bundled_file(data, file, &mut room).await?);
        }
        messages.push(BundledMessage {
            message_id: item.message_id.to_string(),
            link: format!(
                "https://discord.com/channels/{}/{}/{}",
                case.guild_id, item.channel_id, item.message_id
            ),
            author: Named {
                id: item.author_id.to_string(),
                name: user_name(http, item.author_id).await,
            },
            channel: Named {
                id: item.channel_id.to_string(),
                name: channel_name(http, item.channel_id).await,
            },
            content_sha256: hex::encode(Sha256::digest(
                item.content.as_deref().unwrap_or_default().as_bytes(),
            )),
            content: item.content,
            created_at: Moment::of(item.message_created_at, timezone),
            edited_at: item.message_edited_at.map(|at| Moment::of(at, timezone)),
            captured_at: Moment::of(item.captured_at, timezone),
            files: bundled,
        });
    }
    Ok(Bundle {
        server: Named {
            id: case.guild_id.to_string(),
            name: server_name,
        },
        case_reference: case.reference.as_str().to_owned(),
        timezone: timezone.name().to_owned(),
        generated_at: Moment::of(Utc::now(), timezone),
        messages,
    })
}

/// A file with its bytes when it was stored and still fits in the DM's upload bound.
async fn bundled_file(
    data: &BotData,
    file: &EvidenceFile,
    room: &mut u64,
) -> Result<BundledFile, BotError> {
    let fits = file.outcome == FileOutcome::Stored && file.size <= *room;
    let bytes = if fits {
        data.store.file_bytes(file.id).await?
    } else {
        None
    };
    if bytes.is_some() {
        *room -= file.size;
    }
    let path = bytes.as_ref().map(|_| {
        format!(
            "files/{}-{}-{}",
            file.evidence_id,
            file.position,
            safe_name(&file.filename)
        )
    });
    Ok(BundledFile {
        filename: file.filename.clone(),
        content_type: file.content_type.clone(),
        size: file.size,
        outcome: file.outcome,
        sha256: file.sha256.clone(),
        path,
        bytes,
    })
}

async fn user_name(http: &serenity::Http, user_id: i64) -> Option<String> {
    http.get_user(ids::user(user_id))
        .await
        .ok()
        .map(|user| user.name)
}

async fn channel_name(http: &serenity::Http, channel_id: i64) -> Option<String> {
    match http.get_channel(ids::channel(channel_id)).await {
        Ok(serenity::Channel::Guild(channel)) => Some(channel.name),
        _ => None,
    }
}
