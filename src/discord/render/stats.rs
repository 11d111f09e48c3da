//! The `/stats` embed, the chart's labels and the CSV export, from the published
//! [`Statistics`]: every count as the small-count suppression left it, in the member's
//! language.

use chrono::{NaiveDate, NaiveTime};
use poise::serenity_prelude as serenity;

use super::chart::ChartLabels;
use crate::domain::reason::Reason;
use crate::domain::statistics::{Code, Figure, Period, Published, Statistics};
use crate::i18n::{Texts, format_date, format_integer, tr};

/// Discord refuses longer embed field values.
const FIELD_LIMIT: usize = 1024;

/// The statistics embed: the period, the cases by reason and by week, the actions, and the
/// figures withheld below the threshold.
pub fn embed(
    texts: &Texts,
    locale: &str,
    statistics: &Statistics,
    period: Period,
) -> serenity::CreateEmbed {
    let text = |id: &str| tr!(texts, locale, id);
    let listed = |lines: Vec<String>| field_value(lines, text("stats-none"));
    let actions = |counts: &[(Code, Published)]| listed(action_lines(texts, locale, counts));
    let k = integer(locale, statistics.min_published_count);
    serenity::CreateEmbed::new()
        .title(tr!(
            texts,
            locale,
            "stats-title",
            period = text(period.fluent_id())
        ))
        .description(description(texts, locale, statistics))
        .field(
            text("stats-by-reason"),
            listed(reason_lines(texts, locale, statistics)),
            true,
        )
        .field(
            text("stats-by-week"),
            listed(week_lines(texts, locale, statistics)),
            true,
        )
        .field(
            text("stats-protective-actions"),
            actions(&statistics.protective_actions),
            false,
        )
        .field(
            text("stats-moderator-actions"),
            actions(&statistics.moderator_actions),
            false,
        )
        .field(
            text("stats-median-first-action"),
            median(texts, locale, statistics),
            true,
        )
        .field(
            text("stats-help-cards-delivered"),
            help_cards(texts, locale, statistics),
            true,
        )
        .field(
            text("stats-reported-more-than-once"),
            shown(texts, locale, statistics.members_reported_more_than_once),
            true,
        )
        .footer(serenity::CreateEmbedFooter::new(tr!(
            texts,
            locale,
            "stats-footer",
            k = k
        )))
}

/// The embed's description: the days covered, the threshold and the total.
fn description(texts: &Texts, locale: &str, statistics: &Statistics) -> String {
    tr!(
        texts,
        locale,
        "stats-description",
        from = date(locale, statistics.first_day),
        to = date(locale, statistics.last_day),
        k = integer(locale, statistics.min_published_count),
        total = shown(texts, locale, statistics.cases.total),
    )
}

/// One line per reason that has cases (or a count shown as "< k").
fn reason_lines(texts: &Texts, locale: &str, statistics: &Statistics) -> Vec<String> {
    Reason::ALL
        .iter()
        .zip(&statistics.cases.row_totals)
        .filter(|(_, total)| **total != Published::Count(0))
        .map(|(reason, total)| {
            let label = reason_label(texts, locale, *reason);
            line(texts, locale, label, shown(texts, locale, *total))
        })
        .collect()
}

/// One line per week, empty weeks included.
fn week_lines(texts: &Texts, locale: &str, statistics: &Statistics) -> Vec<String> {
    statistics
        .weeks
        .iter()
        .zip(&statistics.cases.column_totals)
        .map(|(week, total)| {
            let label = week_label(texts, locale, *week);
            line(texts, locale, label, shown(texts, locale, *total))
        })
        .collect()
}

fn action_lines(texts: &Texts, locale: &str, counts: &[(Code, Published)]) -> Vec<String> {
    counts
        .iter()
        .map(|(code, count)| {
            let label = action_label(texts, locale, code);
            line(texts, locale, label, shown(texts, locale, *count))
        })
        .collect()
}

/// The median time to a first moderator action, or why it is not shown.
fn median(texts: &Texts, locale: &str, statistics: &Statistics) -> String {
    let k = integer(locale, statistics.min_published_count);
    match statistics.median_first_action_minutes {
        Figure::Shown(minutes) => tr!(
            texts,
            locale,
            "stats-duration",
            hours = minutes / 60,
            minutes = minutes % 60,
            k = k,
        ),
        Figure::Withheld => tr!(texts, locale, "stats-withheld", k = k),
        Figure::NoData => tr!(texts, locale, "stats-none"),
    }
}

/// The share of help cards delivered, or why it is not shown.
fn help_cards(texts: &Texts, locale: &str, statistics: &Statistics) -> String {
    let k = integer(locale, statistics.min_published_count);
    match statistics.help_cards_delivered_percent {
        Figure::Shown(percent) => tr!(texts, locale, "stats-percent", percent = percent, k = k),
        Figure::Withheld => tr!(texts, locale, "stats-withheld-share", k = k),
        Figure::NoData => tr!(texts, locale, "stats-none"),
    }
}

/// Every text the chart shows, in `locale`.
pub fn chart_labels(texts: &Texts, locale: &str, statistics: &Statistics) -> ChartLabels {
    ChartLabels {
        title: tr!(texts, locale, "stats-chart-title"),
        y_axis: tr!(texts, locale, "stats-chart-y-axis"),
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
        tr!(texts, locale, "stats-csv-week"),
        tr!(texts, locale, "stats-csv-reason"),
        tr!(texts, locale, "stats-csv-cases"),
    ])?;
    for (week_index, week) in statistics.weeks.iter().enumerate() {
        for (reason, cells) in Reason::ALL.iter().zip(&statistics.cases.cells) {
            // Cells are exact or "< k"; plain digits keep the file machine-readable.
            let count = match cells.get(week_index) {
                Some(Published::Count(count)) => count.to_string(),
                Some(Published::Below(k)) => below(texts, locale, *k),
                _ => tr!(texts, locale, "stats-hidden"),
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

/// A count as a person of `locale` reads it.
fn integer(locale: &str, count: u64) -> String {
    format_integer(locale, i64::try_from(count).unwrap_or(i64::MAX))
}

/// A published count as shown: the number, "< k", a range, or the hidden mark.
fn shown(texts: &Texts, locale: &str, published: Published) -> String {
    match published {
        Published::Count(count) => integer(locale, count),
        Published::Below(k) => below(texts, locale, k),
        Published::Hidden => tr!(texts, locale, "stats-hidden"),
        Published::Range { low, high } => tr!(
            texts,
            locale,
            "stats-range",
            low = integer(locale, low),
            high = integer(locale, high),
        ),
    }
}

fn below(texts: &Texts, locale: &str, k: u64) -> String {
    tr!(texts, locale, "stats-below", k = integer(locale, k))
}

/// A day as a person of `locale` writes it.
fn date(locale: &str, day: NaiveDate) -> String {
    format_date(locale, &day.and_time(NaiveTime::MIN).and_utc())
}

fn week_label(texts: &Texts, locale: &str, week: NaiveDate) -> String {
    tr!(
        texts,
        locale,
        "stats-week",
        day = week.format("%d").to_string(),
        month = week.format("%m").to_string(),
        year = week.format("%Y").to_string(),
    )
}

fn reason_label(texts: &Texts, locale: &str, reason: Reason) -> String {
    tr!(texts, locale, &reason.fluent_id())
}

/// An action code's label, or the code itself for an action this build has no text for.
fn action_label(texts: &Texts, locale: &str, code: &Code) -> String {
    texts
        .exact(locale, &format!("stats-action-{code}"))
        .unwrap_or_else(|| code.to_string())
}

/// One "label: value" line of an embed field, punctuated as the language wants.
fn line(texts: &Texts, locale: &str, label: String, value: String) -> String {
    tr!(texts, locale, "stats-line", label = label, value = value)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::statistics::{Aggregates, compile};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Two weeks: week 1 exact, week 2 with counts below k = 5 (so its total is hidden).
    fn fixture() -> Statistics {
        let aggregates = Aggregates {
            cases_by_day: vec![
                (day("2025-03-03"), Reason::Harassment, 12),
                (day("2025-03-04"), Reason::Threats, 7),
                (day("2025-03-11"), Reason::Harassment, 3),
                (day("2025-03-12"), Reason::Threats, 9),
            ],
            first_action_cases: 6,
            median_first_action_minutes: Some(90),
            help_cards_delivered: 1,
            ..Aggregates::default()
        };
        compile(&aggregates, day("2025-03-03"), day("2025-03-16"), 5)
    }

    /// The embed as Discord receives it: title, description, fields (name, value), footer.
    fn rendered(statistics: &Statistics) -> serde_json::Value {
        let texts = Texts::embedded().unwrap();
        serde_json::to_value(embed(&texts, "en-US", statistics, Period::Weeks4)).unwrap()
    }

    fn field(embed: &serde_json::Value, index: usize) -> (&str, &str) {
        let field = &embed["fields"][index];
        (
            field["name"].as_str().unwrap(),
            field["value"].as_str().unwrap(),
        )
    }

    #[test]
    fn the_embed_shows_the_period_the_published_counts_and_the_withheld_figures() {
        let embed = rendered(&fixture());
        assert_eq!(embed["title"], "Statistics: Last 4 complete weeks");
        assert_eq!(embed["fields"].as_array().unwrap().len(), 7);
        // Harassment's total sums week 2's 3 ("< 5"): hidden. Threats' 7 + 9 is exact.
        assert_eq!(
            field(&embed, 0),
            ("Cases by reason", "Harassment: ×\nThreats: 16")
        );
        assert_eq!(
            field(&embed, 1),
            ("Cases by week (starting)", "03/03/2025: 19\n03/10/2025: ×")
        );
        assert_eq!(field(&embed, 2), ("Protective actions", "None"));
        assert_eq!(field(&embed, 4).1, "1 h 30 min");
        assert_eq!(
            field(&embed, 5).1,
            "Not shown (fewer than 5 help cards with either outcome)"
        );
        let description = embed["description"].as_str().unwrap();
        assert!(description.contains(": × case(s) opened"), "{description}");
        assert!(
            embed["footer"]["text"]
                .as_str()
                .unwrap()
                .contains("multiple of 5")
        );
    }

    #[test]
    fn a_field_value_stops_before_discords_limit_and_never_mid_line() {
        let lines: Vec<String> = (0..100)
            .map(|n| format!("line {n:03} {}", "x".repeat(20)))
            .collect();
        let value = field_value(lines, "None".to_owned());
        assert!(value.len() <= FIELD_LIMIT);
        assert!(value.split('\n').all(|line| line.len() == 29));
        assert_eq!(field_value(Vec::new(), "None".to_owned()), "None");
    }
}
