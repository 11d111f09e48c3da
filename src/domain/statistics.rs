//! Anonymized statistics (SPEC §7): periods, weekly tables by reason, small-count
//! suppression, medians and shares. Pure: the store aggregates, this module decides what may
//! be published.
//!
//! # Suppression
//! A count from 1 to k−1 is published as "< k" (primary suppression). Totals are published
//! too, so a hidden count could be recovered by subtraction; complementary suppression hides
//! further counts ("hidden", never a count from 1 to k−1) until no "< k" count has a single
//! possible value given everything published.
//!
//! A table with its row, column and grand totals is a circulation: grand total → row totals →
//! cells → column totals → grand total, every node conserving what flows through it. What a
//! reader knows: published values exactly, "< k" values within 1..k−1, hidden values ≥ k (or
//! 0; ignoring that possibility only makes the check stricter). A hidden value is not
//! determined exactly iff another solution exists, iff (integral flows) a cycle of hidden
//! edges through it can be shifted by ±1 within those bounds: a directed cycle of the
//! residual graph. [`suppress`] checks that for every "< k" value and, when missing, hides the
//! cheapest published counts (cells before totals, small before large) that close such a cycle.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fmt;

use chrono::{Datelike, Months, NaiveDate, TimeDelta};

use super::reason::Reason;

/// `[statistics] min_published_count` when unset.
pub const DEFAULT_MIN_PUBLISHED_COUNT: u32 = 5;

/// The periods `/stats` offers, ending today (server time).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Days7,
    Days30,
    Days90,
    Months12,
}

impl Period {
    /// The first day of the period ending `today`, inclusive.
    pub fn first_day(self, today: NaiveDate) -> NaiveDate {
        let days_back = |days: i64| today - TimeDelta::days(days - 1);
        match self {
            Period::Days7 => days_back(7),
            Period::Days30 => days_back(30),
            Period::Days90 => days_back(90),
            Period::Months12 => today
                .checked_sub_months(Months::new(12))
                .map_or(today, |day| day + TimeDelta::days(1)),
        }
    }

    /// The Fluent id of its label.
    pub fn fluent_id(self) -> &'static str {
        match self {
            Period::Days7 => "period-7d",
            Period::Days30 => "period-30d",
            Period::Days90 => "period-90d",
            Period::Months12 => "period-12m",
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
    /// Seconds from a case's opening to its first moderator action, one per case.
    pub first_action_seconds: Vec<i64>,
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
    /// Hidden so that a "< k" count cannot be worked out.
    Hidden,
}

impl Published {
    /// The count if it is published exactly.
    pub fn count(self) -> Option<u64> {
        match self {
            Published::Count(count) => Some(count),
            Published::Below(_) | Published::Hidden => None,
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

/// A table of counts with its totals, as published.
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
    /// Monday of every week the period touches, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// Rows: [`Reason::ALL`]; columns: `weeks`.
    pub cases: SuppressedTable,
    pub protective_actions: Vec<(Code, Published)>,
    pub moderator_actions: Vec<(Code, Published)>,
    pub median_first_action_seconds: Figure<i64>,
    /// Share of help cards delivered, in whole percent.
    pub help_cards_delivered_percent: Figure<u64>,
    pub members_reported_more_than_once: Published,
}

/// Publishes what `aggregates` counted over `first_day..=last_day` with threshold `k` (at
/// least 2).
pub fn compile(
    aggregates: &Aggregates,
    first_day: NaiveDate,
    last_day: NaiveDate,
    k: u64,
) -> Statistics {
    let k = k.max(2);
    let first_week = week_start(first_day);
    let week_count = ((week_start(last_day) - first_week).num_days() / 7 + 1).max(1) as usize;
    let weeks: Vec<NaiveDate> = (0..week_count)
        .map(|index| first_week + TimeDelta::days(7 * index as i64))
        .collect();

    let mut counts = vec![vec![0u64; week_count]; Reason::ALL.len()];
    for &(day, reason, count) in &aggregates.cases_by_day {
        if day < first_day || day > last_day {
            continue;
        }
        let week = ((week_start(day) - first_week).num_days() / 7) as usize;
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
        median_first_action_seconds: median(&aggregates.first_action_seconds, k),
        help_cards_delivered_percent: share(
            aggregates.help_cards_delivered,
            aggregates.help_cards_not_delivered,
            k,
        ),
        members_reported_more_than_once: primary(aggregates.members_reported_more_than_once, k),
    }
}

/// A count published on its own, with no total it adds up to.
pub fn primary(count: u64, k: u64) -> Published {
    if (1..k).contains(&count) {
        Published::Below(k)
    } else {
        Published::Count(count)
    }
}

/// Counts shown side by side without a total: each stands alone, so primary suppression is
/// enough.
fn standalone_counts(counts: &[(Code, u64)], k: u64) -> Vec<(Code, Published)> {
    let mut merged: BTreeMap<&Code, u64> = BTreeMap::new();
    for (code, count) in counts {
        *merged.entry(code).or_default() += count;
    }
    merged
        .into_iter()
        .map(|(code, count)| (code.clone(), primary(count, k)))
        .collect()
}

/// The median of at least `k` values (the lower middle when even); withheld below that,
/// since a median of two or three cases says too much about each.
pub fn median(values: &[i64], k: u64) -> Figure<i64> {
    if values.is_empty() {
        return Figure::NoData;
    }
    if (values.len() as u64) < k {
        return Figure::Withheld;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    Figure::Shown(sorted[(sorted.len() - 1) / 2])
}

/// `yes` out of `yes + no` in whole percent; withheld when either side is a small count,
/// which the share and the other side would otherwise reveal.
pub fn share(yes: u64, no: u64, k: u64) -> Figure<u64> {
    let total = yes + no;
    if total == 0 {
        return Figure::NoData;
    }
    if (1..k).contains(&yes) || (1..k).contains(&no) {
        return Figure::Withheld;
    }
    Figure::Shown((yes * 100 + total / 2) / total)
}

/// Publishes `counts[row][column]` with row, column and grand totals so that every count from
/// 1 to k−1 shows as "< k" and none can be worked out from the rest (see the module docs).
pub fn suppress(counts: &[Vec<u64>], k: u64) -> SuppressedTable {
    let k = k.max(2);
    let mut network = Network::new(counts, k);
    let protected: Vec<usize> = (0..network.edges.len())
        .filter(|&edge| network.edges[edge].state == State::Below)
        .collect();
    for edge in protected {
        if network.is_undetermined(edge) {
            continue;
        }
        match network.cheapest_cover(edge) {
            Some(to_hide) => {
                for hidden in to_hide {
                    network.edges[hidden].state = State::Hidden;
                }
            }
            // No cycle can go through it with what is left: hide every count that may be.
            None => {
                for other in &mut network.edges {
                    if other.state == State::Published && other.value >= k {
                        other.state = State::Hidden;
                    }
                }
            }
        }
    }
    network.table(counts.len(), counts.first().map_or(0, Vec::len))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Published,
    Below,
    Hidden,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Total,
    RowTotal,
    ColumnTotal,
    Cell,
}

#[derive(Clone, Copy, Debug)]
struct Edge {
    from: usize,
    to: usize,
    value: u64,
    state: State,
    role: Role,
}

/// The table as a circulation. Nodes: 0 = grand total's source side (feeds the row totals),
/// 1 = grand total's sink side (collects the column totals), then rows, then columns.
struct Network {
    nodes: usize,
    edges: Vec<Edge>,
    k: u64,
}

/// Cost of hiding one more published count: cells before totals, then the smallest.
fn hiding_cost(edge: &Edge) -> u64 {
    let weight = match edge.role {
        Role::Cell => 1,
        Role::RowTotal | Role::ColumnTotal => 2,
        Role::Total => 4,
    };
    weight * 1_000_000_000 + edge.value.min(999_999_999)
}

impl Network {
    fn new(counts: &[Vec<u64>], k: u64) -> Network {
        let rows = counts.len();
        let columns = counts.first().map_or(0, Vec::len);
        let row_node = |row: usize| 2 + row;
        let column_node = |column: usize| 2 + rows + column;
        let state = |value: u64| {
            if (1..k).contains(&value) {
                State::Below
            } else {
                State::Published
            }
        };
        let mut edges = Vec::with_capacity(rows * columns + rows + columns + 1);
        let mut push = |from, to, value, role| {
            edges.push(Edge {
                from,
                to,
                value,
                state: state(value),
                role,
            })
        };
        let total: u64 = counts.iter().flatten().sum();
        push(1, 0, total, Role::Total);
        for (row, cells) in counts.iter().enumerate() {
            push(0, row_node(row), cells.iter().sum(), Role::RowTotal);
        }
        for (row, cells) in counts.iter().enumerate() {
            for (column, &value) in cells.iter().enumerate().take(columns) {
                push(row_node(row), column_node(column), value, Role::Cell);
            }
        }
        for column in 0..columns {
            let sum = counts
                .iter()
                .map(|cells| cells.get(column).copied().unwrap_or(0))
                .sum();
            push(column_node(column), 1, sum, Role::ColumnTotal);
        }
        Network {
            nodes: 2 + rows + columns,
            edges,
            k,
        }
    }

    /// Residual arcs `(from, to, cost)` of an edge: increasing it runs along it, decreasing
    /// it runs against it. Published counts only appear (at their hiding cost) when
    /// `with_candidates`.
    fn arcs(&self, edge: &Edge, with_candidates: bool) -> Vec<(usize, usize, u64)> {
        let (can_increase, can_decrease, cost) = match edge.state {
            State::Below => (edge.value + 1 < self.k, edge.value > 1, 0),
            State::Hidden => (true, edge.value > self.k, 0),
            State::Published if with_candidates && edge.value >= self.k => {
                (true, edge.value > self.k, hiding_cost(edge))
            }
            State::Published => (false, false, 0),
        };
        let mut arcs = Vec::with_capacity(2);
        if can_increase {
            arcs.push((edge.from, edge.to, cost));
        }
        if can_decrease {
            arcs.push((edge.to, edge.from, cost));
        }
        arcs
    }

    /// Cheapest path `start → goal` avoiding `excluded`: its cost and the edges it uses.
    fn path(
        &self,
        start: usize,
        goal: usize,
        excluded: usize,
        with_candidates: bool,
    ) -> Option<(u64, Vec<usize>)> {
        let mut adjacency: Vec<Vec<(usize, u64, usize)>> = vec![Vec::new(); self.nodes];
        for (index, edge) in self.edges.iter().enumerate() {
            if index == excluded {
                continue;
            }
            for (from, to, cost) in self.arcs(edge, with_candidates) {
                adjacency[from].push((to, cost, index));
            }
        }
        let mut best = vec![u64::MAX; self.nodes];
        let mut via: Vec<Option<(usize, usize)>> = vec![None; self.nodes];
        let mut queue = BinaryHeap::new();
        best[start] = 0;
        queue.push(Reverse((0u64, start)));
        while let Some(Reverse((cost, node))) = queue.pop() {
            if cost > best[node] {
                continue;
            }
            if node == goal {
                break;
            }
            for &(next, step, edge) in &adjacency[node] {
                let reached = cost.saturating_add(step);
                if reached < best[next] {
                    best[next] = reached;
                    via[next] = Some((node, edge));
                    queue.push(Reverse((reached, next)));
                }
            }
        }
        if best[goal] == u64::MAX {
            return None;
        }
        let mut used = Vec::new();
        let mut node = goal;
        while let Some((previous, edge)) = via[node] {
            used.push(edge);
            node = previous;
        }
        Some((best[goal], used))
    }

    /// The cycles through `edge` it could be shifted along: (path start, path goal).
    fn cycle_ends(&self, edge: usize) -> Vec<(usize, usize)> {
        let this = &self.edges[edge];
        self.arcs(this, false)
            .into_iter()
            .map(|(from, to, _)| (to, from))
            .collect()
    }

    /// Whether another solution gives `edge` another value, with what is hidden now.
    fn is_undetermined(&self, edge: usize) -> bool {
        self.cycle_ends(edge)
            .into_iter()
            .any(|(start, goal)| self.path(start, goal, edge, false).is_some())
    }

    /// The cheapest set of published counts whose hiding makes `edge` undetermined.
    fn cheapest_cover(&self, edge: usize) -> Option<Vec<usize>> {
        self.cycle_ends(edge)
            .into_iter()
            .filter_map(|(start, goal)| self.path(start, goal, edge, true))
            .min_by_key(|(cost, _)| *cost)
            .map(|(_, used)| {
                used.into_iter()
                    .filter(|&used| self.edges[used].state == State::Published)
                    .collect()
            })
    }

    fn table(&self, rows: usize, columns: usize) -> SuppressedTable {
        let published = |edge: &Edge| match edge.state {
            State::Published => Published::Count(edge.value),
            State::Below => Published::Below(self.k),
            State::Hidden => Published::Hidden,
        };
        let by_role = |role: Role| -> Vec<Published> {
            self.edges
                .iter()
                .filter(|edge| edge.role == role)
                .map(published)
                .collect()
        };
        let cells = by_role(Role::Cell);
        SuppressedTable {
            cells: (0..rows)
                .map(|row| cells[row * columns..(row + 1) * columns].to_vec())
                .collect(),
            row_totals: by_role(Role::RowTotal),
            column_totals: by_role(Role::ColumnTotal),
            total: published(&self.edges[0]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    /// Everything a reader of `table` could deduce: for each entry not published exactly,
    /// the values consistent with all that is published, found by trying every assignment
    /// of the hidden cells. Hidden values range over 0 ∪ k..=`ceiling`, "< k" ones over
    /// 1..k−1.
    fn possible_values(table: &SuppressedTable, ceiling: u64) -> BTreeMap<Entry, Vec<u64>> {
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
                Published::Hidden => std::iter::once(0).chain(K..=ceiling).collect(),
            })
            .collect();
        let fits = |published: Published, value: u64| match published {
            Published::Count(count) => value == count,
            Published::Below(k) => (1..k).contains(&value),
            Published::Hidden => value == 0 || value >= K,
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
        let possible = possible_values(table, grand + K);
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
    fn the_2x2_case_hides_the_other_cells_and_keeps_the_totals() {
        let table = suppress(&[vec![1, 3], vec![7, 12]], K);
        assert_eq!(table.cells[0], [Published::Below(5), Published::Below(5)]);
        assert_eq!(table.cells[1], [Published::Hidden, Published::Hidden]);
        // 4 = 23 − 19: the second row's total goes too.
        assert_eq!(table.row_totals, [Published::Below(5), Published::Hidden]);
        assert_eq!(
            table.column_totals,
            [Published::Count(8), Published::Count(15)]
        );
        assert_eq!(table.total, Published::Count(23));
    }

    #[test]
    fn two_ones_in_a_row_would_be_derivable_from_the_total_and_are_protected() {
        // Without complementary suppression: 21 − 7 − 12 = 2 = 1 + 1, both exactly 1.
        let counts = vec![vec![1, 1, 7, 12]];
        let table = suppress(&counts, K);
        assert_no_small_count(&table);
        assert_no_small_count_derivable(&counts, &table);
        assert!(table.cells[0][2..].contains(&Published::Hidden));
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
        assert_eq!(table.total, Published::Count(32));
    }

    #[test]
    fn random_small_tables_never_leak() {
        let mut rng = StdRng::seed_from_u64(6);
        for _ in 0..100 {
            let (rows, columns) = [(1, 2), (1, 3), (2, 1), (2, 2), (3, 1)][rng.random_range(0..5)];
            let counts: Vec<Vec<u64>> = (0..rows)
                .map(|_| {
                    (0..columns)
                        .map(|_| match rng.random_range(0..4) {
                            0 => 0,
                            1 => rng.random_range(1..K),
                            _ => rng.random_range(K..9),
                        })
                        .collect()
                })
                .collect();
            let table = suppress(&counts, K);
            assert_no_small_count(&table);
            assert_no_small_count_derivable(&counts, &table);
        }
    }

    #[test]
    fn k_is_configurable() {
        let table = suppress(&[vec![3, 9], vec![9, 9]], 10);
        assert_eq!(table.cells[0][0], Published::Below(10));
        assert_eq!(table.cells[0][1], Published::Below(10));
        let table = suppress(&[vec![3, 9], vec![9, 9]], 3);
        assert_eq!(table.cells[0][0], Published::Count(3));
    }

    #[test]
    fn weeks_are_mondays_and_cases_land_in_their_week() {
        let aggregates = Aggregates {
            cases_by_day: vec![
                (day("2025-03-03"), Reason::Harassment, 6), // Monday
                (day("2025-03-09"), Reason::Harassment, 2), // Sunday, same week
                (day("2025-03-10"), Reason::Threats, 7),
                (day("2025-01-01"), Reason::Threats, 9), // outside the period
            ],
            ..Aggregates::default()
        };
        let first = Period::Days30.first_day(day("2025-03-12"));
        assert_eq!(first, day("2025-02-11"));
        let statistics = compile(&aggregates, first, day("2025-03-12"), K);
        assert_eq!(statistics.weeks.first(), Some(&day("2025-02-10")));
        assert_eq!(statistics.weeks.last(), Some(&day("2025-03-10")));
        assert_eq!(statistics.weeks.len(), 5);
        let harassment = &statistics.cases.cells[0];
        assert_eq!(harassment[3], Published::Count(8));
        assert_eq!(statistics.cases.cells[2][4], Published::Count(7));
        assert_eq!(statistics.cases.total, Published::Count(15));
    }

    #[test]
    fn periods_end_today() {
        let today = day("2025-03-12");
        assert_eq!(Period::Days7.first_day(today), day("2025-03-06"));
        assert_eq!(Period::Days90.first_day(today), day("2024-12-13"));
        assert_eq!(Period::Months12.first_day(today), day("2024-03-13"));
    }

    #[test]
    fn medians_and_shares_are_withheld_when_few() {
        assert_eq!(median(&[], K), Figure::NoData);
        assert_eq!(median(&[10, 20, 30, 40], K), Figure::Withheld);
        assert_eq!(median(&[50, 10, 40, 20, 30], K), Figure::Shown(30));
        assert_eq!(median(&[60, 50, 10, 40, 20, 30], K), Figure::Shown(30));
        assert_eq!(share(0, 0, K), Figure::NoData);
        assert_eq!(share(9, 1, K), Figure::Withheld);
        assert_eq!(share(2, 9, K), Figure::Withheld);
        assert_eq!(share(10, 0, K), Figure::Shown(100));
        assert_eq!(share(10, 5, K), Figure::Shown(67));
        assert_eq!(primary(3, K), Published::Below(5));
        assert_eq!(primary(0, K), Published::Count(0));
    }

    #[test]
    fn action_counts_stand_alone() {
        let aggregates = Aggregates {
            protective_actions: vec![
                (Code::new("mute").unwrap(), 2),
                (Code::new("shield").unwrap(), 8),
                (Code::new("mute").unwrap(), 1),
            ],
            ..Aggregates::default()
        };
        let statistics = compile(&aggregates, day("2025-03-01"), day("2025-03-07"), K);
        assert_eq!(
            statistics.protective_actions,
            [
                (Code::new("mute").unwrap(), Published::Below(5)),
                (Code::new("shield").unwrap(), Published::Count(8)),
            ]
        );
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
