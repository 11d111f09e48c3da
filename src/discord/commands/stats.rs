//! `/stats`: anonymized statistics for moderators (SPEC §7): an embed with a PNG chart, or
//! a CSV export, both under the same small-count suppression. The commands check the
//! caller, compute the statistics within Discord's deadline and reply; what the reply
//! shows is drawn by [`crate::discord::render::stats`] and [`crate::discord::render::chart`].

use chrono::{NaiveDate, Utc};

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::config::command_path;
use super::{BotError, Context, answer, member_locale, within_deadline};
use crate::discord::ids::DbId;
use crate::discord::render::{chart, stats as render};
use crate::discord::{BotData, checks};
use crate::domain::statistics::{self, Period, Statistics};
use crate::i18n::tr;

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "period-7d"]
    Week1,
    #[name = "period-30d"]
    Weeks4,
    #[name = "period-90d"]
    Weeks13,
    #[name = "period-12m"]
    Weeks52,
}

impl From<PeriodChoice> for Period {
    fn from(choice: PeriodChoice) -> Period {
        match choice {
            PeriodChoice::Week1 => Period::Week1,
            PeriodChoice::Weeks4 => Period::Weeks4,
            PeriodChoice::Weeks13 => Period::Weeks13,
            PeriodChoice::Weeks52 => Period::Weeks52,
        }
    }
}

#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "export"),
    subcommand_required,
    default_member_permissions = "MODERATE_MEMBERS"
)]
#[allow(clippy::unused_async)] // poise needs an async fn, even for a parent command.
pub async fn stats(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>, period: Option<PeriodChoice>) -> Result<(), BotError> {
    let texts = &ctx.data().texts;
    // Drawing the chart is CPU work: inside the guarded future, on a blocking thread, so a
    // slow drawing defers the answer like a slow query does.
    let work = async {
        let Some(statistics) = moderator_statistics(ctx, period).await? else {
            return Ok(None);
        };
        let locale = member_locale(ctx).await;
        let labels = render::chart_labels(texts, &locale, &statistics);
        let (statistics, png) = tokio::task::spawn_blocking(move || {
            let png = chart::render(&statistics, &labels);
            (statistics, png)
        })
        .await
        .map_err(|error| {
            tracing::error!(%error, "statistics chart task failed");
            BotError::Refused("error-internal")
        })?;
        Ok(Some((statistics, locale, png)))
    };
    let Some((statistics, locale, png)) = within_deadline(ctx, work).await? else {
        return Ok(());
    };
    let mut embed = render::embed(texts, &locale, &statistics, period_of(period));
    let mut reply = CreateReply::default().ephemeral(true);
    match png {
        Ok(png) => {
            embed = embed.image(format!("attachment://{}", chart::FILE_NAME));
            reply = reply.attachment(serenity::CreateAttachment::bytes(png, chart::FILE_NAME));
        }
        Err(error) => tracing::error!(%error, "statistics chart not drawn"),
    }
    answer(ctx, reply.embed(embed)).await
}

#[poise::command(slash_command, guild_only)]
async fn export(ctx: Context<'_>, period: Option<PeriodChoice>) -> Result<(), BotError> {
    let Some(statistics) = within_deadline(ctx, moderator_statistics(ctx, period)).await? else {
        return Ok(());
    };
    let locale = member_locale(ctx).await;
    let texts = &ctx.data().texts;
    let csv = render::csv_export(texts, &locale, &statistics).map_err(|error| {
        tracing::error!(%error, "statistics export not written");
        BotError::Refused("error-internal")
    })?;
    let file = format!(
        "statistics-{}-{}.csv",
        statistics.first_day.format("%Y-%m-%d"),
        statistics.last_day.format("%Y-%m-%d")
    );
    let content = tr!(
        texts,
        &locale,
        "stats-export-ready",
        period = tr!(texts, &locale, period_of(period).fluent_id()),
        command = command_path(ctx.data(), &locale, &["cmd-stats", "cmd-stats-show"]),
    );
    let reply = CreateReply::default()
        .ephemeral(true)
        .content(content)
        .attachment(serenity::CreateAttachment::bytes(csv, file));
    answer(ctx, reply).await
}

fn period_of(choice: Option<PeriodChoice>) -> Period {
    choice.map_or(Period::Weeks4, Period::from)
}

/// The server's statistics over the period, once the caller is checked to be a moderator
/// (server-side: `default_member_permissions` can be changed by admins). `None` when refused
/// (the refusal is already answered).
async fn moderator_statistics(
    ctx: Context<'_>,
    period: Option<PeriodChoice>,
) -> Result<Option<Statistics>, BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Err(BotError::Refused("error-guild-only"));
    };
    let data = ctx.data();
    let settings = data.settings(guild_id).await;
    let member = ctx.author_member().await;
    let is_moderator = checks::is_moderator(
        ctx.serenity_context(),
        member.as_deref(),
        guild_id,
        &settings,
    );
    if !is_moderator {
        let text = data
            .texts
            .text(&member_locale(ctx).await, "stats-moderators-only");
        answer(ctx, CreateReply::default().content(text).ephemeral(true)).await?;
        return Ok(None);
    }
    let today = Utc::now().with_timezone(&settings.timezone()).date_naive();
    let (first_day, last_day) = period_of(period).days(today);
    Ok(Some(
        compute(data, guild_id.db(), first_day, last_day).await?,
    ))
}

/// Reads and publishes the statistics of `guild_id` for `first_day..=last_day`.
async fn compute(
    data: &BotData,
    guild_id: i64,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Statistics, BotError> {
    let aggregates = data
        .store
        .stats_aggregates(guild_id, first_day, last_day)
        .await?;
    let k = u64::from(data.config.statistics.min_published_count);
    Ok(statistics::compile(&aggregates, first_day, last_day, k))
}
