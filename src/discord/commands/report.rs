//! `/report`, "Report message" and "Report user" (SPEC §2).
//!
//! `/report` carries everything in its options. The context menus answer with a reason
//! select, then a modal for the details (see [`flows::menu_report`]). Every path defers
//! first, so Discord's 3-second deadline holds however slow the database or Discord is,
//! then ends in [`flows::reporting::file_report`].

use poise::serenity_prelude as serenity;

use super::{BotError, Context};
use crate::discord::flows;
use crate::discord::flows::evidence::{LinkedMessage, evidence_of, read_linked_message};
use crate::discord::flows::menu_report::MenuReport;
use crate::discord::flows::reporting::{Filing, answer_reporter, joined_at};
use crate::discord::ids::DbId;
use crate::discord::render::acknowledgement::refusal;
use crate::discord::render::prompts::reason_select;
use crate::discord::reply::edit_deferred;
use crate::discord::rest::ErrorCode;
use crate::domain::case::ReportSource;
use crate::domain::reason::Reason;
use crate::domain::report::{MessageLink, Person, Refusal, ReportDraft};
use crate::domain::settings::Settings;
use crate::store::NewEvidence;

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
    let Some(Reporting {
        interaction,
        guild_id,
        settings,
        locale,
    }) = begin(ctx).await?
    else {
        return Ok(());
    };
    let data = ctx.data();
    let draft = ReportDraft {
        guild_id: guild_id.db(),
        reporter_id: interaction.user.id.db(),
        bot_id: ctx.framework().bot_id().db(),
        reported: person(interaction, &user),
        victim: victim.as_ref().map(|victim| person(interaction, victim)),
        reason: reason.into(),
        details,
        message_link: message,
    };
    let http = ctx.http();
    let checked = match draft.check() {
        Ok(report) => linked_evidence(http, guild_id, report.linked_message)
            .await
            .map(|evidence| (report, evidence)),
        Err(refused) => Err(refused),
    };
    let (report, (evidence, link_note)) = match checked {
        Ok(checked) => checked,
        Err(refused) => {
            let text = refusal(&data.texts, &locale, refused);
            edit_deferred(http, &interaction.token, text, None).await;
            return Ok(());
        }
    };
    let filing = Filing {
        report,
        source: ReportSource::Slash,
        evidence,
        locale,
        link_note,
        interaction_token: interaction.token.clone(),
        reporter_joined_at: joined_at(interaction.member.as_deref()),
    };
    let answer = flows::reporting::file_report(http, data, &settings, filing).await;
    answer_reporter(http, data, &interaction.token, answer).await;
    Ok(())
}

/// A report begun from a command: deferred at once, with the reporter's server settings
/// and language.
pub(super) struct Reporting<'a> {
    pub interaction: &'a serenity::CommandInteraction,
    pub guild_id: serenity::GuildId,
    pub settings: Settings,
    pub locale: String,
}

/// Defers the command, then reads what every report path needs; `None` outside a server.
pub(super) async fn begin(ctx: Context<'_>) -> Result<Option<Reporting<'_>>, BotError> {
    let (poise::Context::Application(app), Some(guild_id)) = (ctx, ctx.guild_id()) else {
        return Ok(None);
    };
    ctx.defer_ephemeral().await?;
    let data = ctx.data();
    let settings = data.settings(guild_id).await;
    let locale = data.locale(Some(&app.interaction.locale), Some(&settings));
    Ok(Some(Reporting {
        interaction: app.interaction,
        guild_id,
        settings,
        locale,
    }))
}

/// A user named in the command's options, as the report's checks see them.
fn person(interaction: &serenity::CommandInteraction, user: &serenity::User) -> Person {
    Person {
        id: user.id.db(),
        is_bot: user.bot,
        is_member: interaction.data.resolved.members.contains_key(&user.id),
    }
}

/// The message a `/report` links to, as evidence, and what to tell the reporter about it;
/// a link to another server's channel refuses the report.
async fn linked_evidence(
    http: &serenity::Http,
    guild_id: serenity::GuildId,
    link: Option<MessageLink>,
) -> Result<(Option<NewEvidence>, Option<&'static str>), Refusal> {
    let Some(link) = link else {
        return Ok((None, None));
    };
    Ok(match read_linked_message(http, guild_id, link).await {
        LinkedMessage::Read(evidence) => (Some(evidence), None),
        LinkedMessage::ContentWithheld(evidence) => {
            (Some(evidence), Some("report-link-content-withheld"))
        }
        LinkedMessage::Unreadable => (None, Some("report-link-unreadable")),
        LinkedMessage::OtherServer => return Err(Refusal::LinkOtherServer),
    })
}

#[poise::command(context_menu_command = "Report message", guild_only)]
pub async fn report_message(ctx: Context<'_>, message: serenity::Message) -> Result<(), BotError> {
    // The membership check below asks Discord: acknowledge first.
    ctx.defer_ephemeral().await?;
    let Some(guild_id) = ctx.guild_id() else {
        return Ok(());
    };
    let reported = author_of(ctx, guild_id, &message).await;
    let snapshot = evidence_of(&message);
    start_menu_report(ctx, reported, ReportSource::MessageMenu, Some(snapshot)).await
}

/// The author of a message, as the report's checks see them.
pub(super) async fn author_of(
    ctx: Context<'_>,
    guild_id: serenity::GuildId,
    message: &serenity::Message,
) -> Person {
    let author = &message.author;
    let is_bot = author.bot || message.webhook_id.is_some();
    Person {
        id: author.id.db(),
        is_bot,
        is_member: is_bot || is_member(ctx, guild_id, author.id).await,
    }
}

#[poise::command(context_menu_command = "Report user", guild_only)]
pub async fn report_user(ctx: Context<'_>, user: serenity::User) -> Result<(), BotError> {
    let poise::Context::Application(app) = ctx else {
        return Ok(());
    };
    let reported = person(app.interaction, &user);
    start_menu_report(ctx, reported, ReportSource::UserMenu, None).await
}

/// First step of a context-menu report: refuse at once what cannot be reported, otherwise
/// keep it and ask for the reason.
pub(super) async fn start_menu_report(
    ctx: Context<'_>,
    reported: Person,
    source: ReportSource,
    snapshot: Option<NewEvidence>,
) -> Result<(), BotError> {
    let Some(Reporting {
        interaction,
        guild_id,
        locale,
        ..
    }) = begin(ctx).await?
    else {
        return Ok(());
    };
    let data = ctx.data();
    let menu = MenuReport {
        guild_id: guild_id.db(),
        reporter_id: interaction.user.id.db(),
        bot_id: ctx.framework().bot_id().db(),
        reporter_joined_at: joined_at(interaction.member.as_deref()),
    };
    // The reason is not known yet; the checks do not depend on it.
    let draft = ReportDraft {
        guild_id: menu.guild_id,
        reporter_id: menu.reporter_id,
        bot_id: menu.bot_id,
        reported,
        victim: None,
        reason: Reason::Other,
        details: None,
        message_link: None,
    };
    if let Err(refused) = draft.check() {
        let text = refusal(&data.texts, &locale, refused);
        edit_deferred(ctx.http(), &interaction.token, text, None).await;
        return Ok(());
    }
    let token = menu.keep(data, reported.id, source, snapshot).await?;
    let select = reason_select(&data.texts, &locale, token);
    interaction.edit_response(ctx.http(), select).await?;
    Ok(())
}

/// Whether someone is still a member. When Discord cannot say (an outage), the report is
/// let through: refusing it would silence a victim over our own problem.
async fn is_member(ctx: Context<'_>, guild_id: serenity::GuildId, user: serenity::UserId) -> bool {
    match guild_id.member(ctx, user).await {
        Ok(_) => true,
        Err(error) => ErrorCode::of(&error) != Some(ErrorCode::UnknownMember),
    }
}
