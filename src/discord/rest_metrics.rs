//! What the REST forwarder counts of Discord's answers: responses by route group and
//! status, Discord's error codes, the waits 429s impose, and how long interactions waited
//! for their acknowledgement. Paths are reduced to a route group, so no id or token ever
//! reaches a label.

use std::time::Duration;

use axum::http::StatusCode;

use crate::metrics::{self, Metrics};

/// Discord's epoch (2015-01-01), in Unix milliseconds: a snowflake's time is counted from it.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// The route group of a request path (`/api/v10/...`).
pub fn route_group(path: &str) -> &'static str {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .skip_while(|segment| *segment == "api" || segment.starts_with('v'))
        .collect();
    match segments.as_slice() {
        ["interactions", _, _, "callback", ..] => "interaction_callback",
        ["webhooks", ..] => "interaction_webhook",
        ["channels", _, "messages", ..] => "channel_messages",
        ["channels", ..] => "channels",
        ["users", "@me", "channels", ..] => "dm_channel",
        ["users", ..] => "users",
        ["guilds", _, "members", ..] => "guild_members",
        ["guilds", _, "bans", ..] => "guild_bans",
        ["guilds", ..] => "guilds",
        ["applications", ..] => "application_commands",
        ["gateway", ..] => "gateway",
        _ => "other",
    }
}

/// Counts a response relayed to serenity: its status, its JSON error code if it has one,
/// and, for an interaction's callback that went through, how long after the interaction's
/// creation it came.
pub fn record_response(metrics: &Metrics, path: &str, status: StatusCode, body: &[u8]) {
    let route = route_group(path);
    let status_label = metrics::status_label(status.as_u16());
    metrics.count(
        metrics::DISCORD_REQUESTS,
        &[("route", route), ("status", status_label)],
    );
    if status.is_client_error()
        && let Some(code) = error_code(body)
    {
        let code = metrics::error_code_label(code);
        metrics.count(metrics::DISCORD_ERRORS, &[("route", route), ("code", code)]);
    }
    if route == "interaction_callback"
        && status.is_success()
        && let Some(waited) = interaction_age(path)
    {
        metrics.observe(metrics::INTERACTION_ACK_SECONDS, &[], waited);
    }
}

/// Records a 429's wait before the request is tried again.
pub fn record_rate_limit(metrics: &Metrics, path: &str, wait: Duration) {
    let route = route_group(path);
    metrics.observe(
        metrics::DISCORD_RATE_LIMIT_WAIT_SECONDS,
        &[("route", route)],
        wait,
    );
}

fn error_code(body: &[u8]) -> Option<i64> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()?
        .get("code")?
        .as_i64()
}

/// How long ago the interaction of a callback path was created (its id is a snowflake).
fn interaction_age(path: &str) -> Option<Duration> {
    let id: u64 = path
        .split('/')
        .skip_while(|segment| *segment != "interactions")
        .nth(1)?
        .parse()
        .ok()?;
    let created_ms = (id >> 22) + DISCORD_EPOCH_MS;
    let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).ok()?;
    Some(Duration::from_millis(now_ms.saturating_sub(created_ms)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_groups_without_their_ids() {
        let groups = [
            (
                "/api/v10/interactions/123/secret.token/callback",
                "interaction_callback",
            ),
            (
                "/api/v10/webhooks/456/secret.token/messages/@original",
                "interaction_webhook",
            ),
            ("/api/v10/channels/789/messages", "channel_messages"),
            ("/api/v10/channels/789/messages/10", "channel_messages"),
            ("/api/v10/channels/789", "channels"),
            ("/api/v10/users/@me/channels", "dm_channel"),
            ("/api/v10/users/@me", "users"),
            ("/api/v10/guilds/1/members/2", "guild_members"),
            ("/api/v10/guilds/1/bans/2", "guild_bans"),
            ("/api/v10/guilds/1/roles", "guilds"),
            ("/api/v10/applications/5/commands", "application_commands"),
            ("/api/v10/gateway/bot", "gateway"),
            ("/somewhere", "other"),
        ];
        for (path, group) in groups {
            assert_eq!(route_group(path), group, "{path}");
        }
    }

    #[test]
    fn a_callbacks_wait_is_counted_from_its_interactions_snowflake() {
        let now_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap();
        let id = (now_ms - DISCORD_EPOCH_MS - 1500) << 22;
        let waited = interaction_age(&format!("/api/v10/interactions/{id}/t/callback")).unwrap();
        assert!(
            (Duration::from_millis(1500)..Duration::from_mins(1)).contains(&waited),
            "{waited:?}"
        );
        assert_eq!(interaction_age("/api/v10/interactions/x/t/callback"), None);
    }
}
