//! Anonymized statistics (SPEC §7): periods, weekly tables by reason, small-count
//! suppression, medians and shares. Pure: the store aggregates, this module decides what may
//! be published.
//!
//! # Publication rules
//! Every answer must be safe on its own AND against every other answer a moderator can get
//! (another period, the same period a day later), since they can be compared.
//!
//! * Periods are made of COMPLETE ISO weeks (Monday to Sunday, server time): the last 1, 4,
//!   13 or 52 weeks before the current one. A week × reason cell therefore counts the same
//!   events in every period and on every day it is shown.
//! * A cell from 1 to k−1 is published as "< k", any other cell exactly.
//! * A total (per reason, per week, grand total) is published exactly only when every cell
//!   it sums is exact; otherwise it is hidden. A published total is then the sum of
//!   published values and reveals nothing more, in one table or across tables, so no
//!   complementary suppression is needed and no subtraction can recover a hidden cell.
//! * Counts that are not sums of published cells (actions, members reported more than once)
//!   are published rounded down to a multiple of k, as a range of k values ("10–14"), and
//!   from 1 to k−1 as "< k": two nested periods give two ranges of k values each, so their
//!   difference always keeps at least two possible values.
//! * The median time to first action and the help-card share are shown only when at least
//!   k cases back them.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate, TimeDelta};

use super::code::coded;
use super::reason::Reason;

coded!(
    /// What a statistics event counts.
    EventKind, "statistics event kind" {
        CaseOpened => "case_opened",
        ReportMerged => "report_merged",
        ProtectiveAction => "protective_action",
        ModeratorAction => "moderator_action",
        CaseClosed => "case_closed",
    }
);

/// `[statistics] min_published_count` when unset.
pub const DEFAULT_MIN_PUBLISHED_COUNT: u32 = 5;

/// The periods `/stats` offers: the last 1, 4, 13 or 52 complete ISO weeks before the
/// current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Week1,
    Weeks4,
    Weeks13,
    Weeks52,
}

impl Period {
    pub const ALL: [Period; 4] = [
        Period::Week1,
        Period::Weeks4,
        Period::Weeks13,
        Period::Weeks52,
    ];

    /// How many complete weeks it shows.
    pub fn weeks(self) -> i64 {
        match self {
            Period::Week1 => 1,
            Period::Weeks4 => 4,
            Period::Weeks13 => 13,
            Period::Weeks52 => 52,
        }
    }

    /// Its first day (a Monday) and last day (a Sunday) on `today`: the week before the
    /// current one and the weeks before it. The current week, incomplete, is never shown.
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let last_day = week_start(today) - TimeDelta::days(1);
        let first_day = week_start(last_day) - TimeDelta::weeks(self.weeks() - 1);
        (first_day, last_day)
    }

    /// The Fluent id of its label. The ids (`period-30d`…) predate the weeks and stay as
    /// they are: they are also the `/stats` choice names registered with Discord.
    pub fn fluent_id(self) -> &'static str {
        match self {
            Period::Week1 => "period-7d",
            Period::Weeks4 => "period-30d",
            Period::Weeks13 => "period-90d",
            Period::Weeks52 => "period-12m",
        }
    }
}

/// The Monday starting the week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - TimeDelta::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A stable code (an action, an outcome) as statistics may hold it: never free text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Code(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a statistics code (1 to 32 of a-z, 0-9, '-', '_')")]
pub struct NotACode(pub String);

impl Code {
    pub fn new(code: &str) -> Result<Code, NotACode> {
        let valid = (1..=32).contains(&code.len())
            && code.bytes().all(|byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"-_".contains(&byte)
            });
        if valid {
            Ok(Code(code.to_owned()))
        } else {
            Err(NotACode(code.chars().take(40).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// What the store counted for one server over one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Aggregates {
    /// Cases opened per local day and reason.
    pub cases_by_day: Vec<(NaiveDate, Reason, u64)>,
    pub protective_actions: Vec<(Code, u64)>,
    pub moderator_actions: Vec<(Code, u64)>,
    /// Cases with a first moderator action, and the median of their times to it in whole
    /// minutes (see [`median_rank`]).
    pub first_action_cases: u64,
    pub median_first_action_minutes: Option<i64>,
    pub help_cards_delivered: u64,
    pub help_cards_not_delivered: u64,
    /// Distinct reported members (pseudonyms) with two reports or more.
    pub members_reported_more_than_once: u64,
}

/// A count as published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Published {
    Count(u64),
    /// From 1 to k−1: shown as "< k".
    Below(u64),
    /// A total that sums a "< k" cell: not shown, since it would reveal that cell.
    Hidden,
    /// A standalone count from `low` to `low + k − 1` (`low` a multiple of k, at least k).
    Range {
        low: u64,
        high: u64,
    },
}

impl Published {
    /// The count if it is published exactly.
    pub fn count(self) -> Option<u64> {
        match self {
            Published::Count(count) => Some(count),
            Published::Below(_) | Published::Hidden | Published::Range { .. } => None,
        }
    }
}

/// A figure derived from several events (a median, a share): withheld when too few events
/// would let it describe one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure<T> {
    Shown(T),
    Withheld,
    NoData,
}

/// A table of counts with its totals, as published: a total is `Hidden` when it sums a
/// "< k" cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressedTable {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Published>>,
    pub row_totals: Vec<Published>,
    pub column_totals: Vec<Published>,
    pub total: Published,
}

/// Everything `/stats` publishes for a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statistics {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub min_published_count: u64,
    /// Monday of every week of the period, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// Rows: [`Reason::ALL`]; columns: `weeks`.
    pub cases: SuppressedTable,
    pub protective_actions: Vec<(Code, Published)>,
    pub moderator_actions: Vec<(Code, Published)>,
    /// Whole minutes.
    pub median_first_action_minutes: Figure<i64>,
    /// Share of help cards delivered, in whole percent.
    pub help_cards_delivered_percent: Figure<u64>,
    pub members_reported_more_than_once: Published,
}

/// Publishes what `aggregates` counted over `first_day..=last_day` (whole weeks, see
/// [`Period::days`]) with threshold `k` (at least 2).
pub fn compile(
    aggregates: &Aggregates,
    first_day: NaiveDate,
    last_day: NaiveDate,
    k: u64,
) -> Statistics {
    let k = k.max(2);
    let first_week = week_start(first_day);
    let week_count = usize::try_from((week_start(last_day) - first_week).num_days() / 7 + 1)
        .unwrap_or(1)
        .max(1);
    let weeks: Vec<NaiveDate> = (0..week_count)
        .map(|index| first_week + TimeDelta::weeks(i64::try_from(index).unwrap_or(i64::MAX)))
        .collect();

    let mut counts = vec![vec![0u64; week_count]; Reason::ALL.len()];
    for &(day, reason, count) in &aggregates.cases_by_day {
        if day < first_day || day > last_day {
            continue;
        }
        let Ok(week) = usize::try_from((week_start(day) - first_week).num_days() / 7) else {
            continue;
        };
        let row = Reason::ALL
            .iter()
            .position(|each| *each == reason)
            .unwrap_or(0);
        if let Some(cell) = counts[row].get_mut(week) {
            *cell += count;
        }
    }

    Statistics {
        first_day,
        last_day,
        min_published_count: k,
        weeks,
        cases: suppress(&counts, k),
        protective_actions: standalone_counts(&aggregates.protective_actions, k),
        moderator_actions: standalone_counts(&aggregates.moderator_actions, k),
        median_first_action_minutes: median(
            aggregates.first_action_cases,
            aggregates.median_first_action_minutes,
            k,
        ),
        help_cards_delivered_percent: share(
            aggregates.help_cards_delivered,
            aggregates.help_cards_not_delivered,
            k,
        ),
        members_reported_more_than_once: rounded(aggregates.members_reported_more_than_once, k),
    }
}

/// A cell of a table: exact, or "< k" from 1 to k−1. The same cell is the same in every
/// period, so this alone cannot be differenced.
pub fn cell(count: u64, k: u64) -> Published {
    if (1..k).contains(&count) {
        Published::Below(k)
    } else {
        Published::Count(count)
    }
}

/// A count published on its own, that nested periods could otherwise difference: 0 exactly,
/// "< k" from 1 to k−1, else the range of k values it falls in (multiples of k).
pub fn rounded(count: u64, k: u64) -> Published {
    match count {
        0 => Published::Count(0),
        count if count < k => Published::Below(k),
        count => {
            let low = count / k * k;
            Published::Range {
                low,
                high: low + k - 1,
            }
        }
    }
}

/// Counts shown side by side, by code: each rounded (see [`rounded`]).
fn standalone_counts(counts: &[(Code, u64)], k: u64) -> Vec<(Code, Published)> {
    let mut merged: BTreeMap<&Code, u64> = BTreeMap::new();
    for (code, count) in counts {
        *merged.entry(code).or_default() += count;
    }
    merged
        .into_iter()
        .map(|(code, count)| (code.clone(), rounded(count, k)))
        .collect()
}

/// The median of `cases` values, shown only when at least `k` back it, since a median of
/// two or three cases says too much about each.
pub fn median(cases: u64, value: Option<i64>, k: u64) -> Figure<i64> {
    match value {
        None => Figure::NoData,
        Some(_) if cases < k => Figure::Withheld,
        Some(value) => Figure::Shown(value),
    }
}

/// The 0-based rank of the median among `cases` sorted values (the lower middle when even).
pub fn median_rank(cases: u64) -> Option<u64> {
    cases.checked_sub(1).map(|last| last / 2)
}

/// In a histogram of `(bucket, values)` sorted by bucket, the bucket holding the sorted
/// value of `rank` (0-based) and that value's rank within its bucket.
pub fn bucket_of_rank(histogram: &[(i64, u64)], rank: u64) -> Option<(i64, u64)> {
    let mut before = 0;
    for &(bucket, values) in histogram {
        if rank < before + values {
            return Some((bucket, rank - before));
        }
        before += values;
    }
    None
}

/// Whole minutes from a case's opening to a moderator action, truncated as `/stats` shows
/// them (hours and minutes).
pub fn whole_minutes(seconds: i64) -> i64 {
    seconds / 60
}

/// The hour bucket of a time in whole minutes (truncated, like the minutes).
pub fn hour_of(minutes: i64) -> i64 {
    minutes / 60
}

/// The minutes whose [`hour_of`] is `hour`, first and last (hour 0 holds -59..=59).
pub fn minutes_of_hour(hour: i64) -> (i64, i64) {
    match hour {
        0 => (-59, 59),
        hour if hour > 0 => (hour * 60, hour * 60 + 59),
        hour => (hour * 60 - 59, hour * 60),
    }
}

/// How far (in weeks) a member's other reports can share a period with a report: the
/// longest period less one week, either side.
pub const REPEAT_HORIZON_WEEKS: i64 = 51;

/// The periods `(last week, weeks)` in which a member reported in `week` becomes reported
/// more than once with this report: those in which they had exactly one report before it.
/// `earlier` holds the member's report counts per week (Mondays) within
/// [`REPEAT_HORIZON_WEEKS`] of `week`, without this report.
pub fn periods_newly_repeated(
    earlier: &[(NaiveDate, u64)],
    week: NaiveDate,
) -> Vec<(NaiveDate, i64)> {
    let mut periods = Vec::new();
    for period in Period::ALL {
        let weeks = period.weeks();
        for offset in 0..weeks {
            let last_week = week + TimeDelta::weeks(offset);
            let first_week = last_week - TimeDelta::weeks(weeks - 1);
            let before: u64 = earlier
                .iter()
                .filter(|(each, _)| (first_week..=last_week).contains(each))
                .map(|(_, reports)| reports)
                .sum();
            if before == 1 {
                periods.push((last_week, weeks));
            }
        }
    }
    periods
}

/// `yes` out of `yes + no` in whole percent; withheld below `k` cases, or when either side
/// is a small count, which the share would otherwise reveal.
pub fn share(yes: u64, no: u64, k: u64) -> Figure<u64> {
    let total = yes + no;
    if total == 0 {
        return Figure::NoData;
    }
    if total < k || (1..k).contains(&yes) || (1..k).contains(&no) {
        return Figure::Withheld;
    }
    Figure::Shown((yes * 100 + total / 2) / total)
}

/// Publishes `counts[row][column]` with row, column and grand totals: every cell from 1 to
/// k−1 shows as "< k", and a total is exact only when every cell it sums is exact (see the
/// module docs).
pub fn suppress(counts: &[Vec<u64>], k: u64) -> SuppressedTable {
    let k = k.max(2);
    let columns = counts.first().map_or(0, Vec::len);
    let total_of = |values: &mut dyn Iterator<Item = u64>| {
        let mut sum = 0u64;
        let mut exact = true;
        for value in values {
            sum += value;
            exact &= !(1..k).contains(&value);
        }
        if exact {
            Published::Count(sum)
        } else {
            Published::Hidden
        }
    };
    SuppressedTable {
        cells: counts
            .iter()
            .map(|cells| cells.iter().map(|&count| cell(count, k)).collect())
            .collect(),
        row_totals: counts
            .iter()
            .map(|cells| total_of(&mut cells.iter().copied()))
            .collect(),
        column_totals: (0..columns)
            .map(|column| {
                total_of(
                    &mut counts
                        .iter()
                        .map(|cells| cells.get(column).copied().unwrap_or(0)),
                )
            })
            .collect(),
        total: total_of(&mut counts.iter().flatten().copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantity a reader of the published tables may compute from four weeks.
    type Quantity = fn(&[u64; 4]) -> u64;
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    const K: u64 = 5;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// What a reader could work out about a hidden entry of a table.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
    enum Entry {
        Cell(usize, usize),
        Row(usize),
        Column(usize),
        Total,
    }

    /// Everything a reader of `table` could deduce: for each entry, the values consistent
    /// with all that is published, found by trying every assignment of the "< k" cells
    /// (1..k−1 each).
    fn possible_values(table: &SuppressedTable) -> BTreeMap<Entry, Vec<u64>> {
        let rows = table.cells.len();
        let columns = table.cells[0].len();
        let hidden: Vec<(usize, usize)> = (0..rows)
            .flat_map(|row| (0..columns).map(move |column| (row, column)))
            .filter(|&(row, column)| table.cells[row][column].count().is_none())
            .collect();
        let ranges: Vec<Vec<u64>> = hidden
            .iter()
            .map(|&(row, column)| match table.cells[row][column] {
                Published::Count(count) => vec![count],
                Published::Below(k) => (1..k).collect(),
                other => panic!("a cell is never published as {other:?}"),
            })
            .collect();
        let fits = |published: Published, value: u64| match published {
            Published::Count(count) => value == count,
            Published::Below(k) => (1..k).contains(&value),
            // A hidden total sums a "< k" cell: anything from 1 up.
            Published::Hidden => value >= 1,
            Published::Range { low, high } => (low..=high).contains(&value),
        };
        let mut grid: Vec<Vec<u64>> = (0..rows)
            .map(|row| {
                (0..columns)
                    .map(|column| table.cells[row][column].count().unwrap_or(0))
                    .collect()
            })
            .collect();
        let mut possible: BTreeMap<Entry, Vec<u64>> = BTreeMap::new();
        let mut choice = vec![0usize; hidden.len()];
        loop {
            for (index, &(row, column)) in hidden.iter().enumerate() {
                grid[row][column] = ranges[index][choice[index]];
            }
            let row_sums: Vec<u64> = grid.iter().map(|cells| cells.iter().sum()).collect();
            let column_sums: Vec<u64> = (0..columns)
                .map(|column| grid.iter().map(|cells| cells[column]).sum())
                .collect();
            let total: u64 = row_sums.iter().sum();
            let consistent = row_sums
                .iter()
                .zip(&table.row_totals)
                .all(|(sum, p)| fits(*p, *sum))
                && column_sums
                    .iter()
                    .zip(&table.column_totals)
                    .all(|(sum, p)| fits(*p, *sum))
                && fits(table.total, total);
            if consistent {
                let mut record = |entry: Entry, value: u64| {
                    let values = possible.entry(entry).or_default();
                    if !values.contains(&value) {
                        values.push(value);
                    }
                };
                for (row, cells) in grid.iter().enumerate() {
                    for (column, value) in cells.iter().enumerate() {
                        record(Entry::Cell(row, column), *value);
                    }
                }
                for (row, sum) in row_sums.iter().enumerate() {
                    record(Entry::Row(row), *sum);
                }
                for (column, sum) in column_sums.iter().enumerate() {
                    record(Entry::Column(column), *sum);
                }
                record(Entry::Total, total);
            }
            // Next assignment, odometer style.
            let mut index = 0;
            loop {
                if index == hidden.len() {
                    return possible;
                }
                choice[index] += 1;
                if choice[index] < ranges[index].len() {
                    break;
                }
                choice[index] = 0;
                index += 1;
            }
        }
    }

    /// Nothing from 1 to k−1 appears as a count, cells and totals alike.
    fn assert_no_small_count(table: &SuppressedTable) {
        let all = table
            .cells
            .iter()
            .flatten()
            .chain(&table.row_totals)
            .chain(&table.column_totals)
            .chain(std::iter::once(&table.total));
        for published in all {
            if let Published::Count(count) = published {
                assert!(!(1..K).contains(count), "{count} published in {table:?}");
            }
        }
    }

    /// Every "< k" entry (cell or total) keeps at least two possible values, and the true
    /// table is among the solutions.
    fn assert_no_small_count_derivable(counts: &[Vec<u64>], table: &SuppressedTable) {
        let grand: u64 = counts.iter().flatten().sum();
        let possible = possible_values(table);
        let mut entries: Vec<(Entry, Published, u64)> = Vec::new();
        for (row, cells) in counts.iter().enumerate() {
            for (column, count) in cells.iter().enumerate() {
                entries.push((Entry::Cell(row, column), table.cells[row][column], *count));
            }
            entries.push((Entry::Row(row), table.row_totals[row], cells.iter().sum()));
        }
        for column in 0..counts[0].len() {
            let sum = counts.iter().map(|cells| cells[column]).sum();
            entries.push((Entry::Column(column), table.column_totals[column], sum));
        }
        entries.push((Entry::Total, table.total, grand));
        for (entry, published, truth) in entries {
            let values = possible.get(&entry).cloned().unwrap_or_default();
            assert!(
                values.contains(&truth),
                "{entry:?}: the truth is a solution"
            );
            if matches!(published, Published::Below(_)) {
                assert!(
                    values.len() >= 2,
                    "{entry:?} = {truth} derivable from {table:?}"
                );
            }
        }
    }

    #[test]
    fn counts_1_3_7_12_publish_nothing_below_k_and_nothing_derivable() {
        for counts in [
            vec![vec![1, 3], vec![7, 12]],
            vec![vec![1, 3, 7, 12]],
            vec![vec![1], vec![3], vec![7], vec![12]],
            vec![vec![1, 7], vec![3, 12]],
        ] {
            let table = suppress(&counts, K);
            assert_no_small_count(&table);
            assert_no_small_count_derivable(&counts, &table);
        }
    }

    #[test]
    fn the_2x2_case_hides_only_the_totals_that_sum_a_small_cell() {
        let table = suppress(&[vec![1, 3], vec![7, 12]], K);
        assert_eq!(table.cells[0], [Published::Below(5), Published::Below(5)]);
        assert_eq!(table.cells[1], [Published::Count(7), Published::Count(12)]);
        assert_eq!(table.row_totals, [Published::Hidden, Published::Count(19)]);
        assert_eq!(table.column_totals, [Published::Hidden, Published::Hidden]);
        assert_eq!(table.total, Published::Hidden);
    }

    #[test]
    fn two_ones_in_a_row_are_not_derivable_from_the_total() {
        // Were the total shown: 21 − 7 − 12 = 2 = 1 + 1, both exactly 1.
        let counts = vec![vec![1, 1, 7, 12]];
        let table = suppress(&counts, K);
        assert_no_small_count(&table);
        assert_no_small_count_derivable(&counts, &table);
        assert_eq!(table.row_totals, [Published::Hidden]);
        assert_eq!(table.total, Published::Hidden);
    }

    #[test]
    fn tables_without_small_counts_are_published_whole() {
        let counts = vec![vec![0, 5, 9], vec![12, 0, 6]];
        let table = suppress(&counts, K);
        assert_eq!(
            table.cells,
            [
                [
                    Published::Count(0),
                    Published::Count(5),
                    Published::Count(9)
                ],
                [
                    Published::Count(12),
                    Published::Count(0),
                    Published::Count(6)
                ],
            ]
        );
        assert_eq!(
            table.row_totals,
            [Published::Count(14), Published::Count(18)]
        );
        assert_eq!(table.total, Published::Count(32));
    }

    #[test]
    fn random_small_tables_never_leak() {
        let mut rng = StdRng::seed_from_u64(6);
        for _ in 0..100 {
            let (rows, columns) = [(1, 2), (1, 3), (2, 1), (2, 2), (3, 1)][rng.random_range(0..5)];
            let counts: Vec<Vec<u64>> = (0..rows)
                .map(|_| (0..columns).map(|_| random_count(&mut rng)).collect())
                .collect();
            let table = suppress(&counts, K);
            assert_no_small_count(&table);
            assert_no_small_count_derivable(&counts, &table);
        }
    }

    fn random_count(rng: &mut StdRng) -> u64 {
        match rng.random_range(0..4) {
            0 => 0,
            1 => rng.random_range(1..K),
            _ => rng.random_range(K..13),
        }
    }

    #[test]
    fn k_is_configurable() {
        let table = suppress(&[vec![3, 9], vec![9, 9]], 10);
        assert_eq!(table.cells[0][0], Published::Below(10));
        assert_eq!(table.cells[0][1], Published::Below(10));
        let table = suppress(&[vec![3, 9], vec![9, 9]], 3);
        assert_eq!(table.cells[0][0], Published::Count(3));
        assert_eq!(table.total, Published::Count(30));
    }

    #[test]
    fn weeks_are_mondays_and_cases_land_in_their_week() {
        let aggregates = Aggregates {
            cases_by_day: vec![
                (day("2025-02-24"), Reason::Harassment, 6), // Monday
                (day("2025-03-02"), Reason::Harassment, 2), // Sunday, same week
                (day("2025-03-03"), Reason::Threats, 7),
                (day("2025-03-12"), Reason::Threats, 9), // this week: incomplete, not shown
                (day("2025-01-01"), Reason::Threats, 9), // before the period
            ],
            ..Aggregates::default()
        };
        let (first, last) = Period::Weeks4.days(day("2025-03-12"));
        assert_eq!((first, last), (day("2025-02-10"), day("2025-03-09")));
        let statistics = compile(&aggregates, first, last, K);
        assert_eq!(
            statistics.weeks,
            ["2025-02-10", "2025-02-17", "2025-02-24", "2025-03-03"].map(day)
        );
        assert_eq!(statistics.cases.cells[0][2], Published::Count(8));
        assert_eq!(statistics.cases.cells[2][3], Published::Count(7));
        assert_eq!(statistics.cases.total, Published::Count(15));
    }

    #[test]
    fn periods_are_the_last_complete_weeks() {
        // Wednesday: the current week (from Monday 10 March) is not shown.
        let wednesday = day("2025-03-12");
        let last_sunday = day("2025-03-09");
        assert_eq!(
            Period::Week1.days(wednesday),
            (day("2025-03-03"), last_sunday)
        );
        assert_eq!(
            Period::Weeks13.days(wednesday),
            (day("2024-12-09"), last_sunday)
        );
        assert_eq!(
            Period::Weeks52.days(wednesday),
            (day("2024-03-11"), last_sunday)
        );
        // Every day of a week gives the same answer, Sunday included (not over yet).
        for today in day("2025-03-10").iter_days().take(7) {
            for period in Period::ALL {
                assert_eq!(period.days(today), period.days(wednesday));
                let (first, last) = period.days(today);
                assert_eq!(first.weekday(), chrono::Weekday::Mon);
                assert_eq!(last.weekday(), chrono::Weekday::Sun);
                assert_eq!((last - first).num_days() + 1, 7 * period.weeks());
            }
        }
        assert_eq!(
            Period::Week1.days(day("2025-03-17")),
            (day("2025-03-10"), day("2025-03-16"))
        );
    }

    /// Harassment weeks [1, 0, 0, 0, 12] (the last one the last complete week): 13 − 12
    /// must not give away the 1.
    #[test]
    fn the_1_0_0_0_12_example_cannot_be_differenced_across_periods() {
        let today = day("2025-03-12");
        let (last_week, _) = Period::Week1.days(today);
        let aggregates = Aggregates {
            cases_by_day: [1, 0, 0, 0, 12]
                .into_iter()
                .enumerate()
                .map(|(index, count)| {
                    let week = last_week - TimeDelta::weeks(4 - i64::try_from(index).unwrap());
                    (week + TimeDelta::days(2), Reason::Harassment, count)
                })
                // And cases this week, which no period may count yet.
                .chain([(today, Reason::Harassment, 3)])
                .collect(),
            ..Aggregates::default()
        };
        let mut published = Vec::new();
        for period in Period::ALL {
            let (first, last) = period.days(today);
            let statistics = compile(&aggregates, first, last, K);
            let harassment = &statistics.cases.cells[0];
            assert_eq!(harassment.last(), Some(&Published::Count(12)), "{period:?}");
            if let Some(small) = harassment.len().checked_sub(5) {
                assert_eq!(harassment[small], Published::Below(5), "{period:?}");
            }
            let table = &statistics.cases;
            published.extend(
                table
                    .row_totals
                    .iter()
                    .chain(&table.column_totals)
                    .chain([&table.total])
                    .chain(table.cells.iter().flatten())
                    .copied(),
            );
            let expected_total = if period.weeks() >= 5 {
                Published::Hidden
            } else {
                Published::Count(12)
            };
            assert_eq!(table.row_totals[0], expected_total, "{period:?}");
            assert_eq!(table.total, expected_total, "{period:?}");
        }
        for value in [1, 13, 15, 16] {
            assert!(
                !published.contains(&Published::Count(value)),
                "{value} shown"
            );
        }
    }

    /// Every period's table of a random weeks × reasons table, as a reader gets them: the
    /// last 1, 2, 4 and all weeks (the nesting of the real periods, on a small scale).
    fn publications(counts: &[Vec<u64>]) -> Vec<SuppressedTable> {
        let weeks = counts[0].len();
        [1, 2, 4, weeks]
            .into_iter()
            .map(|shown| {
                let columns: Vec<Vec<u64>> = counts
                    .iter()
                    .map(|cells| cells[weeks - shown..].to_vec())
                    .collect();
                suppress(&columns, K)
            })
            .collect()
    }

    #[test]
    fn no_hidden_cell_is_determined_by_all_periods_together() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut checked = 0;
        for _ in 0..300 {
            let weeks = rng.random_range(4..7);
            let rows = rng.random_range(1..3);
            let truth: Vec<Vec<u64>> = (0..rows)
                .map(|_| (0..weeks).map(|_| random_count(&mut rng)).collect())
                .collect();
            let shown = publications(&truth);
            // The reader knows which cells are "< k"; everything else is exact.
            let hidden: Vec<(usize, usize)> = (0..rows)
                .flat_map(|row| (0..weeks).map(move |week| (row, week)))
                .filter(|&(row, week)| (1..K).contains(&truth[row][week]))
                .collect();
            // Keeps the brute force small; the seed gives hundreds of tables all the same.
            if hidden.len() > 6 {
                continue;
            }
            checked += 1;
            let mut possible = vec![Vec::new(); hidden.len()];
            let mut hidden_totals: BTreeMap<(usize, usize), Vec<u64>> = BTreeMap::new();
            let combinations = (K - 1).pow(u32::try_from(hidden.len()).unwrap());
            for combination in 0..combinations {
                let mut candidate = truth.clone();
                let mut rest = combination;
                for &(row, week) in &hidden {
                    candidate[row][week] = 1 + rest % (K - 1);
                    rest /= K - 1;
                }
                if publications(&candidate) != shown {
                    continue;
                }
                for (index, &(row, week)) in hidden.iter().enumerate() {
                    possible[index].push(candidate[row][week]);
                }
                // Every hidden row total of every period keeps several values too.
                for (period, table) in shown.iter().enumerate() {
                    let offset = weeks - table.cells[0].len();
                    for (row, total) in table.row_totals.iter().enumerate() {
                        if *total == Published::Hidden {
                            let sum = candidate[row][offset..].iter().sum();
                            hidden_totals.entry((period, row)).or_default().push(sum);
                        }
                    }
                }
            }
            for (index, values) in possible.iter().enumerate() {
                assert!(
                    values
                        .iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .len()
                        >= 2,
                    "cell {:?} of {truth:?} determined: {values:?}",
                    hidden[index]
                );
            }
            for (entry, values) in hidden_totals {
                assert!(
                    values
                        .iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .len()
                        >= 2,
                    "hidden total {entry:?} of {truth:?} determined"
                );
            }
        }
        assert!(checked > 150, "only {checked} tables checked");
    }

    /// Standalone counts (actions, repeat members) per week, published rounded for the last
    /// 1, 2 and 4 weeks: whatever the reader combines, no period's count, no single week and
    /// no difference of two periods that is truly from 1 to k−1 is pinned down.
    #[test]
    fn rounded_standalone_counts_cannot_be_differenced_across_periods() {
        let shown =
            |weeks: &[u64; 4]| [1, 2, 4].map(|last| rounded(weeks[4 - last..].iter().sum(), K));
        let all: Vec<[u64; 4]> = (0..13u64.pow(4))
            .map(|code| [0, 1, 2, 3].map(|place| code / 13u64.pow(place) % 13))
            .collect();
        let mut rng = StdRng::seed_from_u64(8);
        for _ in 0..200 {
            let truth = [0; 4].map(|_: u64| random_count(&mut rng).min(12));
            let published = shown(&truth);
            let consistent: Vec<&[u64; 4]> = all
                .iter()
                .filter(|weeks| shown(weeks) == published)
                .collect();
            // Quantities a reader may try: each week, each period, each difference.
            let quantities: [(&str, Quantity); 5] = [
                ("last week", |w| w[3]),
                ("week before", |w| w[2]),
                ("weeks 1-2", |w| w[0] + w[1]),
                ("2 weeks", |w| w[2] + w[3]),
                ("4 weeks", |w| w.iter().sum()),
            ];
            for (name, quantity) in quantities {
                let value = quantity(&truth);
                if (1..K).contains(&value) {
                    let values: std::collections::BTreeSet<u64> =
                        consistent.iter().map(|weeks| quantity(weeks)).collect();
                    assert!(
                        values.len() >= 2,
                        "{name} = {value} derivable from {truth:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn medians_and_shares_are_withheld_when_few() {
        assert_eq!(median(0, None, K), Figure::NoData);
        assert_eq!(median(4, Some(25), K), Figure::Withheld);
        assert_eq!(median(5, Some(30), K), Figure::Shown(30));
        assert_eq!(share(0, 0, K), Figure::NoData);
        assert_eq!(share(0, 3, K), Figure::Withheld, "fewer than k cases");
        assert_eq!(share(9, 1, K), Figure::Withheld);
        assert_eq!(share(2, 9, K), Figure::Withheld);
        assert_eq!(share(10, 0, K), Figure::Shown(100));
        assert_eq!(share(10, 5, K), Figure::Shown(67));
        assert_eq!(cell(3, K), Published::Below(5));
        assert_eq!(cell(0, K), Published::Count(0));
        assert_eq!(rounded(0, K), Published::Count(0));
        assert_eq!(rounded(4, K), Published::Below(5));
        assert_eq!(rounded(5, K), Published::Range { low: 5, high: 9 });
        assert_eq!(rounded(14, K), Published::Range { low: 10, high: 14 });
    }

    #[test]
    fn action_and_repeat_counts_are_rounded() {
        let aggregates = Aggregates {
            protective_actions: vec![
                (Code::new("mute").unwrap(), 2),
                (Code::new("shield").unwrap(), 8),
                (Code::new("mute").unwrap(), 1),
            ],
            members_reported_more_than_once: 10,
            ..Aggregates::default()
        };
        let statistics = compile(&aggregates, day("2025-03-03"), day("2025-03-09"), K);
        assert_eq!(
            statistics.protective_actions,
            [
                (Code::new("mute").unwrap(), Published::Below(5)),
                (
                    Code::new("shield").unwrap(),
                    Published::Range { low: 5, high: 9 }
                ),
            ]
        );
        assert_eq!(
            statistics.members_reported_more_than_once,
            Published::Range { low: 10, high: 14 }
        );
    }

    /// The median of a histogram is the sorted values' lower middle, found in the hours
    /// first and then in the median's hour, as the store reads them.
    #[test]
    fn medians_are_found_in_two_steps_exactly_to_the_minute() {
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..200 {
            let count = rng.random_range(1..40);
            let seconds: Vec<i64> = (0..count).map(|_| rng.random_range(0..30_000)).collect();
            let mut minutes: BTreeMap<i64, u64> = BTreeMap::new();
            let mut hours: BTreeMap<i64, u64> = BTreeMap::new();
            for &value in &seconds {
                *minutes.entry(whole_minutes(value)).or_default() += 1;
                *hours.entry(hour_of(whole_minutes(value))).or_default() += 1;
            }
            let hours: Vec<(i64, u64)> = hours.into_iter().collect();
            let rank = median_rank(u64::try_from(count).unwrap()).unwrap();
            let (hour, within) = bucket_of_rank(&hours, rank).unwrap();
            let (first, last) = minutes_of_hour(hour);
            let in_hour: Vec<(i64, u64)> =
                minutes.range(first..=last).map(|(m, n)| (*m, *n)).collect();
            let (minute, _) = bucket_of_rank(&in_hour, within).unwrap();
            let mut sorted = seconds.clone();
            sorted.sort_unstable();
            assert_eq!(
                minute,
                whole_minutes(sorted[(sorted.len() - 1) / 2]),
                "{seconds:?}"
            );
        }
        assert_eq!(median_rank(0), None);
        assert_eq!(median_rank(6), Some(2), "the lower middle");
        for minute in [-200, -61, -60, -59, -1, 0, 1, 59, 60, 119, 120, 1000] {
            let (first, last) = minutes_of_hour(hour_of(minute));
            assert!((first..=last).contains(&minute), "{minute}");
        }
    }

    /// Counting each report's newly repeated periods gives, for every period, the members
    /// with two reports or more in it, whatever order the reports come in.
    #[test]
    fn newly_repeated_periods_add_up_to_the_members_reported_more_than_once() {
        let monday = day("2025-01-06");
        let mut rng = StdRng::seed_from_u64(10);
        for _ in 0..40 {
            let reports: Vec<(usize, NaiveDate)> = (0..rng.random_range(1..30))
                .map(|_| {
                    let member = rng.random_range(0..6);
                    (member, monday + TimeDelta::weeks(rng.random_range(0..70)))
                })
                .collect();
            let mut counted: BTreeMap<(NaiveDate, i64), u64> = BTreeMap::new();
            let mut weeks_of: Vec<BTreeMap<NaiveDate, u64>> = vec![BTreeMap::new(); 6];
            for &(member, week) in &reports {
                let earlier: Vec<(NaiveDate, u64)> =
                    weeks_of[member].iter().map(|(w, n)| (*w, *n)).collect();
                for period in periods_newly_repeated(&earlier, week) {
                    *counted.entry(period).or_default() += 1;
                }
                *weeks_of[member].entry(week).or_default() += 1;
            }
            for last in 0..130 {
                let last_week = monday + TimeDelta::weeks(last);
                for period in Period::ALL {
                    let first_week = last_week - TimeDelta::weeks(period.weeks() - 1);
                    let expected = weeks_of
                        .iter()
                        .filter(|weeks| {
                            weeks
                                .range(first_week..=last_week)
                                .map(|(_, n)| n)
                                .sum::<u64>()
                                >= 2
                        })
                        .count();
                    let got = counted
                        .get(&(last_week, period.weeks()))
                        .copied()
                        .unwrap_or(0);
                    assert_eq!(
                        got,
                        u64::try_from(expected).unwrap(),
                        "{period:?} ending {last_week}"
                    );
                }
            }
        }
    }

    #[test]
    fn codes_refuse_free_text() {
        assert!(Code::new("mute").is_ok());
        assert!(Code::new("time_out-2").is_ok());
        assert!(Code::new("").is_err());
        assert!(Code::new("He insulted me").is_err());
        assert!(Code::new("123456789012345678901234567890123").is_err());
    }
}
