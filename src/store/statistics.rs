//! The aggregates `/stats` publishes (SPEC §7), from `stats_events`: rows holding no Discord
//! ID and no free text. Reports write theirs with the case (`cases.rs`), protective and
//! moderator steps with the step (`moderation.rs`). A case's time to first moderator action
//! is the `duration_seconds` of `moderator_action` events.

use chrono::NaiveDate;

use super::{Store, StoreError, parse_column};
use crate::domain::reason::Reason;
use crate::domain::statistics::{Aggregates, Code};

impl Store {
    /// What `/stats` needs about `guild_id` for the local days `first_day..=last_day`.
    pub async fn stats_aggregates(
        &self,
        guild_id: i64,
        first_day: NaiveDate,
        last_day: NaiveDate,
    ) -> Result<Aggregates, StoreError> {
        // Local hours are 'YYYY-MM-DDTHH' text, which sorts chronologically.
        let from = format!("{}T00", first_day.format("%Y-%m-%d"));
        let until = format!("{}T99", last_day.format("%Y-%m-%d"));
        let (cases, actions, durations, help_cards, repeated) = on_backend!(self, pool => {
            let cases = sqlx::query_as::<_, (String, String, i64)>(
                "SELECT substr(occurred_hour, 1, 10), reason, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind = 'case_opened' AND reason IS NOT NULL
                 GROUP BY substr(occurred_hour, 1, 10), reason",
            )
            .bind(guild_id)
            .bind(from.as_str())
            .bind(until.as_str())
            .fetch_all(pool)
            .await?;
            let actions = sqlx::query_as::<_, (String, String, i64)>(
                "SELECT kind, action, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind IN ('protective_action', 'moderator_action') AND action IS NOT NULL
                 GROUP BY kind, action",
            )
            .bind(guild_id)
            .bind(from.as_str())
            .bind(until.as_str())
            .fetch_all(pool)
            .await?;
            let durations = sqlx::query_scalar::<_, i64>(
                "SELECT duration_seconds FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND kind = 'moderator_action' AND duration_seconds IS NOT NULL",
            )
            .bind(guild_id)
            .bind(from.as_str())
            .bind(until.as_str())
            .fetch_all(pool)
            .await?;
            let help_cards = sqlx::query_as::<_, (bool, i64)>(
                "SELECT help_card_delivered, COUNT(*) FROM stats_events
                 WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                   AND help_card_delivered IS NOT NULL
                 GROUP BY help_card_delivered",
            )
            .bind(guild_id)
            .bind(from.as_str())
            .bind(until.as_str())
            .fetch_all(pool)
            .await?;
            let repeated = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM (
                     SELECT reported_pseudonym FROM stats_events
                     WHERE guild_id = $1 AND occurred_hour >= $2 AND occurred_hour <= $3
                       AND kind IN ('case_opened', 'report_merged')
                       AND reported_pseudonym IS NOT NULL
                     GROUP BY reported_pseudonym
                     HAVING COUNT(*) >= 2
                 ) AS repeated",
            )
            .bind(guild_id)
            .bind(from.as_str())
            .bind(until.as_str())
            .fetch_one(pool)
            .await?;
            (cases, actions, durations, help_cards, repeated)
        });

        let mut aggregates = Aggregates {
            first_action_seconds: durations,
            members_reported_more_than_once: repeated.max(0) as u64,
            ..Aggregates::default()
        };
        for (day, reason, count) in cases {
            let day = parse_column::<NaiveDate>("stats_events", "occurred_hour", &day)?;
            let reason = parse_column::<Reason>("stats_events", "reason", &reason)?;
            aggregates
                .cases_by_day
                .push((day, reason, count.max(0) as u64));
        }
        for (kind, action, count) in actions {
            let code = Code::new(&action).map_err(|error| StoreError::CorruptRow {
                table: "stats_events",
                column: "action".to_owned(),
                detail: error.to_string(),
            })?;
            let count = count.max(0) as u64;
            if kind == "protective_action" {
                aggregates.protective_actions.push((code, count));
            } else {
                aggregates.moderator_actions.push((code, count));
            }
        }
        for (delivered, count) in help_cards {
            if delivered {
                aggregates.help_cards_delivered += count.max(0) as u64;
            } else {
                aggregates.help_cards_not_delivered += count.max(0) as u64;
            }
        }
        Ok(aggregates)
    }
}
