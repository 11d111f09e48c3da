//! The statistics `/stats` publishes (SPEC §7), as roll-ups holding no Discord ID, no free
//! text and nothing finer than a day: counters per server and local day (`stats_days`), and
//! per server and ISO week the time to first moderator action (`stats_first_action_*`), the
//! reported members' pseudonyms (`stats_reported_weeks`) and the members reported more than
//! once over each period length (`stats_repeated_members`). Every write is an upsert keyed by
//! what it counts, in the transaction of what it counts: the report (`cases.rs`), the step
//! (`moderation.rs`), the help card outcome. Reading a period costs the same whatever the
//! server's history: a few hundred day rows, one row for the repeated members.

use chrono::{NaiveDate, TimeDelta};

use super::{Count, Store, StoreError, Transaction, parse_column};
use crate::domain::reason::Reason;
use crate::domain::statistics::{self, Aggregates, Code, EventKind, week_start};

/// A statistics event (no Discord ID, no free text: SPEC §7), counted in the roll-ups of its
/// local day and week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStatsEvent {
    pub guild_id: i64,
    /// Server-local hour, `YYYY-MM-DDTHH`.
    pub occurred_hour: String,
    pub kind: EventKind,
    pub reason: Reason,
    pub action: Option<String>,
    pub outcome: Option<String>,
    /// For moderator actions and closings: seconds since the case opened. The store keeps
    /// it on a moderator action only when it is the case's first.
    pub duration_seconds: Option<i64>,
}

/// The day counters' `kind` of a help card outcome, beside the event kinds.
const HELP_CARD: &str = "help_card";

const COUNT_DAY: &str = "INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
             VALUES ($1, $2, $3, $4, $5, 1)
             ON CONFLICT (guild_id, day, kind, reason, code)
             DO UPDATE SET events = stats_days.events + 1";

/// Every read below takes `$1` the server and `$2..=$3` the period's first and last day (or
/// their weeks' Mondays).
const CASES_BY_DAY: &str = "SELECT day, reason, events FROM stats_days
             WHERE guild_id = $1 AND day >= $2 AND day <= $3
               AND kind = 'case_opened' AND reason <> ''";

const ACTIONS: &str = "SELECT kind, code, CAST(SUM(events) AS BIGINT) FROM stats_days
             WHERE guild_id = $1 AND day >= $2 AND day <= $3
               AND kind IN ('protective_action', 'moderator_action') AND code <> ''
             GROUP BY kind, code";

const HELP_CARDS: &str = "SELECT code, CAST(SUM(events) AS BIGINT) FROM stats_days
             WHERE guild_id = $1 AND day >= $2 AND day <= $3 AND kind = 'help_card'
             GROUP BY code";

const FIRST_ACTION_HOURS: &str =
    "SELECT hour, CAST(SUM(cases) AS BIGINT) FROM stats_first_action_hours
             WHERE guild_id = $1 AND week >= $2 AND week <= $3
             GROUP BY hour ORDER BY hour";

/// `$4..=$5`: the minutes of one hour.
const FIRST_ACTION_MINUTES: &str =
    "SELECT minute, CAST(SUM(cases) AS BIGINT) FROM stats_first_action_minutes
             WHERE guild_id = $1 AND week >= $2 AND week <= $3
               AND minute >= $4 AND minute <= $5
             GROUP BY minute ORDER BY minute";

/// `$2` the period's last week, `$3` its length in weeks.
const REPEATED: &str = "SELECT members FROM stats_repeated_members
             WHERE guild_id = $1 AND last_week = $2 AND weeks = $3";

/// Binds a query's `$1..=$3` to a server and two days.
macro_rules! in_days {
    ($query:expr, $guild_id:expr, $from:expr, $until:expr) => {
        $query.bind($guild_id).bind($from).bind($until)
    };
}

/// The rows of a period's queries, as read.
struct Rows {
    cases: Vec<(NaiveDate, String, i64)>,
    actions: Vec<(String, String, i64)>,
    help_cards: Vec<(String, i64)>,
    repeated: Option<i64>,
}

impl Store {
    /// What `/stats` needs about `guild_id` for the local days `first_day..=last_day`, whole
    /// ISO weeks as [`statistics::Period::days`] gives them (the members reported more than
    /// once are counted for the periods' lengths only: 0 for any other).
    pub async fn stats_aggregates(
        &self,
        guild_id: i64,
        first_day: NaiveDate,
        last_day: NaiveDate,
    ) -> Result<Aggregates, StoreError> {
        let (first_week, last_week) = (week_start(first_day), week_start(last_day));
        let weeks = (last_week - first_week).num_weeks() + 1;
        let rows = on_backend!(self, pool => Rows {
            cases: in_days!(sqlx::query_as(CASES_BY_DAY), guild_id, first_day, last_day)
                .fetch_all(&mut *pool)
                .await?,
            actions: in_days!(sqlx::query_as(ACTIONS), guild_id, first_day, last_day)
                .fetch_all(&mut *pool)
                .await?,
            help_cards: in_days!(sqlx::query_as(HELP_CARDS), guild_id, first_day, last_day)
                .fetch_all(&mut *pool)
                .await?,
            repeated: in_days!(sqlx::query_scalar(REPEATED), guild_id, last_week, weeks)
                .fetch_optional(pool)
                .await?,
        });
        let mut aggregates = rows.into_aggregates()?;
        self.add_median(&mut aggregates, guild_id, first_week, last_week)
            .await?;
        Ok(aggregates)
    }

    /// The median time to first moderator action over the weeks, exact to the minute: the
    /// hours first, then the minutes of the hour holding the median.
    async fn add_median(
        &self,
        aggregates: &mut Aggregates,
        guild_id: i64,
        first_week: NaiveDate,
        last_week: NaiveDate,
    ) -> Result<(), StoreError> {
        let hours: Vec<(i64, i64)> = on_backend!(self, pool => {
            in_days!(sqlx::query_as(FIRST_ACTION_HOURS), guild_id, first_week, last_week)
                .fetch_all(pool)
                .await?
        });
        let hours = counted(hours);
        aggregates.first_action_cases = hours.iter().map(|(_, cases)| cases).sum();
        let Some(rank) = statistics::median_rank(aggregates.first_action_cases) else {
            return Ok(());
        };
        let Some((hour, rank)) = statistics::bucket_of_rank(&hours, rank) else {
            return Ok(());
        };
        let (first_minute, last_minute) = statistics::minutes_of_hour(hour);
        let minutes: Vec<(i64, i64)> = on_backend!(self, pool => {
            in_days!(sqlx::query_as(FIRST_ACTION_MINUTES), guild_id, first_week, last_week)
                .bind(first_minute)
                .bind(last_minute)
                .fetch_all(pool)
                .await?
        });
        aggregates.median_first_action_minutes =
            statistics::bucket_of_rank(&counted(minutes), rank).map(|(minute, _)| minute);
        Ok(())
    }
}

/// A histogram's counts as read (SQL sums are signed).
fn counted(rows: Vec<(i64, i64)>) -> Vec<(i64, u64)> {
    rows.into_iter()
        .map(|(bucket, count)| (bucket, count.count()))
        .collect()
}

impl Rows {
    fn into_aggregates(self) -> Result<Aggregates, StoreError> {
        let mut aggregates = Aggregates {
            members_reported_more_than_once: self.repeated.unwrap_or(0).count(),
            ..Aggregates::default()
        };
        for (day, reason, count) in self.cases {
            let reason = parse_column::<Reason>("stats_days", "reason", &reason)?;
            aggregates.cases_by_day.push((day, reason, count.count()));
        }
        add_actions(&mut aggregates, self.actions)?;
        for (code, count) in self.help_cards {
            if code == DELIVERED {
                aggregates.help_cards_delivered += count.count();
            } else {
                aggregates.help_cards_not_delivered += count.count();
            }
        }
        Ok(aggregates)
    }
}

/// The help card outcome codes of the day counters.
const DELIVERED: &str = "delivered";
const NOT_DELIVERED: &str = "not_delivered";

/// Files each `(kind, code, count)` row under protective or moderator actions.
fn add_actions(
    aggregates: &mut Aggregates,
    actions: Vec<(String, String, i64)>,
) -> Result<(), StoreError> {
    for (kind, action, count) in actions {
        let code = Code::new(&action).map_err(|error| StoreError::CorruptRow {
            table: "stats_days",
            column: "code".to_owned(),
            detail: error.to_string(),
        })?;
        let count = count.count();
        if kind == EventKind::ProtectiveAction.as_str() {
            aggregates.protective_actions.push((code, count));
        } else {
            aggregates.moderator_actions.push((code, count));
        }
    }
    Ok(())
}

/// The local day of a local hour `YYYY-MM-DDTHH`.
pub(super) fn day_of(hour: &str) -> Result<NaiveDate, StoreError> {
    parse_column("stats_days", "day", hour.get(..10).unwrap_or(hour))
}

/// Adds one to a day counter.
async fn count_day(
    tx: &mut Transaction,
    guild_id: i64,
    day: NaiveDate,
    kind: &str,
    reason: Reason,
    code: &str,
) -> Result<(), StoreError> {
    on_transaction!(tx, conn => {
        sqlx::query(COUNT_DAY)
            .bind(guild_id)
            .bind(day)
            .bind(kind)
            .bind(reason.as_str())
            .bind(code)
            .execute(conn)
            .await?;
    });
    Ok(())
}

/// Counts a report (it opened a case or joined one, `merged`) in its local day, and its
/// reported member in the periods where they are now reported more than once.
pub(super) async fn count_report(
    tx: &mut Transaction,
    guild_id: i64,
    hour: &str,
    reason: Reason,
    reported_pseudonym: Option<&str>,
    merged: bool,
) -> Result<(), StoreError> {
    let kind = if merged {
        EventKind::ReportMerged
    } else {
        EventKind::CaseOpened
    };
    let day = day_of(hour)?;
    count_day(tx, guild_id, day, kind.as_str(), reason, "").await?;
    if let Some(pseudonym) = reported_pseudonym {
        count_reported_member(tx, guild_id, pseudonym, week_start(day)).await?;
    }
    Ok(())
}

/// The member's report in `week`, and the periods it makes them reported more than once in.
async fn count_reported_member(
    tx: &mut Transaction,
    guild_id: i64,
    pseudonym: &str,
    week: NaiveDate,
) -> Result<(), StoreError> {
    let horizon = TimeDelta::weeks(statistics::REPEAT_HORIZON_WEEKS);
    let earlier: Vec<(NaiveDate, i64)> = on_transaction!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT week, reports FROM stats_reported_weeks
             WHERE guild_id = $1 AND pseudonym = $2 AND week >= $3 AND week <= $4",
        )
        .bind(guild_id)
        .bind(pseudonym)
        .bind(week - horizon)
        .bind(week + horizon)
        .fetch_all(conn)
        .await?
    });
    let earlier: Vec<(NaiveDate, u64)> = earlier
        .into_iter()
        .map(|(week, reports)| (week, reports.count()))
        .collect();
    let periods = statistics::periods_newly_repeated(&earlier, week);
    on_transaction!(&mut *tx, conn => {
        sqlx::query(
            "INSERT INTO stats_reported_weeks (guild_id, pseudonym, week, reports)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (guild_id, pseudonym, week)
             DO UPDATE SET reports = stats_reported_weeks.reports + 1",
        )
        .bind(guild_id)
        .bind(pseudonym)
        .bind(week)
        .execute(&mut *conn)
        .await?;
        if !periods.is_empty() {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO stats_repeated_members (guild_id, last_week, weeks, members) ",
            );
            insert.push_values(&periods, |mut row, (last_week, weeks)| {
                row.push_bind(guild_id).push_bind(*last_week).push_bind(*weeks).push("1");
            });
            insert.push(
                " ON CONFLICT (guild_id, last_week, weeks)
                 DO UPDATE SET members = stats_repeated_members.members + 1",
            );
            insert.build().execute(&mut *conn).await?;
        }
    });
    Ok(())
}

/// Counts a protective or moderator step's event in its local day; a first moderator
/// action's time since the case opened goes into its week's histogram.
pub(super) async fn count_step(
    tx: &mut Transaction,
    event: &NewStatsEvent,
    first_moderator_step: bool,
) -> Result<(), StoreError> {
    let day = day_of(&event.occurred_hour)?;
    let code = event
        .action
        .as_deref()
        .or(event.outcome.as_deref())
        .unwrap_or("");
    count_day(
        tx,
        event.guild_id,
        day,
        event.kind.as_str(),
        event.reason,
        code,
    )
    .await?;
    match event.duration_seconds {
        Some(seconds) if event.kind == EventKind::ModeratorAction && first_moderator_step => {
            count_first_action(tx, event.guild_id, week_start(day), seconds).await
        }
        _ => Ok(()),
    }
}

async fn count_first_action(
    tx: &mut Transaction,
    guild_id: i64,
    week: NaiveDate,
    seconds: i64,
) -> Result<(), StoreError> {
    let minute = statistics::whole_minutes(seconds);
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO stats_first_action_hours (guild_id, week, hour, cases)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (guild_id, week, hour)
             DO UPDATE SET cases = stats_first_action_hours.cases + 1",
        )
        .bind(guild_id)
        .bind(week)
        .bind(statistics::hour_of(minute))
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO stats_first_action_minutes (guild_id, week, minute, cases)
             VALUES ($1, $2, $3, 1)
             ON CONFLICT (guild_id, week, minute)
             DO UPDATE SET cases = stats_first_action_minutes.cases + 1",
        )
        .bind(guild_id)
        .bind(week)
        .bind(minute)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

/// Counts a report's help card outcome in the report's local day, once: the report keeps
/// that day only until its outcome is known.
pub(super) async fn count_help_card(
    tx: &mut Transaction,
    report_id: i64,
    delivered: bool,
) -> Result<(), StoreError> {
    let code = if delivered { DELIVERED } else { NOT_DELIVERED };
    on_transaction!(tx, conn => {
        sqlx::query(
            "INSERT INTO stats_days (guild_id, day, kind, reason, code, events)
             SELECT guild_id, stats_day, $2, reason, $3, 1 FROM reports
             WHERE id = $1 AND stats_day IS NOT NULL
             ON CONFLICT (guild_id, day, kind, reason, code)
             DO UPDATE SET events = stats_days.events + 1",
        )
        .bind(report_id)
        .bind(HELP_CARD)
        .bind(code)
        .execute(conn)
        .await?;
    });
    Ok(())
}

/// The roll-up tables and the column their retention goes by: a day, or a week (its Monday)
/// that goes as soon as one of its days is past retention. A count of repeated members goes
/// with its period's last week.
const RETAINED_BY: [(&str, &str); 5] = [
    ("stats_days", "day"),
    ("stats_first_action_hours", "week"),
    ("stats_first_action_minutes", "week"),
    ("stats_reported_weeks", "week"),
    ("stats_repeated_members", "last_week"),
];

/// The roll-up rows of `guild_id` from before `first_kept`, counted by the purge.
pub(super) async fn count_expired(
    tx: &mut Transaction,
    guild_id: i64,
    first_kept: NaiveDate,
) -> Result<u64, StoreError> {
    let mut rows = 0;
    for (table, column) in RETAINED_BY {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE guild_id = $1 AND {column} < $2");
        let count: i64 = on_transaction!(&mut *tx, conn => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .bind(guild_id)
                .bind(first_kept)
                .fetch_one(conn)
                .await?
        });
        rows += count.count();
    }
    Ok(rows)
}

/// Deletes the roll-up rows of `guild_id` from before `first_kept`. The periods reaching
/// back into the deleted weeks then count their repeated members again from the weeks kept.
pub(super) async fn delete_expired(
    tx: &mut Transaction,
    guild_id: i64,
    first_kept: NaiveDate,
) -> Result<(), StoreError> {
    let mut members_deleted = false;
    for (table, column) in RETAINED_BY {
        let sql = format!("DELETE FROM {table} WHERE guild_id = $1 AND {column} < $2");
        let deleted = on_transaction!(&mut *tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(guild_id)
                .bind(first_kept)
                .execute(conn)
                .await?
                .rows_affected()
        });
        members_deleted |= table == "stats_reported_weeks" && deleted > 0;
    }
    if members_deleted {
        recount_repeated_members(tx, guild_id, week_start(first_kept + TimeDelta::days(6))).await?;
    }
    Ok(())
}

/// Counts again the repeated members of every period that starts before `first_week` (the
/// first week kept) and ends in or after it.
async fn recount_repeated_members(
    tx: &mut Transaction,
    guild_id: i64,
    first_week: NaiveDate,
) -> Result<(), StoreError> {
    for period in statistics::Period::ALL {
        let weeks = period.weeks();
        for offset in 0..weeks - 1 {
            let last_week = first_week + TimeDelta::weeks(offset);
            on_transaction!(&mut *tx, conn => {
                sqlx::query(
                    "DELETE FROM stats_repeated_members
                     WHERE guild_id = $1 AND last_week = $2 AND weeks = $3",
                )
                .bind(guild_id)
                .bind(last_week)
                .bind(weeks)
                .execute(&mut *conn)
                .await?;
                sqlx::query(
                    "INSERT INTO stats_repeated_members (guild_id, last_week, weeks, members)
                     SELECT $1, $2, $3, COUNT(*) FROM (
                         SELECT pseudonym FROM stats_reported_weeks
                         WHERE guild_id = $1 AND week >= $4 AND week <= $2
                         GROUP BY pseudonym HAVING SUM(reports) >= 2
                     ) AS repeated
                     HAVING COUNT(*) > 0",
                )
                .bind(guild_id)
                .bind(last_week)
                .bind(weeks)
                .bind(first_week)
                .execute(&mut *conn)
                .await?;
            });
        }
    }
    Ok(())
}
