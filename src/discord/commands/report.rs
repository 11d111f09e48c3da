//! `/report`, "Report message" and "Report user" (SPEC §2).
//!
//! `/report` carries everything in its options. The context menus answer with a reason
//! select, then a modal for the details; what was reported waits in the database between
//! the steps (`pending_reports`), so a restart in the middle loses nothing. Every path ends
//! in [`reporting::file_report`].

use chrono::{TimeDelta, Utc};
use poise::serenity_prelude as serenity;
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};

use super::{BotError, Context};
use crate::discord::BotData;
use crate::discord::reporting::{self, Filing, edit_deferred, refusal_text, server_settings};
use crate::domain::case::ReportSource;
use crate::domain::reason::Reason;
use crate::domain::report::{MAX_DETAILS_CHARS, MessageLink, Person, Refusal, ReportDraft};
use crate::domain::settings::Settings;
use crate::store::NewEvidence;

/// Custom id prefixes of the context-menu flow's select and modal.
const REASON_SELECT: &str = "sb:report-reason:";
const DETAILS_MODAL: &str = "sb:report-details:";
const DETAILS_INPUT: &str = "details";
/// How long a context-menu report may wait for its reason and details.
const PENDING_LIFETIME: TimeDelta = TimeDelta::minutes(30);

/// The report reasons as a Discord choice; names are Fluent ids.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ReasonChoice {
    #[name = "reason-harassment"]
    Harassment,
    #[name = "reason-insults-hate"]
    InsultsOrHate,
    #[name = "reason-threats"]
    Threats,
    #[name = "reason-sexual-content"]
    SexualContent,
    #[name = "reason-doxxing"]
    Doxxing,
    #[name = "reason-impersonation"]
    Impersonation,
    #[name = "reason-self-harm"]
    SelfHarm,
    #[name = "reason-other"]
    Other,
}

impl From<ReasonChoice> for Reason {
    fn from(choice: ReasonChoice) -> Reason {
        match choice {
            ReasonChoice::Harassment => Reason::Harassment,
            ReasonChoice::InsultsOrHate => Reason::InsultsOrHate,
            ReasonChoice::Threats => Reason::Threats,
            ReasonChoice::SexualContent => Reason::SexualContent,
            ReasonChoice::Doxxing => Reason::Doxxing,
            ReasonChoice::Impersonation => Reason::Impersonation,
            ReasonChoice::SelfHarm => Reason::SelfHarm,
            ReasonChoice::Other => Reason::Other,
        }
    }
}

#[poise::command(slash_command, guild_only)]
pub async fn report(
    ctx: Context<'_>,
    user: serenity::User,
    reason: ReasonChoice,
    #[max_length = 1000] details: Option<String>,
    #[max_length = 200] message: Option<String>,
    victim: Option<serenity::User>,
) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let interaction = app.interaction;
    let Some(guild_id) = interaction.guild_id else {
        return Ok(());
    };
    let settings = server_settings(data, guild_id.get() as i64).await;
    let locale = reporter_locale(data, &interaction.locale, &settings);
    let members = &interaction.data.resolved.members;
    let person = |user: &serenity::User| Person {
        id: user.id.get() as i64,
        is_bot: user.bot,
        is_member: members.contains_key(&user.id),
    };
    let draft = ReportDraft {
        guild_id: guild_id.get() as i64,
        reporter_id: interaction.user.id.get() as i64,
        bot_id: ctx.framework().bot_id().get() as i64,
        reported: person(&user),
        victim: victim.as_ref().map(person),
        reason: reason.into(),
        details,
        message_link: message,
    };
    let http = ctx.http();
    let report = match draft.check() {
        Ok(report) => report,
        Err(refusal) => {
            let text = refusal_text(data, &locale, refusal);
            edit_deferred(http, &interaction.token, text, None).await;
            return Ok(());
        }
    };
    let (evidence, link_note) = match report.linked_message {
        Some(link) => match read_linked_message(http, guild_id, link).await {
            LinkedMessage::Read(evidence) => (Some(evidence), None),
            LinkedMessage::ContentWithheld(evidence) => {
                (Some(evidence), Some("report-link-content-withheld"))
            }
            LinkedMessage::Unreadable => (None, Some("report-link-unreadable")),
            LinkedMessage::OtherServer => {
                let text = refusal_text(data, &locale, Refusal::LinkOtherServer);
                edit_deferred(http, &interaction.token, text, None).await;
                return Ok(());
            }
        },
        None => (None, None),
    };
    let filing = Filing {
        report,
        source: ReportSource::Slash,
        evidence,
        locale,
        link_note,
    };
    let guild_name = guild_name(ctx.serenity_context(), guild_id, data, &filing.locale);
    let answer = reporting::file_report(http, data, &settings, &guild_name, filing).await;
    reporting::acknowledge(http, &interaction.token, answer).await;
    Ok(())
}

#[poise::command(context_menu_command = "Report message", guild_only)]
pub async fn report_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), BotError> {
    // The membership check below asks Discord: acknowledge first.
    ctx.defer_ephemeral().await?;
    let author = &message.author;
    let is_bot = author.bot || message.webhook_id.is_some();
    let reported = match ctx.guild_id() {
        Some(guild_id) => Person {
            id: author.id.get() as i64,
            is_bot,
            is_member: is_bot || is_member(ctx, guild_id, author.id).await,
        },
        None => return Ok(()),
    };
    let snapshot = evidence_of(&message);
    start_menu_report(ctx, reported, ReportSource::MessageMenu, Some(snapshot)).await
}

#[poise::command(context_menu_command = "Report user", guild_only)]
pub async fn report_user(ctx: Context<'_>, user: serenity::User) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    let reported = Person {
        id: user.id.get() as i64,
        is_bot: user.bot,
        is_member: app.interaction.data.resolved.members.contains_key(&user.id),
    };
    start_menu_report(ctx, reported, ReportSource::UserMenu, None).await
}

/// What a context-menu report keeps between the click and the modal.
#[derive(Debug, Serialize, Deserialize)]
struct PendingPayload {
    reported: i64,
    source: ReportSource,
    snapshot: Option<NewEvidence>,
}

/// The exact reported message, as evidence.
fn evidence_of(message: &serenity::Message) -> NewEvidence {
    NewEvidence {
        message_id: message.id.get() as i64,
        channel_id: message.channel_id.get() as i64,
        author_id: message.author.id.get() as i64,
        content: Some(message.content.clone()).filter(|content| !content.is_empty()),
        attachment_urls: message.attachments.iter().map(|a| a.url.clone()).collect(),
        message_created_at: *message.timestamp,
        message_edited_at: message.edited_timestamp.map(|edited| *edited),
    }
}

/// First step of a context-menu report: refuse at once what cannot be reported, otherwise
/// keep it and ask for the reason.
async fn start_menu_report(
    ctx: Context<'_>,
    reported: Person,
    source: ReportSource,
    snapshot: Option<NewEvidence>,
) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let interaction = app.interaction;
    let Some(guild_id) = interaction.guild_id else {
        return Ok(());
    };
    let settings = server_settings(data, guild_id.get() as i64).await;
    let locale = reporter_locale(data, &interaction.locale, &settings);
    let reporter_id = interaction.user.id.get() as i64;
    let http = ctx.http();
    // The reason is not known yet; the checks below do not depend on it.
    let draft = ReportDraft {
        guild_id: guild_id.get() as i64,
        reporter_id,
        bot_id: ctx.framework().bot_id().get() as i64,
        reported,
        victim: None,
        reason: Reason::Other,
        details: None,
        message_link: None,
    };
    if let Err(refusal) = draft.check() {
        let text = refusal_text(data, &locale, refusal);
        edit_deferred(http, &interaction.token, text, None).await;
        return Ok(());
    }
    let token = Alphanumeric.sample_string(&mut rand::rng(), 20);
    let payload = PendingPayload {
        reported: reported.id,
        source,
        snapshot,
    };
    let payload = serde_json::to_string(&payload).map_err(|error| {
        tracing::error!(%error, "cannot serialize a pending report");
        BotError::Refused("error-internal")
    })?;
    data.store
        .save_pending_report(
            &token,
            guild_id.get() as i64,
            reporter_id,
            &payload,
            Utc::now(),
        )
        .await?;

    let options = Reason::ALL
        .iter()
        .map(|reason| {
            serenity::CreateSelectMenuOption::new(
                data.texts.text(&locale, &reason.fluent_id()),
                reason.as_str(),
            )
        })
        .collect();
    // The locale travels in the custom ids so that the next steps, which must answer at
    // once (a modal cannot be deferred), need no database read.
    let select = serenity::CreateSelectMenu::new(
        format!("{REASON_SELECT}{token}:{locale}"),
        serenity::CreateSelectMenuKind::String { options },
    )
    .placeholder(data.texts.text(&locale, "report-reason-placeholder"));
    let answer = serenity::EditInteractionResponse::new()
        .content(data.texts.text(&locale, "report-pick-reason"))
        .components(vec![serenity::CreateActionRow::SelectMenu(select)]);
    interaction.edit_response(http, answer).await?;
    Ok(())
}

/// Second step: the reason was chosen; ask for the details in a modal.
pub async fn on_reason_selected(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
) -> Result<bool, BotError> {
    let Some(rest) = interaction.data.custom_id.strip_prefix(REASON_SELECT) else {
        return Ok(false);
    };
    let (token, locale) = token_and_locale(data, rest);
    let reason = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values
            .first()
            .and_then(|value| value.parse::<Reason>().ok()),
        _ => None,
    };
    let Some(reason) = reason.filter(|_| is_token(token)) else {
        let expired = serenity::CreateInteractionResponseMessage::new()
            .content(data.texts.text(locale, "report-expired"))
            .ephemeral(true);
        interaction
            .create_response(ctx, serenity::CreateInteractionResponse::Message(expired))
            .await?;
        return Ok(true);
    };
    let details = serenity::CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        data.texts.text(locale, "report-modal-details-label"),
        DETAILS_INPUT,
    )
    .placeholder(data.texts.text(locale, "report-modal-details-placeholder"))
    .max_length(MAX_DETAILS_CHARS as u16)
    .required(false);
    let modal = serenity::CreateModal::new(
        format!("{DETAILS_MODAL}{}:{token}:{locale}", reason.as_str()),
        data.texts.text(locale, "report-modal-title"),
    )
    .components(vec![serenity::CreateActionRow::InputText(details)]);
    interaction
        .create_response(ctx, serenity::CreateInteractionResponse::Modal(modal))
        .await?;
    Ok(true)
}

/// `<token>:<locale>` from a custom id; an unknown locale falls back to the bot default.
fn token_and_locale<'a>(data: &'a BotData, rest: &'a str) -> (&'a str, &'a str) {
    let (token, locale) = rest.split_once(':').unwrap_or((rest, ""));
    let locale = data
        .texts
        .negotiate(&[Some(locale), Some(data.config.server_defaults.language())]);
    (token, locale)
}

/// Last step: the details were submitted; file the report. Once deferred, the reporter
/// is always answered, even when something fails.
pub async fn on_details_submitted(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
) -> Result<bool, BotError> {
    let Some(rest) = interaction.data.custom_id.strip_prefix(DETAILS_MODAL) else {
        return Ok(false);
    };
    interaction
        .create_response(
            ctx,
            serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        )
        .await?;
    let (reason, token_and_locale_part) = rest.split_once(':').unwrap_or(("", rest));
    let (token, locale) = token_and_locale(data, token_and_locale_part);
    let answer = match file_menu_report(ctx, data, interaction, reason, token, locale).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(%error, "menu report failed");
            let text = data.texts.text(locale, "error-internal");
            edit_deferred(&ctx.http, &interaction.token, text, None).await;
            return Ok(true);
        }
    };
    reporting::acknowledge(&ctx.http, &interaction.token, answer).await;
    Ok(true)
}

async fn file_menu_report(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ModalInteraction,
    reason: &str,
    token: &str,
    locale: &str,
) -> Result<reporting::Acknowledgement, BotError> {
    let expired = || reporting::Acknowledgement::text(data.texts.text(locale, "report-expired"));
    let (Some(guild_id), Ok(reason)) = (interaction.guild_id, reason.parse::<Reason>()) else {
        return Ok(expired());
    };
    if !is_token(token) {
        return Ok(expired());
    }
    let reporter_id = interaction.user.id.get() as i64;
    let Some(pending) = data
        .store
        .take_pending_report(token, Utc::now() - PENDING_LIFETIME)
        .await?
        .filter(|pending| {
            pending.reporter_user_id == reporter_id && pending.guild_id == guild_id.get() as i64
        })
    else {
        return Ok(expired());
    };
    let Ok(payload) = serde_json::from_str::<PendingPayload>(&pending.payload) else {
        tracing::error!("unreadable pending report");
        return Ok(expired());
    };
    let settings = server_settings(data, guild_id.get() as i64).await;
    let draft = ReportDraft {
        guild_id: guild_id.get() as i64,
        reporter_id,
        bot_id: ctx.cache.current_user().id.get() as i64,
        // Who was reported passed these checks when the menu was used.
        reported: Person {
            id: payload.reported,
            is_bot: false,
            is_member: true,
        },
        victim: None,
        reason,
        details: modal_value(interaction, DETAILS_INPUT),
        message_link: None,
    };
    let report = match draft.check() {
        Ok(report) => report,
        Err(refusal) => {
            return Ok(reporting::Acknowledgement::text(refusal_text(
                data, locale, refusal,
            )));
        }
    };
    let filing = Filing {
        report,
        source: payload.source,
        evidence: payload.snapshot.clone(),
        locale: locale.to_owned(),
        link_note: None,
    };
    let guild_name = guild_name(ctx, guild_id, data, locale);
    let answer = reporting::file_report(&ctx.http, data, &settings, &guild_name, filing).await;
    if !answer.recorded {
        // Not stored: keep what was reported so that the reporter can pick the reason again.
        data.store
            .save_pending_report(
                &pending.id,
                pending.guild_id,
                pending.reporter_user_id,
                &pending.payload,
                pending.created_at,
            )
            .await?;
    }
    Ok(answer)
}

/// The member's language: their client's if shipped, else the server's, else the default.
pub fn reporter_locale(data: &BotData, interaction_locale: &str, settings: &Settings) -> String {
    data.texts
        .negotiate(&[Some(interaction_locale), Some(settings.language())])
        .to_owned()
}

fn is_token(text: &str) -> bool {
    text.len() == 20 && text.chars().all(|c| c.is_ascii_alphanumeric())
}

fn modal_value(interaction: &serenity::ModalInteraction, id: &str) -> Option<String> {
    interaction
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|component| match component {
            serenity::ActionRowComponent::InputText(input) if input.custom_id == id => {
                input.value.clone()
            }
            _ => None,
        })
}

/// Whether someone is still a member. When Discord cannot say (an outage), the report is
/// let through: refusing it would silence a victim over our own problem.
async fn is_member(ctx: Context<'_>, guild_id: serenity::GuildId, user: serenity::UserId) -> bool {
    match guild_id.member(ctx, user).await {
        Ok(_) => true,
        Err(error) => reporting::discord_error_code(&error) != Some(UNKNOWN_MEMBER),
    }
}

/// Discord's "Unknown Member" error code.
const UNKNOWN_MEMBER: isize = 10007;

/// What reading a linked message gave.
enum LinkedMessage {
    Read(NewEvidence),
    /// Read, but Discord withheld its content: bots without the privileged message content
    /// intent get messages by link without text or attachments.
    ContentWithheld(NewEvidence),
    Unreadable,
    /// The link names this server but a channel of another one (or a DM).
    OtherServer,
}

/// Reads a linked message as evidence. The link's server id is only text: the channel is
/// checked to belong to this server before anything is read from it.
async fn read_linked_message(
    http: &serenity::Http,
    guild_id: serenity::GuildId,
    link: MessageLink,
) -> LinkedMessage {
    let channel = serenity::ChannelId::new(link.channel_id as u64);
    match http.get_channel(channel).await {
        Ok(serenity::Channel::Guild(found)) if found.guild_id == guild_id => {}
        Ok(_) => return LinkedMessage::OtherServer,
        Err(error) => {
            tracing::info!(code = ?reporting::discord_error_code(&error), "linked channel unreadable");
            return LinkedMessage::Unreadable;
        }
    }
    let message = serenity::MessageId::new(link.message_id as u64);
    match http.get_message(channel, message).await {
        Ok(message) => {
            let withheld = message.content.is_empty()
                && message.attachments.is_empty()
                && message.embeds.is_empty();
            let evidence = evidence_of(&message);
            if withheld {
                LinkedMessage::ContentWithheld(evidence)
            } else {
                LinkedMessage::Read(evidence)
            }
        }
        Err(error) => {
            tracing::info!(code = ?reporting::discord_error_code(&error), "linked message unreadable");
            LinkedMessage::Unreadable
        }
    }
}

/// The server's name for the victim's DM, from the cache; "this server" otherwise.
fn guild_name(
    ctx: &serenity::Context,
    guild_id: serenity::GuildId,
    data: &BotData,
    locale: &str,
) -> String {
    ctx.cache
        .guild(guild_id)
        .map(|guild| guild.name.clone())
        .unwrap_or_else(|| data.texts.text(locale, "this-server"))
}
