//! The aggregates `/stats` publishes (SPEC §7), from `stats_events`: rows holding no Discord
//! ID and no free text. Reports write theirs with the case (`cases.rs`), protective and
//! moderator steps with the step (`moderation.rs`). A case's time to first moderator action
//! is the `duration_seconds` of `moderator_action` events.
//!
//! Every query reads one server's window of local hours: `$1` the server, `$2..=$3` the
//! hours.

use chrono::NaiveDate;

use super::{Count, Store, StoreError, parse_column};
use crate::domain::reason::Reason;
use crate::domain::statistics::EventKind;
use crate::domain::statistics::{Aggregates, Code};

const CASES_BY_DAY: &str = "SELECT substr(occurred_hour, 1, 10), reason, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind = 'case_opened' AND reason IS NOT NULL
                 GROUP BY substr(occurred_hour, 1, 10), reason";

const ACTIONS: &str = "SELECT kind, action, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind IN ('protective_action', 'moderator_action') AND action IS NOT NULL
                 GROUP BY kind, action";

const FIRST_ACTION_SECONDS: &str = "SELECT duration_seconds FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind = 'moderator_action' AND duration_seconds IS NOT NULL";

const HELP_CARDS: &str = "SELECT help_card_delivered, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND help_card_delivered IS NOT NULL
                 GROUP BY help_card_delivered";

const REPEATED: &str = "SELECT COUNT(*) FROM (
                     SELECT reported_pseudonym FROM stats_events
                     WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                       AND kind IN ('case_opened', 'report_merged')
                       AND reported_pseudonym IS NOT NULL
                     GROUP BY reported_pseudonym
                     HAVING COUNT(*) >= 2
                 ) AS repeated";

/// Binds a query's `$1..=$3` to a [`Window`].
macro_rules! in_window {
    ($query:expr, $window:expr) => {
        $query
            .bind($window.guild_id)
            .bind($window.from.as_str())
            .bind($window.until.as_str())
    };
}

/// One server's local hours `from..=until`, as the `YYYY-MM-DDTHH` text stored.
struct Window {
    guild_id: i64,
    from: String,
    until: String,
}

/// The rows of the window's queries, as read.
struct Rows {
    cases: Vec<(String, String, i64)>,
    actions: Vec<(String, String, i64)>,
    durations: Vec<i64>,
    help_cards: Vec<(bool, i64)>,
    repeated: i64,
}

impl Store {
    /// What `/stats` needs about `guild_id` for the local days `first_day..=last_day`.
    pub async fn stats_aggregates(
        &self,
        guild_id: i64,
        first_day: NaiveDate,
        last_day: NaiveDate,
    ) -> Result<Aggregates, StoreError> {
        // Local hours are 'YYYY-MM-DDTHH' text, which sorts chronologically.
        let window = Window {
            guild_id,
            from: format!("{}T00", first_day.format("%Y-%m-%d")),
            until: format!("{}T99", last_day.format("%Y-%m-%d")),
        };
        self.stats_rows(&window).await?.into_aggregates()
    }

    async fn stats_rows(&self, window: &Window) -> Result<Rows, StoreError> {
        Ok(on_backend!(self, pool => Rows {
            cases: in_window!(sqlx::query_as(CASES_BY_DAY), window).fetch_all(pool).await?,
            actions: in_window!(sqlx::query_as(ACTIONS), window).fetch_all(pool).await?,
            durations: in_window!(sqlx::query_scalar(FIRST_ACTION_SECONDS), window)
                .fetch_all(pool)
                .await?,
            help_cards: in_window!(sqlx::query_as(HELP_CARDS), window).fetch_all(pool).await?,
            repeated: in_window!(sqlx::query_scalar(REPEATED), window).fetch_one(pool).await?,
        }))
    }
}

impl Rows {
    fn into_aggregates(self) -> Result<Aggregates, StoreError> {
        let mut aggregates = Aggregates {
            first_action_seconds: self.durations,
            members_reported_more_than_once: self.repeated.count(),
            ..Aggregates::default()
        };
        for (day, reason, count) in self.cases {
            let day = parse_column::<NaiveDate>("stats_events", "occurred_hour", &day)?;
            let reason = parse_column::<Reason>("stats_events", "reason", &reason)?;
            aggregates.cases_by_day.push((day, reason, count.count()));
        }
        add_actions(&mut aggregates, self.actions)?;
        for (delivered, count) in self.help_cards {
            if delivered {
                aggregates.help_cards_delivered += count.count();
            } else {
                aggregates.help_cards_not_delivered += count.count();
            }
        }
        Ok(aggregates)
    }
}

/// Files each `(kind, action, count)` row under protective or moderator actions.
fn add_actions(
    aggregates: &mut Aggregates,
    actions: Vec<(String, String, i64)>,
) -> Result<(), StoreError> {
    for (kind, action, count) in actions {
        let code = Code::new(&action).map_err(|error| StoreError::CorruptRow {
            table: "stats_events",
            column: "action".to_owned(),
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
