//! The hourly retention purge (SPEC §7). The queue posts of purged cases are redrawn (the
//! purge writes their deliveries): the evidence and free text removed from the database
//! must not live on in Discord.

use std::time::Duration;

use chrono::Utc;

use super::BotData;
use super::flows::CaseChanged;
use super::flows::publish::wake_deliveries;

/// How often the bot purges what expired (also once at start).
const PURGE_INTERVAL: Duration = Duration::from_hours(1);

pub async fn purge_every_hour(data: BotData) {
    let mut ticks = tokio::time::interval(PURGE_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let purged = data
            .store
            .purge_expired(
                &data.config.server_defaults,
                &data.vocabulary,
                Utc::now(),
                false,
            )
            .await;
        super::observe::purge_ended(&data.metrics, &purged);
        match purged {
            Ok(None) => tracing::debug!("another process is purging"),
            Ok(Some(report)) => {
                let changed = report.case_ids.into_iter().map(CaseChanged);
                wake_deliveries(&data, changed);
            }
            Err(error) => tracing::error!(%error, "retention purge failed; retrying in an hour"),
        }
    }
}
