//! The moderator queue (SPEC §5): one embed per case in the configured queue channel, in
//! the server's language, edited in place as the case moves; its buttons; and the closing
//! notice to reporters.
//!
//! Every button is checked server-side against the clicking member (never only the
//! channel's visibility), every moderator action is written with its audit row in one
//! transaction, and Discord is called before anything is recorded as done.

use chrono::Utc;
use fluent_bundle::FluentArgs;
use poise::serenity_prelude as serenity;
use serenity::Http;

use super::protection::{
    self, DiscordRefusal, MuteRequest, MuteResult, moderator_role, record_applied, running,
};
use super::reporting::{discord_error_code, server_settings};
use super::{BotData, BotError, permissions};
use crate::domain::case::{CaseStatus, HelpCardDelivery};
use crate::domain::protection::{
    ActionStatus, BanCleanup, Exemption, MuteDuration, ProtectionKind, RequestedBy,
};
use crate::domain::queue::{self as rules, AuditAction, Dismissal, Outcome, Transition};
use crate::domain::settings::{SettingKey, SettingValue, Settings};
use crate::store::{
    AuditEntry, CaseRecord, CaseUpdate, EvidenceRecord, MODERATOR_ACTION, ModerationStep,
    NewAuditEntry, NewProtectiveAction, NewStatsEvent, ProtectiveActionRecord, ReportRecord,
    StepOutcome,
};

/// Every queue component id starts with this, then `<verb>:<case id>`.
const PREFIX: &str = "sb:q:";
/// Discord's limit on an embed field's value.
const FIELD_MAX: usize = 1024;
/// Audit entries shown on the embed (the newest).
const HISTORY_SHOWN: usize = 8;
/// Evidence snapshots shown on the embed.
const EVIDENCE_SHOWN: usize = 3;

/// What a moderator clicked or chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Claim,
    AskMute,
    AskBan,
    AskDismiss,
    AskResolve,
    Unmute,
    Unban,
    MuteFor,
    BanWith,
    DismissAs,
    ResolveAs,
}

impl Verb {
    const ALL: [Verb; 11] = [
        Verb::Claim,
        Verb::AskMute,
        Verb::AskBan,
        Verb::AskDismiss,
        Verb::AskResolve,
        Verb::Unmute,
        Verb::Unban,
        Verb::MuteFor,
        Verb::BanWith,
        Verb::DismissAs,
        Verb::ResolveAs,
    ];

    fn code(self) -> &'static str {
        match self {
            Verb::Claim => "claim",
            Verb::AskMute => "mute",
            Verb::AskBan => "ban",
            Verb::AskDismiss => "dismiss",
            Verb::AskResolve => "resolve",
            Verb::Unmute => "unmute",
            Verb::Unban => "unban",
            Verb::MuteFor => "mute-for",
            Verb::BanWith => "ban-with",
            Verb::DismissAs => "dismiss-as",
            Verb::ResolveAs => "resolve-as",
        }
    }

    fn custom_id(self, case_id: i64) -> String {
        format!("{PREFIX}{}:{case_id}", self.code())
    }

    fn parse(custom_id: &str) -> Option<(Verb, i64)> {
        let (verb, case_id) = custom_id.strip_prefix(PREFIX)?.split_once(':')?;
        let verb = Verb::ALL.into_iter().find(|known| known.code() == verb)?;
        Some((verb, case_id.parse().ok()?))
    }
}

/// Everything the embed shows about a case.
struct CaseView {
    case: CaseRecord,
    reports: Vec<ReportRecord>,
    evidence: Vec<EvidenceRecord>,
    actions: Vec<ProtectiveActionRecord>,
    audit: Vec<AuditEntry>,
    prior_cases: i64,
    /// The reported member's running mutes in this server, whatever their case: a timeout
    /// belongs to the member.
    member_mutes: Vec<ProtectiveActionRecord>,
    /// References of the other cases those mutes belong to, by case id.
    mute_cases: Vec<(i64, String)>,
}

async fn load_view(data: &BotData, case: CaseRecord) -> Result<CaseView, BotError> {
    let store = &data.store;
    let reports = store.reports_of_case(case.id).await?;
    let evidence = store.evidence_of_case(case.id).await?;
    let actions = store.protective_actions_of_case(case.id).await?;
    let audit = store.audit_of_case(case.id).await?;
    let prior_cases = store
        .prior_cases_against(case.guild_id, case.reported_user_id, case.id)
        .await?;
    let member_mutes = store
        .running_mutes_of_member(case.guild_id, case.reported_user_id, Utc::now())
        .await?;
    let mut mute_cases = Vec::new();
    for mute in &member_mutes {
        if mute.case_id != case.id
            && !mute_cases.iter().any(|(id, _)| *id == mute.case_id)
            && let Some(other) = store.case_by_id(mute.case_id).await?
        {
            mute_cases.push((other.id, other.reference.as_str().to_owned()));
        }
    }
    Ok(CaseView {
        case,
        reports,
        evidence,
        actions,
        audit,
        prior_cases,
        member_mutes,
        mute_cases,
    })
}

/// Posts the case's embed in the queue channel, or edits the one already posted. Without a
/// configured queue channel nothing is posted (the report stands all the same).
pub async fn publish(http: &Http, data: &BotData, case_id: i64) -> Result<(), BotError> {
    let _guard = data.case_locks.lock(case_id).await;
    let Some(case) = data.store.case_by_id(case_id).await? else {
        return Ok(());
    };
    let settings = server_settings(data, case.guild_id).await;
    let view = load_view(data, case).await?;
    let (embed, rows) = render(data, &settings, settings.language(), &view);
    let case = &view.case;
    let configured = match settings.get(SettingKey::QueueChannel) {
        Some(SettingValue::Channel(channel)) => Some(*channel as i64),
        _ => None,
    };
    if let (Some(channel), Some(message)) = (case.queue_channel_id, case.queue_message_id)
        && (configured == Some(channel) || configured.is_none())
    {
        let edit = serenity::EditMessage::new()
            .embed(embed.clone())
            .components(rows.clone());
        let edited = http
            .edit_message(
                serenity::ChannelId::new(channel as u64),
                serenity::MessageId::new(message as u64),
                &edit,
                Vec::new(),
            )
            .await;
        match edited {
            Ok(_) => return Ok(()),
            // The post or its channel was deleted: post it again below.
            Err(error)
                if matches!(
                    discord_error_code(&error),
                    Some(UNKNOWN_MESSAGE | UNKNOWN_CHANNEL)
                ) => {}
            Err(error) => return Err(error.into()),
        }
    }
    // Not posted yet, gone, or the server moved its queue: post in the configured channel.
    let Some(channel) = configured else {
        return Ok(());
    };
    let channel = serenity::ChannelId::new(channel as u64);
    let post = serenity::CreateMessage::new()
        .embed(embed)
        .components(rows)
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    let posted = channel.send_message(http, post).await?;
    data.store
        .set_queue_message(case.id, channel.get() as i64, posted.id.get() as i64)
        .await?;
    Ok(())
}

/// Discord's "Unknown Message".
const UNKNOWN_MESSAGE: isize = 10008;
/// Discord's "Unknown Channel".
const UNKNOWN_CHANNEL: isize = 10003;

fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut clipped: String = text.chars().take(max.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

fn mention(user_id: i64) -> String {
    format!("<@{user_id}>")
}

fn timestamp(at: chrono::DateTime<Utc>) -> String {
    format!("<t:{}:f>", at.timestamp())
}

/// Discord's limit on an embed's title, field names and values together.
const EMBED_MAX: usize = 6000;
/// What the embed may use, a little under the limit (the timestamp and margins).
const EMBED_BUDGET: usize = EMBED_MAX - 200;
/// The least a shrunk field keeps.
const FIELD_MIN: usize = 64;

/// An embed field before it is sent, so the whole can be fitted under [`EMBED_MAX`].
struct Field {
    name: String,
    value: String,
    inline: bool,
}

impl Field {
    fn new(name: String, value: String, inline: bool) -> Field {
        Field {
            name,
            value: clip(value, FIELD_MAX),
            inline,
        }
    }

    fn chars(&self) -> usize {
        self.name.chars().count() + self.value.chars().count()
    }
}

/// Shrinks the fields named in `shrink_first` (in that order) until the embed fits.
fn fit(title: &str, fields: &mut [Field], shrink_first: &[&str]) {
    for name in shrink_first {
        let total: usize = title.chars().count() + fields.iter().map(Field::chars).sum::<usize>();
        let Some(excess) = total.checked_sub(EMBED_BUDGET).filter(|excess| *excess > 0) else {
            return;
        };
        if let Some(field) = fields.iter_mut().find(|field| field.name == *name) {
            let keep = field
                .value
                .chars()
                .count()
                .saturating_sub(excess)
                .max(FIELD_MIN);
            field.value = clip(std::mem::take(&mut field.value), keep);
        }
    }
}

/// The case's embed and its buttons, in `locale`.
fn render(
    data: &BotData,
    settings: &Settings,
    locale: &str,
    view: &CaseView,
) -> (serenity::CreateEmbed, Vec<serenity::CreateActionRow>) {
    let texts = &data.texts;
    let text = |id: &str| texts.text(locale, id);
    let case = &view.case;
    let now = Utc::now();

    let mut title = FluentArgs::new();
    title.set("reference", case.reference.as_str().to_owned());
    title.set(
        "status",
        text(&format!("case-status-{}", case.status.as_str())),
    );
    let title = texts.format(locale, "queue-title", Some(&title));
    let colour = match case.status {
        CaseStatus::Open => 0xE67E22,
        CaseStatus::Claimed => 0x3498DB,
        CaseStatus::Resolved => 0x2ECC71,
        CaseStatus::Dismissed => 0x95A5A6,
    };
    let mut fields = vec![
        Field::new(
            text("queue-field-reason"),
            text(&case.reason.fluent_id()),
            true,
        ),
        Field::new(
            text("queue-field-reported"),
            format!(
                "{} (`{}`)",
                mention(case.reported_user_id),
                case.reported_user_id
            ),
            true,
        ),
        Field::new(
            text("queue-field-victim"),
            mention(case.victim_user_id),
            true,
        ),
    ];

    let mut reporters: Vec<Option<i64>> = Vec::new();
    for report in &view.reports {
        if !reporters.contains(&report.reporter_user_id) {
            reporters.push(report.reporter_user_id);
        }
    }
    let mut count = FluentArgs::new();
    count.set("count", reporters.len());
    let reporters_value = if settings.flag(SettingKey::ReporterSealed) {
        text("queue-reporter-sealed")
    } else {
        reporters
            .iter()
            .map(|reporter| reporter.map_or_else(|| text("queue-reporter-erased"), mention))
            .collect::<Vec<_>>()
            .join(", ")
    };
    fields.push(Field::new(
        texts.format(locale, "queue-field-reporters", Some(&count)),
        reporters_value,
        false,
    ));

    // Newest first: when the embed must shrink, the oldest words go.
    let details: Vec<String> = view
        .reports
        .iter()
        .rev()
        .filter_map(|report| report.details.as_deref())
        .map(|details| format!("> {}", details.replace('\n', "\n> ")))
        .collect();
    let details_name = text("queue-field-details");
    if !details.is_empty() {
        fields.push(Field::new(details_name.clone(), details.join("\n"), false));
    }

    let evidence = if case.evidence_purged_at.is_some() {
        text("queue-evidence-purged")
    } else if view.evidence.is_empty() {
        text("queue-evidence-none")
    } else {
        view.evidence
            .iter()
            .take(EVIDENCE_SHOWN)
            .map(|item| {
                let mut args = FluentArgs::new();
                args.set(
                    "link",
                    format!(
                        "https://discord.com/channels/{}/{}/{}",
                        case.guild_id, item.channel_id, item.message_id
                    ),
                );
                args.set("author", mention(item.author_id));
                args.set("attachments", item.attachment_urls.len());
                let mut line = texts.format(locale, "queue-evidence-item", Some(&args));
                if let Some(content) = &item.content {
                    line.push_str(&format!("\n> {}", clip(content.replace('\n', " "), 300)));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let evidence_name = text("queue-field-evidence");
    fields.push(Field::new(evidence_name.clone(), evidence, false));

    let mut protections: Vec<String> = view
        .actions
        .iter()
        .map(|action| action_line(data, locale, action, now))
        .collect();
    for (_, reference) in &view.mute_cases {
        let mut args = FluentArgs::new();
        args.set("reference", reference.clone());
        protections.push(texts.format(locale, "queue-muted-by-other-case", Some(&args)));
    }
    let deletions = view
        .audit
        .iter()
        .filter(|entry| entry.action == AuditAction::ShieldDeletion.as_str())
        .count();
    if deletions > 0 {
        let mut args = FluentArgs::new();
        args.set("count", deletions);
        protections.push(texts.format(locale, "queue-shield-deletions", Some(&args)));
    }
    if protections.is_empty() {
        protections.push(text("queue-protection-none"));
    }
    let protection_name = text("queue-field-protection");
    fields.push(Field::new(
        protection_name.clone(),
        protections.join("\n"),
        false,
    ));

    let delivery = view
        .reports
        .iter()
        .rev()
        .find(|report| !report.is_witness || report.victim_user_id == case.victim_user_id)
        .map_or(HelpCardDelivery::Pending, |report| report.help_card);
    fields.push(Field::new(
        text("queue-field-help-card"),
        text(&format!("queue-help-card-{}", delivery.as_str())),
        true,
    ));
    fields.push(Field::new(
        text("queue-field-prior"),
        view.prior_cases.to_string(),
        true,
    ));
    if let Some(moderator) = case.claimed_by {
        fields.push(Field::new(
            text("queue-field-claimed"),
            mention(moderator),
            true,
        ));
    }
    if let Some(outcome) = case.outcome.as_deref().and_then(rules::outcome_fluent_id) {
        fields.push(Field::new(
            text("queue-field-outcome"),
            text(&outcome),
            true,
        ));
    }
    let moderator_entries: Vec<&AuditEntry> = view
        .audit
        .iter()
        .filter(|entry| entry.action != AuditAction::ShieldDeletion.as_str())
        .collect();
    let history: Vec<String> = moderator_entries
        [moderator_entries.len().saturating_sub(HISTORY_SHOWN)..]
        .iter()
        .map(|entry| history_line(data, locale, entry))
        .collect();
    let history_name = text("queue-field-history");
    if !history.is_empty() {
        fields.push(Field::new(history_name.clone(), history.join("\n"), false));
    }

    fit(
        &title,
        &mut fields,
        &[
            &details_name,
            &evidence_name,
            &history_name,
            &protection_name,
        ],
    );
    let embed = serenity::CreateEmbed::new()
        .title(title)
        .colour(colour)
        .timestamp(serenity::Timestamp::from(case.created_at))
        .fields(
            fields
                .into_iter()
                .map(|field| (field.name, field.value, field.inline)),
        );
    (embed, buttons(data, locale, view, now))
}

/// One line of the embed's history: what a moderator (or the bot) did, and whether it
/// failed or was refused (the audit detail starts with `failed:` or `refused:`).
fn history_line(data: &BotData, locale: &str, entry: &AuditEntry) -> String {
    let texts = &data.texts;
    let mut args = FluentArgs::new();
    args.set("when", timestamp(entry.created_at));
    args.set("who", mention(entry.actor_user_id));
    args.set(
        "what",
        texts.text(locale, &format!("queue-audit-{}", entry.action)),
    );
    let mut detail = entry.detail.as_deref().unwrap_or_default().split(':');
    let id = match detail.next() {
        Some("failed") => "queue-history-failed",
        Some("refused") => "queue-history-refused",
        _ => "queue-history-line",
    };
    if let Some(code) = detail.next() {
        args.set("why", texts.text(locale, &format!("queue-detail-{code}")));
    }
    texts.format(locale, id, Some(&args))
}

fn action_line(
    data: &BotData,
    locale: &str,
    action: &ProtectiveActionRecord,
    now: chrono::DateTime<Utc>,
) -> String {
    let texts = &data.texts;
    let mut args = FluentArgs::new();
    args.set(
        "kind",
        texts.text(locale, &format!("queue-kind-{}", action.kind.as_str())),
    );
    args.set(
        "requester",
        texts.text(
            locale,
            &format!("queue-requester-{}", action.requested_by.as_str()),
        ),
    );
    let status = match action.status {
        ActionStatus::Applied if !action.is_running(now) => "expired",
        other => other.as_str(),
    };
    args.set(
        "status",
        texts.text(locale, &format!("queue-status-{status}")),
    );
    let extra = match (action.status, action.expires_at, action.detail.as_deref()) {
        (ActionStatus::Applied, Some(end), _) => {
            let mut until = FluentArgs::new();
            until.set("until", timestamp(end));
            texts.format(locale, "queue-until", Some(&until))
        }
        (ActionStatus::Refused | ActionStatus::Failed, _, Some(code)) => {
            texts.text(locale, &format!("queue-detail-{code}"))
        }
        _ => String::new(),
    };
    args.set("extra", extra);
    texts.format(locale, "queue-action-line", Some(&args))
}

fn buttons(
    data: &BotData,
    locale: &str,
    view: &CaseView,
    now: chrono::DateTime<Utc>,
) -> Vec<serenity::CreateActionRow> {
    let texts = &data.texts;
    let case = &view.case;
    let button = |verb: Verb, label: &str, style: serenity::ButtonStyle| {
        serenity::CreateButton::new(verb.custom_id(case.id))
            .label(texts.text(locale, label))
            .style(style)
    };
    let mut rows = Vec::new();
    if case.status.is_active() {
        use serenity::ButtonStyle::{Danger, Primary, Secondary, Success};
        let claim =
            case.claimed_by
                .is_none()
                .then_some((Verb::Claim, "queue-button-claim", Primary));
        let main = claim
            .into_iter()
            .chain([
                (Verb::AskMute, "queue-button-mute", Secondary),
                (Verb::AskBan, "queue-button-ban", Danger),
                (Verb::AskDismiss, "queue-button-dismiss", Secondary),
                (Verb::AskResolve, "queue-button-resolve", Success),
            ])
            .map(|(verb, label, style)| button(verb, label, style))
            .collect();
        rows.push(serenity::CreateActionRow::Buttons(main));
    }
    let mut undo = Vec::new();
    if !view.member_mutes.is_empty() {
        undo.push(button(
            Verb::Unmute,
            "queue-button-unmute",
            serenity::ButtonStyle::Secondary,
        ));
    }
    if running(&view.actions, ProtectionKind::Ban, now).is_some() {
        undo.push(button(
            Verb::Unban,
            "queue-button-unban",
            serenity::ButtonStyle::Secondary,
        ));
    }
    if !undo.is_empty() {
        rows.push(serenity::CreateActionRow::Buttons(undo));
    }
    rows
}

/// Whether the member behind an interaction is a moderator of its server, from what
/// Discord says about them now and the server's configured moderator role.
pub fn is_moderator(
    ctx: &serenity::Context,
    member: Option<&serenity::Member>,
    guild_id: serenity::GuildId,
    settings: &Settings,
) -> bool {
    permissions::actor(member, permissions::guild_owner(ctx, guild_id))
        .is_some_and(|actor| actor.is_moderator(moderator_role(settings)))
}

/// The queue's buttons and selects. Returns `Ok(false)` for other custom ids.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &BotData,
    interaction: &serenity::ComponentInteraction,
) -> Result<bool, BotError> {
    if !interaction.data.custom_id.starts_with(PREFIX) {
        return Ok(false);
    }
    let Some(guild_id) = interaction.guild_id else {
        let locale = data
            .texts
            .negotiate(&[Some(interaction.locale.as_str())])
            .to_owned();
        let answer = serenity::CreateInteractionResponse::Message(
            serenity::CreateInteractionResponseMessage::new()
                .content(data.texts.text(&locale, "error-guild-only"))
                .ephemeral(true),
        );
        interaction.create_response(ctx, answer).await?;
        return Ok(true);
    };
    let settings = server_settings(data, guild_id.get() as i64).await;
    let locale = data
        .texts
        .negotiate(&[Some(interaction.locale.as_str()), Some(settings.language())])
        .to_owned();
    let reply = |content: String| {
        serenity::CreateInteractionResponse::Message(
            serenity::CreateInteractionResponseMessage::new()
                .content(content)
                .ephemeral(true),
        )
    };
    let Some((verb, case_id)) = Verb::parse(&interaction.data.custom_id) else {
        let answer = reply(data.texts.text(&locale, "queue-case-unknown"));
        interaction.create_response(ctx, answer).await?;
        return Ok(true);
    };
    if !is_moderator(ctx, interaction.member.as_ref(), guild_id, &settings) {
        tracing::info!(
            verb = verb.code(),
            "queue action refused to a non-moderator"
        );
        let answer = reply(data.texts.text(&locale, "queue-refused-not-moderator"));
        interaction.create_response(ctx, answer).await?;
        return Ok(true);
    }
    let case = data
        .store
        .case_by_id(case_id)
        .await?
        .filter(|case| case.guild_id == guild_id.get() as i64);
    let Some(case) = case else {
        let answer = reply(data.texts.text(&locale, "queue-case-unknown"));
        interaction.create_response(ctx, answer).await?;
        return Ok(true);
    };

    if let Some(prompt) = prompt(data, &locale, verb, &case) {
        interaction
            .create_response(ctx, serenity::CreateInteractionResponse::Message(prompt))
            .await?;
        return Ok(true);
    }
    // A choice in a prompt replaces the prompt; a button gets its own answer.
    let is_choice = matches!(
        verb,
        Verb::MuteFor | Verb::BanWith | Verb::DismissAs | Verb::ResolveAs
    );
    let acknowledgement = if is_choice {
        serenity::CreateInteractionResponse::Acknowledge
    } else {
        serenity::CreateInteractionResponse::Defer(
            serenity::CreateInteractionResponseMessage::new().ephemeral(true),
        )
    };
    interaction.create_response(ctx, acknowledgement).await?;

    let moderator = Moderator {
        user_id: interaction.user.id.get() as i64,
        settings: &settings,
        locale: &locale,
    };
    let choice = match &interaction.data.kind {
        serenity::ComponentInteractionDataKind::StringSelect { values } => values.first().cloned(),
        _ => None,
    };
    let answer = match act(ctx, data, &moderator, verb, &case, choice.as_deref()).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::error!(case = %case.reference, %error, "queue action failed");
            data.texts.text(&locale, "error-internal")
        }
    };
    if let Err(error) = publish(&ctx.http, data, case.id).await {
        tracing::error!(case = %case.reference, %error, "queue embed not updated");
    }
    interaction
        .edit_response(
            ctx,
            serenity::EditInteractionResponse::new()
                .content(answer)
                .components(Vec::new()),
        )
        .await?;
    Ok(true)
}

/// The ephemeral choice a button opens (duration, cleanup, reason, outcome), if it opens one.
fn prompt(
    data: &BotData,
    locale: &str,
    verb: Verb,
    case: &CaseRecord,
) -> Option<serenity::CreateInteractionResponseMessage> {
    let texts = &data.texts;
    let (select, question, options): (Verb, &str, Vec<(String, &str)>) = match verb {
        Verb::AskMute => (
            Verb::MuteFor,
            "queue-pick-mute-duration",
            MuteDuration::ALL
                .iter()
                .map(|duration| {
                    (
                        format!("queue-duration-{}", duration.as_str()),
                        duration.as_str(),
                    )
                })
                .collect(),
        ),
        Verb::AskBan => (
            Verb::BanWith,
            "queue-pick-ban-cleanup",
            BanCleanup::ALL
                .iter()
                .map(|cleanup| {
                    (
                        format!("queue-cleanup-{}", cleanup.as_str()),
                        cleanup.as_str(),
                    )
                })
                .collect(),
        ),
        Verb::AskDismiss => (
            Verb::DismissAs,
            "queue-pick-dismissal",
            Dismissal::ALL
                .iter()
                .map(|dismissal| {
                    (
                        format!("queue-dismissal-{}", dismissal.as_str()),
                        dismissal.as_str(),
                    )
                })
                .collect(),
        ),
        Verb::AskResolve => (
            Verb::ResolveAs,
            "queue-pick-outcome",
            Outcome::ALL
                .iter()
                .map(|outcome| {
                    (
                        format!("queue-outcome-{}", outcome.as_str()),
                        outcome.as_str(),
                    )
                })
                .collect(),
        ),
        _ => return None,
    };
    let options = options
        .into_iter()
        .map(|(label, value)| {
            serenity::CreateSelectMenuOption::new(texts.text(locale, &label), value)
        })
        .collect();
    let menu = serenity::CreateSelectMenu::new(
        select.custom_id(case.id),
        serenity::CreateSelectMenuKind::String { options },
    );
    let mut args = FluentArgs::new();
    args.set("reference", case.reference.as_str().to_owned());
    Some(
        serenity::CreateInteractionResponseMessage::new()
            .content(texts.format(locale, question, Some(&args)))
            .components(vec![serenity::CreateActionRow::SelectMenu(menu)])
            .ephemeral(true),
    )
}

/// The moderator acting, with their server's settings and their language.
struct Moderator<'a> {
    user_id: i64,
    settings: &'a Settings,
    locale: &'a str,
}

impl Moderator<'_> {
    fn audit(
        &self,
        case: &CaseRecord,
        action: AuditAction,
        detail: Option<String>,
    ) -> NewAuditEntry {
        NewAuditEntry {
            guild_id: case.guild_id,
            case_id: Some(case.id),
            actor_user_id: self.user_id,
            action: action.as_str().to_owned(),
            detail,
            now: Utc::now(),
        }
    }

    fn stats(
        &self,
        case: &CaseRecord,
        kind: &'static str,
        action: Option<&str>,
        outcome: Option<&str>,
    ) -> NewStatsEvent {
        let now = Utc::now();
        NewStatsEvent {
            guild_id: case.guild_id,
            occurred_hour: protection::stats_hour(self.settings, now),
            kind,
            reason: case.reason,
            action: action.map(str::to_owned),
            outcome: outcome.map(str::to_owned),
            duration_seconds: Some((now - case.created_at).num_seconds().max(0)),
        }
    }
}

/// Carries out a moderator's action on a case, under the case lock, and returns their
/// answer.
async fn act(
    ctx: &serenity::Context,
    data: &BotData,
    moderator: &Moderator<'_>,
    verb: Verb,
    case: &CaseRecord,
    choice: Option<&str>,
) -> Result<String, BotError> {
    let texts = &data.texts;
    let locale = moderator.locale;
    let guard = data.case_locks.lock(case.id).await;
    // Re-read under the lock: another moderator may just have acted.
    let Some(case) = data.store.case_by_id(case.id).await? else {
        return Ok(texts.text(locale, "queue-case-unknown"));
    };
    let answer = match verb {
        Verb::Claim => transition(ctx, data, moderator, &case, Transition::Claim).await?,
        Verb::ResolveAs => match choice.and_then(|code| code.parse::<Outcome>().ok()) {
            Some(outcome) => {
                transition(ctx, data, moderator, &case, Transition::Resolve(outcome)).await?
            }
            None => texts.text(locale, "queue-case-unknown"),
        },
        Verb::DismissAs => match choice.and_then(|code| code.parse::<Dismissal>().ok()) {
            Some(dismissal) => {
                transition(ctx, data, moderator, &case, Transition::Dismiss(dismissal)).await?
            }
            None => texts.text(locale, "queue-case-unknown"),
        },
        Verb::MuteFor => match choice.and_then(|code| code.parse::<MuteDuration>().ok()) {
            Some(duration) => moderator_mute(ctx, data, moderator, &case, duration).await?,
            None => texts.text(locale, "queue-case-unknown"),
        },
        Verb::BanWith => match choice.and_then(|code| code.parse::<BanCleanup>().ok()) {
            Some(cleanup) => moderator_ban(ctx, data, moderator, &case, cleanup).await?,
            None => texts.text(locale, "queue-case-unknown"),
        },
        Verb::Unmute => undo(ctx, data, moderator, &case, Undo::Unmute).await?,
        Verb::Unban => undo(ctx, data, moderator, &case, Undo::Unban).await?,
        Verb::AskMute | Verb::AskBan | Verb::AskDismiss | Verb::AskResolve => {
            texts.text(locale, "queue-case-unknown")
        }
    };
    drop(guard);
    Ok(answer)
}

fn reference_args(case: &CaseRecord) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    args.set("reference", case.reference.as_str().to_owned());
    args
}

async fn transition(
    ctx: &serenity::Context,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    transition: Transition,
) -> Result<String, BotError> {
    let texts = &data.texts;
    let locale = moderator.locale;
    let mut args = reference_args(case);
    let change = match rules::next(case.status, case.claimed_by, transition, moderator.user_id) {
        Ok(Some(change)) => change,
        Ok(None) => return Ok(texts.format(locale, "queue-claimed", Some(&args))),
        Err(rules::TransitionError::ClaimedByAnother(owner)) => {
            args.set("moderator", mention(owner));
            return Ok(texts.format(locale, "queue-already-claimed", Some(&args)));
        }
        Err(rules::TransitionError::AlreadyClosed(_)) => {
            return Ok(case_closed_answer(data, locale, case));
        }
    };
    let action = transition.audit_action();
    let mut stats = vec![moderator.stats(case, MODERATOR_ACTION, Some(action.as_str()), None)];
    if change.closes {
        stats.push(moderator.stats(case, "case_closed", None, change.outcome.as_deref()));
    }
    let step = ModerationStep {
        audit: Some(moderator.audit(case, action, change.outcome.clone())),
        case_update: Some(CaseUpdate {
            case_id: case.id,
            expected: case.status,
            change: change.clone(),
        }),
        stats,
        ..ModerationStep::default()
    };
    if data.store.record_step(&step).await? == StepOutcome::CaseMoved {
        return Ok(texts.format(locale, "queue-moved", Some(&args)));
    }
    tracing::info!(case = %case.reference, action = action.as_str(), "case moved");
    if change.closes {
        data.shields.end_case(case.id);
        // The mutes the victim or the rule asked for wait for a moderator: one just decided.
        if let Err(error) = protection::lift_case_mutes(
            &ctx.http,
            data,
            moderator.settings,
            case,
            moderator.user_id,
        )
        .await
        {
            tracing::error!(case = %case.reference, %error, "mutes of the closed case not lifted");
        }
        if moderator.settings.flag(SettingKey::NotifyReporterOnClose) {
            notify_reporters(ctx, data, moderator.settings, case).await;
        }
    }
    let id = match transition {
        Transition::Claim => "queue-claimed",
        Transition::Resolve(_) => "queue-resolved",
        Transition::Dismiss(_) => "queue-dismissed",
    };
    Ok(texts.format(locale, id, Some(&args)))
}

/// Tells each reporter of a closed case, by DM and in the server's language, that it was
/// handled, without any sanction detail. A closed DM is not an error. The DMs are sent in
/// the background, once the case lock is released.
async fn notify_reporters(
    ctx: &serenity::Context,
    data: &BotData,
    settings: &Settings,
    case: &CaseRecord,
) {
    let reports = match data.store.reports_of_case(case.id).await {
        Ok(reports) => reports,
        Err(error) => {
            tracing::error!(case = %case.reference, %error, "reporters not notified");
            return;
        }
    };
    let mut reporters: Vec<i64> = reports
        .iter()
        .filter_map(|report| report.reporter_user_id)
        .collect();
    reporters.sort_unstable();
    reporters.dedup();
    let http = std::sync::Arc::clone(&ctx.http);
    let texts = std::sync::Arc::clone(&data.texts);
    let locale = settings.language().to_owned();
    let (guild_id, reference) = (case.guild_id, case.reference.as_str().to_owned());
    tokio::spawn(async move {
        let server = match http
            .get_guild(serenity::GuildId::new(guild_id as u64))
            .await
        {
            Ok(guild) => guild.name,
            Err(_) => texts.text(&locale, "this-server"),
        };
        let mut args = FluentArgs::new();
        args.set("reference", reference.clone());
        args.set("server", server);
        let notice = texts.format(&locale, "queue-reporter-notice", Some(&args));
        for reporter in reporters {
            let user = serenity::UserId::new(reporter as u64);
            let sent = async {
                let channel = user.create_dm_channel(&http).await?;
                channel
                    .send_message(
                        &http,
                        serenity::CreateMessage::new().content(notice.clone()),
                    )
                    .await
            };
            if let Err(error) = sent.await {
                tracing::info!(case = %reference, code = ?discord_error_code(&error), "closing notice not delivered");
            }
        }
    });
}

/// "This case is already closed", for any action on a closed case.
fn case_closed_answer(data: &BotData, locale: &str, case: &CaseRecord) -> String {
    let mut args = reference_args(case);
    args.set(
        "status",
        data.texts
            .text(locale, &format!("case-status-{}", case.status.as_str())),
    );
    data.texts.format(locale, "queue-case-closed", Some(&args))
}

/// Why the bot will not act on a member, for a moderator.
fn exemption_answer(
    data: &BotData,
    locale: &str,
    case: &CaseRecord,
    exemption: Exemption,
) -> String {
    let mut args = reference_args(case);
    args.set("member", mention(case.reported_user_id));
    args.set(
        "why",
        data.texts
            .text(locale, &format!("queue-detail-{}", exemption.as_str())),
    );
    data.texts.format(locale, "queue-exempt", Some(&args))
}

fn refusal_answer(data: &BotData, locale: &str, refusal: DiscordRefusal) -> String {
    data.texts.text(locale, refusal.fluent_id())
}

async fn moderator_mute(
    ctx: &serenity::Context,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    duration: MuteDuration,
) -> Result<String, BotError> {
    let locale = moderator.locale;
    if !case.status.is_active() {
        return Ok(case_closed_answer(data, locale, case));
    }
    let reason = protection::audit_reason(
        data,
        moderator.settings,
        "audit-reason-moderator-mute",
        case,
        &[("moderator", moderator.user_id.to_string())],
    );
    let request = MuteRequest {
        requested_by: RequestedBy::Moderator,
        actor_user_id: Some(moderator.user_id),
        duration: duration.duration(),
        detail: duration.as_str().to_owned(),
        audit_log_reason: reason,
        audit: Some(moderator.audit(case, AuditAction::Mute, None)),
        moderator_stats: Some(moderator.stats(
            case,
            MODERATOR_ACTION,
            Some(AuditAction::Mute.as_str()),
            None,
        )),
    };
    let result = protection::mute(&ctx.http, data, moderator.settings, case, request).await?;
    let mut args = reference_args(case);
    args.set("member", mention(case.reported_user_id));
    Ok(match result {
        MuteResult::Applied { until } => {
            args.set("until", timestamp(until));
            data.texts.format(locale, "queue-muted", Some(&args))
        }
        MuteResult::AlreadyRunning { .. } => data.texts.text(locale, "protection-already-muted"),
        MuteResult::Exempt(exemption) => exemption_answer(data, locale, case, exemption),
        MuteResult::Refused(refusal) => refusal_answer(data, locale, refusal),
    })
}

async fn moderator_ban(
    ctx: &serenity::Context,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    cleanup: BanCleanup,
) -> Result<String, BotError> {
    let locale = moderator.locale;
    let texts = &data.texts;
    let now = Utc::now();
    let mut args = reference_args(case);
    args.set("member", mention(case.reported_user_id));
    if !case.status.is_active() {
        return Ok(case_closed_answer(data, locale, case));
    }
    let actions = data.store.protective_actions_of_case(case.id).await?;
    if running(&actions, ProtectionKind::Ban, now).is_some() {
        return Ok(texts.format(locale, "queue-already-banned", Some(&args)));
    }
    // A member who left can still be banned; one still here must be below the bot and
    // no moderator (the bot must not lend its rights against the server's own staff).
    match protection::standing(&ctx.http, case.guild_id, case.reported_user_id).await {
        Ok(standing) => {
            if let Some(exemption) = crate::domain::protection::mute_exemption(
                &standing.target,
                moderator_role(moderator.settings),
                standing.bot_top_role_position,
            ) {
                let step = ban_step(
                    moderator,
                    case,
                    cleanup,
                    ActionStatus::Refused,
                    exemption.as_str(),
                );
                data.store.record_step(&step).await?;
                return Ok(exemption_answer(data, locale, case, exemption));
            }
        }
        Err(error) if DiscordRefusal::of(&error) == DiscordRefusal::UnknownMember => {}
        Err(error) => {
            let refusal = DiscordRefusal::of(&error);
            let step = ban_step(
                moderator,
                case,
                cleanup,
                ActionStatus::Failed,
                refusal.code(),
            );
            data.store.record_step(&step).await?;
            return Ok(refusal_answer(data, locale, refusal));
        }
    }
    let reason = protection::audit_reason(
        data,
        moderator.settings,
        "audit-reason-moderator-ban",
        case,
        &[("moderator", moderator.user_id.to_string())],
    );
    match protection::ban(
        &ctx.http,
        case.guild_id,
        case.reported_user_id,
        cleanup,
        &reason,
    )
    .await
    {
        Ok(()) => {
            let mut step = ban_step(
                moderator,
                case,
                cleanup,
                ActionStatus::Applied,
                cleanup.as_str(),
            );
            step.stats.push(protection::protective_stats(
                moderator.settings,
                case,
                ProtectionKind::Ban,
                now,
            ));
            if let Err(error) = record_applied(data, &step).await {
                // Nothing on the case says the member is banned: neither may Discord.
                tracing::error!(case = %case.reference, %error, "ban not recorded: undoing it on Discord");
                if let Err(undo) =
                    protection::unban(&ctx.http, case.guild_id, case.reported_user_id, &reason)
                        .await
                {
                    tracing::error!(case = %case.reference, code = ?discord_error_code(&undo), "unrecorded ban not undone");
                }
                return Err(error);
            }
            Ok(texts.format(locale, "queue-banned", Some(&args)))
        }
        Err(error) => {
            let refusal = DiscordRefusal::of(&error);
            tracing::info!(case = %case.reference, code = ?discord_error_code(&error), "Discord refused the ban");
            let step = ban_step(
                moderator,
                case,
                cleanup,
                ActionStatus::Failed,
                refusal.code(),
            );
            data.store.record_step(&step).await?;
            Ok(refusal_answer(data, locale, refusal))
        }
    }
}

fn ban_step(
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    cleanup: BanCleanup,
    status: ActionStatus,
    detail: &str,
) -> ModerationStep {
    let now = Utc::now();
    ModerationStep {
        new_action: Some(NewProtectiveAction {
            case_id: case.id,
            kind: ProtectionKind::Ban,
            target_user_id: case.reported_user_id,
            protected_user_id: None,
            requested_by: RequestedBy::Moderator,
            actor_user_id: Some(moderator.user_id),
            status,
            detail: Some(detail.to_owned()),
            expires_at: None,
            now,
        }),
        audit: Some(moderator.audit(
            case,
            AuditAction::Ban,
            Some(format!(
                "{}:{detail}:cleanup={}",
                status.as_str(),
                cleanup.as_str()
            )),
        )),
        stats: vec![moderator.stats(
            case,
            MODERATOR_ACTION,
            Some(AuditAction::Ban.as_str()),
            None,
        )],
        now: Some(now),
        ..ModerationStep::default()
    }
}

/// What a moderator undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Undo {
    Unmute,
    Unban,
}

/// Unmute or unban: lifts it on Discord, then records the running actions as reverted. A
/// timeout belongs to the member, so unmuting lifts every running mute of the member in the
/// server, whichever case it came from.
async fn undo(
    ctx: &serenity::Context,
    data: &BotData,
    moderator: &Moderator<'_>,
    case: &CaseRecord,
    what: Undo,
) -> Result<String, BotError> {
    let locale = moderator.locale;
    let texts = &data.texts;
    let now = Utc::now();
    let mut args = reference_args(case);
    args.set("member", mention(case.reported_user_id));
    let lifted: Vec<i64> = match what {
        Undo::Unmute => data
            .store
            .running_mutes_of_member(case.guild_id, case.reported_user_id, now)
            .await?
            .iter()
            .map(|mute| mute.id)
            .collect(),
        Undo::Unban => {
            let actions = data.store.protective_actions_of_case(case.id).await?;
            running(&actions, ProtectionKind::Ban, now)
                .map(|ban| ban.id)
                .into_iter()
                .collect()
        }
    };
    if lifted.is_empty() {
        return Ok(texts.format(locale, "queue-nothing-to-undo", Some(&args)));
    }
    let (audit_action, reason_id, done_id) = match what {
        Undo::Unban => (AuditAction::Unban, "audit-reason-unban", "queue-unbanned"),
        Undo::Unmute => (AuditAction::Unmute, "audit-reason-unmute", "queue-unmuted"),
    };
    let reason = protection::audit_reason(
        data,
        moderator.settings,
        reason_id,
        case,
        &[("moderator", moderator.user_id.to_string())],
    );
    let on_discord = match what {
        Undo::Unban => {
            protection::unban(&ctx.http, case.guild_id, case.reported_user_id, &reason).await
        }
        Undo::Unmute => {
            protection::set_timeout(
                &ctx.http,
                case.guild_id,
                case.reported_user_id,
                None,
                &reason,
            )
            .await
        }
    };
    // A ban already lifted, or a member gone, leaves nothing running: record the undo.
    let detail = match on_discord {
        Ok(()) => "done",
        Err(error) => match DiscordRefusal::of(&error) {
            DiscordRefusal::UnknownBan | DiscordRefusal::UnknownMember => "already_lifted",
            refusal @ (DiscordRefusal::MissingPermissions | DiscordRefusal::Failed) => {
                tracing::info!(case = %case.reference, code = ?discord_error_code(&error), "Discord refused the undo");
                let step = ModerationStep {
                    audit: Some(moderator.audit(
                        case,
                        audit_action,
                        Some(format!("failed:{}", refusal.code())),
                    )),
                    ..ModerationStep::default()
                };
                data.store.record_step(&step).await?;
                return Ok(refusal_answer(data, locale, refusal));
            }
        },
    };
    let step = ModerationStep {
        reverts: lifted,
        audit: Some(moderator.audit(case, audit_action, Some(detail.to_owned()))),
        stats: vec![moderator.stats(case, MODERATOR_ACTION, Some(audit_action.as_str()), None)],
        now: Some(now),
        ..ModerationStep::default()
    };
    match record_applied(data, &step).await? {
        StepOutcome::Written { .. } => Ok(texts.format(locale, done_id, Some(&args))),
        // Another moderator undid it meanwhile: Discord and the case agree already.
        StepOutcome::AlreadyReverted | StepOutcome::CaseMoved => {
            Ok(texts.format(locale, "queue-nothing-to-undo", Some(&args)))
        }
    }
}

/// The embed of a case for `/cases show`, in the asking moderator's language, with the
/// queue's buttons (they work anywhere: every click is checked).
pub async fn case_embed(
    data: &BotData,
    settings: &Settings,
    locale: &str,
    case: CaseRecord,
) -> Result<(serenity::CreateEmbed, Vec<serenity::CreateActionRow>), BotError> {
    let view = load_view(data, case).await?;
    Ok(render(data, settings, locale, &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, chars: usize) -> Field {
        Field::new(name.to_owned(), "x".repeat(chars), false)
    }

    fn total(title: &str, fields: &[Field]) -> usize {
        title.chars().count() + fields.iter().map(Field::chars).sum::<usize>()
    }

    #[test]
    fn an_embed_is_fitted_under_discords_total_shrinking_details_first() {
        let title = "Dossier SB-ABCD · ouvert";
        let mut fields: Vec<Field> = [
            "details",
            "evidence",
            "history",
            "protection",
            "reason",
            "reported",
            "victim",
        ]
        .into_iter()
        .map(|name| field(name, 5000))
        .collect();
        assert_eq!(
            fields[0].value.chars().count(),
            FIELD_MAX,
            "clipped per field"
        );
        fit(
            title,
            &mut fields,
            &["details", "evidence", "history", "protection"],
        );
        assert!(total(title, &fields) <= EMBED_BUDGET);
        assert_eq!(
            fields[0].value.chars().count(),
            FIELD_MIN,
            "details go first"
        );
        let evidence = fields[1].value.chars().count();
        assert!(FIELD_MIN < evidence && evidence < FIELD_MAX, "{evidence}");
        assert_eq!(fields[2].value.chars().count(), FIELD_MAX, "history kept");
        assert_eq!(
            fields[6].value.chars().count(),
            FIELD_MAX,
            "fields not named are kept"
        );

        let mut small = vec![field("details", 100), field("evidence", 100)];
        fit(title, &mut small, &["details", "evidence"]);
        assert_eq!(
            small[0].value.chars().count(),
            100,
            "nothing shrinks when it fits"
        );
    }
}
