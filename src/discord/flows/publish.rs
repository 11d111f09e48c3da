//! The queue post of a case: posted in the server's queue channel, edited in place as the
//! case moves, posted again if it was deleted or the server moved its queue.

use chrono::Utc;
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::CaseChanged;
use crate::discord::ids::{self, DbId};
use crate::discord::render::queue_post::{CaseView, Frame, queue_post};
use crate::discord::rest::ErrorCode;
use crate::discord::{BotData, BotError};
use crate::domain::settings::{SettingKey, SettingValue, Settings};
use crate::store::{CaseRecord, Finished, ProtectiveActionRecord, Reads, StoreError};

/// Wakes this process's delivery worker: what the changes must cause is in the outbox
/// already, written with them, and goes out now rather than at the next poll.
pub fn wake_deliveries(data: &BotData, changed: impl IntoIterator<Item = CaseChanged>) {
    if changed.into_iter().next().is_some() {
        data.deliveries.notify_one();
    }
}

/// Posts the case's embed in the queue channel, or edits the one already posted. A post is
/// created with `nonce` enforced, so a create retried after a crash returns the post the
/// first try made. Without a configured queue channel nothing is posted (the report stands
/// all the same).
pub async fn publish(
    http: &Http,
    data: &BotData,
    case_id: i64,
    nonce: String,
) -> Result<Finished, BotError> {
    let _guard = data.case_locks.lock(case_id).await;
    let mut reads = data.store.reads().await?;
    let Some(case) = reads.case_by_id(case_id).await? else {
        return Ok(Finished::Done);
    };
    let settings = data.settings_read(&mut reads, case.guild_id).await;
    let view = load_view(&mut reads, case).await?;
    drop(reads); // not held across the requests to Discord
    let frame = Frame {
        texts: &data.texts,
        settings: &settings,
        locale: settings.language(),
        now: Utc::now(),
    };
    let (embed, rows) = queue_post(&frame, &view);
    let configured = queue_channel(&settings);
    let case = &view.case;
    if let (Some(channel), Some(message)) = (case.queue_channel_id, case.queue_message_id)
        && (configured == Some(channel) || configured.is_none())
        && edit_in_place(http, (channel, message), &embed, &rows).await?
    {
        return Ok(Finished::Done);
    }
    // Not posted yet, gone, or the server moved its queue: post in the configured channel.
    let Some(channel) = configured else {
        return Ok(Finished::Done);
    };
    let post = serenity::CreateMessage::new()
        .embed(embed)
        .components(rows)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(nonce))
        .enforce_nonce(true);
    let posted = ids::channel(channel).send_message(http, post).await?;
    Ok(Finished::Posted {
        channel_id: channel,
        message_id: posted.id.db(),
    })
}

/// Edits the post; `false` when it or its channel was deleted (it is posted again).
async fn edit_in_place(
    http: &Http,
    (channel, message): (i64, i64),
    embed: &serenity::CreateEmbed,
    rows: &[serenity::CreateActionRow],
) -> Result<bool, BotError> {
    let edit = serenity::EditMessage::new()
        .embed(embed.clone())
        .components(rows.to_vec());
    let edited = http
        .edit_message(
            ids::channel(channel),
            ids::message(message),
            &edit,
            Vec::new(),
        )
        .await;
    match edited {
        Ok(_) => Ok(true),
        Err(error)
            if matches!(
                ErrorCode::of(&error),
                Some(ErrorCode::UnknownMessage | ErrorCode::UnknownChannel)
            ) =>
        {
            Ok(false)
        }
        Err(error) => Err(error.into()),
    }
}

fn queue_channel(settings: &Settings) -> Option<i64> {
    match settings.get(SettingKey::QueueChannel) {
        Some(SettingValue::Channel(channel)) => Some(channel.cast_signed()),
        _ => None,
    }
}

/// The case's embed for `/cases show`, in the asking moderator's language, with the queue's
/// buttons (they work anywhere: every click is checked).
pub async fn case_embed(
    data: &BotData,
    settings: &Settings,
    locale: &str,
    case: CaseRecord,
) -> Result<(serenity::CreateEmbed, Vec<serenity::CreateActionRow>), BotError> {
    let view = load_view(&mut data.store.reads().await?, case).await?;
    let frame = Frame {
        texts: &data.texts,
        settings,
        locale,
        now: Utc::now(),
    };
    Ok(queue_post(&frame, &view))
}

/// Every row the case's embed shows, read on one connection. The parts the outline finds
/// empty are not read.
async fn load_view(reads: &mut Reads, case: CaseRecord) -> Result<CaseView, BotError> {
    let now = Utc::now();
    let outline = reads.case_outline(&case, now).await?;
    let member_mutes = read_if(
        outline.member_muted,
        reads.running_mutes_of_member(case.guild_id, case.reported_user_id, now),
    )
    .await?;
    let mute_cases = other_cases_of(reads, &case, &member_mutes).await?;
    let evidence = read_if(outline.has_evidence, reads.evidence_of_case(case.id)).await?;
    // A file belongs to a snapshot and is deleted with it: without snapshots, none to read.
    let files = read_if(!evidence.is_empty(), reads.files_of_case(case.id)).await?;
    Ok(CaseView {
        reports: reads.reports_of_case(case.id).await?,
        evidence,
        files,
        actions: read_if(
            outline.has_actions,
            reads.protective_actions_of_case(case.id),
        )
        .await?,
        audit: read_if(outline.has_audit, reads.audit_of_case(case.id)).await?,
        prior_cases: outline.prior_cases,
        member_mutes,
        mute_cases,
        questions: read_if(outline.has_questions, reads.questions_of_case(case.id)).await?,
        case,
    })
}

/// The references of the other cases the member's running mutes come from, each once.
async fn other_cases_of(
    reads: &mut Reads,
    case: &CaseRecord,
    member_mutes: &[ProtectiveActionRecord],
) -> Result<Vec<String>, BotError> {
    let (mut seen, mut references) = (Vec::new(), Vec::new());
    for mute in member_mutes {
        if mute.case_id == case.id || seen.contains(&mute.case_id) {
            continue;
        }
        seen.push(mute.case_id);
        if let Some(other) = reads.case_by_id(mute.case_id).await? {
            references.push(other.reference.as_str().to_owned());
        }
    }
    Ok(references)
}

/// Runs `read` only when the outline says it finds something.
async fn read_if<T>(
    present: bool,
    read: impl Future<Output = Result<Vec<T>, StoreError>>,
) -> Result<Vec<T>, StoreError> {
    if present { read.await } else { Ok(Vec::new()) }
}
