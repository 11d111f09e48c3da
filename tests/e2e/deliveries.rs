//! What a report must cause survives Discord's errors: the help card's DM and the queue post
//! are deliveries, retried with backoff until the fault clears, and a refusal is not retried.

use std::time::Duration;

use safe_button::domain::case::HelpCardDelivery;

use crate::support::app::{TestApp, WAIT, spawn_app, spawn_app_with_queue};
use crate::support::fake_discord::{Method, RecordedRequest, Scripted, ids};
use crate::support::queue::queue_posts_path;
use crate::support::reports::{Filed, report, settled_answer};

/// Requests to `pattern` once `count` of them arrived.
async fn attempts(
    app: &TestApp,
    method: Method,
    pattern: &str,
    count: usize,
) -> Vec<RecordedRequest> {
    app.fake
        .wait_for_requests(method, pattern, count, WAIT)
        .await
}

/// How long after the last failed attempt the delivery went out (for the figures).
fn delivered_after(attempts: &[RecordedRequest]) -> Duration {
    let [.., failed, delivered] = attempts else {
        panic!("at least one failure and the delivery: {attempts:?}");
    };
    delivered.received_at - failed.received_at
}

async fn card_outcome(app: &TestApp, filed: &Filed) -> HelpCardDelivery {
    app.settle_deliveries().await;
    let reports = app.store.reports_of_case(filed.case.id).await.unwrap();
    reports[0].help_card
}

/// The victim's DMs: the help card and nothing else, once.
fn assert_one_card_dm(app: &TestApp, victim: u64) {
    let channel = app.fake.dm_channel_of(victim).expect("a DM channel");
    let path = format!("/channels/{channel}/messages");
    let cards = app.fake.requests_matching(Method::POST, &path);
    let delivered: Vec<_> = cards.iter().filter(|r| r.status == Some(200)).collect();
    assert_eq!(delivered.len(), 1, "one card: {cards:?}");
}

#[tokio::test]
async fn closed_dms_are_not_retried() {
    let app = spawn_app().await;
    app.fake.script(
        Method::POST,
        "/channels/*/messages",
        Scripted::cannot_send_to_user(),
        5,
    );
    let filed = report(&app, ids::ALICE, ids::BILAL).await;
    assert_eq!(card_outcome(&app, &filed).await, HelpCardDelivery::DmFailed);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let sends = app
        .fake
        .requests_matching(Method::POST, "/channels/*/messages");
    assert_eq!(sends.len(), 1, "a refusal is final: {sends:?}");
    assert_eq!(app.store.pending_deliveries().await.unwrap(), 0);
    app.assert_discord_traffic_valid();
}

/// Where a fault is scripted: the route, and whether the bot has a queue channel (without
/// one, the only messages created are DMs).
struct Target {
    route: &'static str,
    queue: bool,
}

const DM_CHANNEL: Target = Target {
    route: "/users/@me/channels",
    queue: false,
};
const DM_SEND: Target = Target {
    route: "/channels/*/messages",
    queue: false,
};

/// Every transient fault on every step a report causes: each is delivered once it clears.
#[tokio::test]
async fn every_transient_fault_on_every_delivery_step_is_waited_out() {
    let faults = || {
        [
            ("500", Scripted::ServerError, 3),
            (
                "429",
                Scripted::RateLimited {
                    retry_after: 0.3,
                    global: false,
                },
                2,
            ),
            (
                "40003",
                Scripted::error(403, 40003, "You are opening direct messages too fast"),
                2,
            ),
        ]
    };
    let queue_post = queue_posts_path();
    let targets = [
        (DM_CHANNEL.route.to_owned(), DM_CHANNEL.queue),
        (DM_SEND.route.to_owned(), DM_SEND.queue),
        (queue_post, true),
    ];
    let mut runs = tokio::task::JoinSet::new();
    for (route, queue) in targets {
        for (name, fault, times) in faults() {
            let route = route.clone();
            runs.spawn(async move {
                let app = if queue {
                    spawn_app_with_queue().await
                } else {
                    spawn_app().await
                };
                app.fake.script(Method::POST, &route, fault, times);
                let filed = report(&app, ids::ALICE, ids::BILAL).await;
                let tries = attempts(&app, Method::POST, &route, times + 1).await;
                let waited = delivered_after(&tries);
                assert_eq!(
                    card_outcome(&app, &filed).await,
                    HelpCardDelivery::DmSent,
                    "{name} on {route}"
                );
                // A failed first attempt gave the reporter the card; the DM then said so.
                let answer = settled_answer(&app, &filed.sent).await;
                let text = answer.body.unwrap()["content"].to_string();
                assert!(
                    text.contains("Nous t'avons envoyé"),
                    "{name} on {route}: {text}"
                );
                assert_one_card_dm(&app, ids::ALICE);
                if queue {
                    assert!(app.case(filed.case.id).await.queue_message_id.is_some());
                }
                app.assert_discord_traffic_valid();
                format!("{name} ×{times} on {route}: delivered {waited:?} after the fault cleared")
            });
        }
    }
    while let Some(run) = runs.join_next().await {
        eprintln!("{}", run.expect("a fault was waited out"));
    }
}
