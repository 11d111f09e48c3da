//! `/stats`: anonymized statistics for moderators (SPEC §7): an embed with a PNG chart, or
//! a CSV export, both under the same small-count suppression.

mod chart;

use chrono::{NaiveDate, NaiveTime, Utc};
use fluent_bundle::FluentArgs;
use std::time::Duration;

use poise::CreateReply;
use poise::serenity_prelude as serenity;

use super::config::command_path;
use super::{BotError, Context, answer, member_locale};
use crate::discord::{BotData, checks};
use crate::domain::reason::Reason;
use crate::domain::statistics::{self, Figure, Period, Published, Statistics};
use crate::i18n::{Texts, format_date, format_integer};

/// Discord refuses longer embed field values.
const FIELD_LIMIT: usize = 1024;
const CHART_FILE: &str = "stats.png";

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "period-7d"]
    Week,
    #[name = "period-30d"]
    Month,
    #[name = "period-90d"]
    Quarter,
    #[name = "period-12m"]
    Year,
}

impl From<PeriodChoice> for Period {
    fn from(choice: PeriodChoice) -> Period {
        match choice {
            PeriodChoice::Week => Period::Days7,
            PeriodChoice::Month => Period::Days30,
            PeriodChoice::Quarter => Period::Days90,
            PeriodChoice::Year => Period::Months12,
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
        let labels = chart_labels(texts, &locale, &statistics);
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
    let mut embed = embed(texts, &locale, &statistics, period_of(period));
    let mut reply = CreateReply::default().ephemeral(true);
    match png {
        Ok(png) => {
            embed = embed.image(format!("attachment://{CHART_FILE}"));
            reply = reply.attachment(serenity::CreateAttachment::bytes(png, CHART_FILE));
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
    let csv = csv_export(texts, &locale, &statistics).map_err(|error| {
        tracing::error!(%error, "statistics export not written");
        BotError::Refused("error-internal")
    })?;
    let file = format!(
        "statistics-{}-{}.csv",
        statistics.first_day.format("%Y-%m-%d"),
        statistics.last_day.format("%Y-%m-%d")
    );
    let mut args = FluentArgs::new();
    args.set("period", texts.text(&locale, period_of(period).fluent_id()));
    args.set(
        "command",
        command_path(ctx.data(), &locale, &["cmd-stats", "cmd-stats-show"]),
    );
    let reply = CreateReply::default()
        .ephemeral(true)
        .content(texts.format(&locale, "stats-export-ready", Some(&args)))
        .attachment(serenity::CreateAttachment::bytes(csv, file));
    answer(ctx, reply).await
}

/// Most servers' statistics are ready at once and go into the interaction callback itself;
/// a busy server's year can take longer than Discord's 3-second deadline, so past this
/// delay the command defers and its answer edits the deferred message instead.
const DEFER_AFTER: Duration = Duration::from_millis(1500);

async fn within_deadline<T>(
    ctx: Context<'_>,
    work: impl Future<Output = Result<T, BotError>>,
) -> Result<T, BotError> {
    tokio::pin!(work);
    tokio::select! {
        done = &mut work => done,
        () = tokio::time::sleep(DEFER_AFTER) => {
            ctx.defer_ephemeral().await?;
            work.await
        }
    }
}

fn period_of(choice: Option<PeriodChoice>) -> Period {
    choice.map_or(Period::Days30, Period::from)
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
        compute(data, guild_id.get() as i64, first_day, last_day).await?,
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

/// A count as a person of `locale` reads it.
fn integer(locale: &str, count: u64) -> String {
    format_integer(locale, i64::try_from(count).unwrap_or(i64::MAX))
}

/// A published count as shown: the number, "< k", a range, or the hidden mark.
fn shown(texts: &Texts, locale: &str, published: Published) -> String {
    match published {
        Published::Count(count) => integer(locale, count),
        Published::Below(k) => below(texts, locale, k),
        Published::Hidden => texts.text(locale, "stats-hidden"),
        Published::Range { low, high } => {
            let mut args = FluentArgs::new();
            args.set("low", integer(locale, low));
            args.set("high", integer(locale, high));
            texts.format(locale, "stats-range", Some(&args))
        }
    }
}

fn below(texts: &Texts, locale: &str, k: u64) -> String {
    let mut args = FluentArgs::new();
    args.set("k", integer(locale, k));
    texts.format(locale, "stats-below", Some(&args))
}

/// A day as a person of `locale` writes it.
fn date(locale: &str, day: NaiveDate) -> String {
    format_date(locale, &day.and_time(NaiveTime::MIN).and_utc())
}

fn week_label(texts: &Texts, locale: &str, week: NaiveDate) -> String {
    let mut args = FluentArgs::new();
    args.set("day", week.format("%d").to_string());
    args.set("month", week.format("%m").to_string());
    args.set("year", week.format("%Y").to_string());
    texts.format(locale, "stats-week", Some(&args))
}

fn reason_label(texts: &Texts, locale: &str, reason: Reason) -> String {
    texts.text(locale, &reason.fluent_id())
}

/// An action code's label, or the code itself for an action this build has no text for.
fn action_label(texts: &Texts, locale: &str, code: &statistics::Code) -> String {
    texts
        .exact(locale, &format!("stats-action-{code}"))
        .unwrap_or_else(|| code.to_string())
}

/// One "label: value" line of an embed field, punctuated as the language wants.
fn line(texts: &Texts, locale: &str, label: String, value: String) -> String {
    let mut args = FluentArgs::new();
    args.set("label", label);
    args.set("value", value);
    texts.format(locale, "stats-line", Some(&args))
}

/// Lines cut to Discord's field limit, never mid-line.
fn field_value(lines: Vec<String>, empty: String) -> String {
    let mut value = String::new();
    for line in lines {
        if value.len() + line.len() + 1 > FIELD_LIMIT {
            break;
        }
        if !value.is_empty() {
            value.push('\n');
        }
        value.push_str(&line);
    }
    if value.is_empty() { empty } else { value }
}

fn embed(
    texts: &Texts,
    locale: &str,
    statistics: &Statistics,
    period: Period,
) -> serenity::CreateEmbed {
    let text = |id: &str| texts.text(locale, id);
    let none = text("stats-none");
    let table = &statistics.cases;

    let mut header = FluentArgs::new();
    header.set("period", text(period.fluent_id()));
    let mut description = FluentArgs::new();
    description.set("from", date(locale, statistics.first_day));
    description.set("to", date(locale, statistics.last_day));
    description.set("k", integer(locale, statistics.min_published_count));
    description.set("total", shown(texts, locale, table.total));

    let by_reason = Reason::ALL
        .iter()
        .zip(&table.row_totals)
        .filter(|(_, total)| **total != Published::Count(0))
        .map(|(reason, total)| {
            line(
                texts,
                locale,
                reason_label(texts, locale, *reason),
                shown(texts, locale, *total),
            )
        })
        .collect();
    let by_week = statistics
        .weeks
        .iter()
        .zip(&table.column_totals)
        .map(|(week, total)| {
            line(
                texts,
                locale,
                week_label(texts, locale, *week),
                shown(texts, locale, *total),
            )
        })
        .collect();
    let actions = |counts: &[(statistics::Code, Published)]| {
        counts
            .iter()
            .map(|(code, count)| {
                line(
                    texts,
                    locale,
                    action_label(texts, locale, code),
                    shown(texts, locale, *count),
                )
            })
            .collect()
    };
    let withheld = |figure_id: &str, value: Option<FluentArgs>| {
        let mut args = value.unwrap_or_default();
        args.set("k", integer(locale, statistics.min_published_count));
        texts.format(locale, figure_id, Some(&args))
    };
    let median = match statistics.median_first_action_seconds {
        Figure::Shown(seconds) => {
            let mut args = FluentArgs::new();
            args.set("hours", seconds / 3600);
            args.set("minutes", (seconds % 3600) / 60);
            withheld("stats-duration", Some(args))
        }
        Figure::Withheld => withheld("stats-withheld", None),
        Figure::NoData => none.clone(),
    };
    let help_cards = match statistics.help_cards_delivered_percent {
        Figure::Shown(percent) => {
            let mut args = FluentArgs::new();
            args.set("percent", percent);
            withheld("stats-percent", Some(args))
        }
        Figure::Withheld => withheld("stats-withheld-share", None),
        Figure::NoData => none.clone(),
    };

    serenity::CreateEmbed::new()
        .title(texts.format(locale, "stats-title", Some(&header)))
        .description(texts.format(locale, "stats-description", Some(&description)))
        .field(
            text("stats-by-reason"),
            field_value(by_reason, none.clone()),
            true,
        )
        .field(
            text("stats-by-week"),
            field_value(by_week, none.clone()),
            true,
        )
        .field(
            text("stats-protective-actions"),
            field_value(actions(&statistics.protective_actions), none.clone()),
            false,
        )
        .field(
            text("stats-moderator-actions"),
            field_value(actions(&statistics.moderator_actions), none.clone()),
            false,
        )
        .field(text("stats-median-first-action"), median, true)
        .field(text("stats-help-cards-delivered"), help_cards, true)
        .field(
            text("stats-reported-more-than-once"),
            shown(texts, locale, statistics.members_reported_more_than_once),
            true,
        )
        .footer(serenity::CreateEmbedFooter::new(withheld(
            "stats-footer",
            None,
        )))
}

fn chart_labels(texts: &Texts, locale: &str, statistics: &Statistics) -> chart::ChartLabels {
    chart::ChartLabels {
        title: texts.text(locale, "stats-chart-title"),
        y_axis: texts.text(locale, "stats-chart-y-axis"),
        weeks: statistics
            .weeks
            .iter()
            .map(|week| week_label(texts, locale, *week))
            .collect(),
        reasons: Reason::ALL
            .iter()
            .map(|reason| reason_label(texts, locale, *reason))
            .collect(),
    }
}

/// The CSV export: RFC 4180 (CRLF, quoting when needed), UTF-8, a header row, then one row
/// per week × reason with the same suppression as the embed.
pub fn csv_export(
    texts: &Texts,
    locale: &str,
    statistics: &Statistics,
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record([
        texts.text(locale, "stats-csv-week"),
        texts.text(locale, "stats-csv-reason"),
        texts.text(locale, "stats-csv-cases"),
    ])?;
    for (week_index, week) in statistics.weeks.iter().enumerate() {
        for (reason, cells) in Reason::ALL.iter().zip(&statistics.cases.cells) {
            // Cells are exact or "< k"; plain digits keep the file machine-readable.
            let count = match cells.get(week_index) {
                Some(Published::Count(count)) => count.to_string(),
                Some(Published::Below(k)) => below(texts, locale, *k),
                _ => texts.text(locale, "stats-hidden"),
            };
            writer.write_record([
                week.format("%Y-%m-%d").to_string(),
                reason_label(texts, locale, *reason),
                count,
            ])?;
        }
    }
    writer.flush()?;
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}
